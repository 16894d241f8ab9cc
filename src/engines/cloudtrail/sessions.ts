/**
 * Break-glass sessions from CloudTrail records: records in, sessions out, no I/O.
 *
 * A session starts at a way in — AssumeRole / AssumeRoleWithSAML / AssumeRoleWithWebIdentity into a
 * break-glass role, ConsoleLogin of a break-glass IAM user, or a console SwitchRole into the role — and
 * collects every later call made with the credentials it produced, following role chaining out of
 * the session (credentials issued to a session's calls stay in the session), across Regions and
 * accounts. Calls made with break-glass credentials whose way in is not in the input (it happened
 * before the scanned window) become a session whose way in is `Unseen`.
 *
 * Linking, strongest first (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html):
 *  1. `userIdentity.accessKeyId` of a call = `responseElements.credentials.accessKeyId` of the way in;
 *  2. `userIdentity.arn` of a call = `responseElements.assumedRoleUser.arn` (console sessions have
 *     keys we never see issued);
 *  3. `userIdentity.sessionContext.sourceIdentity` = the session's source identity, for a role the
 *     session chained into (source identity is immutable through role chaining).
 */
import type { CloudTrailRecord } from './record.js';
import {
  iamActionsOf,
  isReadLevel,
  isWriteLevel,
  nonIamOf,
  riskOf,
  type AccessLevel,
  type ActionClassifier,
  type IamAction,
  type RiskCategory,
} from './actions.js';
import { consoleUrlOf, resourcesOf, type ResourceRef } from './resources.js';
import { permissionSetOfRoleArn, permissionSetOfRoleName } from '../identity-center.js';

/** Who counts as break-glass. */
export interface SessionPrincipals {
  /** Role ARNs (any path) or bare role names (match in every account). */
  readonly roleArns: readonly string[];
  /** IAM user names or user ARNs. */
  readonly userNames: readonly string[];
  /**
   * IAM Identity Center permission-set names: every role `AWSReservedSSO_<name>_<suffix>` Identity
   * Center makes of the set, in every account (path `/aws-reserved/sso.amazonaws.com/`, with or
   * without a Region segment). Another set's role (`AWSReservedSSO_<name>X_…`, or `<name>_x` whose
   * roles start the same) and a look-alike (`Ops-AWSReservedSSO_<name>_…`) do not match.
   */
  readonly permissionSets?: readonly string[];
}

export interface SessionOptions {
  readonly principals: SessionPrincipals;
  /** Access level of `service:action`; unknown actions are `Unknown`. */
  readonly classify?: ActionClassifier;
}

export type WayIn =
  | 'AssumeRole'
  | 'AssumeRoleWithSAML'
  | 'AssumeRoleWithWebIdentity'
  | 'ConsoleLogin'
  | 'SwitchRole'
  /** Calls by a break-glass IAM user with no console sign-in in the input (long-term access key). */
  | 'AccessKey'
  /** Calls with break-glass role credentials issued before the input starts. */
  | 'Unseen';

export interface SessionPerson {
  /** ARN of the caller of the way in (IAM user, assumed role, SSO role session, federated user). */
  readonly arn?: string;
  /** `userIdentity.type` of the caller (IAMUser, AssumedRole, SAMLUser, WebIdentityUser, Root). */
  readonly type?: string;
  /** IAM user name, SAML/web identity user name, or the role session name. */
  readonly name?: string;
  /** IAM Identity Center user, when the caller is an `AWSReservedSSO_*` role session. */
  readonly ssoUser?: string;
  readonly accountId?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** MFA as CloudTrail reports it (federated sessions say false even when the IdP used MFA). */
  readonly mfa?: boolean;
}

export interface SessionAction {
  /** `eventTime` as recorded (kept even when it is not a timestamp: see `timeUnknown`). */
  readonly time: string;
  /** The record's `eventTime` is not a timestamp; the call is kept at the end of its session. */
  readonly timeUnknown?: true;
  /** The record is (part of) the way in, not a call made with the session's credentials. */
  readonly wayIn?: true;
  readonly eventId?: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly service: string;
  readonly action: string;
  /** Further IAM actions the same call was authorised by (CopyObject also reads the source: s3:GetObject). */
  readonly alsoAuthorizes?: readonly string[];
  readonly accessLevel: AccessLevel;
  /** For `Non-IAM` events: what they are (console sign-in, AWS service event, …). */
  readonly nonIam?: string;
  /** `awsRegion`; empty when the record has none (counted in `inputs.missingRegion`). */
  readonly region: string;
  readonly account?: string;
  /** Role whose credentials made the call (differs from the session's role after chaining). */
  readonly roleArn?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** What the call acted on (CloudTrail `resources`, then identifying request parameters). */
  readonly resources?: readonly ResourceRef[];
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** The event in the CloudTrail console's Event history (kept there for 90 days). */
  readonly consoleUrl?: string;
  readonly risk?: { readonly category: RiskCategory; readonly reason: string };
}

/** One place the session's credentials were used from. */
export interface SessionOrigin {
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly first: string;
  readonly last: string;
  /** Records from this origin (the way in included). */
  readonly records: number;
  readonly accessKeyIds: readonly string[];
  /** `sourceIPAddress` is an AWS service, `AWS Internal` or a private (VPC) address. */
  readonly aws: boolean;
}

/** "Credentials used from an unexpected origin". */
export interface OriginFinding {
  readonly kind:
    'service-credentials-outside-aws' | 'origin-differs-from-way-in' | 'key-used-from-several-ips';
  readonly message: string;
  readonly sourceIps: readonly string[];
  readonly userAgents: readonly string[];
  readonly accessKeyId?: string;
  /** First use from the unexpected origin. */
  readonly first: string;
  readonly eventIds: readonly string[];
}

