/**
 * A fake AWS account for the doctor tests: every SDK client doctor uses is replaced with
 * aws-sdk-client-mock, and the answers are built from the synthesized templates as CloudFormation
 * would have deployed them — with physical ids that differ from the offline resolver's stand-ins,
 * so the comparison has to map them. Tests break one thing at a time through `state`.
 */
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { MetadataBearer } from '@smithy/types';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { resolveStacks, type ResolvedResource } from '../../src/engines/cfn/index.js';
import { loadCloudAssembly } from '../../src/simulator/index.js';
import { awsError } from './access-helpers.js';

export const ACCOUNT = '111122223333';

type Json = Record<string, unknown>;

/** What CloudFormation would have called each resource: different from the resolver's stand-ins. */
function deployedId(stackName: string, region: string, r: ResolvedResource, n: number): string | undefined {
  const tag = `${stackName}-${r.logicalId.slice(0, 12)}-DEPLOYED${n}`;
  switch (r.type) {
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${ACCOUNT}:${tag}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${region}.amazonaws.com/${ACCOUNT}/${tag}`;
    case 'AWS::KMS::Key':
      return `0000abcd-0000-4000-8000-${String(n).padStart(12, '0')}`;
    case 'AWS::Events::Rule': {
      const ref = typeof r.ref === 'string' ? r.ref : '';
      const named = r.properties['Name'] !== undefined;
      const bus = ref.includes('|') ? ref.slice(0, ref.indexOf('|') + 1) : '';
      return named ? ref : `${bus}${tag}`.slice(0, 64 + bus.length);
    }
    case 'AWS::CloudWatch::Alarm':
      return r.properties['AlarmName'] !== undefined ? String(r.properties['AlarmName']) : tag;
    case 'AWS::Logs::LogGroup':
      return r.properties['LogGroupName'] !== undefined
        ? String(r.properties['LogGroupName'])
        : `/deployed/${tag}`;
    default:
      return typeof r.ref === 'string' ? r.ref : tag;
  }
}

export interface FakeState {
  regions: Record<string, string>;
  bootstrapVersion: string | undefined;
  missingSecrets: Set<string>;
  trustQuota: number;
  trailLogging: boolean;
  missingStacks: Set<string>;
  /** Rule name → changes to its deployed description. */
  ruleEdits: Map<string, (r: { State: string; EventPattern: Json; Targets: Json[] }) => void>;
  topicPolicyEdit?: (p: Json) => void;
  busPolicyEdit?: (p: Json) => void;
  /** The topics' encryption was removed after deployment. */
  topicKeyRemoved?: boolean;
  keyState: string;
  subscription: (
    endpoint: string,
  ) => { arn?: string; pending?: boolean; authenticated?: boolean } | undefined;
  alarmState: (name: string) => { state: string; actionsEnabled: boolean };
  queueDepth: number;
  lastDrillAgoMs: number | undefined;
  /** Command name → error to throw. */
  refuse: Map<string, Error>;
  /** --drill: what STS says to the drill role's AssumeRole on the break-glass role. */
  drillOutcome: 'denied' | 'allowed';
  /** --drill: the attempt shows up in the drill log group on this poll (undefined: never). */
  drillArrivesOnPoll: number | undefined;
}

export function healthyState(): FakeState {
  return {
    regions: { 'eu-west-1': 'ENABLED_BY_DEFAULT', 'us-east-1': 'ENABLED_BY_DEFAULT' },
    bootstrapVersion: '21',
    missingSecrets: new Set(),
    trustQuota: 2048,
    trailLogging: true,
    missingStacks: new Set(),
    ruleEdits: new Map(),
    keyState: 'Enabled',
    subscription: () => ({ authenticated: true }),
    alarmState: () => ({ state: 'OK', actionsEnabled: true }),
    queueDepth: 0,
    lastDrillAgoMs: 60 * 60 * 1000,
    refuse: new Map(),
    drillOutcome: 'denied',
    drillArrivesOnPoll: 2,
  };
}

/** Replaces stand-ins by deployed ids everywhere in a value; an unresolved value becomes a deployed-looking string. */
function deployedValue(v: unknown, pairs: readonly [string, string][]): unknown {
  const text = JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && 'unresolved' in x ? 'value-known-only-after-deployment' : x,
  );
  let out = text ?? 'null';
  for (const [from, to] of pairs) out = out.split(from).join(to);
  return JSON.parse(out) as unknown;
}

export interface Fake {
  readonly state: FakeState;
  readonly mocks: AwsStub<object, MetadataBearer, unknown>[];
  /** Role ARNs AssumeRole was called on (--drill), in order. */
  assumed(): string[];
  /** Names of every command sent, in order. */
  sent(): string[];
  restore(): void;
}

export function fakeAccount(app: string, state: FakeState = healthyState()): Fake {
  const NOW = Date.now();
  const stacks = loadCloudAssembly(app);
  const resolved = resolveStacks(
    stacks.map((s) => ({
      template: s.template,
      context: { stackName: s.stackName, account: s.account, region: s.region },
    })),
  );
  let n = 0;
  const deployed = new Map<
    string,
    { logicalId: string; physicalId: string; type: string; r: ResolvedResource; region: string }[]
  >();
  const pairs: [string, string][] = [];
  stacks.forEach((s, i) => {
    const list = [...(resolved[i]?.resources.values() ?? [])].map((r) => {
      const physicalId = deployedId(s.stackName, s.region, r, ++n) ?? r.logicalId;
      if (typeof r.ref === 'string' && r.ref !== physicalId) pairs.push([r.ref, physicalId]);
      const last = physicalId.split(/[/:|]/).pop() ?? physicalId;
      if (typeof r.physicalName === 'string' && r.physicalName !== last && r.physicalName.length >= 8)
        pairs.push([r.physicalName, last]);
      return { logicalId: r.logicalId, physicalId, type: r.type, r, region: s.region };
    });
    deployed.set(s.stackName, list);
  });
  pairs.sort((a, b) => b[0].length - a[0].length);
  const all = [...deployed.values()].flat();
  const find = (type: string, physicalId: string) =>
    all.find((d) => d.type === type && d.physicalId === physicalId);

  const mocks: AwsStub<object, MetadataBearer, unknown>[] = [];
  const mock = <C>(c: C) => {
    const m = mockClient(c as never) as unknown as AwsStub<object, MetadataBearer, unknown>;
    mocks.push(m);
    return m;
  };
  const guard = (name: string) => {
    const e = state.refuse.get(name);
    if (e) throw e;
  };

  const drill: { session?: string; at?: number; polls: number; assumed: string[] } = {
    polls: 0,
    assumed: [],
  };
  const sts = mock(STSClient);
  sts.on(AssumeRoleCommand).callsFake((i: { RoleArn: string; RoleSessionName: string }) => {
    guard('AssumeRoleCommand');
    drill.assumed.push(i.RoleArn);
    // The break-glass role of the fixture is named BreakGlass; any other role is the drill role.
    if (i.RoleArn.endsWith(':role/BreakGlass')) {
      drill.session = i.RoleSessionName;
      drill.at = Date.now();
      if (state.drillOutcome === 'denied')
        throw awsError(
          'AccessDenied',
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/DrillRole/${i.RoleSessionName} is not authorized to perform: sts:AssumeRole on resource: ${i.RoleArn}`,
        );
    }
    return {
      Credentials: {
        AccessKeyId: 'ASIADRILL',
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 900_000),
      },
      AssumedRoleUser: {
        Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/x/${i.RoleSessionName}`,
        AssumedRoleId: 'AROA:x',
      },
    };
  });
  sts
    .on(GetCallerIdentityCommand)
    .callsFake(
      () => (
        guard('GetCallerIdentityCommand'),
        { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ops`, UserId: 'AIDA' }
      ),
    );
  mock(AccountClient)
    .on(ListRegionsCommand)
    .callsFake(() => {
      guard('ListRegionsCommand');
      return {
        Regions: Object.entries(state.regions).map(([RegionName, RegionOptStatus]) => ({
          RegionName,
          RegionOptStatus,
        })),
      };
    });
  mock(SSMClient)
    .on(GetParameterCommand)
    .callsFake((i: { Name: string }) => {
      guard('GetParameterCommand');
      if (state.bootstrapVersion === undefined) throw awsError('ParameterNotFound', 'not found');
      return { Parameter: { Name: i.Name, Value: state.bootstrapVersion } };
    });
  mock(SecretsManagerClient)
    .on(DescribeSecretCommand)
    .callsFake((i: { SecretId: string }) => {
      guard('DescribeSecretCommand');
      if (state.missingSecrets.has(i.SecretId))
        throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return {
        Name: i.SecretId,
        ARN: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:${i.SecretId}-AbCdEf`,
      };
    });
  mock(IAMClient)
    .on(GetAccountSummaryCommand)
    .callsFake(
      () => (
        guard('GetAccountSummaryCommand'),
        { SummaryMap: { AssumeRolePolicySizeQuota: state.trustQuota, Roles: 10 } }
      ),
    );
  const trailArn = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/BreakGlass-Trail-DEPLOYED`;
  const ct = mock(CloudTrailClient);
  ct.on(DescribeTrailsCommand).callsFake(
    () => (
      guard('DescribeTrailsCommand'),
      {
        trailList: [
          { Name: 'BreakGlass-Trail', TrailARN: trailArn, HomeRegion: 'eu-west-1', IsMultiRegionTrail: true },
        ],
      }
    ),
  );
  ct.on(GetTrailStatusCommand).callsFake(() => ({ IsLogging: state.trailLogging }));
  ct.on(GetEventSelectorsCommand).resolves({
    EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
  });
  const cfn = mock(CloudFormationClient);
  cfn.on(DescribeStacksCommand).callsFake((i: { StackName: string }) => {
    guard('DescribeStacksCommand');
    if (state.missingStacks.has(i.StackName) || !deployed.has(i.StackName))
      throw awsError('ValidationError', `Stack with id ${i.StackName} does not exist`);
    return {
      Stacks: [{ StackName: i.StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(NOW) }],
    };
  });
  cfn.on(DescribeStackResourcesCommand).callsFake((i: { StackName: string }) => ({
    StackResources: (deployed.get(i.StackName) ?? []).map((d) => ({
      LogicalResourceId: d.logicalId,
      PhysicalResourceId: d.physicalId,
      ResourceType: d.type,
      ResourceStatus: 'CREATE_COMPLETE',
      Timestamp: new Date(NOW),
    })),
  }));
  const ruleView = (name: string, bus: string | undefined) => {
    const d =
      find('AWS::Events::Rule', bus && bus !== 'default' ? `${bus}|${name}` : name) ??
      find('AWS::Events::Rule', name);
    if (!d) throw awsError('ResourceNotFoundException', `Rule ${name} does not exist.`);
    const p = deployedValue(d.r.properties, pairs) as Json;
    const view = {
      State: String(p['State'] ?? 'ENABLED'),
      EventPattern: (p['EventPattern'] ?? {}) as Json,
      Targets: ((p['Targets'] ?? []) as Json[]).map((t) => ({ ...t })),
    };
    state.ruleEdits.get(name)?.(view);
    return view;
  };
  const ev = mock(EventBridgeClient);
  ev.on(DescribeRuleCommand).callsFake((i: { Name: string; EventBusName?: string }) => {
    guard('DescribeRuleCommand');
    const v = ruleView(i.Name, i.EventBusName);
    return { Name: i.Name, State: v.State, EventPattern: JSON.stringify(v.EventPattern) };
  });
  ev.on(ListTargetsByRuleCommand).callsFake((i: { Rule: string; EventBusName?: string }) => ({
    Targets: ruleView(i.Rule, i.EventBusName).Targets,
  }));
  ev.on(DescribeEventBusCommand).callsFake((i: { Name: string }) => {
    const statements = all
      .filter((d) => d.type === 'AWS::Events::EventBusPolicy')
      .filter((d) => String(deployedValue(d.r.properties['EventBusName'], pairs)) === i.Name)
      .map((d) => ({
        ...(deployedValue(d.r.properties['Statement'], pairs) as Json),
        Sid: d.r.properties['StatementId'],
      }));
    const policy: Json = { Version: '2012-10-17', Statement: statements };
    state.busPolicyEdit?.(policy);
    return { Name: i.Name, Policy: JSON.stringify(policy) };
  });
  const sns = mock(SNSClient);
  sns.on(GetTopicAttributesCommand).callsFake((i: { TopicArn: string }) => {
    const pol = all.find(
      (d) =>
        d.type === 'AWS::SNS::TopicPolicy' &&
        JSON.stringify(deployedValue(d.r.properties['Topics'], pairs)).includes(i.TopicArn),
    );
    const topic = find('AWS::SNS::Topic', i.TopicArn);
    if (!topic) throw awsError('NotFoundException', 'Topic does not exist');
    const policy = pol ? (deployedValue(pol.r.properties['PolicyDocument'], pairs) as Json) : {};
    state.topicPolicyEdit?.(policy);
    const key = deployedValue(topic.r.properties['KmsMasterKeyId'], pairs);
    return {
      Attributes: {
        TopicArn: i.TopicArn,
        Policy: JSON.stringify(policy),
        ...(typeof key === 'string' && !state.topicKeyRemoved ? { KmsMasterKeyId: key } : {}),
      },
    };
  });
  const emailSubs = (topicArn: string) =>
    all
      .filter(
        (d) => d.type === 'AWS::SNS::Subscription' && String(d.r.properties['Protocol']).startsWith('email'),
      )
      .filter((d) => deployedValue(d.r.properties['TopicArn'], pairs) === topicArn)
      .map((d) => String(d.r.properties['Endpoint']));
  sns.on(ListSubscriptionsByTopicCommand).callsFake((i: { TopicArn: string }) => ({
    Subscriptions: emailSubs(i.TopicArn).flatMap((endpoint, k) => {
      const s = state.subscription(endpoint);
      if (!s) return [];
      return [
        {
          TopicArn: i.TopicArn,
          Protocol: 'email',
          Endpoint: endpoint,
          Owner: ACCOUNT,
          SubscriptionArn: s.arn ?? `${i.TopicArn}:0000000${k}-sub`,
        },
      ];
    }),
  }));
  sns.on(GetSubscriptionAttributesCommand).callsFake((i: { SubscriptionArn: string }) => {
    const topic = i.SubscriptionArn.replace(/:[^:]*$/, '');
    const endpoint = emailSubs(topic).find((_e, k) => i.SubscriptionArn.endsWith(`:0000000${k}-sub`)) ?? '';
    const s = state.subscription(endpoint) ?? {};
    return {
      Attributes: {
        SubscriptionArn: i.SubscriptionArn,
        PendingConfirmation: String(s.pending === true),
        ConfirmationWasAuthenticated: String(s.authenticated === true),
      },
    };
  });
  const kms = mock(KMSClient);
  kms
    .on(DescribeKeyCommand)
    .callsFake((i: { KeyId: string }) => ({ KeyMetadata: { KeyId: i.KeyId, KeyState: state.keyState } }));
  kms.on(GetKeyPolicyCommand).callsFake((i: { KeyId: string }) => {
    const d = find('AWS::KMS::Key', i.KeyId);
    return {
      PolicyName: 'default',
      Policy: JSON.stringify(deployedValue(d?.r.properties['KeyPolicy'], pairs)),
    };
  });
  mock(CloudWatchClient)
    .on(DescribeAlarmsCommand)
    .callsFake((i: { AlarmNames: string[] }) => ({
      MetricAlarms: i.AlarmNames.map((name) => {
        const a = state.alarmState(name);
        return {
          AlarmName: name,
          StateValue: a.state,
          ActionsEnabled: a.actionsEnabled,
          StateReason: a.state === 'OK' ? 'ok' : 'Threshold Crossed',
        };
      }),
    }));
  mock(SQSClient)
    .on(GetQueueAttributesCommand)
    .callsFake(() => ({
      Attributes: {
        ApproximateNumberOfMessages: String(state.queueDepth),
        ApproximateNumberOfMessagesNotVisible: '0',
      },
    }));
  mock(CloudWatchLogsClient)
    .on(FilterLogEventsCommand)
    .callsFake((i: { startTime: number }) => {
      if (drill.session !== undefined) {
        drill.polls++;
        if (state.drillArrivesOnPoll === undefined || drill.polls < state.drillArrivesOnPoll)
          return { events: [] };
        const message = JSON.stringify({
          region: 'eu-west-1',
          detail: {
            userIdentity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DrillRole/${drill.session}` },
          },
        });
        return { events: [{ timestamp: drill.at, ingestionTime: (drill.at ?? 0) + 42_000, message }] };
      }
      if (state.lastDrillAgoMs === undefined) return { events: [] };
      const at = NOW - state.lastDrillAgoMs;
      return {
        events: ['eu-west-1', 'us-east-1']
          .map((region) => ({
            timestamp: at,
            message: JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', region }),
          }))
          .filter((e) => e.timestamp >= i.startTime),
      };
    });

  return {
    state,
    mocks,
    assumed: () => drill.assumed,
    sent: () => mocks.flatMap((m) => m.calls().map((c) => (c.args[0] as object).constructor.name)),
    restore: () => mocks.forEach((m) => m.restore()),
  };
}
