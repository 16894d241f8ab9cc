/**
 * Second-person approval on AWS primitives only: a request is recorded as tags on the break-glass
 * role; an approval adds one trust-policy statement that lets exactly the requester in between two
 * times (`aws:CurrentTime`), and nobody else. Expired approval statements are inert (their window is
 * over) and are pruned whenever an approval is added; a one-shot schedule removes each one at its end.
 *
 * Condition keys (all global, so present in every AssumeRole/TagSession/SetSourceIdentity request):
 * `aws:CurrentTime`, `aws:userid`, `aws:PrincipalArn`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
 */
import { AccessInputError } from './errors.js';
import type { Person } from './person.js';
import type { PolicyDocument, Statement } from './policy.js';

/** Sid prefix of every approval statement (`BreakGlassApproval<request id>`). */
export const APPROVAL_SID_PREFIX = 'BreakGlassApproval';
/** Role tag keys of a request: `breakglass:request:<id>` and `breakglass:request:<id>:reason` / `:approved`. */
export const REQUEST_TAG_PREFIX = 'breakglass:request:';

const REQUEST_ID = /^[a-z0-9]{4,16}$/;

export function checkRequestId(id: string, field = 'request'): string {
  if (!REQUEST_ID.test(id)) {
    throw new AccessInputError(
      field,
      `${JSON.stringify(id)} is not a request id; use the id \`breakglass request\` printed (4-16 of a-z, 0-9)`,
    );
  }
  return id;
}

export interface AccessRequest {
  readonly id: string;
  /** ISO time the request was made. */
  readonly at: string;
  readonly requester: Pick<Person, 'userId' | 'arn' | 'name' | 'account'>;
  readonly reason: string;
  readonly approval?: { readonly by: string; readonly notBefore: string; readonly notAfter: string };
}

/**
 * IAM tag values allow letters, digits, spaces and `_ . : / = + - @`, up to 256 characters
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating).
 */
function tagSafe(text: string, max = 256): string {
  return text
    .replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_')
    .slice(0, max)
    .trim();
}

/** The role tags that record a request. */
export function requestTags(r: AccessRequest): Record<string, string> {
  checkRequestId(r.id);
  const key = `${REQUEST_TAG_PREFIX}${r.id}`;
  const tags: Record<string, string> = {
    [key]: tagSafe(`${r.at} ${r.requester.userId} ${r.requester.arn}`),
    [`${key}:reason`]: tagSafe(r.reason) || '-',
  };
  if (r.approval) {
    tags[`${key}:approved`] = tagSafe(`${r.approval.by} ${r.approval.notBefore} ${r.approval.notAfter}`);
  }
  return tags;
}

