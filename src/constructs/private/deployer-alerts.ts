/**
 * "Deployment access": assuming the deployer role, or the CDK bootstrap deploy role of the account
 * (`cdk-<qualifier>-deploy-role-<account>-<region>`, the role `cdk deploy` drives CloudFormation
 * with: https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html), is a way to change the
 * break-glass stacks, so it is alerted, on its own rules and with its own message, apart from the
 * glass (it is routine for deployments, so it does not page like the glass unless asked).
 *
 * Matched like a way into the glass: the requested role ARN in any letter case (IAM role names are
 * unique case-insensitively), and a denied call by the ARN in the error message (every documented
 * wording, see `deniedOn`). The deploy role is matched by its name prefix for every Region of the
 * account: the call can be made at any Region's STS endpoint, and one prefix keeps the patterns far
 * below EventBridge's 2,048-character quota where 34 ARNs would not fit.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEPLOYMENT_ACCESS_MARK } from '../../engines/conventions.js';
import type { BreakGlassAlertChannels } from '../channels.js';
import { DEFAULT_MESSAGE, PlaceholderInput, type Field, type FieldMap } from './alert-placeholders.js';
import { LogGroupTarget, TopicTarget, type Delivery } from './alert-targets.js';
import { API_CALL, commonFields, deniedOn, typedArn, type PatternJson } from './alert-ways.js';

/**
 * Where deployment access goes: `'log'` a log group only; `'notify'` the log group and the alert
 * topic (email) with a message that starts "Deployment access"; `'page'` every alert channel, like
 * the glass.
 */
export type DeploymentAccessAlerts = 'log' | 'notify' | 'page';
export const DEPLOYMENT_ACCESS_MODES: readonly DeploymentAccessAlerts[] = ['log', 'notify', 'page'];

export interface DeploymentAccessSpec {
  /** The deployer role's ARN (a token in the main stack, a literal elsewhere: it has a physical name). */
  readonly deployerArn: string;
  readonly account: string;
  readonly qualifier: string;
  readonly mode: DeploymentAccessAlerts;
  readonly retention?: logs.RetentionDays;
}

/** `arn:<partition>:iam::<account>:role/cdk-<qualifier>-deploy-role-<account>-`: every Region's deploy role. */
export function deployRolePrefix(account: string, qualifier: string): string {
  return `arn:${Aws.PARTITION}:iam::${account}:role/cdk-${qualifier}-deploy-role-${account}-`;
}

/** The matchers of the deployment-access roles: requested ARN, and denied-resource error messages. */
export function deploymentMatchers(
  spec: Pick<DeploymentAccessSpec, 'deployerArn' | 'account' | 'qualifier'>,
): {
  roleArn: Record<string, unknown>[];
  errorMessage: Record<string, unknown>[];
} {
  const prefix = deployRolePrefix(spec.account, spec.qualifier);
  return {
    roleArn: [typedArn(spec.deployerArn), { prefix: { 'equals-ignore-case': prefix } }],
    errorMessage: [...deniedOn(spec.deployerArn), { wildcard: `*on resource: ${prefix}*` }],
  };
}

/** Branches of the per-Region forwarding pattern that carry deployment access to the central bus. */
export function deploymentForwardBranches(
  spec: Pick<DeploymentAccessSpec, 'deployerArn' | 'account' | 'qualifier'>,
): Record<string, unknown>[] {
  const m = deploymentMatchers(spec);
  return [
    { detail: { eventSource: ['sts.amazonaws.com'], requestParameters: { roleArn: m.roleArn } } },
    { detail: { eventSource: ['sts.amazonaws.com'], errorMessage: m.errorMessage } },
  ];
}

const p = (path: string): Field => ({ path });
const lit = (literal: string): Field => ({ literal });
const WAY_IN = 'AssumeRole into the deployer or a CDK bootstrap deploy role';

/** The alert text: the glass's default layout, headed so that nobody takes it for a break-glass use. */
export const DEPLOYMENT_ACCESS_MESSAGE = [
  `${DEPLOYMENT_ACCESS_MARK} (not the break-glass role): <wayIn> - <result>`,
  ...DEFAULT_MESSAGE.split('\n').slice(1),
].join('\n');

interface Variant {
  readonly id: string;
  readonly pattern: PatternJson;
  readonly fields: FieldMap;
}

