/**
 * One EventBridge rule a member account runs on its default bus and forwards to the security
 * account's central bus. The member template is built from a list of these; the central stack
 * routes forwarded events by `kind`:
 * - `way-in`: a way into a break-glass identity (assume-role, console sign-in, federation) → alert;
 * - `denied`: a refused attempt at a way in → alert (the denied-attempt path);
 * - `action`: a call made with a break-glass session → action log.
 *
 * `pattern` is an EventBridge event pattern as JSON. Account ids must not appear as literals: the
 * same template is deployed into every member account (use `${AWS::AccountId}` where the member's
 * own account id is meant, or leave `account` out).
 */
export interface MemberWatch {
  /** Stable id, unique in the list: becomes part of the rule's logical id (letters and digits). */
  readonly id: string;
  readonly kind: MemberWatchKind;
  readonly pattern: Record<string, unknown>;
  /** What the alert calls it (its first line names it), e.g. `console sign-in with …`. @default - the id */
  readonly title?: string;
}

export type MemberWatchKind = 'way-in' | 'action' | 'denied';

export const MEMBER_WATCH_KINDS: readonly MemberWatchKind[] = ['way-in', 'action', 'denied'];
