import { toEventBridgeEvent, type CloudTrailRecord } from '../engines/cloudtrail/index.js';
import type { AssumeRoleRequest, Decision } from '../engines/iam-policy/index.js';
import { policyDecision, trustDecision } from './policy.js';
import { REASON_TAG_KEYS } from '../engines/conventions.js';
import type { RoleModel, SystemModel, UserModel } from './model.js';
import { lookAlikeOf, personsOf, strangerFor, type Person } from './persons.js';
import {
  actionRecord,
  assumedRoleIdentity,
  federationTokenRecord,
  iamUserIdentity,
  signinRecord,
  stableId,
  stsAssumeRecord,
  type Caller,
} from './records.js';
import { isAlert, isLog, replayEvent, type Delivery, type Miss } from './replay.js';
import { ACCESS_CHANGES, accessChangeCalls } from './access-scenarios.js';
import { hopProblems } from './delivery/problems.js';
import { wordingsForRegion, type DenialWording } from './denials.js';
import { runChecks, summarizeChecks, type CheckResult, type CheckSummary } from './checks.js';
import { s3GetObjectRecord } from './data-read.js';
import { trailVerdict } from './trails.js';
import type { OrganizationPlan } from './organization/types.js';

/** Every way into a break-glass role or user, and the two kinds of action made with a session. */
export const WAYS_IN = [
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'SwitchRole',
  'GetSigninToken',
  'RoleChaining',
  'ConsoleLogin',
  'GetFederationToken',
  'ReadAction',
  'WriteAction',
  'DataRead',
  ...ACCESS_CHANGES,
] as const;
export type WayIn = (typeof WAYS_IN)[number];

/** `look-alike`: a named person's session from a look-alike Identity Center role (must be denied). */
export type Actor = 'named' | 'named-no-mfa' | 'stranger' | 'look-alike';

export interface ScenarioResult {
  readonly wayIn: WayIn;
  readonly region: string;
  readonly actor: Actor;
  readonly principal: string;
  readonly target: string;
  /** Trust-policy decision for assume/switch events; `n/a` where no trust policy decides. */
  readonly trust: Decision | 'n/a';
  readonly alerted: boolean;
  readonly logged: boolean;
  /**
   * The action log leaves this kind of call out on purpose (e.g. `logActions: 'write'` for a read): the
   * same call with CloudTrail's `readOnly` the other way is logged. Not a gap.
   */
  readonly notLoggedByConfiguration: boolean;
  /**
   * A data event (e.g. an S3 object read) that no trail in the templates selects: CloudTrail does not
   * record it and EventBridge never sees it. Not a gap unless a trail asks for these data events.
   */
  readonly notRecorded: boolean;
  /** For data events: which trail records it, or why none does. */
  readonly trail?: string;
  /**
   * A console sign-in (`GetSigninToken`) with a session of the role in a Region nobody watches, where
   * the role cannot be assumed and its own policies deny every call: not alerted by itself, but the
   * session was alerted when it began (in a watched Region) and can do nothing here. Not a gap.
   */
  readonly sessionLocked?: boolean;
  readonly ok: boolean;
  /** Which form of the record this is, when a way in has several (e.g. `denial wording explicit-scp`). */
  readonly variant?: string;
  /** Why the scenario is a gap (empty when ok). */
  readonly problems: readonly string[];
  readonly eventId: string;
  readonly deliveries: readonly Delivery[];
  readonly misses: readonly Miss[];
}

export interface VerifyOptions {
  readonly regions: readonly string[];
  /** Only these roles (ARNs); default: roles tagged `breakglass:role=true`. */
  readonly roleArns?: readonly string[];
  /** Only these users (names or ARNs); default: users tagged `breakglass:user=true`. */
  readonly users?: readonly string[];
  /** The organization's StackSets and accounts (see organization/expand.ts), for the per-account checks. */
  readonly organization?: OrganizationPlan;
}

export interface VerifyResult {
  readonly roles: readonly string[];
  readonly users: readonly string[];
  readonly regions: readonly string[];
  readonly scenarios: readonly ScenarioResult[];
  readonly summary: { readonly total: number; readonly ok: number; readonly gaps: number };
  /** Checks that are not ways in (tamper alerts, the drill, …: see `checks.ts`). */
  readonly checks: readonly CheckResult[];
  readonly checkSummary: CheckSummary;
  readonly warnings: readonly string[];
}

