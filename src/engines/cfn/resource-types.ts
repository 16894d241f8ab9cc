import { stableAlnum, stableUuid } from './names.js';
import { Unresolved, isUnresolved } from './unresolved.js';

/**
 * What `Ref` and `Fn::GetAtt` return for the resource types the break-glass stacks use, from each
 * type's "Return values" section in the CloudFormation User Guide
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html).
 *
 * | Type                                   | Ref                        | GetAtt                                 |
 * |----------------------------------------|----------------------------|----------------------------------------|
 * | AWS::IAM::Role                         | role name                  | Arn, RoleId (IAM-assigned: unresolved) |
 * | AWS::IAM::User                         | user name                  | Arn                                    |
 * | AWS::IAM::Group                        | group name                 | Arn                                    |
 * | AWS::IAM::ManagedPolicy                | policy ARN (!)             | PolicyArn                              |
 * | AWS::IAM::Policy                       | generated id               | Id                                     |
 * | AWS::IAM::InstanceProfile              | profile name               | Arn                                    |
 * | AWS::IAM::SAMLProvider / OIDCProvider  | provider ARN               | Arn                                    |
 * | AWS::Events::EventBus                  | bus name                   | Arn, Name                              |
 * | AWS::Events::Rule                      | name, or `bus|name` on a custom bus (!) | Arn                       |
 * | AWS::Events::Connection                | name                       | Arn (…/name/uuid), SecretArn           |
 * | AWS::Events::ApiDestination            | name                       | Arn (…/name/uuid)                      |
 * | AWS::Events::Archive                   | archive name               | Arn                                    |
 * | AWS::SNS::Topic                        | topic ARN (!)              | TopicArn, TopicName                    |
 * | AWS::SNS::Subscription                 | subscription ARN           | Arn                                    |
 * | AWS::SQS::Queue                        | queue URL (!)              | Arn, QueueName, QueueUrl               |
 * | AWS::Logs::LogGroup                    | log group name             | Arn (ends with `:*`) (!)               |
 * | AWS::Lambda::Function                  | function name              | Arn                                    |
 * | AWS::KMS::Key                          | key id (uuid)              | Arn, KeyId                             |
 * | AWS::KMS::Alias                        | alias name (`alias/…`)     | —                                      |
 * | AWS::CloudTrail::Trail                 | trail name                 | Arn, SnsTopicArn                       |
 * | AWS::S3::Bucket                        | bucket name                | Arn, DomainName, RegionalDomainName, … |
 * | AWS::SecretsManager::Secret            | secret ARN (…-XXXXXX) (!)  | Id                                     |
 * | AWS::CloudWatch::Alarm                 | alarm name                 | Arn                                    |
 * | AWS::SSM::Parameter                    | parameter name             | Type, Value                            |
 * | AWS::StepFunctions::StateMachine       | state machine ARN          | Arn, Name                              |
 * | AWS::Kinesis::Stream                   | stream name                | Arn                                    |
 * | AWS::Chatbot::SlackChannelConfiguration| configuration ARN          | Arn                                    |
 * | AWS::SSO::PermissionSet                | (not modelled)             | PermissionSetArn                       |
 * | *::…Policy, Lambda::Permission, …      | generated id               | —                                      |
 *
 * Anything IAM or the service generates (role ids, KMS key ids, connection uuids, secret suffixes)
 * is replaced by a deterministic stand-in derived from account/region/stack/logical id, so the
 * same template always yields the same ARNs.
 */

export interface Env {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly urlSuffix: string;
  readonly stackName: string;
}

export interface TypeInput {
  readonly env: Env;
  readonly logicalId: string;
  /** Physical name: the name property when set, else the CloudFormation-generated name. */
  readonly name: string | Unresolved;
  /** A resolved property value (undefined when absent). */
  prop(key: string): unknown;
  /** Path of the resource in the template, for Unresolved placeholders. */
  readonly path: string;
  /** Seed for deterministic ids. */
  readonly seed: string;
}

export interface Identity {
  readonly ref: unknown;
  readonly arn?: unknown;
  readonly attributes: Record<string, unknown>;
}

export interface TypeSpec {
  readonly doc: string;
  /** Property holding the physical name, if the type has one. */
  readonly nameProp?: string;
  /** Maximum length of a generated name. */
  readonly maxLength?: number;
  readonly lowercase?: boolean;
  /** Appended to a generated name (e.g. `.fifo`), counted in maxLength. */
  nameSuffix?(p: TypeInput): string;
  identity(p: TypeInput): Identity;
}

/** Joins string parts; the first Unresolved part (if any) is the result instead. */
export function join(...parts: unknown[]): string | Unresolved {
  for (const p of parts) if (isUnresolved(p)) return p;
  return parts.map(String).join('');
}

