import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { BreakGlassAlertingOptions } from './alerting-props.js';
import { BreakGlassAlertChannels } from './channels.js';
import { BreakGlassValidationError } from './errors.js';
import { monitoredRoles, monitoredUsers } from './private/alert-principals.js';
import { roleFamilies, userFamilies, type WayInFamily } from './private/alert-ways.js';
import { accessChangeFamilies } from './private/access-changes.js';
import { DeniedSummary } from './private/denied-summary.js';
import { drillCallers, excludeCallers, isDeniedAttempt } from './private/drill-callers.js';

/** Properties of {@link BreakGlassLoginAlert}. */
export interface BreakGlassLoginAlertProps extends BreakGlassAlertingOptions {
  /** Roles whose every way in (CLI/SDK, SAML, web identity, console, chaining, failures) is alerted. */
  readonly roles?: iam.IRole[];
  /** IAM users whose console sign-in and token calls are alerted. */
  readonly users?: iam.IUser[];
  /**
   * Central bus, topic and channels to use (shared with `BreakGlassLogActions`).
   * @default - new channels built from the other props
   */
  readonly channels?: BreakGlassAlertChannels;
}

/**
 * Alerts on every way into break-glass roles and users, success and failure, in every watched
 * Region: a forwarding rule per way in on each Region's default bus, and on the central bus one
 * alert rule per way in (and result) whose input transformer reads each message field from where
 * that event keeps it.
 */
export class BreakGlassLoginAlert extends Construct {
  readonly channels: BreakGlassAlertChannels;
  /** The ways in that are alerted (titles and patterns). */
  readonly waysIn: readonly WayInFamily[];
  /** Central alert rules by id. */
  readonly alertRules: Readonly<Record<string, events.Rule>>;

  constructor(scope: Construct, id: string, props: BreakGlassLoginAlertProps) {
    super(scope, id);
    const roles = props.roles ?? [];
    const users = props.users ?? [];
    if (roles.length === 0 && users.length === 0) {
      throw new BreakGlassValidationError(
        this.node.path,
        'roles',
        'no roles and no users to watch; pass roles: [role] and/or users: [user]',
      );
    }
    this.channels = props.channels ?? new BreakGlassAlertChannels(this, 'Channels', props);
    const mRoles = monitoredRoles(this, roles);
    const mUsers = monitoredUsers(this, users);
    this.channels.watchPrincipals(mRoles, mUsers);
    this.waysIn = [...roleFamilies(mRoles), ...accessChangeFamilies(mRoles), ...userFamilies(mUsers)];
    const rules: Record<string, events.Rule> = {};
    // Denied attempts: never the drill's; summarised unless `deniedAttempts: 'each'`.
    const drills = drillCallers(this.channels);
    const summarise = (props.deniedAttempts ?? 'summary') === 'summary';
    for (const family of this.waysIn) {
      for (const v of family.variants) {
        const denied = isDeniedAttempt(family, v);
        const pattern = denied ? excludeCallers(v.pattern, drills) : v.pattern;
        rules[v.id] =
          denied && summarise
            ? DeniedSummary.of(this.channels, props.retention).addRule(this, `${v.id}Alert`, pattern)
            : this.channels.addAlertRule(this, `${v.id}Alert`, pattern, v.fields);
      }
    }
    this.alertRules = rules;
  }
}