interface Attempt {
  readonly wayIn: WayIn;
  readonly region: string;
  readonly actor: Actor;
  readonly principal: string;
  readonly target: string;
  readonly record: CloudTrailRecord;
  readonly trust: Decision | 'n/a';
  readonly expectDenied: boolean;
  /** A person the trust policy names, doing everything it asks: being denied means the glass does not break. */
  readonly expectAllowed?: boolean;
  /** Which form of the record this is, when a way in has several (e.g. a denial wording); named in gaps. */
  readonly variant?: string;
  readonly expectAlert: boolean;
  readonly expectLog: boolean;
  /** See `ScenarioResult.sessionLocked`: the session cannot start or act in this Region. */
  readonly sessionLocked?: boolean;
}

const REASON_TAGS: Readonly<Record<string, string>> = Object.fromEntries(
  REASON_TAG_KEYS.map((k) => [k, k === 'Ticket' ? 'INC-1234' : 'database restore']),
);

/** The request context a person's AssumeRole carries (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). */
function requestFor(
  person: Person,
  role: RoleModel,
  region: string,
  opts: { mfa: boolean; sourceIdentity?: string; tags?: Readonly<Record<string, string>>; console?: boolean },
): { request: AssumeRoleRequest; caller: Caller } {
  const context: Record<string, string | boolean | string[]> = {
    'aws:RequestedRegion': region,
    'aws:PrincipalAccount': person.account,
    'aws:SecureTransport': true,
    'aws:SourceIp': '198.51.100.7',
  };
  let caller: Caller;
  let principalId: string;
  if (person.kind === 'iam-user') {
    const identity = iamUserIdentity(person.arn, person.name, person.account);
    caller = { identity, arn: person.arn };
    principalId = person.arn;
    context['aws:PrincipalArn'] = person.arn;
    context['aws:username'] = person.name;
    context['aws:userid'] = String(identity['principalId']);
    context['aws:PrincipalType'] = 'User';
    // Long-term access keys carry no MFA key at all; console sessions say true/false.
    if (opts.mfa) {
      context['aws:MultiFactorAuthPresent'] = true;
      context['aws:MultiFactorAuthAge'] = '120';
    } else if (opts.console) context['aws:MultiFactorAuthPresent'] = false;
  } else {
    const identity = assumedRoleIdentity(person.roleArn, person.name);
    caller = { identity, arn: String(identity['arn']) };
    principalId = String(identity['arn']);
    context['aws:PrincipalArn'] = person.roleArn;
    context['aws:userid'] = String(identity['principalId']);
    context['aws:PrincipalType'] = 'AssumedRole';
    context['aws:MultiFactorAuthPresent'] = false; // Federated sessions say false even with IdP MFA.
  }
  // aws:RequestTag/*, aws:TagKeys and sts:SourceIdentity are derived by the evaluator from
  // `sessionTags` / `sourceIdentity` (trustRequestContext).
  return {
    caller,
    request: {
      action: 'sts:AssumeRole',
      principal: { type: 'AWS', id: principalId },
      roleArn: role.arn,
      context,
      ...(opts.sourceIdentity ? { sourceIdentity: opts.sourceIdentity } : {}),
      ...(opts.tags ? { sessionTags: opts.tags } : {}),
    },
  };
}

/** The best a person can do: with source identity and reason tags if the role allows them, else without. */
function bestAttempt(
  person: Person,
  role: RoleModel,
  region: string,
  mfa: boolean,
  console: boolean,
): { decision: Decision; request: AssumeRoleRequest; caller: Caller } {
  const variants = console
    ? [{}]
    : [
        { sourceIdentity: person.name, tags: REASON_TAGS },
        { tags: REASON_TAGS },
        { sourceIdentity: person.name },
        {},
      ];
  let first: { decision: Decision; request: AssumeRoleRequest; caller: Caller } | undefined;
  for (const v of variants) {
    const { request, caller } = requestFor(person, role, region, { mfa, console, ...v });
    const decision = trustDecision(role.trustPolicy, request).decision;
    const attempt = { decision, request, caller };
    if (decision === 'Allow') return attempt;
    first ??= attempt;
  }
  return first as { decision: Decision; request: AssumeRoleRequest; caller: Caller };
}

