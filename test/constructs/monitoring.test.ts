import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreakGlassRegionalStack } from '../../src/constructs/regional-stack.js';
import { BreakGlassMonitoring, type BreakGlassMonitoringProps } from '../../src/constructs/monitoring.js';
import { ALL_REGIONS, DEFAULT_ENABLED_REGIONS } from '../../src/engines/regions.js';

const ACCOUNT = '111111111111';
const ALL_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

function app(props: Partial<BreakGlassMonitoringProps>, opts: { nag?: boolean; region?: string } = {}) {
  const a = new App();
  if (opts.nag) Validations.of(a).addPlugins(new AwsSolutionsChecks(a));
  const main = new Stack(a, 'Main', { env: { account: ACCOUNT, region: opts.region ?? 'eu-west-1' } });
  const role = new iam.Role(main, 'Role', { roleName: 'alice', assumedBy: new iam.AccountRootPrincipal() });
  const monitoring = new BreakGlassMonitoring(main, 'Monitoring', { roles: [role], ...props });
  return { app: a, main, role, monitoring };
}

type Res = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
function resources(stack: Stack, type: string): Res[] {
  const t = Template.fromStack(stack).toJSON() as { Resources: Record<string, Res> };
  return Object.values(t.Resources).filter((r) => r.Type === type);
}

