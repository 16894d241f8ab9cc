import type { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';

/** The drill's settings (the `drill` alerting option). */
export interface BreakGlassDrillOptions {
  /**
   * When the drill runs, as an EventBridge Scheduler expression (`rate(…)` or `cron(…)`).
   * @default 'rate(1 day)'
   */
  readonly schedule?: string;
  /**
   * How long without a drill arriving (per Region) before the missing-drill alarm fires; whole hours,
   * 2 to 168 (CloudWatch evaluates at most 7 days). Keep it above the schedule's interval.
   * @default Duration.hours(26)
   */
  readonly window?: Duration;
  /**
   * People or roles who may also run a drill by assuming the drill role (e.g. `breakglass doctor
   * --drill`). They can then only make the one denied call the drill makes.
   * @default - only EventBridge Scheduler
   */
  readonly operators?: iam.IPrincipal[];
}
