import { Names, Stack, Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { DEFAULT_BOOTSTRAP_QUALIFIER } from './deployer.js';
import { iamPolicyLength } from './private/quotas.js';
import { ROLE_NAME, Validator } from './private/role-validate.js';
import { SCP_SIZE_QUOTA, scpGuardStatements } from './private/scp-guard-policy.js';

export { SCP_GUARD_TAG, SCP_SIZE_QUOTA } from './private/scp-guard-policy.js';

/** Properties of {@link BreakGlassScpGuard}. */
export interface BreakGlassScpGuardProps {
  /**
   * Where the SCP is attached: organization root (`r-…`), OUs (`ou-…`) or member account ids. The
   * management account is never governed by SCPs, whatever is listed.
   */
  readonly targetIds: string[];

  /** Name of the deployer role (`BreakGlassDeployer`), the same in every governed account. */
  readonly deployerRoleName: string;

  /**
   * Name prefix of the break-glass stacks: `<stackName>` and `<stackName>-*` are protected.
   * @default 'BreakGlass'
   */
  readonly stackName?: string;

  /**
   * Break-glass role names, protected by ARN as well as by tag.
   * @default - by tag only
   */
  readonly roleNames?: string[];

  /**
   * CDK bootstrap qualifier the break-glass stacks are deployed with. Use one of their own (e.g.
   * `cdk bootstrap --qualifier bglass`) so that `lockBootstrapRoles` can keep every other principal
   * out of those bootstrap roles; with the shared default every CDK user of the account can drive
   * CloudFormation as the exempt roles.
   * @default 'hnb659fds'
   */
  readonly qualifier?: string;

  /**
   * Deny `sts:AssumeRole` on the `cdk-<qualifier>-*` bootstrap roles to everyone but the deployer,
   * and `iam:PassRole` of their execution role to everyone but their deploy role. Only for a
   * qualifier used by the break-glass stacks alone (it would stop every other CDK deployment).
   * @default - true when `qualifier` is not the default one
   */
  readonly lockBootstrapRoles?: boolean;

  /**
   * More role ARNs (wildcards allowed, e.g. `arn:aws:iam::*:role/SecurityAdmin`) that may change
   * the protected resources, e.g. the role that runs `breakglass approve` / `revoke`.
   * @default - none
   */
  readonly exemptRoleArns?: string[];

  /**
   * Name of the policy in Organizations.
   * @default - generated from the construct path
   */
  readonly policyName?: string;
}

const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;
const EXEMPT_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@*/-]+$/;

/**
 * A service control policy (created in the organization's management account or a delegated
 * administrator for policies) that denies changing or deleting the break-glass stacks and their
 * resources to every principal of the governed accounts except the deployment chain: the
 * CloudFormation calls of the bootstrap deploy role, the resource changes CloudFormation makes as
 * the bootstrap execution role, and the deployer role itself. Resources are matched by the tag
 * {@link SCP_GUARD_TAG} (add it to the break-glass stacks: `Tags.of(stack).add(SCP_GUARD_TAG, 'true')`;
 * the config file does it), the stacks by name and the roles by name. The break-glass role is never
 * exempt, so a break-glass session cannot quiet its own alarm either.
 */
export class BreakGlassScpGuard extends Construct {
  /** The `AWS::Organizations::Policy`. */
  readonly policy: organizations.CfnPolicy;
  /** The policy document (as deployed). */
  readonly document: { Version: string; Statement: Record<string, unknown>[] };

  constructor(scope: Construct, id: string, props: BreakGlassScpGuardProps) {
    super(scope, id);
    const v = new Validator(this);
    if (props.targetIds.length === 0) {
      v.fail('targetIds', "empty; list the OUs or accounts to govern, e.g. ['ou-ab12-cdef3456']");
    }
    props.targetIds.forEach((t, i) => {
      if (!Token.isUnresolved(t) && !TARGET_ID.test(t)) {
        v.fail(
          `targetIds[${i}]`,
          `not a root, OU or account id; use 'r-…', 'ou-…-…' or a 12-digit account id (got ${JSON.stringify(t)})`,
        );
      }
    });
    if (!ROLE_NAME.test(props.deployerRoleName)) {
      v.fail(
        'deployerRoleName',
        `not a valid IAM role name; use 1-64 of [A-Za-z0-9+=,.@_-] (got ${JSON.stringify(props.deployerRoleName)})`,
      );
    }
    (props.roleNames ?? []).forEach((n, i) => {
      if (!ROLE_NAME.test(n))
        v.fail(`roleNames[${i}]`, `not a valid IAM role name (got ${JSON.stringify(n)})`);
    });
    (props.exemptRoleArns ?? []).forEach((a, i) => {
      if (!EXEMPT_ARN.test(a)) {
        v.fail(
          `exemptRoleArns[${i}]`,
          `not an IAM role ARN; use arn:aws:iam::<account or *>:role/<name> (got ${JSON.stringify(a)})`,
        );
      }
      const name = a.split(':role/')[1] ?? '';
      if ((props.roleNames ?? []).some((r) => r.toLowerCase() === name.toLowerCase())) {
        v.fail(
          `exemptRoleArns[${i}]`,
          `is a break-glass role; the break-glass role must never be exempt from the guard (got ${JSON.stringify(a)})`,
        );
      }
    });
    const stackName = props.stackName ?? 'BreakGlass';
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(stackName)) {
      v.fail('stackName', `not a stack name; letters, digits and - (got ${JSON.stringify(stackName)})`);
    }
    const qualifier = props.qualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER;
    if (!/^[A-Za-z0-9_-]{1,10}$/.test(qualifier)) {
      v.fail(
        'qualifier',
        `CDK bootstrap qualifiers are 1-10 letters, digits, _ or - (got ${JSON.stringify(qualifier)})`,
      );
    }
    const lockBootstrapRoles = props.lockBootstrapRoles ?? qualifier !== DEFAULT_BOOTSTRAP_QUALIFIER;
    if (lockBootstrapRoles && qualifier === DEFAULT_BOOTSTRAP_QUALIFIER) {
      v.fail(
        'lockBootstrapRoles',
        `would stop every CDK deployment of the governed accounts (qualifier '${DEFAULT_BOOTSTRAP_QUALIFIER}' is the shared default); bootstrap the break-glass environments with a qualifier of their own and set qualifier`,
      );
    }
    const partition = Stack.of(this).partition;
    this.document = {
      Version: '2012-10-17',
      Statement: scpGuardStatements({
        partition: Token.isUnresolved(partition) ? 'aws' : partition,
        stackName,
        qualifier,
        deployerRoleName: props.deployerRoleName,
        roleNames: props.roleNames ?? [],
        exemptRoleArns: props.exemptRoleArns ?? [],
        lockBootstrapRoles,
      }),
    };
    const size = iamPolicyLength(this.document);
    if (size > SCP_SIZE_QUOTA) {
      v.fail(
        'roleNames',
        `the service control policy is ${size} characters, over the Organizations quota of ${SCP_SIZE_QUOTA}; list fewer roleNames or exemptRoleArns (or use wildcards in exemptRoleArns)`,
      );
    }
    this.policy = new organizations.CfnPolicy(this, 'Resource', {
      name: props.policyName ?? Names.uniqueResourceName(this, { maxLength: 128 }),
      type: 'SERVICE_CONTROL_POLICY',
      description: 'Break-glass guard: only the deployment chain may change the break-glass stacks',
      content: this.document,
      targetIds: props.targetIds,
    });
  }
}
