import { Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TAG_BREAKGLASS_USER } from '../engines/conventions.js';
import type { BreakGlassAlertingOptions } from './alerting-props.js';
import { alertingOptionsOf } from './break-glass-role.js';
import { BreakGlassMonitoring } from './monitoring.js';
import { IAM_USER_NAME, Validator } from './private/role-validate.js';
import { watchedRegions } from './private/regions.js';
import { forceMfaStatements } from './private/user-force-mfa.js';

/** Properties of {@link BreakGlassUser}. */
export interface BreakGlassUserProps extends BreakGlassAlertingOptions {
  /**
   * Names of the IAM users to create (one per person holding break-glass duty). No password and no
   * access key are created: an administrator sets the console password after deployment and the
   * person enrols an MFA device (the README says how to vault both).
   */
  readonly usernames: string[];

  /**
   * Break-glass roles (usually in member accounts, e.g. `iam.Role.fromRoleArn`) the users may
   * assume. Their trust policies must trust these users (`BreakGlassRole.trustedAccountUsers`).
   * @default - none (the users can only sign in and manage their own MFA/password)
   */
  readonly assumableRoles?: iam.IRole[];
}

/**
 * Break-glass IAM users for a security account (the aws-samples cross-account break-glass pattern): console users with no credentials in
 * code, locked down to "manage your own password and MFA device" until they sign in with MFA,
 * after which they may only assume the listed break-glass roles. Every sign-in and role switch is
 * alerted through `BreakGlassMonitoring`.
 */
export class BreakGlassUser extends Construct {
  /** The users, by name. */
  readonly users: Record<string, iam.User>;
  /** The group holding the users' only policy. */
  readonly group: iam.Group;
  /** Alerting for the users. */
  readonly monitoring: BreakGlassMonitoring;
  /** Concrete Regions covered. */
  readonly regions: string[];

  constructor(scope: Construct, id: string, props: BreakGlassUserProps) {
    super(scope, id);
    const v = new Validator(this);
    const stack = Stack.of(this);
    if (props.usernames.length === 0) {
      v.fail('usernames', 'empty; list at least one IAM user name to create (got [])');
    }
    v.names('usernames', props.usernames, IAM_USER_NAME, 'IAM user name', true);
    v.emails('loginAlertEmails', props.loginAlertEmails);
    this.regions = watchedRegions(stack.region, v.regions('regions', props.regions));
    v.concreteRegionFor(this.regions.filter((r) => r !== stack.region));

    this.group = new iam.Group(this, 'Group');
    const statements = forceMfaStatements(stack.partition, stack.account);
    const roles = props.assumableRoles ?? [];
    if (roles.length > 0) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'AssumeBreakGlassRoles',
          actions: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
          resources: roles.map((r) => r.roleArn),
        }),
      );
    }
    const policy = new iam.Policy(this, 'Policy', { statements, groups: [this.group] });
    for (const finding of [
      'Resource::*',
      `Resource::arn:${nagPart(stack, stack.partition, 'AWS::Partition')}:iam::${nagPart(stack, stack.account, 'AWS::AccountId')}:mfa/*`,
    ]) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "AWS's documented Force-MFA policy: listing MFA devices / reading the password policy has no resource scope, and a new virtual MFA device's name is not known in advance; the Deny NotAction statement blocks everything else without MFA",
      });
    }

    this.users = {};
    for (const name of props.usernames) {
      const user = new iam.User(this, `User-${name}`, { userName: name, groups: [this.group] });
      Tags.of(user).add(TAG_BREAKGLASS_USER, 'true');
      this.users[name] = user;
    }

    this.monitoring = new BreakGlassMonitoring(this, 'Monitoring', {
      ...alertingOptionsOf(props),
      users: Object.values(this.users),
    });
  }
}

/** cdk-nag prints an unresolved pseudo parameter as `<AWS::…>`. */
function nagPart(stack: Stack, value: string, pseudo: string): string {
  return Token.isUnresolved(value) || typeof stack.resolve(value) !== 'string' ? `<${pseudo}>` : value;
}
