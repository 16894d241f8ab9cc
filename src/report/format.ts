import { riskRank } from '../engines/cloudtrail/actions.js';
import type { Session, SessionAction, SessionPrincipals } from '../engines/cloudtrail/sessions.js';
import { ssoRoleNamePrefix } from '../engines/identity-center.js';
import type { ReportInputs } from './build.js';

/** `1h 02m 03s` style. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** One line naming the person behind a session. */
export function whoOf(s: Session): string {
  const p = s.person;
  const parts = [p.ssoUser ? `${p.ssoUser} (IAM Identity Center)` : (p.name ?? p.arn ?? 'unknown')];
  if (p.type) parts.push(`as ${p.type}`);
  if (p.arn && p.arn !== p.name) parts.push(p.arn);
  return parts.join(' · ');
}

export function mfaOf(s: Session): string {
  return s.person.mfa === undefined ? 'not reported' : s.person.mfa ? 'yes' : 'no';
}

/** The why: Reason / Ticket session tags first, then the others. */
export function whyOf(s: Session): string {
  const tags = Object.entries(s.tags);
  if (tags.length === 0) return 'no reason given (no Reason/Ticket session tags)';
  const first = ['Reason', 'Ticket'];
  tags.sort(([a], [b]) => {
    const ia = first.indexOf(a);
    const ib = first.indexOf(b);
    return (ia < 0 ? 9 : ia) - (ib < 0 ? 9 : ib) || a.localeCompare(b);
  });
  return tags.map(([k, v]) => `${k}: ${v}`).join('; ');
}

/** Reason and Ticket session tags (empty when absent). */
export function reasonOf(s: Session): string {
  return [s.tags['Reason'], s.tags['Ticket']].filter((x): x is string => !!x).join(' · ');
}

/** Console sign-ins cannot pass session tags, so such a session never carries a reason itself. */
export function cannotCarryReason(s: Session): boolean {
  const console = s.wayIn === 'ConsoleLogin' || s.wayIn === 'SwitchRole' || s.switchFrom !== undefined;
  return console && Object.keys(s.tags).length === 0;
}

export const CONSOLE_SIGN_IN_NOTE =
  'console sign-in cannot carry session tags: record the reason in the ticket';

/** Risky calls, most severe category first, then in time order. */
export function bySeverity(calls: readonly SessionAction[]): SessionAction[] {
  return calls
    .map((a, i) => ({ a, i }))
    .sort((x, y) => riskRank(x.a.risk!.category) - riskRank(y.a.risk!.category) || x.i - y.i)
    .map((x) => x.a);
}

/**
 * The first successful logging-tampering call of the report: after it the logs may be incomplete.
 * Undefined when there is none.
 */
export function tamperingSince(sessions: readonly Session[]): string | undefined {
  const times = sessions
    .flatMap((s) => s.risky)
    .filter((a) => a.risk?.category === 'logging-tampering' && !a.errorCode && !a.timeUnknown)
    .map((a) => a.time)
    .sort();
  return times[0];
}

/** "3 calls (1 read, 2 write), 1 attempt" — the way in is not a call. */
export function whatOf(s: Session): string {
  const c = s.counts;
  const lv = c.byLevel;
  const levels = (
    ['List', 'Read', 'Write', 'Permissions management', 'Tagging', 'Non-IAM', 'Unknown'] as const
  )
    .filter((l) => lv[l] > 0)
    .map((l) => `${l} ${lv[l]}`)
    .join(', ');
  return `${c.calls} ${c.calls === 1 ? 'call' : 'calls'} (${c.read} read, ${c.write} write${levels ? `; ${levels}` : ''}), ${c.attempts} denied ${c.attempts === 1 ? 'attempt' : 'attempts'}`;
}

/** Short text for a call's resources. */
export function resourcesText(a: SessionAction): string {
  return (a.resources ?? []).map((r) => `${r.type} ${r.id}`).join('; ');
}

export const EVENT_HISTORY_NOTE =
  'Console links open the event in CloudTrail Event history, which keeps management events of the last 90 days only; older events and data events are only in the trail files.';

/**
 * Sessions as the HTML and Markdown list them: a successful session with no call and no attempt whose
 * principal, caller and source IP match an earlier listed session (a tool assuming the role twice,
 * credentials requested and never used) is folded into that session's line. `report.json` keeps them all.
 */
export function foldUnused(sessions: readonly Session[]): Array<{ session: Session; folded: Session[] }> {
  const out: Array<{ session: Session; folded: Session[] }> = [];
  const key = (s: Session) =>
    `${s.principal}\u0000${s.person.arn ?? s.person.name ?? ''}\u0000${s.person.sourceIp ?? ''}`;
  const seen = new Map<string, { session: Session; folded: Session[] }>();
  for (const s of sessions) {
    const k = key(s);
    const head = seen.get(k);
    const unused = s.status === 'succeeded' && s.counts.calls === 0 && s.counts.attempts === 0;
    if (head && unused) {
      head.folded.push(s);
      continue;
    }
    const entry = { session: s, folded: [] as Session[] };
    out.push(entry);
    if (!seen.has(k)) seen.set(k, entry);
  }
  return out;
}

/** "+2 unused duplicate credentials (S4, S5)" for a folded line; empty when nothing was folded. */
export function foldedText(folded: readonly Session[]): string {
  if (folded.length === 0) return '';
  return `+${folded.length} unused duplicate ${folded.length === 1 ? 'credential' : 'credentials'} (${folded.map((f) => f.id).join(', ')})`;
}

/** What `--accounts` / `--regions` / `--since` / `--until` left out before reading (`2 account folders, …`), or ''. */
export function prunedSummary(inputs: ReportInputs): string {
  const p = inputs.pruned;
  const parts: ReadonlyArray<readonly [number, string, string]> = [
    [p?.folders.account ?? 0, 'account folder', 'account folders'],
    [p?.folders.region ?? 0, 'Region folder', 'Region folders'],
    [p?.folders.date ?? 0, 'range of day folders', 'ranges of day folders'],
    [p?.files.account ?? 0, 'file of another account', 'files of other accounts'],
    [p?.files.region ?? 0, 'file of another Region', 'files of other Regions'],
    [inputs.prunedByDate, 'file outside the dates', 'files outside the dates'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, one, many]) => `${n} ${n === 1 ? one : many}`)
    .join(', ');
}

/** The key layouts read (`organization trail o-… (8 files), account trail (2 files)`), or '' when none is known. */
export function layoutSummary(inputs: ReportInputs): string {
  const l = inputs.layout;
  if (!l || l.organization + l.account === 0) return '';
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  return [
    l.organization > 0 ? `organization trail ${l.organizationIds.join(', ')} (${files(l.organization)})` : '',
    l.account > 0 ? `account trail (${files(l.account)})` : '',
    l.other > 0 ? `other (${files(l.other)})` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** Layout and pruning lines of a report's summary (none for an unfiltered run of a plain folder). */
export function inputScopeLines(inputs: ReportInputs): string[] {
  const layout = layoutSummary(inputs);
  const left = prunedSummary(inputs);
  return [...(layout ? [`Layout: ${layout}`] : []), ...(left ? [`Not read (filters): ${left}`] : [])];
}

/** The break-glass principals, as the summary lists them (a permission set by its roles' name). */
export function principalLabels(p: SessionPrincipals): string[] {
  return [
    ...p.roleArns,
    ...p.userNames,
    ...(p.permissionSets ?? []).map((set) => `${ssoRoleNamePrefix(set)}… (permission set ${set})`),
  ];
}