/**
 * A call made with the role's session that the role's own identity policies deny explicitly — e.g. a
 * Region lock (Deny `*` where `aws:RequestedRegion` is not a watched Region): the session cannot make it
 * there, so in a Region nobody watches it is blocked, not a gap. Sign-in calls are not decided by
 * identity policies (`n/a`), nor is anything the policies do not deny.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html
 */
function sessionDecision(role: RoleModel, record: CloudTrailRecord, region: string): Decision | 'n/a' {
  const service = String(record.eventSource ?? '').split('.')[0];
  if (!service || service === 'signin') return 'n/a';
  return deniedBySessionPolicies(role, `${service}:${String(record.eventName)}`, region)
    ? 'ExplicitDeny'
    : 'n/a';
}

/** The role's own identity policies deny `action` to its sessions in `region` (a Region lock does). */
function deniedBySessionPolicies(role: RoleModel, action: string, region: string): boolean {
  if (role.policies.length === 0) return false;
  const request = {
    action,
    resource: '*',
    principal: { type: 'AWS' as const, id: role.arn },
    context: {
      'aws:RequestedRegion': region,
      'aws:PrincipalArn': role.arn,
      'aws:PrincipalAccount': role.account,
    },
  };
  return role.policies.some((doc) => policyDecision(doc, request) === 'ExplicitDeny');
}

function federatedDecision(
  role: RoleModel,
  action: 'sts:AssumeRoleWithSAML' | 'sts:AssumeRoleWithWebIdentity',
  providerId: string,
  region: string,
  session: string,
): Decision {
  const context: Record<string, string | boolean> = { 'aws:RequestedRegion': region };
  if (action === 'sts:AssumeRoleWithSAML') context['saml:aud'] = 'https://signin.aws.amazon.com/saml';
  return trustDecision(role.trustPolicy, {
    action,
    principal: { type: 'Federated', id: providerId },
    roleArn: role.arn,
    context: { ...context, 'aws:userid': session },
  }).decision;
}

