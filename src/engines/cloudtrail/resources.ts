/**
 * What a call acted on: CloudTrail's own `resources` list plus the request parameters that identify
 * a resource, per service, and the CloudTrail console link of an event.
 *
 * CloudTrail fills `resources` for a minority of events (mostly KMS, STS, data events):
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * so the request parameters below — the identifying members of each API's request — are read too.
 */
import type { CloudTrailRecord } from './record.js';

export interface ResourceRef {
  /** What it is (`bucket`, `object`, `user`, `trail`, …, or CloudTrail's `AWS::…` type). */
  readonly type: string;
  /** Name, id or ARN as the record has it (`s3://bucket/key` for an object). */
  readonly id: string;
}

/** `requestParameters` path (`a.b`, `list[].member`) → resource type, with the API reference it comes from. */
interface ServiceParams {
  readonly doc: string;
  readonly params: ReadonlyArray<readonly [path: string, type: string]>;
}

/**
 * The identifying request members per service (IAM service prefix). Paths follow CloudTrail's
 * camelCase rendering of each API's request shape.
 */
export const RESOURCE_PARAMS: Readonly<Record<string, ServiceParams>> = {
  s3: {
    doc: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html',
    params: [['bucketName', 'bucket']],
  },
  iam: {
    doc: 'https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html',
    params: [
      ['userName', 'user'],
      ['roleName', 'role'],
      ['groupName', 'group'],
      ['policyArn', 'policy'],
      ['policyName', 'inline policy'],
      ['instanceProfileName', 'instance profile'],
      ['accessKeyId', 'access key'],
      ['serialNumber', 'MFA device'],
      ['openIDConnectProviderArn', 'OIDC provider'],
      ['sAMLProviderArn', 'SAML provider'],
    ],
  },
  sts: {
    doc: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html',
    params: [
      ['roleArn', 'role'],
      ['name', 'federated user'],
    ],
  },
  cloudtrail: {
    doc: 'https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Operations.html',
    params: [
      ['name', 'trail'],
      ['trailName', 'trail'],
      ['eventDataStore', 'event data store'],
      ['channel', 'channel'],
    ],
  },
  kms: {
    doc: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_Operations.html',
    params: [
      ['keyId', 'key'],
      ['sourceKeyId', 'key'],
      ['destinationKeyId', 'key'],
      ['aliasName', 'alias'],
      ['targetKeyId', 'key'],
    ],
  },
  secretsmanager: {
    doc: 'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_Operations.html',
    params: [
      ['secretId', 'secret'],
      ['secretIdList[]', 'secret'],
      ['name', 'secret'],
    ],
  },
  ssm: {
    doc: 'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Operations.html',
    params: [
      ['name', 'parameter/document'],
      ['names[]', 'parameter'],
      ['path', 'parameter path'],
      ['documentName', 'document'],
      ['instanceIds[]', 'instance'],
      ['target', 'instance'],
      ['sessionId', 'session'],
    ],
  },
  ec2: {
    doc: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/OperationList-query.html',
    params: [
      ['instanceId', 'instance'],
      ['instancesSet.items[].instanceId', 'instance'],
      ['imageId', 'image'],
      ['snapshotId', 'snapshot'],
      ['volumeId', 'volume'],
      ['groupId', 'security group'],
      ['groupName', 'security group'],
      ['flowLogIds[]', 'flow log'],
      ['deleteFlowLogsRequest.flowLogId[]', 'flow log'],
      ['networkInterfaceId', 'network interface'],
      ['trafficMirrorTargetId', 'traffic mirror target'],
    ],
  },
  'ec2-instance-connect': {
    doc: 'https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_Operations.html',
    params: [
      ['instanceId', 'instance'],
      ['instanceOSUser', 'OS user'],
    ],
  },
  ebs: {
    doc: 'https://docs.aws.amazon.com/ebs/latest/APIReference/API_Operations.html',
    params: [['snapshotId', 'snapshot']],
  },
  lambda: {
    doc: 'https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html',
    params: [
      ['functionName', 'function'],
      ['layerName', 'layer'],
    ],
  },
  logs: {
    doc: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html',
    params: [
      ['logGroupName', 'log group'],
      ['logStreamName', 'log stream'],
      ['destination', 'export bucket'],
    ],
  },
  dynamodb: {
    doc: 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html',
    params: [
      ['tableName', 'table'],
      ['requestItems[].tableName', 'table'],
    ],
  },
  rds: {
    doc: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Operations.html',
    params: [
      ['dBInstanceIdentifier', 'DB instance'],
      ['dBClusterIdentifier', 'DB cluster'],
      ['dBSnapshotIdentifier', 'DB snapshot'],
      ['dBClusterSnapshotIdentifier', 'DB cluster snapshot'],
      ['sourceArn', 'export source'],
      ['s3BucketName', 'export bucket'],
    ],
  },
  events: {
    doc: 'https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html',
    params: [
      ['name', 'rule'],
      ['rule', 'rule'],
      ['eventBusName', 'event bus'],
    ],
  },
  sns: {
    doc: 'https://docs.aws.amazon.com/sns/latest/api/API_Operations.html',
    params: [
      ['topicArn', 'topic'],
      ['subscriptionArn', 'subscription'],
    ],
  },
  guardduty: {
    doc: 'https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Operations.html',
    params: [['detectorId', 'detector']],
  },
  config: {
    doc: 'https://docs.aws.amazon.com/config/latest/APIReference/API_Operations.html',
    params: [
      ['configurationRecorderName', 'configuration recorder'],
      ['deliveryChannelName', 'delivery channel'],
      ['configRuleName', 'config rule'],
    ],
  },
  organizations: {
    doc: 'https://docs.aws.amazon.com/organizations/latest/APIReference/API_Operations.html',
    params: [
      ['accountId', 'account'],
      ['policyId', 'policy'],
      ['targetId', 'target'],
    ],
  },
  rolesanywhere: {
    doc: 'https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_Operations.html',
    params: [
      ['name', 'trust anchor/profile'],
      ['trustAnchorId', 'trust anchor'],
      ['profileId', 'profile'],
    ],
  },
  route53resolver: {
    doc: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53_Resolver.html',
    params: [['resolverQueryLogConfigId', 'query log config']],
  },
  bedrock: {
    doc: 'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations.html',
    params: [['modelId', 'model']],
  },
  cloudformation: {
    doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Operations.html',
    params: [['stackName', 'stack']],
  },
  cloudwatch: {
    doc: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Operations.html',
    params: [['alarmNames[]', 'alarm']],
  },
};

