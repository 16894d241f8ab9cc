/**
 * The central rules of an organization, in the security account, for the events every member
 * account forwards about its break-glass role. They are **account-agnostic**: the same role name in
 * any account matches, so an account the StackSet deploys to later is covered with no change here
 * (the central bus only admits accounts of the organization, see `org-central.ts`).
 *
 * They are the single-account ways in (`roleFamilies`, `accessChangeFamilies`, `actionPatterns` of
 * `alert-ways.ts` / `access-changes.ts`) built for a placeholder role in a placeholder account and
 * rewritten matcher by matcher, so every way in of a single account exists here too:
 * - the role ARN (exact, in any letter case) → `suffix` `:role/<name>` in any letter case (an IAM ARN
 *   ends in `:role/<name>` only for a role of that name without a path; names are unique regardless
 *   of case: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html);
 * - the session issuer (exact ARN) → `wildcard` `arn:*:iam::*:role/<name>`;
 * - the session ARN prefix → `wildcard` `arn:*:sts::*:assumed-role/<name>/*`;
 * - the denied-resource message forms → the same `wildcard`s with `*` for partition and account;
 * - `account: [<the role's account>]` → left out.
 * `wildcard` is case-sensitive (event-ruler README), so the session-ARN and message forms are
 * matched as AWS prints them; role names cannot hold `*`, so no escaping is needed.
 */
import type { Field, FieldMap } from './alert-placeholders.js';
import { accessChangeFamilies } from './access-changes.js';
import {
  actionPatterns,
  roleFamilies,
  type LogActionsMode,
  type MonitoredRole,
  type PatternJson,
  type WayInFamily,
} from './alert-ways.js';

const PARTITION = '__PARTITION__';
const ACCOUNT = '__MEMBER_ACCOUNT__';

function placeholderRole(name: string): MonitoredRole {
  return {
    arn: `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`,
    name,
    account: ACCOUNT,
    sessionArnPrefix: `arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/${name}/`,
  };
}

const hasPlaceholder = (s: string) => s.includes(ACCOUNT) || s.includes(PARTITION);
const anyAccount = (s: string) => s.split(ACCOUNT).join('*').split(PARTITION).join('*');

/** One matcher (string or operator object) with the placeholder account made "any account". */
function matcher(role: MonitoredRole, m: unknown): unknown {
  if (typeof m === 'string') return hasPlaceholder(m) ? { wildcard: anyAccount(m) } : m;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return m;
  const o = m as Record<string, unknown>;
  const eic = o['equals-ignore-case'];
  if (typeof eic === 'string' && eic === role.arn)
    return { suffix: { 'equals-ignore-case': `:role/${role.name}` } };
  for (const op of ['prefix', 'suffix'] as const) {
    const inner = o[op] as Record<string, unknown> | undefined;
    const v = inner?.['equals-ignore-case'];
    if (typeof v === 'string' && hasPlaceholder(v))
      return { wildcard: op === 'prefix' ? `${anyAccount(v)}*` : `*${anyAccount(v)}` };
  }
  if (typeof o['wildcard'] === 'string') return { wildcard: anyAccount(o['wildcard']) };
  return rewrite(role, o);
}

/** A pattern (or part of one) with every placeholder matcher rewritten. */
function rewrite(role: MonitoredRole, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((m) => matcher(role, m));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'account' && Array.isArray(v) && v.every((a) => a === ACCOUNT)) continue;
    out[k] = k === '$or' && Array.isArray(v) ? v.map((b) => rewrite(role, b)) : rewrite(role, v);
  }
  return out;
}

function pattern(role: MonitoredRole, p: PatternJson): PatternJson {
  const out = rewrite(role, p) as PatternJson;
  if (JSON.stringify(out).includes(ACCOUNT) || JSON.stringify(out).includes(PARTITION))
    throw new Error(`internal: a member-role matcher was not rewritten: ${JSON.stringify(out)}`);
  return out;
}

function fields(role: MonitoredRole, f: FieldMap): FieldMap {
  const out: Record<string, Field> = {};
  for (const [k, v] of Object.entries(f) as [string, Field][])
    out[k] = 'literal' in v && hasPlaceholder(v.literal) ? { literal: role.name } : v;
  return out as FieldMap;
}

/**
 * Every way into a member role named `roleName` (assume, console, chaining, denied, access
 * changes), for the central bus, in any member account. Family ids are those of the single-account
 * families (so `isDeniedAttempt` recognises the denied variants); variant ids are prefixed `Member`.
 */
export function memberRoleFamilies(roleName: string): WayInFamily[] {
  const role = placeholderRole(roleName);
  return [...roleFamilies([role]), ...accessChangeFamilies([role])].map((f) => ({
    id: f.id,
    title: `${f.title} (member account)`,
    variants: f.variants.map((v) => ({
      id: `Member${v.id}`,
      pattern: pattern(role, v.pattern),
      fields: fields(role, v.fields),
    })),
  }));
}

/** The action-log patterns of member-role sessions, in any member account. */
export function memberActionPatterns(
  roleName: string,
  mode: LogActionsMode,
  services: readonly string[] | undefined,
): { id: string; pattern: PatternJson }[] {
  const role = placeholderRole(roleName);
  return actionPatterns([role], [], mode, services).map((a) => ({
    id: `Member${a.id}`,
    pattern: pattern(role, a.pattern),
  }));
}