describe('BreakGlassMonitoring with every Region and every channel', () => {
  let a: ReturnType<typeof app>;
  let regional: BreakGlassRegionalStack[];
  let mainTemplate: Template;

  beforeAll(() => {
    a = app(
      {
        regions: ['*'],
        loginAlertEmails: ['oncall@example.com', 'security@example.com'],
        createLoginLogGroup: true,
        createTrail: true,
        logActions: 'write',
        logServices: ['iam', 'kms'],
        retention: logs.RetentionDays.SIX_MONTHS,
        slack: {
          channel: '#incidents',
          tokenSecret: secretsmanager.Secret.fromSecretNameV2(new Stack(), 'S', 'slack'),
          tokenSecretJsonField: 'header',
        },
      },
      { nag: true },
    );
    const imports = new Stack(a.app, 'Imports', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    void imports;
    regional = a.app.node.children.filter(
      (c): c is BreakGlassRegionalStack => c instanceof BreakGlassRegionalStack,
    );
    a.app.synth();
    mainTemplate = Template.fromStack(a.main);
  }, 300_000);

  it("synthesizes one stack per Region of ['*'] plus the main stack", () => {
    expect(ALL_REGIONS.length).toBeGreaterThanOrEqual(DEFAULT_ENABLED_REGIONS.length);
    expect(regional.map((s) => s.region).sort()).toEqual(ALL_REGIONS.filter((r) => r !== 'eu-west-1').sort());
    expect(regional.length).toBeGreaterThanOrEqual(17);
    for (const s of regional) {
      expect(s.stackName).toBe(`Main-${s.region}`);
      expect(s.account).toBe(ACCOUNT);
      expect(s.dependencies).toContain(a.main);
    }
  });

  it('regional stacks forward to the central bus by ARN with a role, retries and an encrypted DLQ', () => {
    const s = regional.find((r) => r.region === 'ap-southeast-2') as Stack;
    const t = Template.fromStack(s);
    const rules = resources(s, 'AWS::Events::Rule');
    const forward = rules.find((r) =>
      JSON.stringify(r.Properties['EventPattern']).includes('role/alice'),
    ) as Res;
    expect(forward.Properties['State']).toBe(ALL_STATE); // forwarders never drop read-only events
    const target = (forward.Properties['Targets'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(JSON.stringify(target['Arn'])).toMatch(
      /:events:eu-west-1:111111111111:event-bus\/Main-Monitoring-Channels-/,
    );
    expect(target['RoleArn']).toBeDefined();
    expect(target['RetryPolicy']).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    expect(target['DeadLetterConfig']).toBeDefined();
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents' })]) },
    });
    // No cross-Region exports or SSM parameters: the role ARN is a literal in the regional template.
    expect(JSON.stringify(t.toJSON()['Resources'])).not.toMatch(/Fn::ImportValue|"AWS::SSM::Parameter"/);
    expect(JSON.stringify(forward.Properties['EventPattern'])).toContain(':iam::111111111111:role/alice');
    // Delivery alarms: FailedInvocations per forwarding rule and DLQ depth, forwarded as state changes.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FailedInvocations',
      Namespace: 'AWS/Events',
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(
      rules.some((r) =>
        JSON.stringify(r.Properties['EventPattern']).includes('CloudWatch Alarm State Change'),
      ),
    ).toBe(true);
  });

  it('alert topic: customer-managed key with rotation, EventBridge may use the key, TLS only, email subscriptions', () => {
    mainTemplate.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          // No aws:Source* condition for EventBridge: not supported for EventBridge → encrypted topic.
          {
            Sid: 'AllowEventBridgeToPublishToEncryptedTopic',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            Principal: { Service: 'events.amazonaws.com' },
            Resource: '*',
          },
        ]),
      },
    });
    mainTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    // Each address on the alert topic and on the tamper topic.
    mainTemplate.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 4);
    const policy = resources(a.main, 'AWS::SNS::TopicPolicy')[0] as Res;
    const statements = (policy.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] })
      .Statement;
    const publish = statements.filter((s) => JSON.stringify(s['Principal']).includes('events.amazonaws.com'));
    expect(publish.length).toBeGreaterThan(0);
    for (const s of publish) expect(JSON.stringify(s['Condition'])).toContain('aws:SourceArn');
    expect(
      statements.some(
        (s) => s['Effect'] === 'Deny' && JSON.stringify(s['Condition']).includes('aws:SecureTransport'),
      ),
    ).toBe(true);
  });

  it('every target of every rule in every stack has a dead-letter queue and a retry policy', () => {
    let n = 0;
    for (const s of [a.main, ...regional]) {
      for (const r of resources(s, 'AWS::Events::Rule')) {
        for (const t of r.Properties['Targets'] as Record<string, unknown>[]) {
          n++;
          expect(t['DeadLetterConfig'], `${s.stackName} ${JSON.stringify(t['Arn'])}`).toBeDefined();
          expect(t['RetryPolicy']).toBeDefined();
        }
      }
    }
    expect(n).toBeGreaterThan(60);
  });

  it("every rule has a delivery alarm, and each path's alarms notify the other path's topic", () => {
    const rules = resources(a.main, 'AWS::Events::Rule').length;
    const all = Object.entries(
      (Template.fromStack(a.main).toJSON() as { Resources: Record<string, Res> }).Resources,
    ).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(all.filter(([, x]) => x.Properties['MetricName'] === 'FailedInvocations').length).toBe(rules);
    let tamperPath = 0;
    const delivery = ['FailedInvocations', 'ApproximateNumberOfMessagesVisible'];
    for (const [id, x] of all.filter(([, r]) => delivery.includes(String(r.Properties['MetricName'])))) {
      const actions = JSON.stringify(x.Properties['AlarmActions']);
      // The tamper path: its bus's rules, the default-bus rules forwarding to it, its dead-letter queue.
      const ofTamperPath = /TamperAlerts(Watch|TamperRule|RegionalAlarmRule|DeadLetter)/.test(id);
      if (ofTamperPath) tamperPath++;
      expect(actions, id).toContain(ofTamperPath ? 'AlertTopic' : 'TamperTopic');
      expect(actions, id).not.toContain(ofTamperPath ? 'TamperTopic' : 'AlertTopic');
    }
    expect(tamperPath).toBeGreaterThan(3);
  });

  it('Slack: API-key connection read from Secrets Manager by dynamic reference, Block Kit input', () => {
    const connection = resources(a.main, 'AWS::Events::Connection')[0] as Res;
    expect(connection.Properties['AuthorizationType']).toBe('API_KEY');
    const auth = JSON.stringify(connection.Properties['AuthParameters']);
    expect(auth).toContain('"ApiKeyName":"Authorization"');
    expect(auth).toMatch(/"Bearer \{\{resolve:secretsmanager:arn:.*:secret:slack:SecretString:header::\}\}"/);
    expect(auth).not.toMatch(/xox[bp]-/);
    mainTemplate.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: 'https://slack.com/api/chat.postMessage',
      HttpMethod: 'POST',
    });
    const slackTargets = resources(a.main, 'AWS::Events::Rule')
      .flatMap((r) => r.Properties['Targets'] as Record<string, unknown>[])
      .filter((t) => JSON.stringify(t).includes('blocks'));
    expect(slackTargets.length).toBeGreaterThan(5);
    expect(JSON.stringify(slackTargets[0])).toContain('#incidents');
  });

  it("logActions 'write' + logServices: central log rule filters readOnly false and the services", () => {
    const log = resources(a.main, 'AWS::Events::Rule').find((r) =>
      JSON.stringify(r.Properties['EventPattern']).includes('readOnly'),
    ) as Res;
    expect(log.Properties['EventPattern']).toMatchObject({
      detail: { readOnly: [false], eventSource: ['iam.amazonaws.com', 'kms.amazonaws.com'] },
    });
    expect(log.Properties['State']).toBe('ENABLED');
  });

  it('log groups: retention, RETAIN, resource policy for EventBridge; login log group is a target', () => {
    // The action log, the login log and the denied-attempt summary's log.
    const groups = resources(a.main, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(3);
    for (const g of groups) {
      expect(g.Properties['RetentionInDays']).toBe(180);
      expect(g.DeletionPolicy).toBe('Retain');
    }
    expect(resources(a.main, 'AWS::Logs::ResourcePolicy').length).toBe(3);
  });

  it('createTrail: multi-Region trail with log file validation on an encrypted bucket, no prerequisite note', () => {
    mainTemplate.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IncludeGlobalServiceEvents: true,
    });
    mainTemplate.hasResourceProperties('AWS::S3::Bucket', { BucketEncryption: Match.anyValue() });
    expect(
      Annotations.fromStack(a.main).findInfo('*', Match.stringLikeRegexp('needs a CloudTrail trail')),
    ).toEqual([]);
  });

  it('is cdk-nag AwsSolutions clean (synth above ran the checks and did not throw)', () => {
    expect(regional.length).toBeGreaterThan(0);
  });
});

