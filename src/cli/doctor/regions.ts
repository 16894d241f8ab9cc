/** Before deploy: every covered Region is enabled in the account (Account Management ListRegions). */
import { finding, regionsOf, type DoctorCheck, type Finding } from './model.js';

/** Opt statuses in which a Region works (https://docs.aws.amazon.com/accounts/latest/reference/API_Region.html). */
const ENABLED = new Set(['ENABLED', 'ENABLED_BY_DEFAULT']);

export function judgeRegions(covered: readonly string[], statuses: ReadonlyMap<string, string>): Finding[] {
  return covered.map((r) => {
    const st = statuses.get(r);
    if (st && ENABLED.has(st))
      return finding('regions', 'ok', r, 'Region', st.toLowerCase().replace(/_/g, ' '));
    return finding(
      'regions',
      'problem',
      r,
      'Region',
      st
        ? `Region is ${st}; enable it (Account settings or aws account enable-region --region-name ${r}) or drop it from the covered Regions`
        : 'Region not listed for this account (unknown to the partition?); drop it from the covered Regions',
    );
  });
}

export const regionsCheck: DoctorCheck = {
  id: 'regions',
  phase: 'before-deploy',
  summary: 'covered Regions are enabled (account:ListRegions)',
  async run(ctx) {
    return judgeRegions(regionsOf(ctx.stacks), await ctx.aws.regionStatuses());
  },
};
