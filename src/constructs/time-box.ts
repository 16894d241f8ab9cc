import { Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BreakGlassValidationError } from './errors.js';
import { addAntiChaining, schedulerExecutionRole } from './private/time-box.js';

/** Properties of {@link BreakGlassTimeBox}. */
export interface BreakGlassTimeBoxProps {
  /** The break-glass role (e.g. `BreakGlassRole.role`). Imported roles must be mutable. */
  readonly role: iam.IRole;
  /**
   * Roles a break-glass session may still assume (role chaining). Every other `sts:AssumeRole`
   * from the role's sessions is denied, whatever the target's trust policy says.
   * @default [] - no role chaining at all
   */
  readonly allowedRoleArns?: string[];
  /**
   * Create the execution role EventBridge Scheduler uses to end windows automatically
   * (`breakglass assume --revoke-after`, `breakglass approve --scheduler-role`).
   * @default true
   */
  readonly autoEnd?: boolean;
}

/**
 * Time box of a break-glass role: its sessions cannot hop into other roles (except the listed
 * ones), and windows can end automatically through a one-shot EventBridge Scheduler schedule
 * that calls IAM directly (no Lambda).
 */
export class BreakGlassTimeBox extends Construct {
  /** The inline deny attached to the role. */
  readonly antiChainingPolicy: iam.Policy;
  /** Execution role for the one-shot schedules (pass its ARN as `--scheduler-role`). */
  readonly schedulerRole?: iam.Role;

  constructor(scope: Construct, id: string, props: BreakGlassTimeBoxProps) {
    super(scope, id);
    const allowed = props.allowedRoleArns ?? [];
    allowed.forEach((arn, i) => {
      if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/.+$/.test(arn)) {
        throw new BreakGlassValidationError(
          this.node.path,
          `allowedRoleArns[${i}]`,
          `not a role ARN; use arn:aws:iam::<account>:role/<name> (got ${JSON.stringify(arn)})`,
        );
      }
    });
    this.antiChainingPolicy = addAntiChaining(this, props.role, allowed);
    if (props.autoEnd ?? true) this.schedulerRole = schedulerExecutionRole(this, props.role);
  }
}