function roleAttempts(
  role: RoleModel,
  model: SystemModel,
  region: string,
  warnings: string[],
  denials: readonly DenialWording[],
): Attempt[] {
  const persons = personsOf(role, model);
  if (persons.length === 0) {
    warnings.push(
      `role ${role.arn}: its trust policy names no person (IAM user or federated session); using a made-up operator`,
    );
  }
  const named: Person[] = persons.length > 0 ? persons : [strangerFor(role, [])];
  const stranger = strangerFor(role, persons);
  const out: Attempt[] = [];
  const key = (...parts: string[]) => [role.arn, region, ...parts].join('|');
  const account = role.account;
  /** A way-in attempt against this role: always expected to alert, never a logged action. */
  const entry = (
    wayIn: WayIn,
    actor: Actor,
    principal: string,
    trust: Decision | 'n/a',
    expectDenied: boolean,
    record: CloudTrailRecord,
  ): Attempt => ({
    wayIn,
    region,
    actor,
    principal,
    target: role.arn,
    trust,
    expectDenied,
    expectAlert: true,
    expectLog: false,
    record,
  });

  // CLI / SDK AssumeRole: every named person, a named IAM user without MFA, a stranger.
  const cliActors: { actor: Actor; person: Person; mfa: boolean }[] = [
    ...named.map((p) => ({ actor: 'named' as const, person: p, mfa: true })),
    ...named
      .filter((p) => p.kind === 'iam-user')
      .slice(0, 1)
      .map((p) => ({ actor: 'named-no-mfa' as const, person: p, mfa: false })),
    { actor: 'stranger', person: stranger, mfa: true },
  ];
  for (const a of cliActors) {
    const { decision, request, caller } = bestAttempt(a.person, role, region, a.mfa, false);
    const sessionName = a.person.name;
    const mustGetIn = a.actor === 'named' && persons.length > 0;
    // A stranger's denial is written in this Region's share of the documented wordings (./denials.ts).
    const wordings = a.actor === 'stranger' && denials.length > 0 ? denials : [undefined];
    for (const denial of wordings) {
      out.push({
        ...entry(
          'AssumeRole',
          a.actor,
          caller.arn,
          decision,
          a.actor !== 'named',
          stsAssumeRecord({
            key: key('AssumeRole', a.actor, a.person.name, ...(denial ? [denial.id] : [])),
            region,
            account,
            action: 'AssumeRole',
            caller,
            roleArn: role.arn,
            sessionName,
            success: decision === 'Allow',
            ...(denial ? { denial } : {}),
            ...(request.sourceIdentity ? { sourceIdentity: request.sourceIdentity } : {}),
            ...(request.sessionTags ? { tags: request.sessionTags } : {}),
          }),
        ),
        expectAllowed: mustGetIn,
        ...(denial && decision !== 'Allow' ? { variant: `denial wording ${denial.id}` } : {}),
      });
    }
  }

  // The first Identity Center person from a look-alike permission set's role: denied, alerted.
  const lookAlike = named.map(lookAlikeOf).find((p): p is Person => p !== undefined);
  if (lookAlike) {
    const { decision, request, caller } = bestAttempt(lookAlike, role, region, true, false);
    out.push(
      entry(
        'AssumeRole',
        'look-alike',
        caller.arn,
        decision,
        true,
        stsAssumeRecord({
          key: key('AssumeRole', 'look-alike', lookAlike.name),
          region,
          account,
          action: 'AssumeRole',
          caller,
          roleArn: role.arn,
          sessionName: lookAlike.name,
          success: decision === 'Allow',
          ...(request.sourceIdentity ? { sourceIdentity: request.sourceIdentity } : {}),
          ...(request.sessionTags ? { tags: request.sessionTags } : {}),
        }),
      ),
    );
  }

  // Console switch-role (IAM users only; the console cannot set source identity or tags).
  for (const a of cliActors.filter((x) => x.person.kind === 'iam-user')) {
    const { decision, caller } = bestAttempt(a.person, role, region, a.mfa, true);
    const success = decision === 'Allow';
    out.push(
      entry(
        'SwitchRole',
        a.actor,
        caller.arn,
        decision,
        a.actor !== 'named',
        signinRecord({
          key: key('SwitchRole', a.actor, a.person.name),
          region,
          account,
          eventName: 'SwitchRole',
          identity: caller.identity,
          success,
          switchTo: role.arn,
        }),
      ),
    );
  }

  // Federation straight into the role: SAML and web identity, for a named session and a stranger.
  const samlProvider = `arn:aws:iam::${account}:saml-provider/BreakGlassIdP`;
  for (const [wayIn, action, provider] of [
    ['AssumeRoleWithSAML', 'sts:AssumeRoleWithSAML', samlProvider],
    ['AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithWebIdentity', 'accounts.google.com'],
  ] as const) {
    for (const [actor, session] of [
      ['named', named[0]?.name ?? 'operator'],
      ['stranger', stranger.name],
    ] as const) {
      const decision = federatedDecision(role, action, provider, region, session);
      const identity =
        wayIn === 'AssumeRoleWithSAML'
          ? {
              type: 'SAMLUser',
              principalId: `${samlProvider}:${session}`,
              userName: session,
              identityProvider: samlProvider,
            }
          : {
              type: 'WebIdentityUser',
              principalId: `${provider}:app:${session}`,
              userName: session,
              identityProvider: provider,
            };
      // A federated way in is a door only the design can open; a stranger must never get through.
      out.push(
        entry(
          wayIn,
          actor,
          `${provider}:${session}`,
          decision,
          actor === 'stranger',
          stsAssumeRecord({
            key: key(wayIn, actor),
            region,
            account,
            action: wayIn,
            caller: { identity, arn: `${provider}:${session}` },
            roleArn: role.arn,
            sessionName: session,
            success: decision === 'Allow',
            ...(wayIn === 'AssumeRoleWithSAML' ? { providerArn: samlProvider } : {}),
          }),
        ),
      );
    }
  }

  // With a session of the role: console from CLI credentials, role chaining, a read and a write.
  const person = named[0] as Person;
  const session = assumedRoleIdentity(role.arn, person.name, { mfa: true, sourceIdentity: person.name });
  const sessionArn = String(session['arn']);
  // Sign-in is not decided by identity policies, and it is recorded in the Region of the sign-in
  // endpoint used (https://docs.aws.amazon.com/general/latest/gr/signin-service.html lists one per
  // Region). A session can only begin where the trust policy allows AssumeRole, and a Region lock
  // denies every call it would make from the console here.
  const sessionLocked =
    bestAttempt(person, role, region, true, false).decision !== 'Allow' &&
    deniedBySessionPolicies(role, 'ec2:DescribeInstances', region);
  out.push({
    ...entry(
      'GetSigninToken',
      'named',
      sessionArn,
      'n/a',
      false,
      signinRecord({
        key: key('GetSigninToken'),
        region,
        account,
        eventName: 'GetSigninToken',
        identity: session,
        success: true,
      }),
    ),
    ...(sessionLocked ? { sessionLocked } : {}),
  });
  /** A call made with the break-glass session: always logged, alerted when it is a way onward. */
  const sessionCall = (wayIn: WayIn, expectAlert: boolean, record: CloudTrailRecord): Attempt => ({
    wayIn,
    region,
    actor: 'named',
    principal: sessionArn,
    target: role.arn,
    trust: sessionDecision(role, record, region),
    expectDenied: false,
    expectAlert,
    expectLog: true,
    record,
  });
  const otherRole = `arn:aws:iam::${account}:role/breakglass-verify-chained-target`;
  out.push(
    sessionCall(
      'RoleChaining',
      true,
      stsAssumeRecord({
        key: key('RoleChaining'),
        region,
        account,
        action: 'AssumeRole',
        caller: { identity: session, arn: sessionArn },
        roleArn: otherRole,
        sessionName: person.name,
        success: true,
        sourceIdentity: person.name,
      }),
    ),
  );
  for (const kind of ['read', 'write'] as const) {
    out.push(
      sessionCall(
        kind === 'read' ? 'ReadAction' : 'WriteAction',
        false,
        actionRecord({ key: key(kind), region, account, identity: session, kind }),
      ),
    );
  }
  // An S3 object read: a data event, recorded only when a trail selects it (see trails.ts).
  out.push(
    sessionCall(
      'DataRead',
      false,
      s3GetObjectRecord({ key: key('data-read'), region, account, identity: session }),
    ),
  );
  // Request / approve / revoke: IAM calls on the role by a named person (us-east-1 only).
  for (const c of accessChangeCalls(role, person, region)) {
    out.push(entry(c.wayIn, 'named', c.principal, 'n/a', false, c.record));
  }
  return out;
}

