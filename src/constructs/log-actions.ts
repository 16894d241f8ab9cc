import { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BreakGlassAlertingOptions } from './alerting-props.js';
import { BreakGlassAlertChannels } from './channels.js';
import { BreakGlassValidationError } from './errors.js';
import { monitoredRoles, monitoredUsers } from './private/alert-principals.js';
import { LogGroupTarget } from './private/alert-targets.js';
import { actionPatterns, logsReads } from './private/alert-ways.js';

/** Properties of {@link BreakGlassLogActions}. */
export interface BreakGlassLogActionsProps extends BreakGlassAlertingOptions {
  /** Roles whose sessions' API calls are logged (session issuer = the role). */
  readonly roles?: iam.IRole[];
  /** IAM users whose API calls (own keys or federated sessions) are logged. */
  readonly users?: iam.IUser[];
  /**
   * Central bus and forwarding stacks to use (shared with `BreakGlassLoginAlert`).
   * @default - new channels built from the other props
   */
  readonly channels?: BreakGlassAlertChannels;
}

/**
 * Logs every API call made with a break-glass session or user, in every watched Region (IAM calls
 * arrive in us-east-1), to one CloudWatch log group in the main Region. Read-only calls are only
 * delivered to rules in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`: the forwarding rules
 * always have it, the central log rule whenever reads are logged.
 */
export class BreakGlassLogActions extends Construct {
  readonly channels: BreakGlassAlertChannels;
  /** Central log group of the actions (retained on stack deletion). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BreakGlassLogActionsProps) {
    super(scope, id);
    const mode = props.logActions ?? true;
    if (mode === false) {
      throw new BreakGlassValidationError(
        this.node.path,
        'logActions',
        "false means nothing to log; use true, 'read' or 'write', or do not create BreakGlassLogActions",
      );
    }
    if (mode !== true && mode !== 'read' && mode !== 'write') {
      throw new BreakGlassValidationError(
        this.node.path,
        'logActions',
        `'${String(mode)}' is not allowed; use true, false, 'read' or 'write'`,
      );
    }
    const roles = props.roles ?? [];
    const users = props.users ?? [];
    if (roles.length === 0 && users.length === 0) {
      throw new BreakGlassValidationError(
        this.node.path,
        'roles',
        'no roles and no users to log; pass roles: [role] and/or users: [user]',
      );
    }
    this.channels = props.channels ?? new BreakGlassAlertChannels(this, 'Channels', props);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.retention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const reads = logsReads(mode);
    const mRoles = monitoredRoles(this, roles);
    const mUsers = monitoredUsers(this, users);
    this.channels.watchPrincipals(mRoles, mUsers);
    for (const { id: pid, pattern } of actionPatterns(mRoles, mUsers, mode, props.logServices)) {
      this.channels.addCentralRule(
        this,
        `${pid}Log`,
        pattern,
        (d) => new LogGroupTarget(this.logGroup, d),
        reads,
      );
    }
  }
}