/** The requests recorded in a role's tags (malformed ones are left out). */
export function requestsFromTags(tags: Readonly<Record<string, string>>): AccessRequest[] {
  const out: AccessRequest[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(REQUEST_TAG_PREFIX)) continue;
    const id = key.slice(REQUEST_TAG_PREFIX.length);
    if (!REQUEST_ID.test(id)) continue;
    const [at, userId, arn] = value.split(' ');
    if (!at || !userId || !arn || Number.isNaN(Date.parse(at))) continue;
    const name = arn.split('/').pop() ?? arn;
    const account = /:(\d{12}):/.exec(arn)?.[1] ?? '';
    const approvedRaw = tags[`${key}:approved`]?.split(' ');
    const approval =
      approvedRaw && approvedRaw.length === 3
        ? {
            by: approvedRaw[0] as string,
            notBefore: approvedRaw[1] as string,
            notAfter: approvedRaw[2] as string,
          }
        : undefined;
    out.push({
      id,
      at,
      requester: { userId, arn, name, account },
      reason: tags[`${key}:reason`] ?? '',
      ...(approval ? { approval } : {}),
    });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

export interface ApprovalSpec {
  readonly requestId: string;
  /** The requester as recorded (user id and ARN from their GetCallerIdentity). */
  readonly requester: Pick<Person, 'userId' | 'arn' | 'account'>;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Region lock to keep (copied from the role's other statements), if any. */
  readonly regions?: readonly string[];
}

/** Values of `aws:PrincipalArn` for a requester ARN (a role session's role ARN may carry a path). */
function principalArnsOf(arn: string): string[] {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (!session) return [arn];
  const role = `arn:${session[1]}:iam::${session[2]}:role`;
  return [`${role}/${session[3]}`, `${role}/*/${session[3]}`];
}

/**
 * The trust statement of one approval: `sts:AssumeRole` (+ the tag and source-identity companions
 * the CLI's assume sends) for exactly this person (`aws:userid` is their unique id, or
 * `<role id>:<session name>` for a role session), only while `notBefore < aws:CurrentTime < notAfter`.
 * IAM users must have signed in with MFA.
 */
export function approvalStatement(spec: ApprovalSpec): Statement {
  checkRequestId(spec.requestId);
  if (!(Date.parse(spec.notBefore) < Date.parse(spec.notAfter))) {
    throw new AccessInputError(
      '--duration',
      `the window ${spec.notBefore} .. ${spec.notAfter} is empty; give a positive duration`,
    );
  }
  const partition = /^arn:(aws[a-z-]*):/.exec(spec.requester.arn)?.[1] ?? 'aws';
  const isUser = /:iam::\d{12}:user\//.test(spec.requester.arn);
  const condition: Record<string, Record<string, string | string[]>> = {
    DateGreaterThan: { 'aws:CurrentTime': spec.notBefore },
    DateLessThan: { 'aws:CurrentTime': spec.notAfter },
    StringEquals: {
      'aws:userid': spec.requester.userId,
      ...(spec.regions && spec.regions.length > 0 ? { 'aws:RequestedRegion': [...spec.regions] } : {}),
    },
    ArnLike: { 'aws:PrincipalArn': principalArnsOf(spec.requester.arn) },
    'ForAllValues:StringEquals': { 'aws:TagKeys': ['Reason', 'Ticket'] },
  };
  if (isUser) condition['Bool'] = { 'aws:MultiFactorAuthPresent': 'true' };
  return {
    Sid: `${APPROVAL_SID_PREFIX}${spec.requestId}`,
    Effect: 'Allow',
    Principal: { AWS: `arn:${partition}:iam::${spec.requester.account}:root` },
    Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
    Condition: condition,
  };
}

/** The window end of an approval statement (undefined for other statements). */
export function approvalEnd(s: Statement): string | undefined {
  if (!s.Sid?.startsWith(APPROVAL_SID_PREFIX)) return undefined;
  const end = s.Condition?.['DateLessThan']?.['aws:CurrentTime'];
  return typeof end === 'string' ? end : undefined;
}

/** The trust policy without the approval of `requestId`. */
export function withoutApproval(doc: PolicyDocument, requestId: string): PolicyDocument {
  const sid = `${APPROVAL_SID_PREFIX}${requestId}`;
  return { ...doc, Statement: doc.Statement.filter((s) => s.Sid !== sid) };
}

/** The trust policy without approvals whose window ended at or before `now`. */
export function withoutExpiredApprovals(doc: PolicyDocument, now: string): PolicyDocument {
  const t = Date.parse(now);
  return {
    ...doc,
    Statement: doc.Statement.filter((s) => {
      const end = approvalEnd(s);
      return end === undefined || Date.parse(end) > t;
    }),
  };
}

/** The trust policy with one approval added (replacing an earlier one for the same request), expired ones pruned. */
export function withApproval(doc: PolicyDocument, statement: Statement, now: string): PolicyDocument {
  const id = (statement.Sid ?? '').slice(APPROVAL_SID_PREFIX.length);
  const base = withoutExpiredApprovals(withoutApproval(doc, id), now);
  return { ...base, Statement: [...base.Statement, statement] };
}

/** The Region lock of a trust policy: the `aws:RequestedRegion` values of its first AssumeRole statement that has one. */
export function regionLockOf(doc: PolicyDocument): string[] | undefined {
  for (const s of doc.Statement) {
    const v = s.Condition?.['StringEquals']?.['aws:RequestedRegion'];
    if (v !== undefined) return Array.isArray(v) ? [...v] : [v];
  }
  return undefined;
}
