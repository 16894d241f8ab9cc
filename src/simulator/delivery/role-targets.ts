/**
 * SNS, SQS and Lambda targets with a `RoleArn`: EventBridge then calls the target as that role, which must
 * trust EventBridge and be allowed the call ("If you specify a RoleArn for Lambda, Amazon SNS, or Amazon SQS
 * targets, ensure the role has the required permissions",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html). The target's
 * resource policy must not deny the role (and must allow it from another account,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
 * and a customer managed key of an encrypted topic or queue must let the role use it: by naming it, or by
 * naming the account and the role's identity policies allowing it
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 */
import type { ContextValue, Decision } from '../../engines/iam-policy/index.js';
import type { RoleModel, RuleModel, SystemModel, TargetModel } from '../model.js';
import { policyDecision } from '../policy.js';
import { DOCS, fail, type HopFailure } from './hop.js';
import {
  AWS_MANAGED,
  documentOf,
  keyStatements,
  lambdaStatements,
  resolveKey,
  roleAllows,
  subscriptionEndpoint,
} from './hops.js';

const ACTION = { sns: 'sns:Publish', sqs: 'sqs:SendMessage', lambda: 'lambda:InvokeFunction' } as const;

function asRole(
  role: RoleModel,
  statements: readonly unknown[],
  action: string,
  resource: string,
  principalArn = role.arn,
): Decision {
  if (statements.length === 0) return 'ImplicitDeny';
  const context: Record<string, ContextValue> = {
    'aws:PrincipalArn': principalArn,
    'aws:PrincipalAccount': role.account,
    'aws:SecureTransport': true,
  };
  return policyDecision(documentOf(statements), {
    action,
    resource,
    principal: { type: 'AWS', id: principalArn },
    context,
  });
}

function identityAllows(role: RoleModel, action: string, resource: string): boolean {
  const ds = role.policies.map((doc) =>
    policyDecision(doc, {
      action,
      resource,
      principal: { type: 'AWS', id: role.arn },
      context: { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.account },
    }),
  );
  return ds.includes('Allow') && !ds.includes('ExplicitDeny');
}

function keyLetsRole(
  model: SystemModel,
  role: RoleModel,
  keyRef: string,
  where: { account: string; region: string; topic: boolean },
): HopFailure | undefined {
  const doc = where.topic ? DOCS.snsKeys : DOCS.sqsKeys;
  // An AWS managed key lets every principal of its account use it through the service.
  if (AWS_MANAGED.test(keyRef))
    return role.account === where.account
      ? undefined
      : fail(
          'key policy',
          `${keyRef} is an AWS managed key of another account; role ${role.name} cannot use it`,
          doc,
        );
  const key = resolveKey(model, keyRef, where.account, where.region);
  if (!key)
    return fail(
      'key policy',
      `key ${keyRef} is not in the templates; its key policy cannot be checked offline`,
      doc,
    );
  const statements = keyStatements(key);
  for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
    const d = asRole(role, statements, action, key.arn);
    if (d !== 'Allow')
      return fail('key policy', `key ${key.arn} does not let role ${role.name} ${action} (${d})`, doc);
    // Allowed for any role of the account too: the key delegates to IAM, so the role's policies decide.
    const sibling = `arn:aws:iam::${role.account}:role/breakglass-verify-any-other-role`;
    if (
      asRole(role, statements, action, key.arn, sibling) === 'Allow' &&
      !identityAllows(role, action, key.arn)
    )
      return fail(
        'key policy',
        `key ${key.arn} leaves ${action} to IAM, and the policies of role ${role.name} do not allow it on the key`,
        doc,
      );
  }
  return undefined;
}

/** What a role-based delivery reaches, or the hop that stops it. */
export function deliverAsRole(
  model: SystemModel,
  rule: RuleModel,
  target: TargetModel,
  roleArn: string,
): HopFailure | string {
  const kind = target.kind as keyof typeof ACTION;
  const action = ACTION[kind];
  const denied = roleAllows(model, rule, roleArn, action, target.arn);
  if (denied) return fail('target role', denied, DOCS.resourcePolicies);
  const role = model.roles.get(roleArn) as RoleModel;
  const resourcePolicy = (
    statements: readonly unknown[],
    account: string,
    hop: 'topic policy' | 'queue policy' | 'lambda permission',
  ) => {
    const d = asRole(role, statements, action, target.arn);
    if (d === 'ExplicitDeny' || (account !== role.account && d !== 'Allow'))
      return fail(
        hop,
        `the resource policy of ${target.arn} does not let role ${role.name} ${action} (${d})`,
        DOCS.resourcePolicies,
      );
    return undefined;
  };
  if (kind === 'lambda') {
    const account = target.arn.split(':')[4] ?? '';
    return (
      resourcePolicy(lambdaStatements(model, target.arn), account, 'lambda permission') ??
      `Lambda function ${target.arn.split(':').pop() ?? target.arn}`
    );
  }
  const topic = kind === 'sns' ? model.delivery.topics.get(target.arn) : undefined;
  const queue = kind === 'sqs' ? model.delivery.queues.get(target.arn) : undefined;
  const resource = topic ?? queue;
  if (!resource)
    return fail(
      kind === 'sns' ? 'topic policy' : 'queue policy',
      `${target.arn} is not in the templates; its policy and key cannot be checked offline`,
      DOCS.resourcePolicies,
    );
  const policyProblem = resourcePolicy(
    resource.policyStatements,
    resource.account,
    kind === 'sns' ? 'topic policy' : 'queue policy',
  );
  if (policyProblem) return policyProblem;
  if (resource.kmsMasterKeyId) {
    const k = keyLetsRole(model, role, resource.kmsMasterKeyId, {
      account: resource.account,
      region: resource.region,
      topic: kind === 'sns',
    });
    if (k) return k;
  }
  return topic ? subscriptionEndpoint(topic) : `queue ${queue?.name ?? target.arn}`;
}
