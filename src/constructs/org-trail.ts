/**
 * The organization trail (`organization.orgTrail`): one multi-Region CloudTrail trail with
 * `IsOrganizationTrail`, created in the stack that holds the StackSet (management account, or a
 * CloudTrail delegated administrator), logging management events of every account of the
 * organization into a KMS-encrypted bucket of that account.
 *
 * AWS semantics this encodes:
 * - only the management account or a CloudTrail delegated administrator can create an organization
 *   trail; the trail is owned by the management account either way
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html,
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-delegated-administrator.html);
 * - the bucket policy lets `cloudtrail.amazonaws.com` read the bucket ACL and write
 *   `AWSLogs/<management account>/*` (the trail as a one-account trail) and `AWSLogs/<org id>/*` (every
 *   member), each with `aws:SourceArn` = the trail's ARN in the management account
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-an-organizational-trail-by-using-the-aws-cli.html#org-trail-bucket-policy);
 * - the key policy lets CloudTrail generate data keys for trails of the management account
 *   (`kms:EncryptionContext:aws:cloudtrail:arn`) and describe the key, again with `aws:SourceArn`
 *   (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html).
 *
 * The trail needs a name known before it exists: the bucket policy names its ARN, and CloudTrail
 * checks that policy when the trail is created (so the trail depends on the policy, not the reverse).
 */
import { Annotations, Aws, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BreakGlassValidationError } from './errors.js';
import { trailBucket } from './private/trail-bucket.js';

/** Properties of {@link BreakGlassOrgTrail}. */
export interface BreakGlassOrgTrailProps {
  /** The organization id (`o-…`). */
  readonly organizationId: string;
  /**
   * The organization's management account (owner of the trail, whatever account creates it).
   * @default - the stack's account
   */
  readonly managementAccount?: string;
  /**
   * Name of the trail.
   * @default `<stackName>-org-trail`
   */
  readonly trailName?: string;
}

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;

/**
 * An organization trail (see the module comment): create it in the stack of the management account or
 * of a CloudTrail delegated administrator.
 */
export class BreakGlassOrgTrail extends Construct {
  /** The trail. */
  readonly trail: cloudtrail.CfnTrail;
  /** The bucket the trail delivers to (retained when the stack is deleted). */
  readonly bucket: s3.Bucket;
  /** The key the log files are encrypted with (retained when the stack is deleted). */
  readonly key: kms.Key;
  /** The trail's ARN (in the management account), as the bucket and key policies name it. */
  readonly trailArn: string;

  constructor(scope: Construct, id: string, props: BreakGlassOrgTrailProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const path = this.node.path;
    const orgId = props.organizationId;
    if (!Token.isUnresolved(orgId) && !ORG_ID.test(orgId))
      throw new BreakGlassValidationError(
        path,
        'organizationId',
        `${JSON.stringify(orgId)} is not an organization id; expected o- and 10 to 32 lowercase letters or digits (aws organizations describe-organization)`,
      );
    const management = props.managementAccount ?? stack.account;
    if (props.managementAccount !== undefined && !ACCOUNT.test(props.managementAccount))
      throw new BreakGlassValidationError(
        path,
        'managementAccount',
        `${JSON.stringify(props.managementAccount)} is not a 12-digit account id`,
      );
    const trailName = props.trailName ?? `${stack.stackName}-org-trail`;
    if (!Token.isUnresolved(trailName) && !TRAIL_NAME.test(trailName))
      throw new BreakGlassValidationError(
        path,
        'trailName',
        `${JSON.stringify(trailName)} is not a valid trail name; use 3 to 128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit`,
      );
    if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(management) && stack.account !== management)
      Annotations.of(this).addInfo(
        `The organization trail is created from ${stack.account}, not the management account ${management}: register ${stack.account} as CloudTrail delegated administrator first (aws cloudtrail register-organization-delegated-admin --member-account-id ${stack.account}, from the management account).`,
      );

    const trailArn = `arn:${Aws.PARTITION}:cloudtrail:${stack.region}:${management}:trail/${trailName}`;
    const sourceArn = { 'aws:SourceArn': trailArn };
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');

    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the organization trail ${trailName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptLogs',
        principals: [cloudTrail],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${Aws.PARTITION}:cloudtrail:*:${management}:trail/*`,
          },
          StringEquals: sourceArn,
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [cloudTrail],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: sourceArn },
      }),
    );

    const bucket = trailBucket(this, 'Bucket', 'organization trail', key);
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailAclCheck',
        principals: [cloudTrail],
        actions: ['s3:GetBucketAcl'],
        resources: [bucket.bucketArn],
        conditions: { StringEquals: sourceArn },
      }),
    );
    for (const [sid, prefix] of [
      ['CloudTrailWriteManagementAccount', management],
      ['CloudTrailWriteOrganization', orgId],
    ] as const) {
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          principals: [cloudTrail],
          actions: ['s3:PutObject'],
          resources: [bucket.arnForObjects(`AWSLogs/${prefix}/*`)],
          conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...sourceArn } },
        }),
      );
    }

    const trail = new cloudtrail.CfnTrail(this, 'Resource', {
      trailName,
      isLogging: true,
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      s3BucketName: bucket.bucketName,
      kmsKeyId: key.keyArn,
      eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true }],
    });
    if (bucket.policy) trail.node.addDependency(bucket.policy);
    trail.node.addDependency(key);
    this.trail = trail;
    this.bucket = bucket;
    this.key = key;
    this.trailArn = trailArn;
  }
}

/**
 * Adds the organization trail to `scope` (the stack deployed in the management account or a
 * CloudTrail delegated administrator) under the id `OrgTrail`.
 */
export function addOrgTrail(scope: Construct, props: BreakGlassOrgTrailProps): BreakGlassOrgTrail {
  return new BreakGlassOrgTrail(scope, 'OrgTrail', props);
}
