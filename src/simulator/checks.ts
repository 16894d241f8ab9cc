import { DEPLOYER_CHECKS } from './deployer-checks.js';
import { DRILL_CHECKS } from './drill-checks.js';
import { FLOOD_CHECKS } from './flood-checks.js';
import { TAMPER_CHECKS } from './tamper-checks.js';
import type { RoleModel, SystemModel, UserModel } from './model.js';

/**
 * Verifier checks that are not a way in: alerts when the alerting itself is touched (tamper), the
 * scheduled drill, alert floods, … Each family replays its own events against the model and says, per
 * event and Region, whether the outcome is what a person relies on.
 *
 * To add a family: write `src/simulator/<family>-checks.ts` exporting a {@link CheckFamily} and add it
 * to {@link CHECK_FAMILIES} (one line). `verifyModel` runs every family, `verify` prints one summary line
 * per family, lists its gaps with the others, and exits 1 when any check fails.
 */
export interface CheckResult {
  /** The family's id (`tamper`, `drill`, …). */
  readonly family: string;
  /** What was checked, e.g. the tamper event name (`DisableRule`). */
  readonly name: string;
  readonly region: string;
  readonly ok: boolean;
  /** Why the check fails (empty when ok); each names the hop or resource. */
  readonly problems: readonly string[];
  /** What the check showed when ok, in a few words (e.g. `alerted through the tamper topic`). */
  readonly detail?: string;
}

/** What a family checks against: the model and the principals and Regions `verify` was asked about. */
export interface CheckContext {
  readonly model: SystemModel;
  readonly regions: readonly string[];
  readonly roles: readonly RoleModel[];
  readonly users: readonly UserModel[];
}

export interface CheckFamily {
  readonly family: string;
  /** Title printed in front of the family's summary line (`Tamper alerts`). */
  readonly title: string;
  run(context: CheckContext): CheckResult[];
}

/** Every family `verify` runs, in print order. */
export const CHECK_FAMILIES: readonly CheckFamily[] = [
  DEPLOYER_CHECKS,
  DRILL_CHECKS,
  FLOOD_CHECKS,
  TAMPER_CHECKS,
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
