/**
 * The organization trail: an `IsOrganizationTrail` multi-Region trail with management events and log
 * file validation, into a KMS-encrypted bucket whose policy admits CloudTrail for the management
 * account's and the organization's prefixes only for this trail (`aws:SourceArn`); cdk-nag clean and
 * accepted by CloudFormation's validator.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { addOrgTrail, type BreakGlassOrgTrailProps } from '../../src/constructs/org-trail.js';
import { validateTemplates } from '../../src/simulator/cfn-validate.js';

const ORG = 'o-a1b2c3d4e5';
const MANAGEMENT = '111111111111';

function synth(props: Partial<BreakGlassOrgTrailProps> = {}, account = MANAGEMENT) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'BreakGlass-Organization', { env: { account, region: 'eu-west-1' } });
  const trail = addOrgTrail(stack, { organizationId: ORG, ...props });
  return { stack, trail, template: Template.fromStack(stack) };
}

const TRAIL_ARN = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      `:cloudtrail:eu-west-1:${MANAGEMENT}:trail/BreakGlass-Organization-org-trail`,
    ],
  ],
};

describe('addOrgTrail', () => {
  it('creates one organization trail: multi-Region, management events, log file validation, KMS-encrypted', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'BreakGlass-Organization-org-trail',
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrgTrailKey'), 'Arn'] },
      S3BucketName: { Ref: Match.stringLikeRegexp('^OrgTrailBucket') },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
            BucketKeyEnabled: true,
          },
        ],
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('the bucket policy admits CloudTrail for the management account and the organization prefixes, for this trail only', () => {
    const { template } = synth();
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrgTrailBucket'), 'Arn'] };
    const put = (prefix: string) => ({
      Sid: prefix === ORG ? 'CloudTrailWriteOrganization' : 'CloudTrailWriteManagementAccount',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [bucketArn, `/AWSLogs/${prefix}/*`]] },
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudTrailAclCheck',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: bucketArn,
            Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
          },
          put(MANAGEMENT),
          put(ORG),
        ]),
      },
    });
    // CloudTrail checks the bucket policy when it creates the trail.
    const trail = Object.values(template.findResources('AWS::CloudTrail::Trail'))[0] as {
      DependsOn: string[];
    };
    expect(trail.DependsOn.some((d) => d.startsWith('OrgTrailBucketPolicy'))).toBe(true);
  });

  it('the key policy lets CloudTrail encrypt for trails of the management account, for this trail only', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudTrailEncryptLogs',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: {
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, `:cloudtrail:*:${MANAGEMENT}:trail/*`],
                  ],
                },
              },
              StringEquals: { 'aws:SourceArn': TRAIL_ARN },
            },
          }),
          Match.objectLike({ Sid: 'CloudTrailDescribeKey', Action: 'kms:DescribeKey' }),
        ]),
      },
    });
  });

  it('from a delegated administrator: the trail ARN stays the management account, and the stack says to register the CloudTrail delegated administrator', () => {
    const { stack, template } = synth({ managementAccount: MANAGEMENT }, '555555555555');
    const policy = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
    expect(policy).toContain(`:cloudtrail:eu-west-1:${MANAGEMENT}:trail/`);
    expect(policy).not.toContain(':cloudtrail:eu-west-1:555555555555:');
    Annotations.fromStack(stack).hasInfo(
      '*',
      Match.stringLikeRegexp('register 555555555555 as CloudTrail delegated administrator'),
    );
  });

  it("is cdk-nag AwsSolutions clean and accepted by CloudFormation's validator", () => {
    const { stack } = synth();
    const errors = Annotations.fromStack(stack).findError('*', Match.anyValue());
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions'));
    expect([...errors, ...warnings].map((m) => String(m.entry.data))).toEqual([]);
    const findings = validateTemplates([
      {
        name: stack.stackName,
        body: Template.fromStack(stack).toJSON(),
        account: MANAGEMENT,
        region: 'eu-west-1',
      },
    ]);
    expect(findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`)).toEqual([]);
  });

  it('rejects an organization id, management account or trail name that cannot work', () => {
    expect(() => synth({ organizationId: 'org-1' })).toThrow(
      /OrgTrail: organizationId: "org-1" is not an organization id; expected o- and 10 to 32/,
    );
    expect(() => synth({ managementAccount: '1111' })).toThrow(/managementAccount: "1111" is not a 12-digit/);
    expect(() => synth({ trailName: 'bad name' })).toThrow(/trailName: "bad name" is not a valid trail name/);
  });
});
