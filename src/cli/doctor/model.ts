/** What every doctor check returns, and what it gets. */
import type { DeployedStack, DoctorAws } from '../aws/doctor-ports.js';
import type { Inventory, InventoryStack } from './inventory.js';

/** `error`: the check could not read what it needs (AWS refused, throttled, …). */
export type FindingStatus = 'ok' | 'problem' | 'skipped' | 'error';

export type Phase = 'before-deploy' | 'after-deploy';

export interface Finding {
  readonly check: string;
  readonly status: FindingStatus;
  /** Region (or `global`, or an account). */
  readonly where: string;
  /** The resource or setting looked at. */
  readonly subject: string;
  readonly detail: string;
}

export interface DoctorContext {
  readonly aws: DoctorAws;
  readonly inventory: Inventory;
  /** Account of the credentials. */
  readonly account: string;
  /** Stacks of that account (doctor reads one account per run). */
  readonly stacks: readonly InventoryStack[];
  /** Epoch ms. */
  readonly now: number;
  /** How recent the last drill must be. */
  readonly drillWindowMs: number;
  /** Deployed state per stack name; undefined = not deployed. Filled before the after-deploy checks. */
  readonly deployed: Map<string, DeployedStack | undefined>;
}

export interface DoctorCheck {
  readonly id: string;
  readonly phase: Phase;
  /** One line for the README / --help: what it reads and judges. */
  readonly summary: string;
  run(ctx: DoctorContext): Promise<Finding[]>;
}

export const finding = (
  check: string,
  status: FindingStatus,
  where: string,
  subject: string,
  detail: string,
): Finding => ({ check, status, where, subject, detail });

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Unique Regions of some stacks, sorted. */
export function regionsOf(stacks: readonly InventoryStack[]): string[] {
  return [...new Set(stacks.map((s) => s.region))].sort();
}
