import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreakGlassAlertChannels } from '../../src/constructs/channels.js';
import { BreakGlassDrill, DRILL_METRIC, DRILL_TARGET_ARN } from '../../src/constructs/drill.js';
import { BreakGlassLoginAlert } from '../../src/constructs/login-alert.js';
import { BreakGlassMonitoring, type BreakGlassMonitoringProps } from '../../src/constructs/monitoring.js';
import { BreakGlassRegionalStack } from '../../src/constructs/regional-stack.js';
import { excludeCallers } from '../../src/constructs/private/drill-callers.js';
import { compilePattern } from '../../src/engines/event-pattern/index.js';

const ACCOUNT = '111111111111';
const REGIONS = ['eu-west-1', 'us-east-1'];

function app(props: Partial<BreakGlassMonitoringProps> = {}, nag = false) {
  const a = new App();
  if (nag) Validations.of(a).addPlugins(new AwsSolutionsChecks(a));
  const main = new Stack(a, 'Main', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const role = new iam.Role(main, 'Role', { roleName: 'alice', assumedBy: new iam.AccountRootPrincipal() });
  const monitoring = new BreakGlassMonitoring(main, 'Monitoring', {
    roles: [role],
    regions: REGIONS,
    drill: {},
    ...props,
  });
  return { app: a, main, role, monitoring };
}

type Res = { Type: string; Properties: Record<string, unknown> };
const resourcesOf = (stack: Stack, type: string): [string, Res][] =>
  Object.entries((Template.fromStack(stack).toJSON() as { Resources: Record<string, Res> }).Resources).filter(
    ([, r]) => r.Type === type,
  );

describe('BreakGlassDrill', () => {
  let a: ReturnType<typeof app>;
  let main: Template;
  let regional: Stack;

  beforeAll(() => {
    a = app({}, true);
    main = Template.fromStack(a.main);
    regional = BreakGlassRegionalStack.forRegion(a.main, 'us-east-1');
  });

  it('schedules a denied sts:AssumeRole on the role in every Region through the universal target, without retries', () => {
    for (const stack of [a.main, regional]) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::Scheduler::Schedule', 1);
      t.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: DRILL_TARGET_ARN,
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      });
    }
    // The input names the break-glass role (a literal in the other Region's stack: the role has a name).
    const [, schedule] = resourcesOf(regional, 'AWS::Scheduler::Schedule')[0] as [string, Res];
    const target = schedule.Properties['Target'] as { Input: unknown; RoleArn: unknown };
    expect(JSON.stringify(target.Input)).toContain('role/alice');
    expect(JSON.stringify(target.Input)).toContain('RoleSessionName');
  });

  it('runs as a drill role that Scheduler of this account may assume (source account + schedule group) and that may make only that one call', () => {
    main.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': ACCOUNT },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          },
        ],
      },
      Tags: Match.arrayWith([{ Key: 'breakglass:purpose', Value: 'drill-role' }]),
    });
    const drill = a.monitoring.drill as BreakGlassDrill;
    const trust = JSON.stringify(
      (drill.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument
        ? a.main.resolve((drill.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument)
        : undefined,
    );
    expect(trust).toContain(`:scheduler:*:${ACCOUNT}:schedule-group/default`);
    const policies = resourcesOf(a.main, 'AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties['Roles']).includes(
        a.main.getLogicalId(drill.role.node.defaultChild as never),
      ),
    );
    expect(policies).toHaveLength(1);
    const doc = (policies[0] as [string, Res])[1].Properties['PolicyDocument'] as { Statement: unknown[] };
    expect(doc.Statement).toEqual([
      {
        Sid: 'TheDrillCallOnly',
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [a.main.getLogicalId(a.role.node.defaultChild as never), 'Arn'] },
      },
    ]);
  });

  it('routes drill events (session issued by the drill role) to a named, tagged drill log group and counts them per Region', () => {
    main.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/breakglass/Main/drill',
      Tags: Match.arrayWith([{ Key: 'breakglass:purpose', Value: 'drill-log' }]),
    });
    main.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.sts'],
        detail: Match.objectLike({
          eventName: ['AssumeRole'],
          errorCode: [{ exists: true }],
          userIdentity: { sessionContext: { sessionIssuer: { arn: [Match.anyValue()] } } },
        }),
      }),
      Targets: [Match.objectLike({ Arn: Match.anyValue() })],
    });
    main.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: Match.anyValue(),
      FilterPattern: {
        'Fn::Join': [
          '',
          ['{ $.detail.userIdentity.sessionContext.sessionIssuer.arn = "', Match.anyValue(), '" }'],
        ],
      },
      MetricTransformations: [
        {
          MetricNamespace: DRILL_METRIC.namespace,
          MetricName: DRILL_METRIC.name,
          MetricValue: '1',
          Dimensions: [{ Key: 'Region', Value: '$.detail.awsRegion' }],
        },
      ],
    });
  });

  it('alarms per Region when no drill arrived in 26 hours (missing data = breaching) and notifies a topic', () => {
    for (const region of REGIONS) {
      main.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: DRILL_METRIC.namespace,
        MetricName: DRILL_METRIC.name,
        Dimensions: [{ Name: 'Region', Value: region }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 26,
        DatapointsToAlarm: 26,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        // The tamper path, not the alert topic.
        AlarmActions: [
          { Ref: a.main.getLogicalId(a.monitoring.channels.tamperTopic.node.defaultChild as never) },
        ],
      });
    }
  });

  it('the paging denied-attempt rules leave the drill role out; the summary rules too', () => {
    const drillArn = a.main.resolve((a.monitoring.drill as BreakGlassDrill).role.roleArn) as unknown;
    const denied = resourcesOf(a.main, 'AWS::Events::Rule').filter(([id]) => id.includes('AssumeRoleDenied'));
    expect(denied.length).toBeGreaterThan(0);
    for (const [, r] of denied) {
      const issuer = (
        r.Properties['EventPattern'] as {
          detail: { userIdentity: { sessionContext: { sessionIssuer: unknown } } };
        }
      ).detail.userIdentity.sessionContext.sessionIssuer;
      expect(issuer).toEqual({
        $or: [{ arn: [{ exists: false }] }, { arn: [{ 'anything-but': [drillArn] }] }],
      });
    }
  });

  it('is cdk-nag AwsSolutions clean (synth above ran the checks)', () => {
    expect(Annotations.fromStack(a.main).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(regional).findError('*', Match.anyValue())).toEqual([]);
  });

  it('warns when drill is set where only users are monitored (nothing to knock on)', () => {
    const a2 = new App();
    const s = new Stack(a2, 'Users', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const user = new iam.User(s, 'User', { userName: 'breakglass-1' });
    new BreakGlassMonitoring(s, 'Monitoring', { users: [user], regions: ['eu-west-1'], drill: {} });
    Template.fromStack(s).resourceCountIs('AWS::Scheduler::Schedule', 0);
    expect(
      Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('no break-glass role to drill')),
    ).toHaveLength(1);
  });

  it('rejects a window that is not whole hours from 2 to 168', () => {
    expect(() => app({ drill: { window: Duration.minutes(90) } })).toThrow(/window: .*whole number of hours/);
    expect(() => app({ drill: { window: Duration.days(8) } })).toThrow(/window: .*2 to 168/);
  });

  it('rejects a schedule that is not a schedule expression', () => {
    expect(() => app({ drill: { schedule: 'daily' } })).toThrow(
      /schedule: 'daily' is not a schedule expression/,
    );
  });

  it('fails when created after the login alerts of its channels (its events would page)', () => {
    const a2 = new App();
    const s = new Stack(a2, 'S', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const role = new iam.Role(s, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    const channels = new BreakGlassAlertChannels(s, 'Channels', { regions: ['eu-west-1'] });
    new BreakGlassLoginAlert(s, 'Alert', { roles: [role], channels });
    expect(() => new BreakGlassDrill(s, 'Drill', { channels, roles: [role] })).toThrow(
      /channels: the login alerts of these channels are already built/,
    );
  });
});

