/**
 * The organization half of the security account's central stack: resource policies that let every
 * account of the organization put events on the central bus and the tamper bus, and the central
 * rules for what the member accounts forward (ways in and denied attempts → alert channels, session
 * actions → action log, their delivery alarms → tamper topic). Every rule is account-agnostic (see
 * `org-patterns.ts`): an account the StackSet deploys to later is covered with no change here.
 *
 * A bus policy statement with `Principal: "*"` and the organization id in its condition admits every
 * account of the organization, and those accounts must then give their rules targeting the bus a
 * role (`RoleArn`), as the member template does
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html).
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BreakGlassAlertChannels } from '../channels.js';
import type { Field, FieldMap } from './alert-placeholders.js';
import { LogGroupTarget, TopicTarget, deliveryFor } from './alert-targets.js';
import { commonFields, logsReads, type LogActionsMode, type PatternJson } from './alert-ways.js';
import { DeniedSummary } from './denied-summary.js';
import { isDeniedAttempt } from './drill-callers.js';
import type { MemberWatch } from './member-watch.js';
import { memberTamperPatterns } from './member-template.js';
import { TAMPER_CALLS } from '../../engines/tamper-calls.js';
import { tamperPrefix } from '../tamper.js';
import { memberActionPatterns, memberRoleFamilies } from './org-patterns.js';

export interface OrganizationRulesProps {
  readonly organizationId: string;
  /** Name of the member role in every account. */
  readonly roleName: string;
  /** Extra watches (permission set): routed by kind like the role's. */
  readonly watches: readonly MemberWatch[];
  readonly logActions: LogActionsMode;
  readonly logServices?: readonly string[];
  readonly deniedAttempts: 'summary' | 'each';
  readonly retention?: logs.RetentionDays;
  /** The tamper bus (its policy admits the organization too). */
  readonly tamperBus?: events.EventBus;
  /**
   * Physical-name prefix of the member resources (`<StackSet name>-`): the central mirror of the
   * members' tamper rules matches it. @default - no mirror rules
   */
  readonly memberNamePrefix?: string;
}

export interface OrganizationRules {
  /** Central alert rules by variant / watch id. */
  readonly alertRules: Readonly<Record<string, events.Rule>>;
  /** The member action log (absent with `logActions: false`). */
  readonly actionLog?: logs.LogGroup;
}

/** Admits every account of `organizationId` to `bus` (events:PutEvents). */
export function admitOrganization(bus: events.IEventBus, sid: string, organizationId: string): void {
  if (!(bus instanceof events.EventBus)) return;
  bus.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      actions: ['events:PutEvents'],
      principals: [new iam.AnyPrincipal()],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
    }),
  );
}

/** A raw (CloudFormation-shaped) pattern in CDK's `EventPattern` shape. */
function cdkShape(raw: Record<string, unknown>): PatternJson {
  const { 'detail-type': detailType, ...rest } = raw;
  return (detailType === undefined ? rest : { ...rest, detailType }) as PatternJson;
}

const p = (path: string): Field => ({ path });
const lit = (literal: string): Field => ({ literal });

/** Where a watch's event keeps each message field (sign-in records and STS records differ). */
function watchFields(w: MemberWatch): FieldMap {
  const signin = JSON.stringify(w.pattern['source'] ?? []).includes('aws.signin');
  const failed = w.kind === 'denied';
  return {
    ...commonFields(`${w.title ?? w.id} (member account)`),
    username: p(signin ? '$.detail.userIdentity.arn' : '$.detail.userIdentity.userName'),
    roleArn: p(
      signin
        ? '$.detail.userIdentity.sessionContext.sessionIssuer.arn'
        : '$.detail.requestParameters.roleArn',
    ),
    sessionName: p(signin ? '$.detail.userIdentity.arn' : '$.detail.requestParameters.roleSessionName'),
    sourceIdentity: p('$.detail.userIdentity.sessionContext.sourceIdentity'),
    mfa: p(
      signin
        ? '$.detail.additionalEventData.MFAUsed'
        : '$.detail.userIdentity.sessionContext.attributes.mfaAuthenticated',
    ),
    result: signin ? p('$.detail.responseElements.ConsoleLogin') : lit(failed ? 'Failure' : 'Success'),
    errorCode: p(failed ? '$.detail.errorCode' : '$.detail.errorMessage'),
  };
}

/** The tamper calls on the member role (by name) alone. */
function roleTamperPattern(roleName: string): Record<string, unknown> {
  return {
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['iam.amazonaws.com'],
      eventName: TAMPER_CALLS.filter((c) => c.kind === 'role').map((c) => c.eventName),
      requestParameters: { roleName: [roleName] },
    },
  };
}

