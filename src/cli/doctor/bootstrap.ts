/**
 * Before deploy: every environment is CDK-bootstrapped with a version the templates accept. The
 * templates name the SSM parameter (`BootstrapVersion` default) and the lowest version
 * (`CheckBootstrapVersion` rule); https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 */
import { finding, mapLimit, type DoctorCheck, type Finding } from './model.js';

export interface BootstrapNeed {
  readonly region: string;
  readonly parameter: string;
  readonly minVersion: number;
}

export function judgeBootstrap(need: BootstrapNeed, value: string | undefined, account: string): Finding {
  const fix = `run: npx cdk bootstrap aws://${account}/${need.region}`;
  if (value === undefined)
    return finding(
      'bootstrap',
      'problem',
      need.region,
      need.parameter,
      `not bootstrapped (no such parameter); ${fix}`,
    );
  const v = Number(value);
  if (!Number.isInteger(v))
    return finding(
      'bootstrap',
      'problem',
      need.region,
      need.parameter,
      `version ${JSON.stringify(value)} is not a number; ${fix}`,
    );
  if (v < need.minVersion)
    return finding(
      'bootstrap',
      'problem',
      need.region,
      need.parameter,
      `version ${v}, the templates need ${need.minVersion} or later; ${fix}`,
    );
  return finding('bootstrap', 'ok', need.region, need.parameter, `version ${v} (needs ${need.minVersion}+)`);
}

export const bootstrapCheck: DoctorCheck = {
  id: 'bootstrap',
  phase: 'before-deploy',
  summary: 'CDK bootstrap present and recent enough in every environment (ssm:GetParameter)',
  async run(ctx) {
    const needs = new Map<string, BootstrapNeed>();
    for (const s of ctx.stacks) {
      if (!s.bootstrap) continue;
      const key = `${s.region} ${s.bootstrap.parameter}`;
      const prev = needs.get(key);
      if (!prev || prev.minVersion < s.bootstrap.minVersion)
        needs.set(key, { region: s.region, ...s.bootstrap });
    }
    if (needs.size === 0)
      return [
        finding(
          'bootstrap',
          'skipped',
          'global',
          'CDK bootstrap',
          'the templates name no bootstrap version: not in this deployment',
        ),
      ];
    const list = [...needs.values()].sort((a, b) => a.region.localeCompare(b.region));
    return mapLimit(list, 8, async (n) =>
      judgeBootstrap(n, await ctx.aws.ssmParameter(n.region, n.parameter), ctx.account),
    );
  },
};