/** Most resources kept per call (batch calls can name hundreds). */
export const MAX_RESOURCES_PER_CALL = 25;

function valuesAt(v: unknown, path: readonly string[]): string[] {
  if (path.length === 0) {
    if (typeof v === 'string' && v.length > 0) return [v];
    if (typeof v === 'number') return [String(v)];
    return [];
  }
  if (typeof v !== 'object' || v === null) return [];
  const [head, ...rest] = path as [string, ...string[]];
  const list = head.endsWith('[]');
  const child = (v as Record<string, unknown>)[list ? head.slice(0, -2) : head];
  if (!list) return valuesAt(child, rest);
  return Array.isArray(child) ? child.flatMap((x) => valuesAt(x, rest)) : [];
}

/** The resources a record names: CloudTrail `resources` first, then the identifying request parameters. */
export function resourcesOf(record: CloudTrailRecord, service: string): ResourceRef[] {
  const out: ResourceRef[] = [];
  const seen = new Set<string>();
  const add = (type: string, id: string) => {
    if (seen.has(id) || out.length >= MAX_RESOURCES_PER_CALL) return;
    seen.add(id);
    out.push({ type, id });
  };
  const res = Array.isArray(record.resources) ? record.resources : [];
  for (const r of res) {
    if (typeof r !== 'object' || r === null) continue;
    const arn = (r as Record<string, unknown>)['ARN'];
    const type = (r as Record<string, unknown>)['type'];
    if (typeof arn === 'string' && arn) add(typeof type === 'string' && type ? type : 'resource', arn);
  }
  const rp = record.requestParameters;
  if (typeof rp !== 'object' || rp === null) return out;
  if (service === 's3') {
    const bucket = valuesAt(rp, ['bucketName'])[0];
    const key = valuesAt(rp, ['key'])[0];
    if (bucket && key) add('object', `s3://${bucket}/${key}`);
    const source = valuesAt(rp, ['x-amz-copy-source'])[0];
    if (source) add('copy source', `s3://${source.replace(/^\//, '')}`);
  }
  for (const [path, type] of RESOURCE_PARAMS[service]?.params ?? [])
    for (const v of valuesAt(rp, path.split('.'))) add(type, v);
  return out;
}

/**
 * The event in the CloudTrail console's Event history (management events of the last 90 days only:
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-console.html).
 * Only for commercial-partition Regions; undefined without an event id.
 */
export function consoleUrlOf(eventId: string | undefined, region: string | undefined): string | undefined {
  if (!eventId || !region || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return undefined;
  if (/^(cn|us-gov|us-iso)/.test(region)) return undefined;
  if (!/^[\w-]+$/.test(eventId)) return undefined;
  return `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${eventId}`;
}