/**
 * The records of every way into `role` and every call with its session in `region`, as `verifyModel`
 * replays them (without the denial-wording variants): for checks that reuse them on other accounts.
 */
export function roleWayInRecords(
  role: RoleModel,
  model: SystemModel,
  region: string,
): { readonly wayIn: WayIn; readonly actor: Actor; readonly record: CloudTrailRecord }[] {
  return roleAttempts(role, model, region, [], []).map((a) => ({
    wayIn: a.wayIn,
    actor: a.actor,
    record: a.record,
  }));
}

function userAttempts(user: UserModel, region: string): Attempt[] {
  const key = (...parts: string[]) => [user.arn, region, ...parts].join('|');
  const identity = iamUserIdentity(user.arn, user.name, user.account);
  const caller: Caller = { identity, arn: user.arn };
  const base = { region, principal: user.arn, target: user.arn, trust: 'n/a' as const, expectDenied: false };
  return [
    {
      ...base,
      wayIn: 'ConsoleLogin',
      actor: 'named',
      expectAlert: true,
      expectLog: false,
      record: signinRecord({
        key: key('ConsoleLogin', 'ok'),
        region,
        account: user.account,
        eventName: 'ConsoleLogin',
        identity,
        success: true,
        mfaUsed: true,
      }),
    },
    {
      ...base,
      wayIn: 'ConsoleLogin',
      actor: 'named-no-mfa',
      expectAlert: true,
      expectLog: false,
      record: signinRecord({
        key: key('ConsoleLogin', 'fail'),
        region,
        account: user.account,
        eventName: 'ConsoleLogin',
        identity,
        success: false,
        mfaUsed: false,
      }),
    },
    {
      ...base,
      wayIn: 'GetFederationToken',
      actor: 'named',
      expectAlert: true,
      expectLog: true,
      record: federationTokenRecord({
        key: key('GetFederationToken'),
        region,
        account: user.account,
        caller,
        name: user.name,
      }),
    },
    ...(['read', 'write'] as const).map((kind) => ({
      ...base,
      wayIn: (kind === 'read' ? 'ReadAction' : 'WriteAction') as WayIn,
      actor: 'named' as const,
      expectAlert: false,
      expectLog: true,
      record: actionRecord({ key: key(kind), region, account: user.account, identity, kind }),
    })),
    {
      ...base,
      wayIn: 'DataRead',
      actor: 'named',
      expectAlert: false,
      expectLog: true,
      record: s3GetObjectRecord({ key: key('data-read'), region, account: user.account, identity }),
    },
  ];
}

