/**
 * Runs the doctor's checks in order: the before-deploy ones, then (unless `beforeDeployOnly`) the
 * stacks and the after-deploy ones. A check that AWS refuses becomes an `error` finding (exit 2)
 * and the others still run.
 */
import { commonAwsError, firstLine } from '../aws/errors.js';
import type { DoctorAws, DrillAws } from '../aws/doctor-ports.js';
import { alarmsCheck } from './alarms.js';
import { bootstrapCheck } from './bootstrap.js';
import { dlqCheck } from './dlq.js';
import { drillCheck } from './drill.js';
import { planDrill, runDrillNow, type DrillClock } from './drill-now.js';
import { driftCheck } from './drift.js';
import type { Inventory } from './inventory.js';
import { finding, type DoctorCheck, type DoctorContext, type Finding } from './model.js';
import { orgAccessCheck, stackSetCheck } from './organization.js';
import { regionsCheck } from './regions.js';
import { secretsCheck } from './secrets.js';
import { judgeStack, readDeployed } from './stacks.js';
import { subscriptionsCheck } from './subscriptions.js';
import { trailCheck } from './trail.js';
import { trustQuotaCheck } from './trust-quota.js';

export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  regionsCheck,
  bootstrapCheck,
  secretsCheck,
  trustQuotaCheck,
  trailCheck,
  orgAccessCheck,
  driftCheck,
  subscriptionsCheck,
  alarmsCheck,
  dlqCheck,
  drillCheck,
  stackSetCheck,
];

export interface DoctorRun {
  readonly account: string;
  readonly findings: readonly Finding[];
}

export interface DoctorOptions {
  readonly beforeDeployOnly?: boolean;
  readonly now: number;
  readonly drillWindowMs: number;
  /** Check ids to run (default: all). */
  readonly only?: readonly string[];
  /** `--drill`: run one drill now and wait for it. */
  readonly drill?: {
    readonly aws: DrillAws;
    readonly clock: DrillClock;
    readonly region?: string;
    readonly timeoutMs: number;
    readonly pollMs: number;
    readonly sessionName: string;
  };
}

function errorFinding(check: string, e: unknown): Finding {
  const known = commonAwsError(e, check);
  return finding(
    check,
    'error',
    'global',
    check,
    known ? known.message : `${e instanceof Error ? e.name : 'Error'}: ${firstLine(e)}`,
  );
}

export async function runDoctor(aws: DoctorAws, inventory: Inventory, o: DoctorOptions): Promise<DoctorRun> {
  const account = await aws.callerAccount();
  const stacks = inventory.stacks.filter((s) => s.account === account);
  const findings: Finding[] = [];
  const others = [...new Set(inventory.stacks.filter((s) => s.account !== account).map((s) => s.account))];
  for (const a of others)
    findings.push(
      finding(
        'account',
        'skipped',
        a,
        'other account',
        `stacks of ${a} not checked: run doctor again with credentials of ${a}`,
      ),
    );
  if (stacks.length === 0) return { account, findings };
  const ctx: DoctorContext = {
    aws,
    inventory,
    account,
    stacks,
    now: o.now,
    drillWindowMs: o.drillWindowMs,
    deployed: new Map(),
  };
  let stacksRead = true;
  try {
    for (const [k, v] of await readDeployed(aws, stacks)) ctx.deployed.set(k, v);
    if (!o.beforeDeployOnly)
      findings.push(...stacks.map((s) => judgeStack(s, ctx.deployed.get(s.stackName))));
  } catch (e) {
    stacksRead = false;
    findings.push(errorFinding('stacks', e));
  }
  for (const check of DOCTOR_CHECKS) {
    if (o.only && !o.only.includes(check.id)) continue;
    if (o.beforeDeployOnly && check.phase === 'after-deploy') continue;
    if (!stacksRead && check.phase === 'after-deploy') {
      // Without the deployed stacks there is nothing to compare: say so rather than "not in this deployment".
      findings.push(
        finding(
          check.id,
          'skipped',
          'global',
          check.id,
          'not checked: the deployed stacks could not be read (see the stacks ERROR row)',
        ),
      );
      continue;
    }
    try {
      findings.push(...(await check.run(ctx)));
    } catch (e) {
      findings.push(errorFinding(check.id, e));
    }
  }
  if (o.drill) {
    const plan = planDrill(ctx, o.drill.region);
    if (typeof plan === 'string') findings.push(finding('drill-now', 'skipped', 'global', 'drill', plan));
    else {
      try {
        findings.push(await runDrillNow(plan, aws, o.drill.aws, o.drill.clock, o.drill));
      } catch (e) {
        findings.push(errorFinding('drill-now', e));
      }
    }
  }
  return { account, findings };
}
