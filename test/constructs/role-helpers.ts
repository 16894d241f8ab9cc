import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BreakGlassRole, type BreakGlassRoleProps } from '../../src/constructs/break-glass-role.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

/** A stack with concrete env holding one BreakGlassRole. */
export function roleStack(
  props: BreakGlassRoleProps,
  id = 'BG',
): { app: App; stack: Stack; bg: BreakGlassRole } {
  const app = new App();
  const stack = new Stack(app, 'Main', { env: { account: ACCOUNT, region: REGION } });
  const bg = new BreakGlassRole(stack, id, props);
  return { app, stack, bg };
}

/** Replaces `{Ref: AWS::Partition}` / `AWS::AccountId` and `Fn::Join` so policies are plain JSON. */
export function flatten(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flatten);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Ref' in o && Object.keys(o).length === 1) {
      if (o['Ref'] === 'AWS::Partition') return 'aws';
      if (o['Ref'] === 'AWS::AccountId') return ACCOUNT;
      if (o['Ref'] === 'AWS::Region') return REGION;
    }
    if ('Fn::Join' in o && Object.keys(o).length === 1) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => flatten(p)).join(sep);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, flatten(v)]));
  }
  return value;
}

/** The (flattened) trust policy of the only break-glass role in `stack`. */
export function trustPolicyOf(stack: Stack): { Statement: Record<string, unknown>[] } {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role', {
    Properties: { Tags: [{ Key: 'breakglass:role', Value: 'true' }] },
  });
  const [role] = Object.values(roles);
  if (!role) throw new Error('no break-glass role in stack');
  return flatten(
    (role as { Properties: { AssumeRolePolicyDocument: unknown } }).Properties.AssumeRolePolicyDocument,
  ) as {
    Statement: Record<string, unknown>[];
  };
}