interface Observed {
  readonly deliveries: readonly Delivery[];
  readonly misses: readonly Miss[];
  readonly alerted: boolean;
  readonly logged: boolean;
  readonly notLoggedByConfiguration: boolean;
  /** Broken hops on the way to a person (each names its hop). */
  readonly hops: readonly string[];
  /** Data events only: not recorded by any trail; `asked`: a trail selects this resource type. */
  readonly unrecorded?: { readonly asked: boolean; readonly reason: string };
  readonly trail?: string;
}

function observe(model: SystemModel, a: Attempt): Observed {
  const verdict = trailVerdict(model.trails, a.record);
  if (verdict.kind === 'not-recorded') {
    // CloudTrail does not record it, so EventBridge never receives it: no rule sees it at all.
    return {
      deliveries: [],
      misses: [],
      alerted: false,
      logged: false,
      notLoggedByConfiguration: false,
      hops: [],
      unrecorded: { asked: verdict.asked, reason: verdict.reason },
      trail: verdict.reason,
    };
  }
  const trail =
    verdict.kind === 'recorded'
      ? `recorded by trail ${verdict.trail.logicalId} (${verdict.trail.stackName})`
      : undefined;
  const replayed = replayEvent(model, toEventBridgeEvent(a.record));
  const { deliveries, misses } = replayed;
  const logged = deliveries.some(isLog);
  let notLoggedByConfiguration = false;
  // A rule whose pattern wants the call but whose state drops it is a broken hop, not a choice.
  const droppedByState = misses.some((m) => m.hop === 'rule state');
  if (a.expectLog && !logged && !droppedByState && typeof a.record.readOnly === 'boolean') {
    // Logging by CloudTrail's readOnly (logActions 'read' / 'write') is the user's choice: the same call
    // the other way round being logged shows the log is there and leaves this kind out on purpose.
    const flipped = { ...a.record, readOnly: !a.record.readOnly };
    notLoggedByConfiguration = replayEvent(model, toEventBridgeEvent(flipped)).deliveries.some(isLog);
  }
  const hops = hopProblems(model, replayed);
  return {
    deliveries,
    misses,
    alerted: deliveries.some(isAlert),
    logged,
    notLoggedByConfiguration,
    hops,
    ...(trail ? { trail } : {}),
  };
}

/**
 * Judges one attempt. `watched`: some way in or call in this Region (for this principal) reaches a human.
 * In a Region nobody watches, an attempt the trust policy denies is blocked, not a gap (the Region lock
 * and the watched set agree); one it allows is a gap. In a watched Region, a named person who does all
 * the trust policy asks and is denied is a gap: the glass does not break.
 */
