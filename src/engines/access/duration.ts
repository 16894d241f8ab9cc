import { AccessInputError } from './errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * A duration such as `1h`, `90m`, `1h30m`, `45s`, or ISO 8601 `PT1H30M`, in whole seconds.
 * `field` names the flag or config field in the error message.
 */
export function parseDuration(text: string, field: string): number {
  const v = text.trim();
  const iso = /^PT(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/i.exec(v);
  let seconds: number | undefined;
  if (iso) {
    seconds = Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0);
  } else if (/^(\d+[smhd])+$/i.test(v)) {
    seconds = 0;
    for (const m of v.matchAll(/(\d+)([smhd])/gi)) {
      seconds += Number(m[1]) * (UNIT_SECONDS[(m[2] as string).toLowerCase()] as number);
    }
  }
  if (seconds === undefined || seconds <= 0) {
    throw new AccessInputError(
      field,
      `${JSON.stringify(text)} is not a duration; use e.g. 1h, 90m, 1h30m or PT1H`,
    );
  }
  return seconds;
}

/** STS limits for `DurationSeconds` of AssumeRole (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43_200;
/** Role chaining caps a session at one hour (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining). */
export const CHAINED_SESSION_SECONDS = 3600;

/** A session duration for AssumeRole: parsed and checked against STS's 15 minutes to 12 hours. */
export function parseSessionDuration(text: string, field: string): number {
  const s = parseDuration(text, field);
  if (s < MIN_SESSION_SECONDS || s > MAX_SESSION_SECONDS) {
    throw new AccessInputError(
      field,
      `${JSON.stringify(text)} is outside what STS allows; use 15m to 12h (and at most the role's maximum session duration)`,
    );
  }
  return s;
}

/** `3600` → `1h`, `5400` → `1h30m`, `45` → `45s`. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}

/**
 * A point in time: ISO 8601 with a zone (`2026-12-01T02:00:00Z`), or `now`, or `-30m` / `+2h`
 * relative to `now`. Returns an ISO string in UTC with seconds precision, as IAM date conditions use.
 */
export function parseTime(text: string, now: Date, field: string): string {
  const v = text.trim();
  let ms: number;
  if (v === 'now') ms = now.getTime();
  else if (/^[+-]/.test(v)) {
    const sign = v.startsWith('-') ? -1 : 1;
    ms = now.getTime() + sign * parseDuration(v.slice(1), field) * 1000;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    ms = Date.parse(v);
  } else ms = Number.NaN;
  if (Number.isNaN(ms)) {
    throw new AccessInputError(
      field,
      `${JSON.stringify(text)} is not a time; use ISO 8601 with a zone (2026-12-01T02:00:00Z), now, or -30m`,
    );
  }
  return isoSeconds(new Date(ms));
}

/** ISO 8601 in UTC without milliseconds (`2026-12-01T02:00:00Z`). */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
