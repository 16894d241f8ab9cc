/**
 * cdk-nag (v3) acknowledgments use `Validations.of(scope).acknowledge({ id, reason })` with the
 * finding id, e.g. `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::…]`; cdk-nag prints an
 * intrinsic `Ref` as `<Name>`. These helpers spell ids the way cdk-nag does.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** How cdk-nag spells a (possibly tokenized) string in a finding id. */
export function nagString(stack: Stack, value: string): string {
  const resolved: unknown = stack.resolve(value);
  return flat(resolved);
}

function flat(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['Ref'] === 'string') return `<${o['Ref']}>`;
    const join = o['Fn::Join'] as [string, unknown[]] | undefined;
    if (join) return join[1].map(flat).join(join[0]);
    const getAtt = o['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
  }
  return JSON.stringify(v);
}

/**
 * Acknowledges IAM4/IAM5 for permissions the user chose explicitly for the break-glass role:
 * broad permissions are the point of an emergency role, and every use is alerted.
 */
export function acknowledgeChosenPermissions(
  scope: IConstruct,
  managedPolicies: readonly iam.IManagedPolicy[],
  statements: readonly iam.PolicyStatement[],
): void {
  const stack = Stack.of(scope);
  const reason =
    'Permissions of the break-glass role are chosen explicitly in managedPolicies/policyStatements: broad access is the purpose of an emergency role, and every use of it is alerted';
  const ids = new Set<string>();
  for (const p of managedPolicies)
    ids.add(`AwsSolutions-IAM4[Policy::${nagString(stack, p.managedPolicyArn)}]`);
  for (const s of statements) {
    const json = s.toStatementJson() as { Action?: string | string[]; Resource?: string | string[] };
    for (const a of [json.Action ?? []].flat())
      if (a.includes('*')) ids.add(`AwsSolutions-IAM5[Action::${a}]`);
    for (const r of [json.Resource ?? []].flat()) {
      const spelled = nagString(stack, r);
      if (spelled.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${spelled}]`);
    }
  }
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}