const doc = (slug: string) =>
  `https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-${slug}.html#aws-resource-${slug}-return-values`;

const arn = (p: TypeInput, service: string, region: string, account: string, ...resource: unknown[]) =>
  join(`arn:${p.env.partition}:${service}:${region}:${account}:`, ...resource);

const generatedId = (slug: string, nameProp?: string): TypeSpec => ({
  doc: doc(slug),
  ...(nameProp && { nameProp }),
  identity: (p) => ({ ref: p.name, attributes: { Id: p.name } }),
});

function iamPath(p: TypeInput): unknown {
  const path = p.prop('Path');
  return path === undefined ? '/' : path;
}

function lastSegment(v: unknown, marker: string): unknown {
  if (typeof v !== 'string') return v;
  const at = v.indexOf(marker);
  return at >= 0 && v.startsWith('arn:') ? v.slice(at + marker.length) : v;
}

export const RESOURCE_TYPES: Readonly<Record<string, TypeSpec>> = {
  'AWS::IAM::Role': {
    doc: doc('iam-role'),
    nameProp: 'RoleName',
    maxLength: 64,
    identity: (p) => {
      const a = arn(p, 'iam', '', p.env.account, 'role', iamPath(p), p.name);
      return {
        ref: p.name,
        arn: a,
        attributes: {
          Arn: a,
          RoleId: new Unresolved('role ids (AROA…) are assigned by IAM at creation', `${p.path}.RoleId`),
        },
      };
    },
  },
  'AWS::IAM::User': {
    doc: doc('iam-user'),
    nameProp: 'UserName',
    maxLength: 64,
    identity: (p) => {
      const a = arn(p, 'iam', '', p.env.account, 'user', iamPath(p), p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::IAM::Group': {
    doc: doc('iam-group'),
    nameProp: 'GroupName',
    maxLength: 128,
    identity: (p) => {
      const a = arn(p, 'iam', '', p.env.account, 'group', iamPath(p), p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::IAM::ManagedPolicy': {
    doc: doc('iam-managedpolicy'),
    nameProp: 'ManagedPolicyName',
    maxLength: 128,
    identity: (p) => {
      const a = arn(p, 'iam', '', p.env.account, 'policy', iamPath(p), p.name);
      return { ref: a, arn: a, attributes: { PolicyArn: a, PolicyName: p.name } };
    },
  },
  'AWS::IAM::Policy': generatedId('iam-policy'),
  'AWS::IAM::RolePolicy': generatedId('iam-rolepolicy'),
  'AWS::IAM::UserPolicy': generatedId('iam-userpolicy'),
  'AWS::IAM::InstanceProfile': {
    doc: doc('iam-instanceprofile'),
    nameProp: 'InstanceProfileName',
    maxLength: 128,
    identity: (p) => {
      const a = arn(p, 'iam', '', p.env.account, 'instance-profile', iamPath(p), p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::IAM::SAMLProvider': {
    doc: doc('iam-samlprovider'),
    nameProp: 'Name',
    maxLength: 128,
    identity: (p) => {
      const a = arn(p, 'iam', '', p.env.account, 'saml-provider/', p.name);
      return { ref: a, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::IAM::OIDCProvider': {
    doc: doc('iam-oidcprovider'),
    identity: (p) => {
      const url = p.prop('Url');
      const host = typeof url === 'string' ? url.replace(/^https:\/\//, '') : url;
      const a = arn(p, 'iam', '', p.env.account, 'oidc-provider/', host);
      return { ref: a, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::Events::EventBus': {
    doc: doc('events-eventbus'),
    nameProp: 'Name',
    maxLength: 256,
    identity: (p) => {
      const a = arn(p, 'events', p.env.region, p.env.account, 'event-bus/', p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a, Name: p.name } };
    },
  },
  'AWS::Events::Rule': {
    doc: doc('events-rule'),
    nameProp: 'Name',
    maxLength: 64,
    identity: (p) => {
      // EventBusName may be a name or an ARN; rules on the default bus have no bus segment.
      const rawBus = p.prop('EventBusName');
      const bus = lastSegment(rawBus, ':event-bus/');
      const onCustomBus = bus !== undefined && bus !== 'default';
      const a = onCustomBus
        ? arn(p, 'events', p.env.region, p.env.account, 'rule/', bus, '/', p.name)
        : arn(p, 'events', p.env.region, p.env.account, 'rule/', p.name);
      // Ref is `bus|name` for a rule on a custom bus.
      const ref = onCustomBus ? join(bus, '|', p.name) : p.name;
      return { ref, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::Events::Connection': {
    doc: doc('events-connection'),
    nameProp: 'Name',
    maxLength: 64,
    identity: (p) => {
      const uuid = stableUuid(`${p.seed}#connection`);
      const a = arn(p, 'events', p.env.region, p.env.account, 'connection/', p.name, '/', uuid);
      const secret = arn(
        p,
        'secretsmanager',
        p.env.region,
        p.env.account,
        'secret:events!connection/',
        p.name,
        '/',
        uuid,
        '-',
        stableAlnum(`${p.seed}#secret`, 6),
      );
      return { ref: p.name, arn: a, attributes: { Arn: a, SecretArn: secret } };
    },
  },
  'AWS::Events::ApiDestination': {
    doc: doc('events-apidestination'),
    nameProp: 'Name',
    maxLength: 64,
    identity: (p) => {
      const uuid = stableUuid(`${p.seed}#api-destination`);
      const a = arn(p, 'events', p.env.region, p.env.account, 'api-destination/', p.name, '/', uuid);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::Events::Archive': {
    doc: doc('events-archive'),
    nameProp: 'ArchiveName',
    maxLength: 48,
    identity: (p) => {
      const a = arn(p, 'events', p.env.region, p.env.account, 'archive/', p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::Events::EventBusPolicy': generatedId('events-eventbuspolicy'),
  'AWS::SNS::Topic': {
    doc: doc('sns-topic'),
    nameProp: 'TopicName',
    maxLength: 256,
    nameSuffix: (p) => (isTrue(p.prop('FifoTopic')) ? '.fifo' : ''),
    identity: (p) => {
      const a = arn(p, 'sns', p.env.region, p.env.account, p.name);
      return { ref: a, arn: a, attributes: { TopicArn: a, TopicName: p.name } };
    },
  },
  'AWS::SNS::Subscription': {
    doc: doc('sns-subscription'),
    identity: (p) => {
      const a = join(p.prop('TopicArn'), ':', stableUuid(`${p.seed}#subscription`));
      return { ref: a, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::SNS::TopicPolicy': generatedId('sns-topicpolicy'),
  'AWS::SNS::TopicInlinePolicy': generatedId('sns-topicinlinepolicy'),
  'AWS::SQS::Queue': {
    doc: doc('sqs-queue'),
    nameProp: 'QueueName',
    maxLength: 80,
    nameSuffix: (p) => (isTrue(p.prop('FifoQueue')) ? '.fifo' : ''),
    identity: (p) => {
      const a = arn(p, 'sqs', p.env.region, p.env.account, p.name);
      const url = join(`https://sqs.${p.env.region}.${p.env.urlSuffix}/${p.env.account}/`, p.name);
      return { ref: url, arn: a, attributes: { Arn: a, QueueName: p.name, QueueUrl: url } };
    },
  },
  'AWS::SQS::QueuePolicy': generatedId('sqs-queuepolicy'),
  'AWS::SQS::QueueInlinePolicy': generatedId('sqs-queueinlinepolicy'),
  'AWS::Logs::LogGroup': {
    doc: doc('logs-loggroup'),
    nameProp: 'LogGroupName',
    maxLength: 512,
    identity: (p) => {
      // GetAtt Arn of a log group ends with `:*`; the ARN proper does not.
      const a = arn(p, 'logs', p.env.region, p.env.account, 'log-group:', p.name);
      return { ref: p.name, arn: a, attributes: { Arn: join(a, ':*') } };
    },
  },
  'AWS::Logs::LogStream': generatedId('logs-logstream', 'LogStreamName'),
  'AWS::Logs::SubscriptionFilter': generatedId('logs-subscriptionfilter', 'FilterName'),
  'AWS::Logs::MetricFilter': generatedId('logs-metricfilter', 'FilterName'),
  'AWS::Logs::ResourcePolicy': generatedId('logs-resourcepolicy', 'PolicyName'),
  'AWS::Lambda::Function': {
    doc: doc('lambda-function'),
    nameProp: 'FunctionName',
    maxLength: 64,
    identity: (p) => {
      const a = arn(p, 'lambda', p.env.region, p.env.account, 'function:', p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::Lambda::Permission': generatedId('lambda-permission'),
  'AWS::KMS::Key': {
    doc: doc('kms-key'),
    identity: (p) => {
      const keyId = stableUuid(`${p.seed}#kms`);
      const a = arn(p, 'kms', p.env.region, p.env.account, 'key/', keyId);
      return { ref: keyId, arn: a, attributes: { Arn: a, KeyId: keyId } };
    },
  },
  'AWS::KMS::Alias': {
    doc: doc('kms-alias'),
    nameProp: 'AliasName',
    identity: (p) => ({
      ref: p.name,
      arn: arn(p, 'kms', p.env.region, p.env.account, p.name),
      attributes: {},
    }),
  },
  'AWS::CloudTrail::Trail': {
    doc: doc('cloudtrail-trail'),
    nameProp: 'TrailName',
    maxLength: 128,
    identity: (p) => {
      const a = arn(p, 'cloudtrail', p.env.region, p.env.account, 'trail/', p.name);
      const topic = p.prop('SnsTopicName');
      const attributes: Record<string, unknown> = { Arn: a };
      if (topic !== undefined)
        attributes['SnsTopicArn'] =
          typeof topic === 'string' && topic.startsWith('arn:')
            ? topic
            : arn(p, 'sns', p.env.region, p.env.account, topic);
      return { ref: p.name, arn: a, attributes };
    },
  },
  'AWS::S3::Bucket': {
    doc: doc('s3-bucket'),
    nameProp: 'BucketName',
    maxLength: 63,
    lowercase: true,
    identity: (p) => {
      const a = arn(p, 's3', '', '', p.name);
      const r = p.env.region;
      const s = p.env.urlSuffix;
      return {
        ref: p.name,
        arn: a,
        attributes: {
          Arn: a,
          DomainName: join(p.name, `.s3.${s}`),
          RegionalDomainName: join(p.name, `.s3.${r}.${s}`),
          DualStackDomainName: join(p.name, `.s3.dualstack.${r}.${s}`),
          WebsiteURL: join('http://', p.name, `.s3-website-${r}.${s}`),
        },
      };
    },
  },
  'AWS::S3::BucketPolicy': generatedId('s3-bucketpolicy'),
  'AWS::SecretsManager::Secret': {
    doc: doc('secretsmanager-secret'),
    nameProp: 'Name',
    maxLength: 256,
    identity: (p) => {
      // Secrets Manager appends a dash and six random characters to the name in the ARN.
      const a = arn(
        p,
        'secretsmanager',
        p.env.region,
        p.env.account,
        'secret:',
        p.name,
        '-',
        stableAlnum(`${p.seed}#secret`, 6),
      );
      return { ref: a, arn: a, attributes: { Id: a } };
    },
  },
  'AWS::CloudWatch::Alarm': {
    doc: doc('cloudwatch-alarm'),
    nameProp: 'AlarmName',
    maxLength: 255,
    identity: (p) => {
      const a = arn(p, 'cloudwatch', p.env.region, p.env.account, 'alarm:', p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::SSM::Parameter': {
    doc: doc('ssm-parameter'),
    nameProp: 'Name',
    maxLength: 2048,
    identity: (p) => {
      const n = p.name;
      const a = arn(
        p,
        'ssm',
        p.env.region,
        p.env.account,
        'parameter',
        typeof n === 'string' && n.startsWith('/') ? '' : '/',
        n,
      );
      return { ref: n, arn: a, attributes: { Type: p.prop('Type'), Value: p.prop('Value') } };
    },
  },
  'AWS::StepFunctions::StateMachine': {
    doc: doc('stepfunctions-statemachine'),
    nameProp: 'StateMachineName',
    maxLength: 80,
    identity: (p) => {
      const a = arn(p, 'states', p.env.region, p.env.account, 'stateMachine:', p.name);
      return { ref: a, arn: a, attributes: { Arn: a, Name: p.name } };
    },
  },
  'AWS::Kinesis::Stream': {
    doc: doc('kinesis-stream'),
    nameProp: 'Name',
    maxLength: 128,
    identity: (p) => {
      const a = arn(p, 'kinesis', p.env.region, p.env.account, 'stream/', p.name);
      return { ref: p.name, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::Chatbot::SlackChannelConfiguration': {
    doc: doc('chatbot-slackchannelconfiguration'),
    nameProp: 'ConfigurationName',
    maxLength: 128,
    identity: (p) => {
      const a = arn(p, 'chatbot', '', p.env.account, 'chat-configuration/slack-channel/', p.name);
      return { ref: a, arn: a, attributes: { Arn: a } };
    },
  },
  'AWS::SSO::PermissionSet': {
    doc: doc('sso-permissionset'),
    // GetAtt PermissionSetArn: arn:<partition>:sso:::permissionSet/<instance id>/ps-<16 characters>.
    identity: (p) => {
      const instance = lastSegment(p.prop('InstanceArn'), ':instance/');
      const a = join(
        `arn:${p.env.partition}:sso:::permissionSet/`,
        instance,
        `/ps-${stableAlnum(p.seed, 16).toLowerCase()}`,
      );
      const ref = new Unresolved(
        'the Ref of a permission set is not modelled; use GetAtt PermissionSetArn',
        p.path,
      );
      return { ref, arn: a, attributes: { PermissionSetArn: a } };
    },
  },
  'AWS::CDK::Metadata': {
    doc: 'https://docs.aws.amazon.com/cdk/v2/guide/cli.html#version-reporting',
    identity: (p) => ({ ref: p.name, attributes: {} }),
  },
};

function isTrue(v: unknown): boolean {
  return v === true || v === 'true';
}
