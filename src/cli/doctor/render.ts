/** The doctor's table (problems first; ok rows folded into one line per check unless `all`) and JSON. */
import type { Finding, FindingStatus } from './model.js';

const ORDER: Record<FindingStatus, number> = { error: 0, problem: 1, ok: 2, skipped: 3 };
const LABEL: Record<FindingStatus, string> = {
  error: 'ERROR',
  problem: 'PROBLEM',
  ok: 'ok',
  skipped: 'skipped',
};

export function counts(findings: readonly Finding[]): Record<FindingStatus, number> {
  const c: Record<FindingStatus, number> = { ok: 0, problem: 0, skipped: 0, error: 0 };
  for (const f of findings) c[f.status]++;
  return c;
}

export function renderTable(account: string, findings: readonly Finding[], all: boolean): string[] {
  const rows: string[][] = [];
  const sorted = [...findings].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const folded = new Map<string, Finding[]>();
  for (const f of sorted) {
    if (f.status === 'ok' && !all) {
      folded.set(f.check, [...(folded.get(f.check) ?? []), f]);
      continue;
    }
    rows.push([LABEL[f.status], f.check, f.where, f.subject, f.detail]);
  }
  for (const [check, fs] of folded) {
    const first = fs[0] as Finding;
    rows.push(
      fs.length === 1
        ? ['ok', check, first.where, first.subject, first.detail]
        : [
            'ok',
            check,
            `${new Set(fs.map((f) => f.where)).size} place(s)`,
            `${fs.length} item(s)`,
            'all healthy (--all lists them)',
          ],
    );
  }
  const head = ['STATUS', 'CHECK', 'WHERE', 'SUBJECT', 'DETAIL'];
  const widths = head.map((h, i) =>
    Math.min(48, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) =>
        i === r.length - 1
          ? c
          : c.length > (widths[i] ?? 0)
            ? `${c.slice(0, (widths[i] ?? 1) - 1)}…`
            : c.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  const c = counts(findings);
  return [
    `breakglass doctor: account ${account}`,
    line(head),
    ...rows.map(line),
    `${c.ok} ok, ${c.problem} problem(s), ${c.error} error(s), ${c.skipped} skipped`,
  ];
}

export function renderJson(account: string, findings: readonly Finding[]): string {
  return JSON.stringify({ account, counts: counts(findings), findings }, null, 2);
}
