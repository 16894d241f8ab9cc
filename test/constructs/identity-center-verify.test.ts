/**
 * `verify` tries a named Identity Center person's session from a look-alike permission set's role
 * (`Ops-AWSReservedSSO_<set>`): denied by today's anchored pattern, a gap with the old
 * `…/sso.amazonaws.com/*AWSReservedSSO_<set>_*` one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, verifyModel, type StackInput } from '../../src/simulator/index.js';
import { stacksOfConfig } from '../simulator/config-stacks.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
let stacks: StackInput[];

beforeAll(() => {
  stacks = stacksOfConfig([
    "account: '111122223333'",
    'region: eu-west-1',
    'role:',
    '  usernames: [alice]',
    '  federatedUsernames: [carol@example.com]',
    '  federatedPermissionSets: [BreakGlassAccess]',
    '  roleName: BreakGlass',
    '  managedPolicies: [ReadOnlyAccess]',
    `  regions: [${REGIONS.join(', ')}]`,
    '  loginAlertEmails: [sec@example.com]',
  ]);
}, 180_000);

const lookAlikes = (input: StackInput[]) =>
  verifyModel(buildModel(input), { regions: REGIONS }).scenarios.filter((s) => s.actor === 'look-alike');

describe('verify: Identity Center look-alike permission sets', () => {
  it('tries the look-alike role in every Region; the trust policy denies it', () => {
    const s = lookAlikes(stacks);
    expect(s.map((x) => x.region)).toEqual(REGIONS);
    for (const x of s) {
      expect(x.principal).toContain('assumed-role/AWSReservedSSO_Ops-AWSReservedSSO_BreakGlassAccess_');
      expect(x.principal).toMatch(/\/carol@example\.com$/);
      expect(x.trust).not.toBe('Allow');
      expect(x.problems.filter((p) => p.includes('lets'))).toEqual([]);
    }
  });

  it('shows the gap the unanchored pattern leaves', () => {
    const loose = stacks.map((s) => ({
      ...s,
      template: JSON.parse(
        JSON.stringify(s.template).replace(
          /sso\.amazonaws\.com\*\/AWSReservedSSO_BreakGlassAccess_\?{16}/g,
          'sso.amazonaws.com/*AWSReservedSSO_BreakGlassAccess_*',
        ),
      ) as typeof s.template,
    }));
    expect(JSON.stringify(loose)).toContain('/*AWSReservedSSO_BreakGlassAccess_*');
    const s = lookAlikes(loose);
    expect(s).toHaveLength(REGIONS.length);
    for (const x of s) {
      expect(x.trust).toBe('Allow');
      expect(x.ok).toBe(false);
      expect(x.problems.join(' ')).toMatch(
        /the trust policy lets look-alike .*Ops-AWSReservedSSO_BreakGlassAccess/,
      );
    }
  });
});
