import type { CloudTrailRecord } from '../engines/cloudtrail/index.js';
import type { RoleModel, SystemModel, UserModel } from './model.js';
import type { OrganizationPlan } from './organization/types.js';

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
  /** The account the check is about, when it is about one account of an organization. */
  readonly account?: string;
}

/** What a family checks against: the model and the principals and Regions `verify` was asked about. */
export interface CheckContext {
  readonly model: SystemModel;
  readonly regions: readonly string[];
  readonly roles: readonly RoleModel[];
  readonly users: readonly UserModel[];
  /** The organization's StackSets and accounts (`verify` across an organization), when there is one. */
  readonly organization?: OrganizationPlan;
  /** The records of every way into `role` in `region`, as `verify` replays them (`wayIn`: a `WayIn`). */
  readonly wayInRecords?: (role: RoleModel, region: string) => readonly WayInRecord[];
}

export interface WayInRecord {
  readonly wayIn: string;
  readonly actor: string;
  readonly record: CloudTrailRecord;
}

export interface CheckFamily {
  readonly family: string;
  /** Title printed in front of the family's summary line (`Tamper alerts`). */
  readonly title: string;
  run(context: CheckContext): CheckResult[];
}