/**
 * What a session did. The way in is not a call; a denied (failed) call is an attempt, not a read or
 * a write.
 */
export interface SessionCounts {
  /** Every record of the session, the way in included. */
  readonly total: number;
  /** Successful calls made with the session's credentials. */
  readonly calls: number;
  /** Failed (denied) calls. */
  readonly attempts: number;
  /** Successful List + Read calls. */
  readonly read: number;
  /** Successful Write + Permissions management + Tagging calls. */
  readonly write: number;
  /** Successful calls by access level. */
  readonly byLevel: Readonly<Record<AccessLevel, number>>;
  /** Attempts by access level. */
  readonly attemptsByLevel: Readonly<Record<AccessLevel, number>>;
}

export interface Session {
  /** `S1`, `S2`, … in order of start. */
  readonly id: string;
  /** `failed` when the way in itself failed (denied AssumeRole, failed console sign-in). */
  readonly status: 'succeeded' | 'failed';
  /** The break-glass principal: role ARN or IAM user ARN/name. */
  readonly principal: string;
  readonly roleArn?: string;
  readonly userName?: string;
  readonly wayIn: WayIn;
  readonly person: SessionPerson;
  readonly sourceIdentity?: string;
  readonly sessionName?: string;
  /** Session tags of the way in (`requestParameters.tags`), e.g. Reason and Ticket. */
  readonly tags: Readonly<Record<string, string>>;
  readonly start: string;
  readonly end: string;
  readonly durationSeconds: number;
  readonly regions: readonly string[];
  readonly accounts: readonly string[];
  /** Roles the session chained into. */
  readonly chainedRoles: readonly string[];
  readonly accessKeyIds: readonly string[];
  readonly counts: SessionCounts;
  /** Risky calls in time order. */
  readonly risky: readonly SessionAction[];
  /** Every call in time order, the way in first. */
  readonly actions: readonly SessionAction[];
  /** Why the way in failed. */
  readonly failure?: { readonly errorCode?: string; readonly errorMessage?: string };
  /** Every distinct origin (source IP + user agent) of the session's records, by first use. */
  readonly origins: readonly SessionOrigin[];
  /** Credentials used from an unexpected origin. */
  readonly findings: readonly OriginFinding[];
  /** Console SwitchRole: the IAM user (or role session) the person switched from. */
  readonly switchFrom?: { readonly arn: string; readonly name?: string; readonly accountId?: string };
  /** Federation tokens issued inside the session (GetFederationToken): user name and session policy. */
  readonly federatedTokens?: ReadonlyArray<{
    readonly time: string;
    readonly name?: string;
    readonly policy?: string;
    readonly policyArns?: readonly string[];
    readonly accessKeyId?: string;
  }>;
  /** Records of the session whose `eventTime` is not a timestamp. */
  readonly unknownTimes?: number;
  /** Of `accessKeyIds`, those no record of the session was made with (duplicate or unused credentials). */
  readonly unusedAccessKeyIds?: readonly string[];
}

/**
 * Temporary credentials live at most 36 hours (GetFederationToken; roles at most 12 hours):
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html. A key seen outside
 * that window after its issue is someone else's (documentation samples reuse placeholder keys).
 */
const MAX_CREDENTIAL_LIFETIME_MS = 36 * 3600 * 1000;

/**
 * Calls by a break-glass IAM user belong to its last sign-in for at most 12 hours (the console
 * session limit for IAM users); later calls open a new session.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/console_controlling-access.html
 */
const USER_SESSION_MS = 12 * 3600 * 1000;

const STS_WAYS_IN = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity']);
const STS_ISSUERS = new Set([...STS_WAYS_IN, 'GetFederationToken', 'GetSessionToken']);

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** `123456789012:RoleName` for a role or assumed-role ARN; `*:RoleName` for a bare name. */
export function roleKeyOf(arnOrName: string): string | undefined {
  const m =
    /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}|\*)?:(?:role\/(?:.*\/)?([^/]+)|assumed-role\/([^/]+)\/.*)$/.exec(
      arnOrName.trim(),
    );
  if (m) return `${m[1] ?? '*'}:${m[2] ?? m[3]}`;
  if (/^[\w+=,.@-]+$/.test(arnOrName.trim())) return `*:${arnOrName.trim()}`;
  return undefined;
}

function userKeyOf(arnOrName: string): string | undefined {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(arnOrName.trim());
  if (m) return `${m[1]}:${m[2]}`;
  if (/^[\w+=,.@-]+$/.test(arnOrName.trim())) return `*:${arnOrName.trim()}`;
  return undefined;
}

/**
 * The permission set of a role ARN, assumed-role ARN or bare role name, when it names an Identity
 * Center role. A role ARN must carry the Identity Center path; an assumed-role ARN and a bare name
 * have no path, so only the name decides.
 */
function permissionSetOf(arnOrName: string): string | undefined {
  const s = arnOrName.trim();
  if (/^arn:[\w-]+:iam::/.test(s)) return permissionSetOfRoleArn(s);
  const assumed = /^arn:[\w-]+:sts::\d{12}:assumed-role\/([^/]+)\/.+$/.exec(s);
  if (assumed) return permissionSetOfRoleName(assumed[1]!);
  return s.startsWith('arn:') ? undefined : permissionSetOfRoleName(s);
}

