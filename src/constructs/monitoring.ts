import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { BreakGlassAlertingOptions } from './alerting-props.js';

/** Properties of {@link BreakGlassMonitoring}. */
export interface BreakGlassMonitoringProps extends BreakGlassAlertingOptions {
  /** Break-glass roles whose every way in is alerted and whose sessions' actions are logged. */
  readonly roles?: iam.IRole[];
  /** Break-glass IAM users (console sign-in, GetSigninToken/GetFederationToken, actions). */
  readonly users?: iam.IUser[];
}

/**
 * Everything that makes a role or user "loud": login alerts in every region, action logging,
 * channels and durable delivery. `BreakGlassRole` and `BreakGlassUser` create one; it can also be
 * used on its own. (Filled in by the alerting work; this is the agreed shape.)
 */
export class BreakGlassMonitoring extends Construct {
  constructor(scope: Construct, id: string, props: BreakGlassMonitoringProps) {
    super(scope, id);
    void props;
  }
}
