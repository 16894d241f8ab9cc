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

/** Escapes text for a Markdown table cell. */
function cell(v: unknown): string {
  return String(v ?? '')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(/([*_`<>[\]])/g, '\\$1');
}

function callLine(a: SessionAction): string {
  const time = a.timeUnknown ? `unknown time (${a.time})` : a.time;
  const call = `${a.service}:${a.action}${a.alsoAuthorizes ? ` (also ${a.alsoAuthorizes.join(', ')})` : ''}${a.wayIn ? ' (way in)' : ''}`;
  const result = a.errorCode
    ? `${a.errorCode}${a.errorMessage ? `: ${a.errorMessage.slice(0, 200)}` : ''}`
    : 'ok';
  const event = a.eventId ? (a.consoleUrl ? `[${cell(a.eventId)}](${a.consoleUrl})` : cell(a.eventId)) : '';
  return `| ${cell(time)} | ${cell(call)} | ${cell(a.nonIam ?? a.accessLevel)} | ${cell(resourcesText(a))} | ${cell(a.sourceIp ?? '')} | ${cell(a.userAgent ?? '')} | ${cell(a.region || 'no region')} | ${cell(
    a.account,
  )} | ${cell(result)} | ${event} | ${cell(a.risk?.reason ?? '')} |`;
}

const CALLS_HEADER = [
  '| time (UTC) | call | access level | resources | source IP | user agent | region | account | result | event | risk |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
];

/** Rows listed per session before the Markdown truncates (the JSON always has them all). */
export const MARKDOWN_MAX_CALLS = 200;

function sessionSection(s: Session): string[] {
  const out: string[] = [];
  const status = s.status === 'failed' ? ' — FAILED way in' : '';
  out.push(`### ${s.id}: ${s.wayIn} → ${cell(s.principal)}${status}`, '');
  for (const f of s.findings)
    out.push(
      `> **Credentials used from an unexpected origin** — ${cell(f.message)}; first ${f.first}; source IP ${f.sourceIps.map(cell).join(', ')}; user agent ${f.userAgents.map(cell).join(', ')}${f.accessKeyId ? `; key ${cell(f.accessKeyId)}` : ''}`,
      '',
    );
  out.push('| | |', '|---|---|');
  out.push(`| **Who** | ${cell(whoOf(s))} |`);
  if (s.switchFrom) out.push(`| **Switched from** | ${cell(s.switchFrom.arn)} |`);
  for (const t of s.federatedTokens ?? [])
    out.push(
      `| **Federated token** | ${cell(t.name ?? 'unnamed')} at ${t.time}${t.policy ? `; session policy ${cell(t.policy)}` : ''}${t.policyArns ? `; policy ARNs ${cell(t.policyArns.join(', '))}` : ''} |`,
    );
  if (s.sourceIdentity) out.push(`| **Source identity** | ${cell(s.sourceIdentity)} |`);
  if (s.sessionName) out.push(`| **Session name** | ${cell(s.sessionName)} |`);
  out.push(
    `| **From** | ${cell(s.person.sourceIp ?? 'unknown')} · ${cell(s.person.userAgent ?? 'unknown agent')} |`,
  );
  out.push(`| **MFA** | ${mfaOf(s)} |`);
  out.push(`| **Why** | ${cell(whyOf(s))}${cannotCarryReason(s) ? ` (${CONSOLE_SIGN_IN_NOTE})` : ''} |`);
  out.push(
    `| **When** | ${cell(s.start)} → ${cell(s.end)} (${formatDuration(s.durationSeconds)})${s.unknownTimes ? `; ${s.unknownTimes} records with an unknown time` : ''} |`,
  );
  out.push(`| **Where** | regions ${cell(s.regions.join(', '))}; accounts ${cell(s.accounts.join(', '))} |`);
  const unused = s.unusedAccessKeyIds ?? [];
  if (s.accessKeyIds.length > 0)
    out.push(
      `| **Credentials** | ${cell(s.accessKeyIds.filter((k) => !unused.includes(k)).join(', ') || 'none used')}${unused.length > 0 ? `; ${unused.length} more issued but never used (${cell(unused.join(', '))})` : ''} |`,
    );
  if (s.chainedRoles.length > 0) out.push(`| **Chained into** | ${cell(s.chainedRoles.join(', '))} |`);
  out.push(`| **What** | ${cell(whatOf(s))} |`);
  if (s.failure)
    out.push(`| **Failure** | ${cell(s.failure.errorCode ?? '')} ${cell(s.failure.errorMessage ?? '')} |`);
  out.push('');
  if (s.risky.length > 0) {
    out.push(
      `#### Risky calls (${s.risky.length}, most severe first)`,
      '',
      ...CALLS_HEADER,
      ...bySeverity(s.risky).map(callLine),
      '',
    );
  }
  out.push(
    `#### Origins (${s.origins.length})`,
    '',
    '| source IP | user agent | first use | last use | records | access keys | network |',
    '|---|---|---|---|---|---|---|',
  );
  for (const o of s.origins)
    out.push(
      `| ${cell(o.sourceIp ?? 'unknown')} | ${cell(o.userAgent ?? 'unknown agent')} | ${o.first} | ${o.last} | ${o.records} | ${cell(o.accessKeyIds.join(', '))} | ${o.aws ? 'AWS' : 'outside AWS'} |`,
    );
  out.push('');
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
    `- Break-glass principals: ${
      principalLabels(report.principals)
        .map((p) => `\`${p}\``)
        .join(', ') || '(none)'
    }`,
    `- Sessions: **${ok}** (plus **${failed}** failed attempts); risky calls: **${risky}**`,
    `- Inputs: ${report.inputs.files} files (${formatBytes(report.inputs.bytes)}), ${report.inputs.events} events, ${report.inputs.skipped.length} files skipped, ${(report.inputs.skippedRecords ?? []).length} records skipped, ${report.inputs.missingRegion?.count ?? 0} records without awsRegion, ${report.inputs.prunedByDate} files outside the date window`,
    ...inputScopeLines(report.inputs).map((l) => `- ${l}`),
    `- ${EVENT_HISTORY_NOTE}`,
    '',
  );
  const since = tamperingSince(report.sessions);
  if (since) out.push(`> **Logging was tampered with: logs may be incomplete after ${since}.**`, '');
  if (report.sessions.length === 0) {
    out.push('No break-glass session or attempt in these logs.', '');
  } else {
    out.push(
      '## Sessions',
      '',
      '| id | way in | principal | who | reason / ticket | start (UTC) | end (UTC) | duration | regions | calls | denied attempts | read | write | risky | unexpected origin |',
    );
    out.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    const listed = foldUnused(report.sessions);
    for (const { session: s, folded } of listed) {
      out.push(
        `| ${s.id}${folded.length > 0 ? ` ${foldedText(folded)}` : ''} | ${s.wayIn}${s.status === 'failed' ? ' (failed)' : ''} | ${cell(s.principal)} | ${cell(whoOf(s))} | ${cell(reasonOf(s) || (cannotCarryReason(s) ? 'none (console sign-in)' : 'none'))} | ${cell(s.start)} | ${cell(s.end)} | ${formatDuration(s.durationSeconds)} | ${cell(s.regions.join(', '))} | ${s.counts.calls} | ${s.counts.attempts} | ${s.counts.read} | ${s.counts.write} | ${s.risky.length} | ${s.findings.length > 0 ? '**yes**' : ''} |`,
      );
    }
    out.push('');
    for (const { session: s } of listed) out.push(...sessionSection(s));
  }
  if (report.inputs.skipped.length > 0) {
    out.push('## Skipped inputs', '', '| file | reason |', '|---|---|');
    for (const k of report.inputs.skipped) out.push(`| ${cell(k.file)} | ${cell(k.reason)} |`);
    out.push('');
  }
  const recSkips = report.inputs.skippedRecords ?? [];
  if (recSkips.length > 0) {
    out.push('## Skipped records', '', '| file | record | reason |', '|---|---|---|');
    for (const k of recSkips) out.push(`| ${cell(k.file)} | ${cell(k.at)} | ${cell(k.reason)} |`);
    out.push('');
  }
  const missing = report.inputs.missingRegion;
  if (missing && missing.count > 0) {
    out.push(
      `## Records without awsRegion (${missing.count})`,
      '',
      '| file | event | time | event id |',
      '|---|---|---|---|',
    );
    for (const k of missing.records)
      out.push(
        `| ${cell(k.file)} | ${cell(k.eventName)} | ${cell(k.eventTime)} | ${cell(k.eventId ?? '')} |`,
      );
    out.push('');
  }
  return out.join('\n');
}
