import { DEPLOYER_CHECKS } from './deployer-checks.js';
import { DRILL_CHECKS } from './drill-checks.js';
import { FLOOD_CHECKS } from './flood-checks.js';
import { ORGANIZATION_CHECKS } from './organization/checks.js';
import { TAMPER_CHECKS } from './tamper-checks.js';
import type { CheckContext, CheckFamily, CheckResult } from './check-types.js';

export type { CheckContext, CheckFamily, CheckResult } from './check-types.js';

/** Every family `verify` runs, in print order. */
export const CHECK_FAMILIES: readonly CheckFamily[] = [
  DEPLOYER_CHECKS,
  DRILL_CHECKS,
  FLOOD_CHECKS,
  TAMPER_CHECKS,
  ORGANIZATION_CHECKS,
];

export interface CheckSummary {
  readonly total: number;
  readonly ok: number;
  readonly gaps: number;
}

export function runChecks(
  context: CheckContext,
  families: readonly CheckFamily[] = CHECK_FAMILIES,
): CheckResult[] {
  return families.flatMap((f) => f.run(context));
}

export function summarizeChecks(checks: readonly CheckResult[]): CheckSummary {
  const ok = checks.filter((c) => c.ok).length;
  return { total: checks.length, ok, gaps: checks.length - ok };
}

/** One line per family that produced results, e.g. `Tamper alerts: 1,598 checks in 34 Regions, 0 gap(s)`. */
export function checkSummaryLines(
  checks: readonly CheckResult[],
  families: readonly CheckFamily[] = CHECK_FAMILIES,
): string[] {
  const lines: string[] = [];
  for (const f of families) {
    const mine = checks.filter((c) => c.family === f.family);
    if (mine.length === 0) continue;
    const s = summarizeChecks(mine);
    const regions = new Set(mine.map((c) => c.region)).size;
    lines.push(
      `${f.title}: ${s.total.toLocaleString('en-US')} check(s) in ${regions} Region(s): ${s.ok.toLocaleString('en-US')} ok, ${s.gaps} gap(s)`,
    );
  }
  return lines;
}

export const describeCheckGap = (c: CheckResult): string =>
  `  ✗ ${c.family} ${c.name} in ${c.region}: ${c.problems.join('; ')}`;