class Matcher {
  private readonly roles = new Set<string>();
  private readonly users = new Set<string>();
  private readonly sets: ReadonlySet<string>;
  constructor(p: SessionPrincipals) {
    this.sets = new Set(p.permissionSets ?? []);
    for (const r of p.roleArns) {
      const k = roleKeyOf(r);
      if (k) this.roles.add(k);
    }
    for (const u of p.userNames) {
      const k = userKeyOf(u);
      if (k) this.users.add(k);
    }
  }
  role(arn: string | undefined): boolean {
    if (!arn) return false;
    if (this.sets.size > 0) {
      const set = permissionSetOf(arn);
      if (set !== undefined && this.sets.has(set)) return true;
    }
    const k = roleKeyOf(arn);
    if (!k) return false;
    return this.roles.has(k) || this.roles.has(`*:${k.slice(k.indexOf(':') + 1)}`);
  }
  user(accountId: string | undefined, name: string | undefined): boolean {
    if (!name) return false;
    return this.users.has(`*:${name}`) || (accountId !== undefined && this.users.has(`${accountId}:${name}`));
  }
}

/** The role an STS way in targets: request, then `resources`, then a denied call's error message. */
function targetRoleOf(r: CloudTrailRecord): string | undefined {
  const fromRequest = str(r.requestParameters?.['roleArn']);
  if (fromRequest) return fromRequest;
  const res = r.resources?.find((x) => x.type === 'AWS::IAM::Role' && x.ARN);
  if (res?.ARN) return res.ARN;
  // AccessDenied records carry no request parameters; the message names the role:
  // "... is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::…:role/…"
  const m = /on resource:\s*(arn:aws[\w-]*:iam::\d{12}:role\/[^\s]+?)\.?(?:\s|$)/.exec(r.errorMessage ?? '');
  return m?.[1];
}