export function deploymentVariants(
  spec: Pick<DeploymentAccessSpec, 'deployerArn' | 'account' | 'qualifier'>,
): Variant[] {
  const m = deploymentMatchers(spec);
  const base = {
    source: ['aws.sts'],
    detailType: [API_CALL],
    account: [spec.account],
  };
  const detail = {
    eventSource: ['sts.amazonaws.com'],
    eventName: ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'],
  };
  const fields = {
    ...commonFields(WAY_IN),
    username: p('$.detail.userIdentity.arn'),
    roleArn: p('$.detail.requestParameters.roleArn'),
    sessionName: p('$.detail.requestParameters.roleSessionName'),
    sourceIdentity: p('$.detail.requestParameters.sourceIdentity'),
    mfa: p('$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated'),
  };
  return [
    {
      id: 'DeploymentAccessOk',
      pattern: {
        ...base,
        detail: { ...detail, errorCode: [{ exists: false }], requestParameters: { roleArn: m.roleArn } },
      },
      fields: { ...fields, result: lit('Success'), errorCode: lit('-') },
    },
    {
      id: 'DeploymentAccessFailed',
      pattern: {
        ...base,
        detail: {
          ...detail,
          errorCode: [{ exists: true }],
          // A denied call has `requestParameters: null` and names the role in the message.
          $or: [{ requestParameters: { roleArn: m.roleArn } }, { errorMessage: m.errorMessage }],
        },
      },
      fields: { ...fields, result: lit('Failure'), errorCode: p('$.detail.errorMessage') },
    },
  ];
}

/** Namespace and name of the metric counting failed deployment-access attempts. */
export const DEPLOYMENT_DENIED_METRIC = { namespace: 'BreakGlass', name: 'DeploymentAccessFailed' } as const;

/**
 * Adds the deployment-access rules on the channels' central bus and their forwarding. Successes go
 * where `mode` says. Failures (denied attempts: anyone can make them, as many as they like) are
 * logged, and with `'notify'` / `'page'` counted by a metric filter whose alarm notifies the alert
 * topic once per burst (an alarm notifies on state changes), so a flood cannot bury the alert that
 * matters. The deployment-access log group is created in every mode.
 */
export function addDeploymentAccessAlerts(
  owner: Construct,
  channels: BreakGlassAlertChannels,
  spec: DeploymentAccessSpec,
): { rules: events.Rule[]; logGroup: logs.LogGroup } {
  channels.forwardAlso(deploymentForwardBranches(spec));
  const logGroup = new logs.LogGroup(owner, 'DeploymentAccessLog', {
    retention: spec.retention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const toLog = (v: Variant, topicInput?: events.RuleTargetInput): events.Rule => {
    let delivery: Delivery | undefined;
    const rule = channels.addCentralRule(
      owner,
      v.id,
      v.pattern,
      (d) => {
        delivery = d;
        return new LogGroupTarget(logGroup, d);
      },
      false,
    );
    if (topicInput && delivery) rule.addTarget(new TopicTarget(channels.alertTopic, delivery, topicInput));
    return rule;
  };
  const [ok, failed] = deploymentVariants(spec) as [Variant, Variant];
  const rules = [
    spec.mode === 'page'
      ? channels.addAlertRule(owner, ok.id, ok.pattern, ok.fields)
      : toLog(
          ok,
          spec.mode === 'notify' ? PlaceholderInput.text(DEPLOYMENT_ACCESS_MESSAGE, ok.fields) : undefined,
        ),
    toLog(failed),
  ];
  if (spec.mode !== 'log') {
    new logs.MetricFilter(owner, 'DeploymentAccessFailedCount', {
      logGroup,
      filterPattern: logs.FilterPattern.exists('$.detail.errorCode'),
      metricNamespace: DEPLOYMENT_DENIED_METRIC.namespace,
      metricName: DEPLOYMENT_DENIED_METRIC.name,
      metricValue: '1',
    });
    const alarm = new cloudwatch.Alarm(owner, 'DeploymentAccessFailedAlarm', {
      metric: new cloudwatch.Metric({
        namespace: DEPLOYMENT_DENIED_METRIC.namespace,
        metricName: DEPLOYMENT_DENIED_METRIC.name,
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${DEPLOYMENT_ACCESS_MARK}: failed attempts to assume the deployer or a CDK bootstrap deploy role in the last 5 minutes (one notification per burst); each attempt is in the log group ${logGroup.logGroupName}`,
    });
    alarm.addAlarmAction(new cwActions.SnsAction(channels.alertTopic));
  }
  return { rules, logGroup };
}
