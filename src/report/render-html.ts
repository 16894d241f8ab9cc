/**
 * `report.html`: one self-contained page (inline CSS and SVG, no script, no network): a summary,
 * then per session the who/why/when/where/what card, an SVG timeline of its calls (one lane per
 * service, dots coloured by IAM access level, risky calls ringed, failed calls hollow), the risky
 * calls, then every call.
 */
import type { AccessLevel } from '../engines/cloudtrail/actions.js';
import type { Session, SessionAction } from '../engines/cloudtrail/sessions.js';
import type { Report } from './build.js';
import {
  inputScopeLines,
  CONSOLE_SIGN_IN_NOTE,
  EVENT_HISTORY_NOTE,
  bySeverity,
  cannotCarryReason,
  foldUnused,
  foldedText,
  formatBytes,
  formatDuration,
  mfaOf,
  reasonOf,
  resourcesText,
  tamperingSince,
  whatOf,
  whoOf,
  whyOf,
  principalLabels,
} from './format.js';

export function escapeHtml(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
const e = escapeHtml;

export const LEVEL_COLOURS: Readonly<Record<AccessLevel, string>> = {
  List: '#4e79a7',
  Read: '#59a14f',
  Write: '#f28e2b',
  'Permissions management': '#e15759',
  Tagging: '#b07aa1',
  'Non-IAM': '#76b7b2',
  Unknown: '#9c9c9c',
};

/** Calls drawn per timeline; beyond that the SVG keeps the first ones and says so. */
export const TIMELINE_MAX_CALLS = 5000;
/** Rows in the "all calls" table per session. */
export const HTML_MAX_ROWS = 2000;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header{background:#1d2733;color:#fff;padding:20px 32px}
header h1{margin:0 0 6px;font-size:22px}
main{padding:16px 32px 48px;max-width:1400px}
section.session{background:#fff;border:1px solid #dde1e6;border-radius:8px;margin:20px 0;padding:16px 20px}
section.session.failed{border-left:6px solid #c62828}
section.session.risky{border-left:6px solid #ef6c00}
h2{font-size:18px;margin:24px 0 8px}
h3{font-size:16px;margin:0 0 10px}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13px}
th,td{border-bottom:1px solid #e6e8eb;text-align:left;padding:4px 8px;vertical-align:top}
th{background:#f0f2f5;font-weight:600}
table.card th{width:150px;background:none}
td.mono,span.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;overflow-wrap:anywhere}
.acct,.ts,.nw{white-space:nowrap}
.banner{background:#fdecea;border:1px solid #c62828;color:#8e0000;border-radius:6px;padding:10px 14px;margin:12px 0;font-weight:600}
.finding{background:#fff4e5;border:1px solid #ef6c00;border-radius:6px;padding:8px 12px;margin:8px 0}
.finding b{color:#b34700}
.note{color:#5f6670;font-size:12px}
td.ua,span.ua{font-size:11px;overflow-wrap:anywhere}
td.origin{min-width:190px;max-width:280px}
td.arn{min-width:210px}
td.res{min-width:160px;max-width:320px}
td.eid{font-size:11px;min-width:110px;max-width:150px;overflow-wrap:anywhere}
div.scroll{overflow-x:auto}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff}
.failed-badge{background:#c62828}.ok-badge{background:#2e7d32}.risk-badge{background:#ef6c00}
.legend span{margin-right:14px;white-space:nowrap}
.legend i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:middle}
svg.timeline{width:100%;height:auto;background:#fbfcfd;border:1px solid #e6e8eb;border-radius:6px}
svg.timeline text{font:11px system-ui,sans-serif;fill:#4a4f55}
tr.fail td{color:#b71c1c}
details summary{cursor:pointer;font-weight:600;margin:6px 0}
`;

function levelDot(level: AccessLevel): string {
  return `<i style="background:${LEVEL_COLOURS[level]}"></i>`;
}

function legend(): string {
  return `<p class="legend">${(Object.keys(LEVEL_COLOURS) as AccessLevel[])
    .map((l) => `<span>${levelDot(l)}${e(l)}</span>`)
    .join('')}<span>◯ failed call</span><span>◎ risky call</span></p>`;
}

/** The SVG timeline of one session: x = time, one lane per service. */
export function timelineSvg(s: Session): string {
  const calls = s.actions.slice(0, TIMELINE_MAX_CALLS);
  const services: string[] = [];
  for (const a of calls) if (!services.includes(a.service)) services.push(a.service);
  const laneH = 22;
  const left = 150;
  const width = 1000;
  const right = 20;
  const top = 24;
  const height = top + services.length * laneH + 28;
  const t0 = Date.parse(s.start);
  const t1 = Math.max(Date.parse(s.end), t0 + 1000);
  const timed = calls.filter((a) => !a.timeUnknown);
  const x = (t: string): number => {
    const v = Date.parse(t);
    return left + (((Number.isNaN(v) ? t0 : v) - t0) / (t1 - t0)) * (width - left - right);
  };
  const parts: string[] = [];
  parts.push(
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="Timeline of ${e(s.id)}: ${calls.length} calls in ${services.length} services">`,
  );
  services.forEach((svc, i) => {
    const y = top + i * laneH + laneH / 2;
    parts.push(
      `<line x1="${left}" y1="${y}" x2="${width - right}" y2="${y}" stroke="#e3e6ea"/><text x="${left - 8}" y="${y + 4}" text-anchor="end">${e(svc)}</text>`,
    );
  });
  const axisY = top + services.length * laneH + 14;
  // Time ticks: five evenly spaced, labelled HH:MM:SS (UTC); the first and last with the date.
  const ticks = 5;
  for (let k = 0; k < ticks; k++) {
    const tx = left + (k / (ticks - 1)) * (width - left - right);
    const iso = Number.isNaN(t0) ? '' : new Date(t0 + (k / (ticks - 1)) * (t1 - t0)).toISOString();
    const label =
      k === 0 || k === ticks - 1 ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : iso.slice(11, 19);
    const anchor = k === 0 ? 'start' : k === ticks - 1 ? 'end' : 'middle';
    parts.push(
      `<line class="tick" x1="${tx.toFixed(1)}" y1="${top - 6}" x2="${tx.toFixed(1)}" y2="${axisY - 10}" stroke="#eef0f3"/><text x="${tx.toFixed(1)}" y="${axisY}" text-anchor="${anchor}">${e(label)}</text>`,
    );
  }
  for (const a of timed) {
    const y = top + services.indexOf(a.service) * laneH + laneH / 2;
    const cx = x(a.time).toFixed(1);
    const colour = LEVEL_COLOURS[a.accessLevel];
    const title = `<title>${e(`${a.time} ${a.service}:${a.action} (${a.accessLevel}) ${a.region}${a.errorCode ? ` — ${a.errorCode}` : ''}${a.risk ? ` — ${a.risk.reason}` : ''}`)}</title>`;
    const fill = a.errorCode ? `fill="#fff" stroke="${colour}" stroke-width="2"` : `fill="${colour}"`;
    if (a.risk)
      parts.push(`<circle cx="${cx}" cy="${y}" r="8" fill="none" stroke="#ef6c00" stroke-width="1.5"/>`);
    parts.push(`<circle class="call" cx="${cx}" cy="${y}" r="4.5" ${fill}>${title}</circle>`);
  }
  parts.push('</svg>');
  if (s.actions.length > calls.length)
    parts.push(`<p>First ${calls.length} of ${s.actions.length} calls drawn.</p>`);
  if (timed.length < calls.length)
    parts.push(
      `<p class="note">${calls.length - timed.length} records with an unknown time are not drawn (listed below).</p>`,
    );
  return parts.join('');
}

/** An ARN or id with its 12-digit account ids kept on one line. */
function idHtml(v: string | undefined): string {
  return e(v ?? '').replace(/(\d{12})/g, '<span class="acct">$1</span>');
}

function timeHtml(a: SessionAction): string {
  return a.timeUnknown
    ? `<span class="ts">unknown time</span> <span class="note">(${e(a.time)})</span>`
    : `<span class="ts">${e(a.time)}</span>`;
}

function eventHtml(a: SessionAction): string {
  if (!a.eventId) return '';
  const id = e(a.eventId);
  return a.consoleUrl ? `<a href="${e(a.consoleUrl)}" rel="noreferrer">${id}</a>` : id;
}

function callsTable(calls: readonly SessionAction[], max: number): string {
  const rows = calls.slice(0, max).map((a) => {
    const result = a.errorCode
      ? `${e(a.errorCode)}${a.errorMessage ? `<br><span class="note">${e(a.errorMessage.slice(0, 300))}</span>` : ''}`
      : 'ok';
    const call = `${e(a.service)}:${e(a.action)}${a.alsoAuthorizes ? `<br><span class="note">also ${e(a.alsoAuthorizes.join(', '))}</span>` : ''}${a.wayIn ? ' <span class="note">(way in)</span>' : ''}`;
    const level = a.nonIam
      ? `${levelDot(a.accessLevel)}${e(a.nonIam)}`
      : `${levelDot(a.accessLevel)}${e(a.accessLevel)}`;
    const origin = `<span class="mono nw">${e(a.sourceIp ?? 'unknown IP')}</span><br><span class="mono ua">${e(a.userAgent ?? 'unknown agent')}</span>`;
    return `<tr${a.errorCode ? ' class="fail"' : ''}><td class="mono">${timeHtml(a)}</td><td>${call}</td><td>${level}</td><td class="mono res">${idHtml(resourcesText(a))}</td><td class="origin">${origin}</td><td class="nw">${e(a.region || 'no region')}</td><td class="mono">${idHtml(a.account)}</td><td>${result}</td><td class="mono eid">${eventHtml(a)}</td><td>${e(a.risk?.reason ?? '')}</td></tr>`;
  });
  const more = calls.length > max ? `<p>${calls.length - max} more calls in report.json.</p>` : '';
  return `<div class="scroll"><table><thead><tr><th>time (UTC)</th><th>call</th><th>access level</th><th>resources</th><th>source IP · user agent</th><th>region</th><th>account</th><th>result</th><th>event (CloudTrail console)</th><th>risk</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>${more}`;
}

function findingsHtml(s: Session): string {
  return s.findings
    .map(
      (f) =>
        `<div class="finding"><b>Credentials used from an unexpected origin</b> — ${e(f.message)}<br>first <span class="ts">${e(f.first)}</span>; source IP ${f.sourceIps.map((x) => `<span class="mono nw">${e(x)}</span>`).join(', ')}; user agent ${f.userAgents.map((x) => `<span class="mono">${e(x)}</span>`).join(', ')}${f.accessKeyId ? `; key <span class="mono nw">${e(f.accessKeyId)}</span>` : ''}</div>`,
    )
    .join('');
}

function originsHtml(s: Session): string {
  const rows = s.origins.map(
    (o) =>
      `<tr><td class="mono nw">${e(o.sourceIp ?? 'unknown')}</td><td class="mono ua">${e(o.userAgent ?? 'unknown agent')}</td><td class="mono"><span class="ts">${e(o.first)}</span></td><td class="mono"><span class="ts">${e(o.last)}</span></td><td>${o.records}</td><td class="mono">${e(o.accessKeyIds.join(', '))}</td><td>${o.aws ? 'AWS' : 'outside AWS'}</td></tr>`,
  );
  return `<table><thead><tr><th>source IP</th><th>user agent</th><th>first use</th><th>last use</th><th>records</th><th>access keys</th><th>network</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function sessionHtml(s: Session): string {
  const cls = s.status === 'failed' ? 'session failed' : s.risky.length > 0 ? 'session risky' : 'session';
  const badge =
    s.status === 'failed'
      ? '<span class="badge failed-badge">failed way in</span>'
      : '<span class="badge ok-badge">session</span>';
  const risk = s.risky.length > 0 ? ` <span class="badge risk-badge">${s.risky.length} risky</span>` : '';
  const rows: Array<[string, string]> = [
    ['Who', idHtml(whoOf(s))],
    [
      'From',
      `${e(s.person.sourceIp ?? 'unknown IP')} · <span class="mono">${e(s.person.userAgent ?? 'unknown agent')}</span>`,
    ],
    ['MFA', e(mfaOf(s))],
  ];
  if (s.switchFrom)
    rows.push([
      'Switched from',
      `<span class="mono">${idHtml(s.switchFrom.arn)}</span>${s.switchFrom.accountId ? ` (account <span class="acct">${e(s.switchFrom.accountId)}</span>)` : ''}`,
    ]);
  for (const t of s.federatedTokens ?? [])
    rows.push([
      'Federated token',
      `${e(t.name ?? 'unnamed')} at <span class="ts">${e(t.time)}</span>${t.policy ? `; session policy <span class="mono">${e(t.policy)}</span>` : ''}${t.policyArns ? `; policy ARNs ${idHtml(t.policyArns.join(', '))}` : ''}`,
    ]);
  if (s.sourceIdentity) rows.push(['Source identity', e(s.sourceIdentity)]);
  if (s.sessionName) rows.push(['Session name', e(s.sessionName)]);
  rows.push([
    'Why',
    `${e(whyOf(s))}${cannotCarryReason(s) ? ` <span class="note">(${e(CONSOLE_SIGN_IN_NOTE)})</span>` : ''}`,
  ]);
  rows.push([
    'When',
    `<span class="ts">${e(s.start)}</span> → <span class="ts">${e(s.end)}</span> (${e(formatDuration(s.durationSeconds))})${s.unknownTimes ? `; ${s.unknownTimes} records with an unknown time` : ''}`,
  ]);
  rows.push([
    'Where',
    `regions ${e(s.regions.join(', '))}; accounts ${s.accounts.map((x) => `<span class="acct">${e(x)}</span>`).join(', ')}`,
  ]);
  const unused = s.unusedAccessKeyIds ?? [];
  const usedKeys = s.accessKeyIds.filter((k) => !unused.includes(k));
  if (s.accessKeyIds.length > 0)
    rows.push([
      'Credentials',
      `${usedKeys.map((k) => `<span class="mono nw">${e(k)}</span>`).join(', ') || 'none used'}${unused.length > 0 ? `; ${unused.length} more issued but never used (${e(unused.join(', '))})` : ''}`,
    ]);
  if (s.chainedRoles.length > 0)
    rows.push(['Chained into', `<span class="mono">${e(s.chainedRoles.join(', '))}</span>`]);
  rows.push(['What', e(whatOf(s))]);
  if (s.failure) rows.push(['Failure', e(`${s.failure.errorCode ?? ''} ${s.failure.errorMessage ?? ''}`)]);
  return `<section class="${cls}" id="${e(s.id)}">
<h3>${e(s.id)} · ${e(s.wayIn)} → <span class="mono">${idHtml(s.principal)}</span> ${badge}${risk}${s.findings.length > 0 ? ' <span class="badge failed-badge">unexpected origin</span>' : ''}</h3>
${findingsHtml(s)}
<table class="card">${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join('')}</table>
${s.risky.length > 0 ? `<h4>Risky calls (${s.risky.length}, most severe first)</h4>${callsTable(bySeverity(s.risky), HTML_MAX_ROWS)}` : ''}
<h4>Origins (${s.origins.length})</h4>
${originsHtml(s)}
<h4>Timeline</h4>
${timelineSvg(s)}
<details${s.actions.length <= 50 ? ' open' : ''}><summary>All calls (${s.actions.length})</summary>${callsTable(s.actions, HTML_MAX_ROWS)}</details>
</section>`;
}

/** Sessions with risky calls first (most risky first), then failed attempts, then the rest; by start within. */
export function htmlOrder(sessions: readonly Session[]): Session[] {
  const rank = (s: Session): number =>
    s.findings.length > 0 || s.risky.length > 0 ? 0 : s.status === 'failed' ? 1 : 2;
  return [...sessions].sort(
    (a, b) => rank(a) - rank(b) || b.risky.length - a.risky.length || a.start.localeCompare(b.start),
  );
}

export function renderHtml(report: Report): string {
  const ok = report.sessions.filter((s) => s.status === 'succeeded').length;
  const failed = report.sessions.length - ok;
  const risky = report.sessions.reduce((n, s) => n + s.risky.length, 0);
  const listed = foldUnused(report.sessions);
  const summaryRows = listed
    .map(
      ({ session: s, folded }) =>
        `<tr${s.status === 'failed' ? ' class="fail"' : ''}><td><a href="#${e(s.id)}">${e(s.id)}</a>${folded.length > 0 ? `<br><span class="note">${e(foldedText(folded))}</span>` : ''}</td><td>${e(s.wayIn)}${s.status === 'failed' ? ' (failed)' : ''}</td><td class="mono arn">${idHtml(s.principal)}</td><td>${idHtml(whoOf(s))}</td><td>${e(reasonOf(s) || (cannotCarryReason(s) ? 'none (console sign-in)' : 'none'))}</td><td class="mono"><span class="ts">${e(s.start)}</span></td><td class="mono"><span class="ts">${e(s.end)}</span></td><td class="nw">${e(formatDuration(s.durationSeconds))}</td><td>${e(s.regions.join(', '))}</td><td>${s.counts.calls}</td><td>${s.counts.attempts}</td><td>${s.counts.read}</td><td>${s.counts.write}</td><td>${s.risky.length}</td><td>${s.findings.length > 0 ? '<b>yes</b>' : ''}</td></tr>`,
    )
    .join('');
  const since = tamperingSince(report.sessions);
  const banner = since
    ? `<div class="banner">Logging was tampered with: logs may be incomplete after <span class="ts">${e(since)}</span>.</div>`
    : '';
  const recSkips = report.inputs.skippedRecords ?? [];
  const missing = report.inputs.missingRegion;
  const recordIssues =
    (recSkips.length > 0
      ? `<h2>Skipped records (${recSkips.length})</h2><table><thead><tr><th>file</th><th>record</th><th>reason</th></tr></thead><tbody>${recSkips
          .map(
            (k) =>
              `<tr><td class="mono">${e(k.file)}</td><td class="nw">${e(k.at)}</td><td>${e(k.reason)}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '') +
    (missing && missing.count > 0
      ? `<h2>Records without awsRegion (${missing.count})</h2><table><thead><tr><th>file</th><th>event</th><th>time</th><th>event id</th></tr></thead><tbody>${missing.records
          .map(
            (k) =>
              `<tr><td class="mono">${e(k.file)}</td><td>${e(k.eventName)}</td><td class="mono"><span class="ts">${e(k.eventTime)}</span></td><td class="mono nw">${e(k.eventId ?? '')}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '');
  const skipped =
    report.inputs.skipped.length > 0
      ? `<h2>Skipped inputs (${report.inputs.skipped.length})</h2><table><thead><tr><th>file</th><th>reason</th></tr></thead><tbody>${report.inputs.skipped
          .map((k) => `<tr><td class="mono">${e(k.file)}</td><td>${e(k.reason)}</td></tr>`)
          .join('')}</tbody></table>`
      : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(report.title)}</title>
<style>${CSS}</style></head>
<body>
<header><h1>${e(report.title)}</h1>
<div>Generated ${e(report.generatedAt)} from <span class="mono">${e(report.inputs.source)}</span>. ${ok} sessions, ${failed} failed attempts, ${risky} risky calls.</div></header>
<main>
${banner}
<h2>Summary</h2>
<p>Principals: <span class="mono">${e(principalLabels(report.principals).join(', ') || '(none)')}</span><br>
Inputs: ${report.inputs.files} files (${e(formatBytes(report.inputs.bytes))}), ${report.inputs.events} events, ${report.inputs.skipped.length} files skipped, ${(report.inputs.skippedRecords ?? []).length} records skipped, ${report.inputs.missingRegion?.count ?? 0} records without awsRegion, ${report.inputs.prunedByDate} files outside the date window.${inputScopeLines(
    report.inputs,
  )
    .map((l) => `<br>\n${e(l)}`)
    .join('')}</p>
${
  report.sessions.length === 0
    ? '<p>No break-glass session or attempt in these logs.</p>'
    : `<div class="scroll"><table><thead><tr><th>id</th><th>way in</th><th>principal</th><th>who</th><th>reason / ticket</th><th>start (UTC)</th><th>end (UTC)</th><th>duration</th><th>regions</th><th>calls</th><th>denied</th><th>read</th><th>write</th><th>risky</th><th>unexpected origin</th></tr></thead><tbody>${summaryRows}</tbody></table></div>`
}
${legend()}
<p class="note">${e(EVENT_HISTORY_NOTE)}</p>
${htmlOrder(listed.map((x) => x.session))
  .map(sessionHtml)
  .join('\n')}
${skipped}
${recordIssues}
</main></body></html>
`;
}
