import { Annotations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { BreakGlassAlertingOptions } from './alerting-props.js';
import { BreakGlassAlertChannels } from './channels.js';
import { BreakGlassDrill } from './drill.js';
import { BreakGlassLogActions } from './log-actions.js';
import { BreakGlassLoginAlert } from './login-alert.js';
import { BreakGlassTamperAlerts } from './tamper.js';

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
 * used on its own. One central bus and one set of channels are shared by the alerts and the log.
 */
export class BreakGlassMonitoring extends Construct {
  /** Central bus, alert topic, channels, dead-letter queue and alarms. */
  readonly channels: BreakGlassAlertChannels;
  readonly loginAlert: BreakGlassLoginAlert;
  /** Present unless `logActions: false`. */
  readonly logActions?: BreakGlassLogActions;
  /** Alerts on changes to the alerting itself; present unless `tamperAlerts: false`. */
  readonly tamperAlerts?: BreakGlassTamperAlerts;
  /** The scheduled drill, when `drill` is set and there are roles to drill. */
  readonly drill?: BreakGlassDrill;

  constructor(scope: Construct, id: string, props: BreakGlassMonitoringProps) {
    super(scope, id);
    this.channels = new BreakGlassAlertChannels(this, 'Channels', props);
    // Before the login alerts: their denied-attempt rules leave the drill role's calls out.
    if (props.drill && (props.roles?.length ?? 0) > 0) {
      this.drill = new BreakGlassDrill(this, 'Drill', {
        ...props.drill,
        channels: this.channels,
        roles: props.roles ?? [],
      });
    } else if (props.drill) {
      Annotations.of(this).addWarningV2(
        'breakglass:drill-without-role',
        'drill is set but there is no break-glass role to drill here (users only); set drill where the role is monitored',
      );
    }
    this.loginAlert = new BreakGlassLoginAlert(this, 'LoginAlert', { ...props, channels: this.channels });
    if ((props.logActions ?? true) !== false) {
      this.logActions = new BreakGlassLogActions(this, 'LogActions', { ...props, channels: this.channels });
    }
    if (props.tamperAlerts !== false) {
      this.tamperAlerts = new BreakGlassTamperAlerts(this, 'TamperAlerts', {
        channels: this.channels,
        roles: props.roles,
        users: props.users,
      });
    }
  }
}
