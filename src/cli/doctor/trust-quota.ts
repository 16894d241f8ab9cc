/**
 * Before deploy: each synthesized trust policy fits the account's role trust policy length quota
 * (IAM GetAccountSummary `AssumeRolePolicySizeQuota`, characters without whitespace; 2,048 by
 * default, raisable in Service Quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
import type { TrustPolicy } from './inventory.js';
import { finding, type DoctorCheck, type Finding } from './model.js';

export function judgeTrustQuota(policies: readonly TrustPolicy[], quota: number | undefined): Finding[] {
  if (quota === undefined)
    return [
      finding(
        'trust-quota',
        'error',
        'global',
        'AssumeRolePolicySizeQuota',
        'IAM GetAccountSummary returned no AssumeRolePolicySizeQuota',
      ),
    ];
  // One line per role name (the same role in every Region has the same policy); the longest counts.
  const byRole = new Map<string, TrustPolicy>();
  for (const p of policies) {
    const prev = byRole.get(p.roleName);
    if (!prev || prev.length < p.length) byRole.set(p.roleName, p);
  }
  return [...byRole.values()].map((p) =>
    p.length <= quota
      ? finding('trust-quota', 'ok', 'global', p.roleName, `${p.length} of ${quota} characters`)
      : finding(
          'trust-quota',
          'problem',
          'global',
          p.roleName,
          `trust policy is ${p.length} characters, the quota is ${quota}; ask for more in Service Quotas (IAM "Role trust policy length") or trust fewer principals`,
        ),
  );
}

export const trustQuotaCheck: DoctorCheck = {
  id: 'trust-quota',
  phase: 'before-deploy',
  summary: 'each trust policy fits the role trust policy length quota (iam:GetAccountSummary)',
  async run(ctx) {
    const mine = new Set(ctx.stacks.map((s) => s.stackName));
    const policies = ctx.inventory.trustPolicies.filter((p) => mine.has(p.stackName));
    if (policies.length === 0)
      return [
        finding(
          'trust-quota',
          'skipped',
          'global',
          'trust policies',
          'no IAM role in this account: not in this deployment',
        ),
      ];
    return judgeTrustQuota(policies, await ctx.aws.trustPolicyQuota());
  },
};