describe('BreakGlassMonitoring defaults (reads logged, no trail)', () => {
  let a: ReturnType<typeof app>;
  let regional: Stack;
  beforeAll(() => {
    a = app({ regions: ['us-west-2'], alertTopics: [], alertQueues: [] });
    regional = a.app.node.findChild('Main-us-west-2') as Stack;
  }, 120_000);

  it('reads are logged by default: regional forwarding AND central log rule use the all-management-events state', () => {
    const fwd = resources(regional, 'AWS::Events::Rule').filter((r) =>
      JSON.stringify(r.Properties['EventPattern']).includes('role/alice'),
    );
    expect(fwd.map((r) => r.Properties['State'])).toEqual([ALL_STATE]);
    const log = resources(a.main, 'AWS::Events::Rule').filter(
      (r) =>
        JSON.stringify(r.Properties['EventPattern']).includes('sessionIssuer') &&
        !JSON.stringify(r.Properties['EventPattern']).includes('$or'),
    );
    expect(log.some((r) => r.Properties['State'] === ALL_STATE)).toBe(true);
  });

  it('us-east-1 is always watched (IAM and other global events land there)', () => {
    expect(a.app.node.tryFindChild('Main-us-east-1')).toBeInstanceOf(BreakGlassRegionalStack);
  });

  it('without createTrail an info annotation says a trail is required', () => {
    Annotations.fromStack(a.main).hasInfo('*', Match.stringLikeRegexp('needs a CloudTrail trail'));
  });

  it('the central bus policy lets this account put events', () => {
    Template.fromStack(a.main).hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Action: 'events:PutEvents', Principal: { AWS: Match.anyValue() } }),
    });
  });

  it('logActions false creates no action log', () => {
    const b = app({ regions: ['us-east-1'], logActions: false });
    expect(b.monitoring.logActions).toBeUndefined();
    expect(b.monitoring.loginAlert).toBeDefined();
  });
});

