/** Before deploy: the secrets the templates resolve at deploy time exist (DescribeSecret; never the value). */
import { finding, mapLimit, type DoctorCheck, type Finding } from './model.js';

export function judgeSecret(region: string, id: string, state: 'exists' | 'missing' | 'deleted'): Finding {
  if (state === 'exists') return finding('secrets', 'ok', region, id, 'exists');
  const fix = `create it: aws secretsmanager create-secret --region ${region} --name ${id} --secret-string …`;
  return state === 'deleted'
    ? finding(
        'secrets',
        'problem',
        region,
        id,
        `scheduled for deletion; restore it (aws secretsmanager restore-secret) or ${fix}`,
      )
    : finding('secrets', 'problem', region, id, `no such secret; the deployment would fail; ${fix}`);
}

export const secretsCheck: DoctorCheck = {
  id: 'secrets',
  phase: 'before-deploy',
  summary: 'the secrets the templates reference exist (secretsmanager:DescribeSecret, never GetSecretValue)',
  async run(ctx) {
    const seen = new Map<string, { region: string; id: string }>();
    for (const s of ctx.inventory.secrets) {
      if (s.account !== ctx.account) continue;
      seen.set(`${s.region} ${s.id}`, { region: s.region, id: s.id });
    }
    if (seen.size === 0)
      return [
        finding(
          'secrets',
          'skipped',
          'global',
          'secrets',
          'the templates reference no secret: not in this deployment',
        ),
      ];
    return mapLimit([...seen.values()], 8, async (s) =>
      judgeSecret(s.region, s.id, await ctx.aws.secretState(s.region, s.id)),
    );
  },
};