function issuedKeyOf(r: CloudTrailRecord): string | undefined {
  return str(obj(r.responseElements?.['credentials'])?.['accessKeyId']);
}
function assumedArnOf(r: CloudTrailRecord): string | undefined {
  return (
    str(obj(r.responseElements?.['assumedRoleUser'])?.['arn']) ??
    str(obj(r.responseElements?.['federatedUser'])?.['arn'])
  );
}
function callerKeyOf(r: CloudTrailRecord): string | undefined {
  return str(r.userIdentity?.accessKeyId);
}
function issuerArnOf(r: CloudTrailRecord): string | undefined {
  return str(r.userIdentity?.sessionContext?.sessionIssuer?.arn);
}
function failedOf(r: CloudTrailRecord): boolean {
  if (r.errorCode) return true;
  const outcome = r.responseElements?.[r.eventName];
  return outcome === 'Failure';
}
function tagsOf(r: CloudTrailRecord): Record<string, string> {
  const out: Record<string, string> = {};
  const tags = r.requestParameters?.['tags'];
  if (Array.isArray(tags)) {
    for (const t of tags) {
      const o = obj(t);
      const k = str(o?.['key']) ?? str(o?.['Key']);
      const v = o?.['value'] ?? o?.['Value'];
      if (k && typeof v === 'string') out[k] = v;
    }
  }
  // Federated ways in pass tags from the IdP as `principalTags`.
  const principalTags = obj(r.requestParameters?.['principalTags']);
  for (const [k, v] of Object.entries(principalTags ?? {})) if (typeof v === 'string') out[k] ??= v;
  return out;
}
/** Ties in time and event id (documentation samples reuse ids) are broken by content, not input order. */
function contentOrder(a: CloudTrailRecord, b: CloudTrailRecord): number {
  // A cross-account call is delivered to both accounts; the caller's copy names the caller (the
  // other has `userIdentity.type: AWSAccount`): keep that one when the pair is deduplicated.
  const named = (r: CloudTrailRecord) => (str(r.userIdentity?.arn) ? 0 : 1);
  const byName = named(a) - named(b);
  if (byName !== 0) return byName;
  const key = (r: CloudTrailRecord) =>
    [
      r.eventSource,
      r.eventName,
      r.awsRegion ?? '',
      r.recipientAccountId ?? '',
      str(r.userIdentity?.arn) ?? '',
      str(r.userIdentity?.accessKeyId) ?? '',
      str(r.sourceIPAddress) ?? '',
      str(r.userAgent) ?? '',
      r.errorCode ?? '',
      JSON.stringify(r.requestParameters ?? null),
    ].join('\u0000');
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Milliseconds of `eventTime`, NaN when it is not a timestamp. */
function timeOf(r: CloudTrailRecord): number {
  return /^\d{4}-\d{2}-\d{2}T/.test(r.eventTime) ? Date.parse(r.eventTime) : NaN;
}
function isWayInEvent(r: CloudTrailRecord): boolean {
  return (
    (r.eventSource === 'sts.amazonaws.com' && STS_ISSUERS.has(r.eventName)) ||
    r.eventSource === 'signin.amazonaws.com'
  );
}

function personOf(r: CloudTrailRecord): SessionPerson {
  const ui = r.userIdentity;
  const arn = str(ui?.arn);
  const assumed = arn ? /:assumed-role\/([^/]+)\/(.+)$/.exec(arn) : null;
  const sso = assumed && assumed[1]!.startsWith('AWSReservedSSO_') ? assumed[2] : undefined;
  const mfaAttr = ui?.sessionContext?.attributes?.mfaAuthenticated;
  const mfaUsed = str(r.additionalEventData?.['MFAUsed']);
  const mfa =
    mfaUsed !== undefined
      ? mfaUsed.toLowerCase() === 'yes'
      : mfaAttr !== undefined
        ? String(mfaAttr) === 'true'
        : undefined;
  const p: Record<string, unknown> = {
    arn,
    type: str(ui?.type),
    name: str(ui?.userName) ?? assumed?.[2],
    ssoUser: sso,
    accountId: str(ui?.accountId) ?? r.recipientAccountId,
    sourceIp: str(r.sourceIPAddress),
    userAgent: str(r.userAgent),
    mfa,
  };
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return p as SessionPerson;
}

interface Draft {
  status: 'succeeded' | 'failed';
  principal: string;
  roleArn?: string;
  userName?: string;
  wayIn: WayIn;
  person: SessionPerson;
  sourceIdentity?: string;
  sessionName?: string;
  tags: Record<string, string>;
  chainedRoles: Set<string>;
  accessKeyIds: Set<string>;
  records: CloudTrailRecord[];
  failure?: { errorCode?: string; errorMessage?: string };
  first: number;
  /** Records that are the way in (the first one, and the SwitchRole of a console switch). */
  wayInRecords: Set<CloudTrailRecord>;
  switchFrom?: { arn: string; name?: string; accountId?: string };
}

/**
 * Reconstructs break-glass sessions. Sessions come out in order of start (then way-in event id);
 * within a session, calls are in time order (ties: way-in events first, then event id).
 */
export function buildSessions(records: readonly CloudTrailRecord[], options: SessionOptions): Session[] {
  const match = new Matcher(options.principals);
  const indexed = records.map((r, i) => ({ r, i, t: timeOf(r) }));
  // Records without a usable time go last (they are linked by key / ARN, not by time).
  indexed.sort(
    (a, b) =>
      Number(Number.isNaN(a.t)) - Number(Number.isNaN(b.t)) ||
      (Number.isNaN(a.t) ? 0 : a.t - b.t) ||
      Number(!isWayInEvent(a.r)) - Number(!isWayInEvent(b.r)) ||
      (a.r.eventID ?? '').localeCompare(b.r.eventID ?? '') ||
      contentOrder(a.r, b.r) ||
      a.i - b.i,
  );
  // The same record read twice (overlapping inputs, copied files) counts once.
  const seenEvents = new Set<string>();
  const sorted = indexed
    .map((x) => x.r)
    .filter((r) => {
      if (!r.eventID) return true;
      const k = `${r.eventID}|${r.eventTime}|${r.eventName}|${r.awsRegion}|${r.sourceIPAddress ?? ''}`;
      if (seenEvents.has(k)) return false;
      seenEvents.add(k);
      return true;
    });

  // Phase A: who issued which key (time-independent, so same-second ordering cannot break chains).
  const keyIssuer = new Map<string, CloudTrailRecord>();
  for (const r of sorted) {
    if (r.eventSource !== 'sts.amazonaws.com' || !STS_ISSUERS.has(r.eventName) || r.errorCode) continue;
    const k = issuedKeyOf(r);
    if (k && !keyIssuer.has(k)) keyIssuer.set(k, r);
  }
  const isTrackedStsWayIn = (r: CloudTrailRecord): boolean =>
    r.eventSource === 'sts.amazonaws.com' && STS_WAYS_IN.has(r.eventName) && match.role(targetRoleOf(r));
  /** The topmost tracked way-in above an STS event, following caller key → issuing event. */
  const rootMemo = new Map<CloudTrailRecord, CloudTrailRecord | null>();
  const rootOf = (r: CloudTrailRecord): CloudTrailRecord | undefined => {
    // Walk up: the event, the event that issued its caller's key, and so on.
    const seen = new Set<CloudTrailRecord>();
    const chain: CloudTrailRecord[] = [];
    let cur: CloudTrailRecord | undefined = r;
    let above: CloudTrailRecord | null = null;
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      if (rootMemo.has(cur)) {
        above = rootMemo.get(cur) ?? null;
        break;
      }
      chain.push(cur);
      const k = callerKeyOf(cur);
      cur = k ? keyIssuer.get(k) : undefined;
    }
    // Back down: each event's root is the topmost tracked way in at or above it — never one below
    // it (the session that handed a break-glass way in its caller's key is not part of that session).
    for (let i = chain.length - 1; i >= 0; i--) {
      const c = chain[i]!;
      if (above === null && isTrackedStsWayIn(c)) above = c;
      rootMemo.set(c, above);
    }
    return rootMemo.get(r) ?? undefined;
  };

  const drafts: Draft[] = [];
  const byRoot = new Map<CloudTrailRecord, Draft>();
  /** Access key → session, with the time the key was issued (calls before it are not the session's). */
  const byKey = new Map<string, { d: Draft; t: number }>();
  const byArn = new Map<string, Draft>();
  /** Open session of a break-glass IAM user, with the time it started. */
  const userOpen = new Map<string, { d: Draft; t: number }>();
  const bySourceIdentity = new Map<string, Draft>();

  const open = (r: CloudTrailRecord, wayIn: WayIn, principal: string, failed: boolean): Draft => {
    const d: Draft = {
      status: failed ? 'failed' : 'succeeded',
      principal,
      wayIn,
      person: personOf(r),
      tags: tagsOf(r),
      chainedRoles: new Set(),
      accessKeyIds: new Set(),
      records: [],
      first: drafts.length,
      wayInRecords: new Set([r]),
    };
    if (failed) {
      const failure: { errorCode?: string; errorMessage?: string } = {};
      if (r.errorCode) failure.errorCode = r.errorCode;
      if (r.errorMessage) failure.errorMessage = r.errorMessage;
      d.failure = failure;
    }
    drafts.push(d);
    return d;
  };
  const link = (d: Draft, r: CloudTrailRecord): void => {
    const k = issuedKeyOf(r);
    if (k) {
      if (!byKey.has(k)) byKey.set(k, { d, t: timeOf(r) });
      d.accessKeyIds.add(k);
    }
    const a = assumedArnOf(r);
    if (a) byArn.set(a, d);
    const sid =
      str(r.requestParameters?.['sourceIdentity']) ??
      str(r.responseElements?.['sourceIdentity']) ??
      str(r.userIdentity?.sessionContext?.sourceIdentity);
    if (sid) {
      d.sourceIdentity ??= sid;
      bySourceIdentity.set(sid, d);
    }
  };

  // Phase A': open a draft per root way in and hand it every key issued down its chain, before any
  // call is attributed (keys are unique, so this needs no time order).
  for (const r of sorted) {
    if (r.eventSource !== 'sts.amazonaws.com' || !STS_ISSUERS.has(r.eventName)) continue;
    const root = rootOf(r);
    if (!root) continue;
    let d = byRoot.get(root);
    if (!d) {
      const target = targetRoleOf(root) ?? 'unknown role';
      d = open(root, root.eventName as WayIn, target, failedOf(root));
      d.roleArn = target;
      const sessionName = str(root.requestParameters?.['roleSessionName']);
      if (sessionName) d.sessionName = sessionName;
      if (root.eventName !== 'AssumeRole') {
        // Federated callers: the person is the SAML / web identity subject.
        const name = str(root.userIdentity?.userName) ?? str(root.userIdentity?.principalId);
        if (name) d.person = { ...d.person, name };
      }
      byRoot.set(root, d);
    }
    const k = failedOf(r) ? undefined : issuedKeyOf(r);
    if (k) {
      byKey.set(k, { d, t: timeOf(r) });
      d.accessKeyIds.add(k);
    }
    // A console SwitchRole of the same session may sort before its AssumeRole: link the ARN now.
    const a = failedOf(r) ? undefined : assumedArnOf(r);
    if (a && !byArn.has(a)) byArn.set(a, d);
  }

  for (const r of sorted) {
    const ui = r.userIdentity;
    // STS way in: root of a chain, or a chained call inside a session.
    if (r.eventSource === 'sts.amazonaws.com' && STS_ISSUERS.has(r.eventName)) {
      const root = rootOf(r);
      const d = root ? byRoot.get(root) : undefined;
      if (d) {
        d.records.push(r);
        if (root !== r) {
          const target = targetRoleOf(r);
          if (target && !failedOf(r)) d.chainedRoles.add(target);
        }
        if (!failedOf(r)) link(d, r);
        continue;
      }
    }
    if (
      r.eventSource === 'signin.amazonaws.com' &&
      r.eventName === 'ConsoleLogin' &&
      ui?.type === 'IAMUser'
    ) {
      if (match.user(str(ui.accountId) ?? r.recipientAccountId, str(ui.userName))) {
        const failed = failedOf(r);
        const d = open(r, 'ConsoleLogin', str(ui.arn) ?? str(ui.userName)!, failed);
        d.userName = str(ui.userName);
        d.records.push(r);
        const key = `${str(ui.accountId) ?? r.recipientAccountId ?? ''}:${ui.userName}`;
        if (!failed) userOpen.set(key, { d, t: timeOf(r) });
        continue;
      }
    }
    if (r.eventSource === 'signin.amazonaws.com' && r.eventName === 'SwitchRole') {
      const switched = switchFromOf(r);
      if (switched && match.role(switched.role)) {
        // The SwitchFrom form: recorded as the role session, the person in SwitchFrom.
        const failed = failedOf(r);
        const paired = ui?.arn ? byArn.get(ui.arn) : undefined;
        const d = paired ?? open(r, 'SwitchRole', switched.role, failed);
        d.records.push(r);
        d.wayInRecords.add(r);
        if (switched.from) d.switchFrom = switched.from;
        if (!paired) {
          d.roleArn = switched.role;
          const sessionName = ui?.arn ? /:assumed-role\/[^/]+\/(.+)$/.exec(ui.arn)?.[1] : undefined;
          if (sessionName) d.sessionName = sessionName;
          d.person = switchPersonOf(r, switched.from);
          if (ui?.arn && !failed) byArn.set(ui.arn, d);
        } else if (d.person.mfa === undefined) {
          const mfa = personOf(r).mfa;
          if (mfa !== undefined) d.person = { ...d.person, mfa };
        }
        continue;
      }
      // The SwitchTo form (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html):
      // recorded with the caller's identity, the role switched to in additionalEventData.SwitchTo.
      const target = str(r.additionalEventData?.['SwitchTo']);
      if (match.role(target)) {
        const failed = failedOf(r);
        const d = open(r, 'SwitchRole', target!, failed);
        d.roleArn = target;
        d.records.push(r);
        const who = str(ui?.userName) ?? personOf(r).name;
        const rk = roleKeyOf(target!);
        if (!failed && who && rk) {
          const [acct, role] = rk.split(':');
          d.sessionName = who;
          byArn.set(`arn:aws:sts::${acct}:assumed-role/${role}/${who}`, d);
        }
        continue;
      }
    }

    // A call: find the session whose credentials made it.
    const key = callerKeyOf(r);
    const t = timeOf(r);
    const hit = key ? byKey.get(key) : undefined;
    const inLife =
      hit !== undefined &&
      (Number.isNaN(t) || Number.isNaN(hit.t) || (t >= hit.t && t <= hit.t + MAX_CREDENTIAL_LIFETIME_MS));
    let d = hit && inLife ? hit.d : undefined;
    if (!d && ui?.type === 'AssumedRole' && ui.arn) d = byArn.get(ui.arn);
    const sid = str(ui?.sessionContext?.sourceIdentity);
    if (!d && sid) {
      const s = bySourceIdentity.get(sid);
      const issuer = issuerArnOf(r);
      if (
        s &&
        issuer &&
        (match.role(issuer) || [...s.chainedRoles].some((c) => roleKeyOf(c) === roleKeyOf(issuer)))
      )
        d = s;
    }
    if (
      !d &&
      ui?.type === 'IAMUser' &&
      match.user(str(ui.accountId) ?? r.recipientAccountId, str(ui.userName))
    ) {
      const uk = `${str(ui.accountId) ?? r.recipientAccountId ?? ''}:${ui.userName}`;
      const openUser = userOpen.get(uk);
      if (openUser && (Number.isNaN(t) || t - openUser.t <= USER_SESSION_MS)) d = openUser.d;
      else {
        d = open(r, 'AccessKey', str(ui.arn) ?? str(ui.userName)!, false);
        d.userName = str(ui.userName);
        userOpen.set(uk, { d, t });
      }
    }
    if (!d && ui?.type === 'AssumedRole' && match.role(issuerArnOf(r))) {
      d = open(r, 'Unseen', issuerArnOf(r)!, false);
      d.roleArn = issuerArnOf(r);
      const assumed = ui.arn ? /:assumed-role\/[^/]+\/(.+)$/.exec(ui.arn) : null;
      if (assumed) d.sessionName = assumed[1];
      if (key) {
        byKey.set(key, { d, t });
        d.accessKeyIds.add(key);
      }
      if (ui.arn) byArn.set(ui.arn, d);
      if (sid) {
        d.sourceIdentity = sid;
        bySourceIdentity.set(sid, d);
      }
    }
    if (!d) continue;
    d.records.push(r);
    // Credentials issued to a session's call (role chaining by a user session, GetSessionToken) stay in it.
    if (r.eventSource === 'sts.amazonaws.com' && STS_ISSUERS.has(r.eventName) && !failedOf(r)) {
      const target = targetRoleOf(r);
      if (target) d.chainedRoles.add(target);
      link(d, r);
    }
  }

  const classify = options.classify ?? (() => undefined);
  const finished = drafts
    .filter((d) => d.records.length > 0)
    .map((d) => finish(d, classify))
    .sort((a, b) => a.startMs - b.startMs || a.order - b.order);
  return finished.map((f, i) => ({ id: `S${i + 1}`, ...f.session }));
}

