import type { AlertVariant, PatternJson, WayInFamily } from './alert-ways.js';

/**
 * Who makes the scheduled drill's denied `AssumeRole`, per set of channels: the drill role's ARN.
 * `BreakGlassDrill` registers it; `BreakGlassLoginAlert` reads it when it builds its rules, so the
 * paging rules for denied attempts leave drill events out (they go to the drill log group instead).
 */
interface DrillEntry {
  readonly arns: string[];
  /** Set when a login alert has built its rules: a drill added later would page. */
  consumed: boolean;
}

const registry = new WeakMap<object, DrillEntry>();

/** Registers `arn` as a drill caller of `channels`; false when the alert rules are already built. */
export function registerDrillCaller(channels: object, arn: string): boolean {
  const entry = registry.get(channels) ?? { arns: [], consumed: false };
  registry.set(channels, entry);
  if (entry.consumed) return false;
  if (!entry.arns.includes(arn)) entry.arns.push(arn);
  return true;
}

/** The drill callers of `channels` (and marks them read: drills registered afterwards are refused). */
export function drillCallers(channels: object): readonly string[] {
  const entry = registry.get(channels) ?? { arns: [], consumed: false };
  registry.set(channels, entry);
  entry.consumed = true;
  return entry.arns;
}

const DENIED = JSON.stringify([{ exists: true }]);

/**
 * A denied attempt to get into the role: the failure variants of the `AssumeRole*` family (anyone
 * who knows the role's ARN can make them, as often as they like). Successful ways in, console
 * failures and chaining out of a session are not denied attempts in this sense.
 */
export function isDeniedAttempt(family: WayInFamily, variant: AlertVariant): boolean {
  return family.id === 'AssumeRole' && JSON.stringify(variant.pattern.detail?.['errorCode']) === DENIED;
}

/**
 * `pattern`, no longer matching calls whose session was issued by one of `arns` (the drill role).
 * `anything-but` never matches a MISSING field (EventBridge: an event must contain every field the
 * pattern names; test/engines/event-pattern/fixtures/drill-exclusion.json encodes it), and most callers —
 * IAM users, SAML / web-identity callers, the root user — have no `sessionContext.sessionIssuer`, so
 * a bare `anything-but` would silence them. The exclusion is therefore "absent, or anything but":
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function excludeCallers(pattern: PatternJson, arns: readonly string[]): PatternJson {
  if (arns.length === 0) return pattern;
  const detail = pattern.detail ?? {};
  if ('userIdentity' in detail) {
    throw new Error('excludeCallers: the pattern already constrains userIdentity; merge by hand');
  }
  return {
    ...pattern,
    detail: {
      ...detail,
      userIdentity: {
        sessionContext: {
          sessionIssuer: {
            $or: [{ arn: [{ exists: false }] }, { arn: [{ 'anything-but': [...arns] }] }],
          },
        },
      },
    },
  };
}
