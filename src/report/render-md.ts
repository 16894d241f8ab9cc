import type { Session, SessionAction } from '../engines/cloudtrail/sessions.js';
import type { Report } from './build.js';
import { formatBytes, formatDuration, mfaOf, whoOf, whyOf } from './format.js';

/** Escapes text for a Markdown table cell. */
function cell(v: unknown): string {
  return String(v ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/([*_`<>[\]])/g, '\\$1');
}

function callLine(a: SessionAction): string {
  return `| ${cell(a.time)} | ${cell(`${a.service}:${a.action}`)} | ${cell(a.accessLevel)} | ${cell(a.region)} | ${cell(
    a.account,
  )} | ${cell(a.errorCode ?? 'ok')} | ${cell(a.risk?.reason ?? '')} |`;
}

const CALLS_HEADER = [
  '| time (UTC) | call | access level | region | account | result | risk |',
  '|---|---|---|---|---|---|---|',
];

/** Rows listed per session before the Markdown truncates (the JSON always has them all). */
export const MARKDOWN_MAX_CALLS = 200;

function sessionSection(s: Session): string[] {
  const out: string[] = [];
  const status = s.status === 'failed' ? ' — FAILED way in' : '';
  out.push(`### ${s.id}: ${s.wayIn} → ${cell(s.principal)}${status}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| **Who** | ${cell(whoOf(s))} |`);
  if (s.sourceIdentity) out.push(`| **Source identity** | ${cell(s.sourceIdentity)} |`);
  if (s.sessionName) out.push(`| **Session name** | ${cell(s.sessionName)} |`);
  out.push(
    `| **From** | ${cell(s.person.sourceIp ?? 'unknown')} · ${cell(s.person.userAgent ?? 'unknown agent')} |`,
  );
  out.push(`| **MFA** | ${mfaOf(s)} |`);
  out.push(`| **Why** | ${cell(whyOf(s))} |`);
  out.push(`| **When** | ${cell(s.start)} → ${cell(s.end)} (${formatDuration(s.durationSeconds)}) |`);
  out.push(`| **Where** | regions ${cell(s.regions.join(', '))}; accounts ${cell(s.accounts.join(', '))} |`);
  if (s.chainedRoles.length > 0) out.push(`| **Chained into** | ${cell(s.chainedRoles.join(', '))} |`);
  const lv = s.counts.byLevel;
  out.push(
    `| **What** | ${s.counts.total} calls: ${s.counts.read} read (List ${lv.List}, Read ${lv.Read}), ${s.counts.write} write (Write ${lv.Write}, Permissions management ${lv['Permissions management']}, Tagging ${lv.Tagging}), Unknown ${lv.Unknown}; ${s.counts.failed} failed |`,
  );
  if (s.failure)
    out.push(`| **Failure** | ${cell(s.failure.errorCode ?? '')} ${cell(s.failure.errorMessage ?? '')} |`);
  out.push('');
  if (s.risky.length > 0) {
    out.push(`#### Risky calls (${s.risky.length})`, '', ...CALLS_HEADER, ...s.risky.map(callLine), '');
  }
  out.push(`#### All calls (${s.actions.length})`, '', ...CALLS_HEADER);
  out.push(...s.actions.slice(0, MARKDOWN_MAX_CALLS).map(callLine));
  if (s.actions.length > MARKDOWN_MAX_CALLS)
    out.push('', `_${s.actions.length - MARKDOWN_MAX_CALLS} more calls in report.json / report.html._`);
  out.push('');
  return out;
}

/** `report.md`: ready to paste into a post-mortem ticket. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [`# ${report.title}`, ''];
  const ok = report.sessions.filter((s) => s.status === 'succeeded').length;
  const failed = report.sessions.length - ok;
  const risky = report.sessions.reduce((n, s) => n + s.risky.length, 0);
  out.push(
    `Generated ${report.generatedAt} from \`${report.inputs.source}\`` +
      (report.window.since || report.window.until
        ? ` for ${report.window.since ?? 'the beginning'} → ${report.window.until ?? 'now'}`
        : '') +
      '.',
    '',
    `- Break-glass principals: ${[...report.principals.roleArns, ...report.principals.userNames].map((p) => `\`${p}\``).join(', ') || '(none)'}`,
    `- Sessions: **${ok}** (plus **${failed}** failed attempts); risky calls: **${risky}**`,
    `- Inputs: ${report.inputs.files} files (${formatBytes(report.inputs.bytes)}), ${report.inputs.events} events, ${report.inputs.skipped.length} skipped, ${report.inputs.prunedByDate} outside the date window`,
    '',
  );
  if (report.sessions.length === 0) {
    out.push('No break-glass session or attempt in these logs.', '');
  } else {
    out.push(
      '## Sessions',
      '',
      '| id | way in | principal | who | start (UTC) | duration | regions | calls | read | write | failed | risky |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of report.sessions) {
      out.push(
        `| ${s.id} | ${s.wayIn}${s.status === 'failed' ? ' (failed)' : ''} | ${cell(s.principal)} | ${cell(whoOf(s))} | ${s.start} | ${formatDuration(s.durationSeconds)} | ${cell(s.regions.join(', '))} | ${s.counts.total} | ${s.counts.read} | ${s.counts.write} | ${s.counts.failed} | ${s.risky.length} |`,
      );
    }
    out.push('');
    for (const s of report.sessions) out.push(...sessionSection(s));
  }
  if (report.inputs.skipped.length > 0) {
    out.push('## Skipped inputs', '', '| file | reason |', '|---|---|');
    for (const k of report.inputs.skipped) out.push(`| ${cell(k.file)} | ${cell(k.reason)} |`);
    out.push('');
  }
  return out.join('\n');
}