/** What a member tamper alert says: the call, who made it, in which account and Region. */
function memberTamperMessage(): events.RuleTargetInput {
  const f = (path: string) => events.EventField.fromPath(path);
  return events.RuleTargetInput.fromText(
    `Break-glass TAMPER alert in member account ${events.EventField.account}: ${f('$.detail.eventName')} (${f('$.detail.eventSource')}) by ${f('$.detail.userIdentity.arn')} ` +
      `in ${events.EventField.region} at ${events.EventField.time}. ` +
      'A change to the break-glass role or forwarding of a member account: check it was planned.',
  );
}

/** Adds the organization's central rules to `channels` (in the security account). */
export function addOrganizationRules(
  scope: Construct,
  channels: BreakGlassAlertChannels,
  props: OrganizationRulesProps,
): OrganizationRules {
  admitOrganization(channels.eventBus, 'BreakGlassOrganizationMembers', props.organizationId);
  if (props.tamperBus)
    admitOrganization(props.tamperBus, 'BreakGlassOrganizationMembers', props.organizationId);
  const alertRules: Record<string, events.Rule> = {};
  const summarise = props.deniedAttempts === 'summary';
  const denied = (id: string, pattern: PatternJson, fields: FieldMap) =>
    summarise
      ? DeniedSummary.of(channels, props.retention).addRule(scope, `${id}Alert`, pattern)
      : channels.addAlertRule(scope, `${id}Alert`, pattern, fields);

  for (const family of memberRoleFamilies(props.roleName)) {
    for (const v of family.variants) {
      alertRules[v.id] = isDeniedAttempt(family, v)
        ? denied(v.id, v.pattern, v.fields)
        : channels.addAlertRule(scope, `${v.id}Alert`, v.pattern, v.fields);
    }
  }
  for (const w of props.watches) {
    if (w.kind === 'action') continue;
    const pattern = cdkShape(w.pattern);
    alertRules[w.id] =
      w.kind === 'denied'
        ? denied(w.id, pattern, watchFields(w))
        : channels.addAlertRule(scope, `${w.id}Alert`, pattern, watchFields(w));
  }

  let actionLog: logs.LogGroup | undefined;
  if (props.logActions !== false) {
    actionLog = new logs.LogGroup(scope, 'MemberActionLog', {
      retention: props.retention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const group = actionLog;
    const reads = logsReads(props.logActions);
    const actions = [
      ...memberActionPatterns(props.roleName, props.logActions, props.logServices),
      ...props.watches
        .filter((w) => w.kind === 'action')
        .map((w) => ({ id: w.id, pattern: cdkShape(w.pattern) })),
    ];
    for (const a of actions)
      channels.addCentralRule(scope, `${a.id}Log`, a.pattern, (d) => new LogGroupTarget(group, d), reads);
  }

  // The second tamper path of the members: their mirror rules forward the calls to this bus. The
  // security account's own tamper mirror rules (tamper.ts) already match them when the member names
  // and the role name start with this stack's tamper prefix (they match by prefix, in any account);
  // only what they miss gets a rule here, so that no call is alerted twice.
  if (props.tamperBus && props.memberNamePrefix !== undefined) {
    const own = tamperPrefix(Stack.of(scope).stackName);
    const namesCovered = props.memberNamePrefix.startsWith(own);
    const roleCovered = props.roleName.startsWith(own);
    const patterns: [string, Record<string, unknown>][] = namesCovered
      ? roleCovered
        ? []
        : [['Role', roleTamperPattern(props.roleName)]]
      : [...memberTamperPatterns(props.memberNamePrefix, roleCovered ? [] : [props.roleName])];
    for (const [group, pattern] of patterns) {
      channels.addCentralRule(
        scope,
        `MemberTamperMirror${group}`,
        cdkShape(pattern),
        (d) => new TopicTarget(channels.alertTopic, d, memberTamperMessage()),
        false,
      );
    }
  }

  // Delivery alarms of the member accounts arrive as alarm state changes; they go to the tamper
  // topic (the alert path is what failed). The security account's own are matched by the channels.
  const account = Stack.of(scope).account;
  new events.Rule(scope, 'MemberAlarmRule', {
    eventBus: channels.eventBus,
    description: 'Break-glass delivery alarms of the member accounts',
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      account: [{ 'anything-but': account }] as unknown as string[],
      detail: { state: { value: ['ALARM'] } },
    },
    targets: [
      new TopicTarget(
        channels.tamperTopic,
        deliveryFor(channels.deadLetterQueue),
        events.RuleTargetInput.fromText(
          `Break-glass alert delivery is failing in member account ${events.EventField.account}, ${events.EventField.region}: ${events.EventField.fromPath('$.detail.alarmName')}`,
        ),
      ),
    ],
  });
  return { alertRules, ...(actionLog ? { actionLog } : {}) };
}
