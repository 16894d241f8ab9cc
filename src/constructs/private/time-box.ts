/**
 * The time box of a break-glass role as CDK resources: the anti-role-chaining deny (an inline
 * policy on the role) and the execution role EventBridge Scheduler assumes to end a window (put the
 * revoke policy, or restore the trust policy after an approval) through a universal target.
 * Statements come from the pure builders in engines/access; the Scheduler facts are cited there.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { antiChainingStatement } from '../../engines/access/index.js';

/** Inline policy on `role` that denies `sts:AssumeRole` into any role but `allowed`. */
export function addAntiChaining(scope: Construct, role: iam.IRole, allowed: readonly string[]): iam.Policy {
  const s = antiChainingStatement(allowed);
  const statement = new iam.PolicyStatement({
    sid: s.Sid,
    effect: iam.Effect.DENY,
    actions: ['sts:AssumeRole'],
    ...(s.NotResource ? { notResources: [...(s.NotResource as string[])] } : { resources: ['*'] }),
  });
  const policy = new iam.Policy(scope, 'NoRoleChaining', { statements: [statement] });
  role.attachInlinePolicy(policy);
  return policy;
}

/**
 * The role EventBridge Scheduler assumes for one-shot schedules that end a break-glass window:
 * trusted by `scheduler.amazonaws.com` for schedules of this account only (`aws:SourceAccount`,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role),
 * allowed to put the revoke policy and to set the trust policy of the break-glass role, nothing else.
 */
export function schedulerExecutionRole(scope: Construct, role: iam.IRole): iam.Role {
  const account = Stack.of(scope).account;
  const exec = new iam.Role(scope, 'SchedulerRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
    description:
      'EventBridge Scheduler: ends break-glass windows (revoke policy, approval removal) (breakglass)',
  });
  exec.addToPolicy(
    new iam.PolicyStatement({
      sid: 'EndBreakGlassWindow',
      actions: ['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy'],
      resources: [role.roleArn],
    }),
  );
  return exec;
}
