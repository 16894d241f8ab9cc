import type { CloudTrailRecord } from '../engines/cloudtrail/index.js';
import type { AssumeRoleRequest, ContextValue, Decision } from '../engines/iam-policy/index.js';
import { trustDecision } from './policy.js';
import type { InputEvent } from './events-input.js';
import type { SystemModel } from './model.js';
import { isAlert, isLog, replayEvent, type Delivery } from './replay.js';
import { hopProblems } from './delivery/problems.js';
import { isObject, str } from './json.js';
import { trailVerdict } from './trails.js';

export interface SimulatedEvent {
  readonly eventID: string;
  readonly eventName: string;
  readonly region: string;
  readonly account: string;
  readonly principal: string;
  /** Trust-policy decision for an assume/switch event into a role of the model; `n/a` otherwise. */
  readonly trust: Decision | 'n/a';
  readonly alerted: boolean;
  readonly logged: boolean;
  /**
   * A data event no trail in the templates records (CloudTrail records data events only for what a
   * trail selects, and EventBridge receives only those): the reason. It reaches no rule.
   */
  readonly notRecorded?: string;
  readonly deliveries: readonly Delivery[];
  /** Broken hops on the way to a person (each names its hop); empty when every delivery works. */
  readonly problems: readonly string[];
}

/** The role an assume / switch record is about (success: requestParameters; denial: the error message). */
export function targetRoleOf(record: CloudTrailRecord): string | undefined {
  if (record.eventSource === 'sts.amazonaws.com' && record.eventName.startsWith('AssumeRole')) {
    const fromParams = isObject(record.requestParameters)
      ? str(record.requestParameters['roleArn'])
      : undefined;
    if (fromParams) return fromParams;
    return /on resource: (arn:[^\s]+:role\/[^\s]+)/.exec(record.errorMessage ?? '')?.[1];
  }
  if (record.eventSource === 'signin.amazonaws.com' && record.eventName === 'SwitchRole') {
    const extra = record.additionalEventData;
    return (
      (isObject(extra) ? str(extra['SwitchTo']) : undefined) ??
      record.userIdentity?.sessionContext?.sessionIssuer?.arn
    );
  }
  return undefined;
}

/** Rebuilds the trust-policy request AWS evaluated for an assume record. */
export function trustRequestOf(record: CloudTrailRecord, roleArn: string): AssumeRoleRequest | undefined {
  const ui = record.userIdentity ?? {};
  const params = isObject(record.requestParameters) ? record.requestParameters : {};
  const context: Record<string, ContextValue> = { 'aws:RequestedRegion': record.awsRegion };
  if (record.eventName === 'AssumeRoleWithSAML' || record.eventName === 'AssumeRoleWithWebIdentity') {
    const provider = str(params['principalArn']) ?? str(ui['identityProvider']);
    if (!provider) return undefined;
    return {
      action:
        record.eventName === 'AssumeRoleWithSAML'
          ? 'sts:AssumeRoleWithSAML'
          : 'sts:AssumeRoleWithWebIdentity',
      principal: { type: 'Federated', id: provider },
      roleArn,
      context,
    };
  }
  const callerArn = str(ui.arn);
  if (!callerArn) return undefined;
  const account = str(ui.accountId) ?? callerArn.split(':')[4] ?? '';
  context['aws:PrincipalAccount'] = account;
  if (ui.type === 'IAMUser' || /:user\//.test(callerArn)) {
    context['aws:PrincipalArn'] = callerArn;
    const name = str(ui.userName) ?? callerArn.split('/').pop() ?? '';
    context['aws:username'] = name;
    if (ui.principalId) context['aws:userid'] = ui.principalId;
    const mfa = ui.sessionContext?.attributes?.mfaAuthenticated;
    if (mfa !== undefined) context['aws:MultiFactorAuthPresent'] = mfa === 'true';
  } else if (ui.type === 'AssumedRole') {
    const issuer = ui.sessionContext?.sessionIssuer?.arn;
    if (issuer) context['aws:PrincipalArn'] = issuer;
    if (ui.principalId) context['aws:userid'] = ui.principalId;
    context['aws:MultiFactorAuthPresent'] = ui.sessionContext?.attributes?.mfaAuthenticated === 'true';
  }
  // aws:RequestTag/*, aws:TagKeys and sts:SourceIdentity are derived by the evaluator (trustRequestContext).
  const sourceIdentity = str(params['sourceIdentity']);
  const tags: Record<string, string> = {};
  if (Array.isArray(params['tags'])) {
    for (const t of params['tags'])
      if (isObject(t) && typeof t['key'] === 'string') tags[t['key']] = String(t['value'] ?? '');
  }
  return {
    action: 'sts:AssumeRole',
    principal: { type: 'AWS', id: callerArn },
    roleArn,
    context,
    ...(sourceIdentity ? { sourceIdentity } : {}),
    ...(Object.keys(tags).length > 0 ? { sessionTags: tags } : {}),
  };
}

/** Replays input events against the model, in input order. */
export function simulateEvents(model: SystemModel, inputs: readonly InputEvent[]): SimulatedEvent[] {
  return inputs.map(({ event, record }) => {
    const verdict = record ? trailVerdict(model.trails, record) : undefined;
    const unrecorded = verdict?.kind === 'not-recorded' ? verdict.reason : undefined;
    const replayed = unrecorded
      ? { deliveries: [], misses: [], problems: [], rules: [] }
      : replayEvent(model, event);
    const { deliveries } = replayed;
    let trust: Decision | 'n/a' = 'n/a';
    const roleArn = record ? targetRoleOf(record) : undefined;
    const role = roleArn ? model.roles.get(roleArn) : undefined;
    if (record && role) {
      const request = trustRequestOf(record, role.arn);
      if (request) trust = trustDecision(role.trustPolicy, request).decision;
    }
    const detail = event.detail;
    const ui = isObject(detail['userIdentity']) ? detail['userIdentity'] : {};
    return {
      eventID: str(detail['eventID']) ?? event.id,
      eventName: str(detail['eventName']) ?? event['detail-type'],
      region: event.region,
      account: event.account,
      principal: str(ui['arn']) ?? str(ui['principalId']) ?? str(ui['userName']) ?? '-',
      trust,
      alerted: deliveries.some(isAlert),
      logged: deliveries.some(isLog),
      ...(unrecorded ? { notRecorded: unrecorded } : {}),
      deliveries,
      problems: hopProblems(model, replayed),
    };
  });
}