describe('excludeCallers (drill exclusion; anything-but never matches a missing field)', () => {
  const DRILL = 'arn:aws:iam::111111111111:role/drill';
  const pattern = compilePattern(
    excludeCallers({ source: ['aws.sts'], detail: { errorCode: [{ exists: true }] } }, [DRILL]) as never,
  );
  const event = (userIdentity: unknown) => ({
    source: 'aws.sts',
    detail: { errorCode: 'AccessDenied', userIdentity },
  });
  const session = (issuer: string) => ({
    type: 'AssumedRole',
    sessionContext: { sessionIssuer: { type: 'Role', arn: issuer } },
  });

  it('still matches callers with no session issuer (IAM users, root, federated callers)', () => {
    expect(pattern.matches(event({ type: 'IAMUser', arn: 'arn:aws:iam::1:user/x' }) as never)).toBe(true);
    expect(pattern.matches(event({ type: 'IAMUser', sessionContext: { attributes: {} } }) as never)).toBe(
      true,
    );
    expect(pattern.matches({ source: 'aws.sts', detail: { errorCode: 'AccessDenied' } } as never)).toBe(true);
  });

  it('matches sessions of any other role, and not the drill role’s', () => {
    expect(pattern.matches(event(session('arn:aws:iam::111111111111:role/other')) as never)).toBe(true);
    expect(pattern.matches(event(session(DRILL)) as never)).toBe(false);
  });

  it('a bare anything-but would have silenced every caller without a session issuer (why the $or is there)', () => {
    const bare = compilePattern({
      detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': DRILL }] } } } },
    } as never);
    expect(bare.matches(event({ type: 'IAMUser' }) as never)).toBe(false);
  });
});
