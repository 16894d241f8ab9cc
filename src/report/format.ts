import type { Session } from '../engines/cloudtrail/sessions.js';

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