/** The role and the person of a SwitchRole in the SwitchFrom form (no `SwitchTo`, identity = the role session). */
function switchFromOf(
  r: CloudTrailRecord,
): { role: string; from?: { arn: string; name?: string; accountId?: string } } | undefined {
  if (str(r.additionalEventData?.['SwitchTo'])) return undefined;
  const arn = str(r.userIdentity?.arn);
  const assumed = arn ? /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn) : null;
  const role =
    issuerArnOf(r) ?? (assumed ? `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}` : undefined);
  if (!role) return undefined;
  const fromArn = str(r.additionalEventData?.['SwitchFrom']);
  if (!fromArn) return { role };
  const m = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):(?:user\/(?:.*\/)?([^/]+)|assumed-role\/[^/]+\/(.+))$/.exec(
    fromArn,
  );
  const from: { arn: string; name?: string; accountId?: string } = { arn: fromArn };
  if (m?.[2] ?? m?.[3]) from.name = (m[2] ?? m[3])!;
  if (m?.[1]) from.accountId = m[1];
  return { role, from };
}

function switchPersonOf(
  r: CloudTrailRecord,
  from: { arn: string; name?: string; accountId?: string } | undefined,
): SessionPerson {
  const base = personOf(r);
  if (!from) return base;
  const p: Record<string, unknown> = {
    ...base,
    arn: from.arn,
    type: /:user\//.test(from.arn) ? 'IAMUser' : /:assumed-role\//.test(from.arn) ? 'AssumedRole' : base.type,
    name: from.name,
    accountId: from.accountId ?? base.accountId,
  };
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return p as SessionPerson;
}

