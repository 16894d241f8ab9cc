/**
 * `report.html`: one self-contained page (inline CSS and SVG, no script, no network): a summary,
 * then per session the who/why/when/where/what card, an SVG timeline of its calls (one lane per
 * service, dots coloured by IAM access level, risky calls ringed, failed calls hollow), the risky
 * calls, then every call.
 */
import type { AccessLevel } from '../engines/cloudtrail/actions.js';
import type { Session, SessionAction } from '../engines/cloudtrail/sessions.js';
import type { Report } from './build.js';
import { formatBytes, formatDuration, mfaOf, whoOf, whyOf } from './format.js';

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
td.mono,span.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-all}
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
  parts.push(
    `<text x="${left}" y="${axisY}">${e(s.start)}</text><text x="${width - right}" y="${axisY}" text-anchor="end">${e(s.end)}</text>`,
  );
  for (const a of calls) {
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
  return parts.join('');
}

function callsTable(calls: readonly SessionAction[], max: number): string {
  const rows = calls
    .slice(0, max)
    .map(
      (a) =>
        `<tr${a.errorCode ? ' class="fail"' : ''}><td class="mono">${e(a.time)}</td><td>${e(a.service)}:${e(a.action)}</td><td>${levelDot(a.accessLevel)}${e(a.accessLevel)}</td><td>${e(a.region)}</td><td class="mono">${e(a.account)}</td><td>${e(a.errorCode ?? 'ok')}</td><td>${e(a.risk?.reason ?? '')}</td></tr>`,
    );
  const more = calls.length > max ? `<p>${calls.length - max} more calls in report.json.</p>` : '';
  return `<table><thead><tr><th>time (UTC)</th><th>call</th><th>access level</th><th>region</th><th>account</th><th>result</th><th>risk</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

function sessionHtml(s: Session): string {
  const cls = s.status === 'failed' ? 'session failed' : s.risky.length > 0 ? 'session risky' : 'session';
  const badge =
    s.status === 'failed'
      ? '<span class="badge failed-badge">failed way in</span>'
      : '<span class="badge ok-badge">session</span>';
  const risk = s.risky.length > 0 ? ` <span class="badge risk-badge">${s.risky.length} risky</span>` : '';
  const lv = s.counts.byLevel;
  const rows: Array<[string, string]> = [
    ['Who', e(whoOf(s))],
    [
      'From',
      `${e(s.person.sourceIp ?? 'unknown IP')} · <span class="mono">${e(s.person.userAgent ?? 'unknown agent')}</span>`,
    ],
    ['MFA', e(mfaOf(s))],
  ];
  if (s.sourceIdentity) rows.push(['Source identity', e(s.sourceIdentity)]);
  if (s.sessionName) rows.push(['Session name', e(s.sessionName)]);
  rows.push(['Why', e(whyOf(s))]);
  rows.push(['When', `${e(s.start)} → ${e(s.end)} (${e(formatDuration(s.durationSeconds))})`]);
  rows.push(['Where', `regions ${e(s.regions.join(', '))}; accounts ${e(s.accounts.join(', '))}`]);
  if (s.chainedRoles.length > 0)
    rows.push(['Chained into', `<span class="mono">${e(s.chainedRoles.join(', '))}</span>`]);
  rows.push([
    'What',
    `${s.counts.total} calls — ${s.counts.read} read (List ${lv.List}, Read ${lv.Read}), ${s.counts.write} write (Write ${lv.Write}, Permissions management ${lv['Permissions management']}, Tagging ${lv.Tagging}), Unknown ${lv.Unknown}; ${s.counts.failed} failed`,
  ]);
  if (s.failure) rows.push(['Failure', e(`${s.failure.errorCode ?? ''} ${s.failure.errorMessage ?? ''}`)]);
  return `<section class="${cls}" id="${e(s.id)}">
<h3>${e(s.id)} · ${e(s.wayIn)} → <span class="mono">${e(s.principal)}</span> ${badge}${risk}</h3>
<table class="card">${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${v}</td></tr>`).join('')}</table>
${s.risky.length > 0 ? `<h4>Risky calls (${s.risky.length})</h4>${callsTable(s.risky, HTML_MAX_ROWS)}` : ''}
<h4>Timeline</h4>
${timelineSvg(s)}
<details${s.actions.length <= 50 ? ' open' : ''}><summary>All calls (${s.actions.length})</summary>${callsTable(s.actions, HTML_MAX_ROWS)}</details>
</section>`;
}

/** Sessions with risky calls first (most risky first), then failed attempts, then the rest; by start within. */
export function htmlOrder(sessions: readonly Session[]): Session[] {
  const rank = (s: Session): number => (s.risky.length > 0 ? 0 : s.status === 'failed' ? 1 : 2);
  return [...sessions].sort(
    (a, b) => rank(a) - rank(b) || b.risky.length - a.risky.length || a.start.localeCompare(b.start),
  );
}

export function renderHtml(report: Report): string {
  const ok = report.sessions.filter((s) => s.status === 'succeeded').length;
  const failed = report.sessions.length - ok;
  const risky = report.sessions.reduce((n, s) => n + s.risky.length, 0);
  const summaryRows = report.sessions
    .map(
      (s) =>
        `<tr${s.status === 'failed' ? ' class="fail"' : ''}><td><a href="#${e(s.id)}">${e(s.id)}</a></td><td>${e(s.wayIn)}${s.status === 'failed' ? ' (failed)' : ''}</td><td class="mono">${e(s.principal)}</td><td>${e(whoOf(s))}</td><td class="mono">${e(s.start)}</td><td>${e(formatDuration(s.durationSeconds))}</td><td>${e(s.regions.join(', '))}</td><td>${s.counts.total}</td><td>${s.counts.read}</td><td>${s.counts.write}</td><td>${s.counts.failed}</td><td>${s.risky.length}</td></tr>`,
    )
    .join('');
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
<h2>Summary</h2>
<p>Principals: <span class="mono">${e([...report.principals.roleArns, ...report.principals.userNames].join(', ') || '(none)')}</span><br>
Inputs: ${report.inputs.files} files (${e(formatBytes(report.inputs.bytes))}), ${report.inputs.events} events, ${report.inputs.skipped.length} skipped, ${report.inputs.prunedByDate} outside the date window.</p>
${
  report.sessions.length === 0
    ? '<p>No break-glass session or attempt in these logs.</p>'
    : `<table><thead><tr><th>id</th><th>way in</th><th>principal</th><th>who</th><th>start (UTC)</th><th>duration</th><th>regions</th><th>calls</th><th>read</th><th>write</th><th>failed</th><th>risky</th></tr></thead><tbody>${summaryRows}</tbody></table>`
}
${legend()}
${htmlOrder(report.sessions).map(sessionHtml).join('\n')}
${skipped}
</main></body></html>
`;
}