function judge(a: Attempt, o: Observed, watched: boolean): ScenarioResult {
  const denied = a.trust === 'ExplicitDeny' || a.trust === 'ImplicitDeny';
  const problems: string[] = [];
  const lockedOut = a.sessionLocked === true && !watched && !o.alerted;
  if (a.expectAlert && !o.alerted && !(denied && !watched) && !lockedOut)
    problems.push(`no alert reached a person${a.variant ? ` (${a.variant})` : ''}`);
  if (o.unrecorded?.asked)
    problems.push(`the data event is not recorded by CloudTrail: ${o.unrecorded.reason}`);
  else if (a.expectLog && !o.logged && !o.notLoggedByConfiguration && !o.unrecorded && !(denied && !watched))
    problems.push('the action was not logged');
  if (a.expectDenied && a.trust === 'Allow')
    problems.push(`the trust policy lets ${a.actor} ${a.principal} in`);
  problems.push(...o.hops);
  if (a.expectAllowed && denied && watched)
    problems.push(
      `the trust policy denies ${a.principal}, a person it names, with MFA, source identity and reason: the glass does not break in ${a.region}`,
    );
  return {
    wayIn: a.wayIn,
    region: a.region,
    actor: a.actor,
    principal: a.principal,
    target: a.target,
    trust: a.trust,
    alerted: o.alerted,
    logged: o.logged,
    notLoggedByConfiguration: o.notLoggedByConfiguration,
    notRecorded: o.unrecorded !== undefined && !o.unrecorded.asked,
    ...(o.trail ? { trail: o.trail } : {}),
    ...(lockedOut ? { sessionLocked: true } : {}),
    ok: problems.length === 0,
    ...(a.variant ? { variant: a.variant } : {}),
    problems,
    eventId: String(a.record.eventID ?? stableId(a.principal)),
    deliveries: o.deliveries,
    misses: o.misses,
  };
}

/** Replays one principal's attempts in one Region and judges them together (see `judge`). */
function judgeAll(model: SystemModel, attempts: readonly Attempt[]): ScenarioResult[] {
  const observed = attempts.map((a) => observe(model, a));
  // Watched: a rule meant to tell someone matched here (even if a later hop broke: that is its own gap).
  const watched = observed.some((o) => o.alerted || o.misses.length > 0);
  return attempts.map((a, i) => judge(a, observed[i] as Observed, watched));
}

/** Finds the break-glass roles/users, replays every way in × region × actor, and checks the outcome. */
export function verifyModel(model: SystemModel, options: VerifyOptions): VerifyResult {
  const warnings: string[] = [];
  const roles = options.roleArns?.length
    ? options.roleArns.map((arn) => {
        const r = model.roles.get(arn);
        if (!r) warnings.push(`--role-arn ${arn}: no such role in the templates`);
        return r;
      })
    : [...model.roles.values()].filter((r) => r.breakGlass);
  const wantUsers = options.users ?? [];
  const users = wantUsers.length
    ? [...model.users.values()].filter((u) => wantUsers.includes(u.name) || wantUsers.includes(u.arn))
    : [...model.users.values()].filter((u) => u.breakGlass);
  const scenarios: ScenarioResult[] = [];
  for (const role of roles) {
    if (!role) continue;
    options.regions.forEach((region, i) => {
      const denials = wordingsForRegion(i, options.regions.length);
      scenarios.push(...judgeAll(model, roleAttempts(role, model, region, warnings, denials)));
    });
  }
  for (const user of users) {
    for (const region of options.regions) {
      scenarios.push(...judgeAll(model, userAttempts(user, region)));
    }
  }
  for (const account of new Set([...roles, ...users].map((p) => p?.account))) {
    if (account !== undefined && !model.trails.some((t) => t.account === account || t.organization))
      warnings.push(
        `account ${account}: the templates have no CloudTrail trail, so whether data events are recorded cannot be confirmed (DataRead shows them as not recorded); with createTrail, set dataEvents (e.g. ['s3']); with an organization trail, make it select the data-event types you need (AWS::S3::Object, …)`,
      );
  }
  const namedIn = scenarios.some((s) => s.actor === 'named' && s.trust === 'Allow');
  if (roles.length > 0 && !namedIn)
    warnings.push('no named person can assume any break-glass role in any verified Region');
  const ok = scenarios.filter((s) => s.ok).length;
  const found = roles.filter((r): r is RoleModel => r !== undefined);
  const checks = runChecks({
    model,
    regions: options.regions,
    roles: found,
    users,
    ...(options.organization ? { organization: options.organization } : {}),
    wayInRecords: (role, region) => roleWayInRecords(role, model, region),
  });
  return {
    roles: found.map((r) => r.arn),
    users: users.map((u) => u.arn),
    regions: [...options.regions],
    scenarios,
    summary: { total: scenarios.length, ok, gaps: scenarios.length - ok },
    checks,
    checkSummary: summarizeChecks(checks),
    warnings: [...new Set(warnings)],
  };
}