/** Severity of access levels, for a call authorised by several actions. */
const LEVEL_ORDER: readonly AccessLevel[] = ['Permissions management', 'Tagging', 'Write', 'Read', 'List'];

function levelOf(r: CloudTrailRecord, acts: readonly IamAction[], classify: ActionClassifier): AccessLevel {
  if (nonIamOf(r)) return 'Non-IAM';
  const levels = acts
    .map((a) => classify(a.service, a.action))
    .filter((l): l is AccessLevel => l !== undefined);
  return LEVEL_ORDER.find((l) => levels.includes(l)) ?? levels[0] ?? 'Unknown';
}

function emptyLevels(): Record<AccessLevel, number> {
  return { List: 0, Read: 0, Write: 0, 'Permissions management': 0, Tagging: 0, 'Non-IAM': 0, Unknown: 0 };
}

/**
 * Whether `sourceIPAddress` is AWS itself: a service name (`ec2.amazonaws.com`), `AWS Internal`, or a
 * private/VPC address (calls through VPC endpoints carry the private IP):
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 * Public addresses of AWS (an instance's own public IP) are not known offline and count as outside.
 */
export function isAwsOrigin(ip: string | undefined): boolean {
  if (!ip) return true;
  if (ip === 'AWS Internal' || /(^|\.)amazonaws\.com(\.cn)?$/.test(ip) || !/^[\d.:a-fA-F]+$/.test(ip))
    return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(ip);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254)
    );
  }
  return /^(fd|fc|fe80|::1$)/i.test(ip);
}

interface OriginDraft {
  sourceIp?: string;
  userAgent?: string;
  first: string;
  last: string;
  records: number;
  keys: Set<string>;
}