describe('BreakGlassMonitoring with bring-your-own targets', () => {
  it('adds SNS, SQS and Lambda targets with DLQs; the topic gets the text message', () => {
    const a = new App();
    const main = new Stack(a, 'Main', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const role = iam.Role.fromRoleArn(main, 'Imported', `arn:aws:iam::${ACCOUNT}:role/ops/alice`);
    new BreakGlassMonitoring(main, 'M', {
      roles: [role],
      regions: ['us-east-1'],
      logActions: false,
      alertTopics: [sns.Topic.fromTopicArn(main, 'T', `arn:aws:sns:us-east-1:${ACCOUNT}:soc`)],
      alertQueues: [sqs.Queue.fromQueueArn(main, 'Q', `arn:aws:sqs:us-east-1:${ACCOUNT}:soc`)],
      alertFunctions: [
        lambda.Function.fromFunctionArn(main, 'F', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:soc`),
      ],
      message: 'break-glass <eventName> by <username>',
    });
    const targets = resources(main, 'AWS::Events::Rule').flatMap(
      (r) => r.Properties['Targets'] as Record<string, unknown>[],
    );
    const byArn = (s: string) => targets.filter((t) => JSON.stringify(t['Arn']).includes(s));
    expect(byArn(':sns:us-east-1:111111111111:soc').length).toBeGreaterThan(0);
    expect(byArn(':sqs:us-east-1:111111111111:soc').length).toBeGreaterThan(0);
    expect(byArn(':function:soc').length).toBeGreaterThan(0);
    const topicTarget = byArn(':sns:us-east-1:111111111111:soc')[0] as {
      InputTransformer: { InputTemplate: string };
    };
    expect(topicTarget.InputTransformer.InputTemplate).toBe('"break-glass <eventName> by <username>"');
    // imported role with a path: the session prefix drops the path, the ARN keeps it
    const patterns = JSON.stringify(
      resources(main, 'AWS::Events::Rule').map((r) => r.Properties['EventPattern']),
    );
    expect(patterns).toContain('arn:aws:iam::111111111111:role/ops/alice');
    expect(patterns).toContain(':assumed-role/alice/');
    // main Region = us-east-1: no regional stack at all
    expect(a.node.children.filter((c) => c instanceof BreakGlassRegionalStack)).toEqual([]);
  });
});

describe('BreakGlassMonitoring validation', () => {
  const make = (
    props: Partial<BreakGlassMonitoringProps>,
    env: { account?: string; region?: string } | null = { account: ACCOUNT, region: 'eu-west-1' },
  ) => {
    const a = new App();
    const main = new Stack(a, 'Main', env ? { env } : {});
    const role = iam.Role.fromRoleArn(main, 'R', `arn:aws:iam::${ACCOUNT}:role/alice`);
    return () =>
      new BreakGlassMonitoring(main, 'Monitoring', { roles: [role], regions: ['eu-west-1'], ...props });
  };

  it('rejects an environment-agnostic main stack', () => {
    expect(make({}, null)).toThrow(
      /Main\/Monitoring\/Channels: env: the stack 'Main' is environment-agnostic.*give it env: \{ account, region \}/,
    );
  });
  it('rejects an unknown message placeholder and lists the valid ones', () => {
    expect(make({ message: 'hi <user> at <eventTime>' })).toThrow(
      /message: unknown placeholder <user> in 'hi <user> at <eventTime>'; valid placeholders are <username>, <principal>.*<roleArn>.*<eventName>/,
    );
  });
  it('rejects a malformed Region code, quoting it', () => {
    expect(make({ regions: ['eu-west'] })).toThrow(/regions: 'eu-west' is not a Region code/);
  });
  it('rejects an empty regions list', () => {
    expect(make({ regions: [] })).toThrow(/regions: the list is empty/);
  });
  it('rejects a bad email address', () => {
    expect(make({ loginAlertEmails: ['oncall'] })).toThrow(
      /loginAlertEmails: 'oncall' is not an email address/,
    );
  });
  it('rejects a service that is not a prefix', () => {
    expect(make({ logServices: ['iam.amazonaws.com'] })).toThrow(
      /logServices: 'iam.amazonaws.com' is not a service prefix/,
    );
  });
  it('rejects a bad Slack channel', () => {
    const a = new App();
    const s = new Stack(a, 'X');
    expect(
      make({
        slack: { channel: 'incidents', tokenSecret: secretsmanager.Secret.fromSecretNameV2(s, 'S', 'x') },
      }),
    ).toThrow(/slack.channel: 'incidents' is not a Slack channel/);
  });
  it('rejects a webhook that is not https', () => {
    const s = new Stack(new App(), 'X');
    expect(
      make({
        webhooks: [
          { url: 'http://example.com/hook', secret: secretsmanager.Secret.fromSecretNameV2(s, 'S', 'x') },
        ],
      }),
    ).toThrow(/webhooks\[0\].url: 'http:\/\/example.com\/hook' is not an https:\/\/ URL/);
  });
  it('rejects an invalid logActions value', () => {
    expect(make({ logActions: 'all' as never })).toThrow(/logActions: 'all' is not allowed/);
  });
  it('rejects a role of another account', () => {
    const a = new App();
    const main = new Stack(a, 'Main', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const role = iam.Role.fromRoleArn(main, 'R', 'arn:aws:iam::222222222222:role/alice');
    expect(() => new BreakGlassMonitoring(main, 'M', { roles: [role], regions: ['eu-west-1'] })).toThrow(
      /roles\[0\]: role '.*' is in account '222222222222' but this stack deploys to '111111111111'/,
    );
  });
  it('rejects monitoring nobody', () => {
    const a = new App();
    const main = new Stack(a, 'Main', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(() => new BreakGlassMonitoring(main, 'M', { regions: ['eu-west-1'] })).toThrow(
      /roles: no roles and no users/,
    );
  });
});