function originsOf(records: readonly CloudTrailRecord[]): SessionOrigin[] {
  const byKey = new Map<string, OriginDraft>();
  for (const r of records) {
    const ip = str(r.sourceIPAddress);
    const ua = str(r.userAgent);
    const k = `${ip ?? ''}\u0000${ua ?? ''}`;
    let o = byKey.get(k);
    if (!o) {
      o = { first: r.eventTime, last: r.eventTime, records: 0, keys: new Set() };
      if (ip) o.sourceIp = ip;
      if (ua) o.userAgent = ua;
      byKey.set(k, o);
    }
    o.records += 1;
    if (!Number.isNaN(timeOf(r))) {
      if (Number.isNaN(Date.parse(o.first)) || r.eventTime < o.first) o.first = r.eventTime;
      if (Number.isNaN(Date.parse(o.last)) || r.eventTime > o.last) o.last = r.eventTime;
    }
    const key = callerKeyOf(r);
    if (key) o.keys.add(key);
  }
  return [...byKey.values()].map((o) => {
    const out: Record<string, unknown> = {
      sourceIp: o.sourceIp,
      userAgent: o.userAgent,
      first: o.first,
      last: o.last,
      records: o.records,
      accessKeyIds: [...o.keys].sort(),
      aws: isAwsOrigin(o.sourceIp),
    };
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out as unknown as SessionOrigin;
  });
}

/**
 * "Credentials used from an unexpected origin":
 *  - an AWS service session (instance role, Lambda, …: the way in came from a service) used from
 *    outside AWS — the classic stolen instance credentials (GuardDuty calls it
 *    InstanceCredentialExfiltration.OutsideAWS: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html);
 *  - calls from a public IP other than the one the way in came from;
 *  - one access key used from several public IPs.
 */
function findingsOf(d: Draft, calls: readonly CloudTrailRecord[]): OriginFinding[] {
  const out: OriginFinding[] = [];
  const wayIn = d.records[0]!;
  const wayInIp = str(wayIn.sourceIPAddress);
  // EC2 instance-profile sessions are named after the instance (`assumed-role/<role>/i-0123…`), so
  // such a session is an instance's even when its way in is outside the logs read.
  const instance = d.sessionName !== undefined && /^i-[0-9a-f]{8,17}$/i.test(d.sessionName);
  const service =
    instance ||
    d.person.type === 'AWSService' ||
    (wayInIp !== undefined && /(^|\.)amazonaws\.com$/.test(wayInIp));
  const outside = calls.filter((r) => !isAwsOrigin(str(r.sourceIPAddress)));
  const group = (
    rs: readonly CloudTrailRecord[],
    kind: OriginFinding['kind'],
    message: string,
    key?: string,
  ) => {
    if (rs.length === 0) return;
    const ips = [...new Set(rs.map((r) => str(r.sourceIPAddress)!))].sort();
    const uas = [...new Set(rs.map((r) => str(r.userAgent) ?? 'unknown agent'))].sort();
    const first = rs.map((r) => r.eventTime).sort()[0]!;
    const f: Record<string, unknown> = {
      kind,
      message,
      sourceIps: ips,
      userAgents: uas,
      accessKeyId: key,
      first,
      eventIds: rs
        .map((r) => r.eventID)
        .filter((x): x is string => !!x)
        .slice(0, 20),
    };
    if (key === undefined) delete f['accessKeyId'];
    out.push(f as unknown as OriginFinding);
  };
  if (service) {
    group(
      outside,
      'service-credentials-outside-aws',
      `${instance ? `credentials of EC2 instance ${d.sessionName}` : `credentials of an AWS service session (way in from ${wayInIp ?? d.person.type ?? 'an AWS service'})`} used from outside AWS: ${[...new Set(outside.map((r) => r.sourceIPAddress))].join(', ')}`,
    );
  } else if (wayInIp && !isAwsOrigin(wayInIp) && d.wayIn !== 'Unseen' && d.wayIn !== 'AccessKey') {
    const other = outside.filter((r) => r.sourceIPAddress !== wayInIp);
    group(
      other,
      'origin-differs-from-way-in',
      `session credentials used from ${[...new Set(other.map((r) => r.sourceIPAddress))].join(', ')}, not from ${wayInIp} where the way in came from`,
    );
  }
  const byKey = new Map<string, CloudTrailRecord[]>();
  for (const r of outside) {
    const k = callerKeyOf(r);
    if (!k) continue;
    const l = byKey.get(k);
    if (l) l.push(r);
    else byKey.set(k, [r]);
  }
  for (const [k, rs] of [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const ips = new Set(rs.map((r) => r.sourceIPAddress));
    if (ips.size > 1)
      group(
        rs,
        'key-used-from-several-ips',
        `access key ${k} used from ${ips.size} IP addresses: ${[...ips].sort().join(', ')}`,
        k,
      );
  }
  return out;
}

function federatedTokensOf(records: readonly CloudTrailRecord[]): Session['federatedTokens'] {
  const out: Array<Record<string, unknown>> = [];
  for (const r of records) {
    if (r.eventSource !== 'sts.amazonaws.com' || r.eventName !== 'GetFederationToken' || failedOf(r))
      continue;
    const rp = r.requestParameters;
    const arns = Array.isArray(rp?.['policyArns'])
      ? (rp['policyArns'] as unknown[])
          .map((x) => (typeof x === 'string' ? x : str(obj(x)?.['arn'])))
          .filter((x): x is string => !!x)
      : [];
    const t: Record<string, unknown> = {
      time: r.eventTime,
      name: str(rp?.['name']),
      policy: str(rp?.['policy']),
      policyArns: arns.length > 0 ? arns : undefined,
      accessKeyId: issuedKeyOf(r),
    };
    for (const k of Object.keys(t)) if (t[k] === undefined) delete t[k];
    out.push(t);
  }
  return out.length > 0 ? (out as unknown as Session['federatedTokens']) : undefined;
}

function unusedKeysOf(d: Draft): string[] | undefined {
  const used = new Set(d.records.map(callerKeyOf).filter((k): k is string => !!k));
  const unused = [...d.accessKeyIds].filter((k) => !used.has(k)).sort();
  return unused.length > 0 ? unused : undefined;
}

function finish(
  d: Draft,
  classify: ActionClassifier,
): { session: Omit<Session, 'id'>; startMs: number; order: number } {
  const byLevel = emptyLevels();
  const attemptsByLevel = emptyLevels();
  let read = 0;
  let write = 0;
  let calls = 0;
  let attempts = 0;
  const regions = new Set<string>();
  const accounts = new Set<string>();
  const callRecords: CloudTrailRecord[] = [];
  const actions: SessionAction[] = d.records.map((r) => {
    const acts = iamActionsOf(r);
    const a = acts[0]!;
    const level = levelOf(r, acts, classify);
    const isFailed = failedOf(r);
    const isWayIn = d.wayInRecords.has(r) && d.wayIn !== 'Unseen' && d.wayIn !== 'AccessKey';
    if (!isWayIn) {
      callRecords.push(r);
      if (isFailed) {
        attempts += 1;
        attemptsByLevel[level] += 1;
      } else {
        calls += 1;
        byLevel[level] += 1;
        if (isReadLevel(level)) read += 1;
        if (isWriteLevel(level)) write += 1;
      }
    }
    if (r.awsRegion) regions.add(r.awsRegion);
    const account = r.recipientAccountId ?? str(r.userIdentity?.accountId);
    if (account) accounts.add(account);
    // The way in itself is not "role chaining".
    const risk = isWayIn ? undefined : riskOf(r, a, level);
    const resources = resourcesOf(r, a.service);
    const out: Record<string, unknown> = {
      time: r.eventTime,
      timeUnknown: Number.isNaN(timeOf(r)) ? true : undefined,
      wayIn: isWayIn ? true : undefined,
      eventId: r.eventID,
      eventSource: r.eventSource,
      eventName: r.eventName,
      service: a.service,
      action: a.action,
      alsoAuthorizes: acts.length > 1 ? acts.slice(1).map((x) => `${x.service}:${x.action}`) : undefined,
      accessLevel: level,
      nonIam: nonIamOf(r),
      region: r.awsRegion ?? '',
      account,
      roleArn: issuerArnOf(r),
      sourceIp: str(r.sourceIPAddress),
      userAgent: str(r.userAgent),
      resources: resources.length > 0 ? resources : undefined,
      errorCode: r.errorCode ?? (isFailed ? 'Failure' : undefined),
      errorMessage: r.errorMessage,
      consoleUrl: consoleUrlOf(r.eventID, r.awsRegion),
      risk,
    };
    for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
    return out as unknown as SessionAction;
  });
  const known = d.records.filter((r) => !Number.isNaN(timeOf(r)));
  const firstRec = known[0] ?? d.records[0]!;
  const lastRec = known[known.length - 1] ?? d.records[d.records.length - 1]!;
  const startMs = Number.isNaN(timeOf(firstRec)) ? 0 : timeOf(firstRec);
  const endMs = Number.isNaN(timeOf(lastRec)) ? startMs : timeOf(lastRec);
  const unknownTimes = d.records.length - known.length;
  const session: Record<string, unknown> = {
    status: d.status,
    principal: d.principal,
    roleArn: d.roleArn,
    userName: d.userName,
    wayIn: d.wayIn,
    person: d.person,
    switchFrom: d.switchFrom,
    sourceIdentity: d.sourceIdentity,
    sessionName: d.sessionName,
    tags: d.tags,
    start: firstRec.eventTime,
    end: lastRec.eventTime,
    durationSeconds: Math.max(0, Math.round((endMs - startMs) / 1000)),
    regions: [...regions].sort(),
    accounts: [...accounts].sort(),
    chainedRoles: [...d.chainedRoles].sort(),
    accessKeyIds: [...d.accessKeyIds],
    counts: { total: actions.length, calls, attempts, read, write, byLevel, attemptsByLevel },
    origins: originsOf(d.records),
    findings: findingsOf(d, callRecords),
    federatedTokens: federatedTokensOf(d.records),
    unknownTimes: unknownTimes > 0 ? unknownTimes : undefined,
    unusedAccessKeyIds: unusedKeysOf(d),
    risky: actions.filter((a) => a.risk),
    actions,
    failure: d.failure,
  };
  for (const k of Object.keys(session)) if (session[k] === undefined) delete session[k];
  return { session: session as unknown as Omit<Session, 'id'>, startMs, order: d.first };
}

/** What to fetch in a second pass: every credential the sessions used (for SQL prefilters). */
export interface SessionSelectors {
  readonly accessKeyIds: readonly string[];
  readonly assumedRoleArns: readonly string[];
  readonly sourceIdentities: readonly string[];
}

/**
 * The credentials the way-in events hand out, for a second, narrower query: run `buildSessions` on
 * the STS and sign-in events only, then fetch every call made with these.
 */
export function selectorsOf(
  sessions: readonly Session[],
  wayInRecords: readonly CloudTrailRecord[],
): SessionSelectors {
  const keys = new Set<string>();
  const arns = new Set<string>();
  const sids = new Set<string>();
  const inSession = new Set<string>();
  for (const s of sessions) {
    for (const k of s.accessKeyIds) keys.add(k);
    if (s.sourceIdentity) sids.add(s.sourceIdentity);
    for (const a of s.actions) if (a.eventId) inSession.add(a.eventId);
  }
  for (const r of wayInRecords) {
    if (!r.eventID || !inSession.has(r.eventID)) continue;
    const a = assumedArnOf(r);
    if (a) arns.add(a);
  }
  return {
    accessKeyIds: [...keys].sort(),
    assumedRoleArns: [...arns].sort(),
    sourceIdentities: [...sids].sort(),
  };
}
