/** Which accounts doctor's `stackset` check expects an instance in, per the DeploymentTargets rules. */
import { describe, expect, it } from 'vitest';
import { groupAccounts } from '../../src/cli/doctor/organization.js';

const OU = 'ou-ab12-11111111';
const underOus = new Map([
  [
    OU,
    [
      { id: '111111111111', status: 'ACTIVE' },
      { id: '333333333333', status: 'ACTIVE' },
      { id: '444444444444', status: 'SUSPENDED' },
    ],
  ],
]);
const group = (extra: object) => ({ ous: [OU], accounts: [], regions: ['eu-west-1'], ...extra });

describe('doctor: the accounts of an instances group', () => {
  it('with OUs and accounts and no AccountFilterType, takes both (UNION is the default)', () => {
    const got = groupAccounts(group({ accounts: ['555555555555'] }), underOus, '111111111111');
    expect([...got]).toEqual([
      ['333333333333', OU],
      ['555555555555', 'listed'],
    ]);
  });

  it('with accounts alone, takes those accounts', () => {
    const got = groupAccounts(group({ ous: [], accounts: ['555555555555'] }), underOus, '111111111111');
    expect([...got.keys()]).toEqual(['555555555555']);
  });

  it('with NONE, takes the active accounts of the OUs but the management account', () => {
    const got = groupAccounts(
      group({ accounts: ['555555555555'], filter: 'NONE' }),
      underOus,
      '111111111111',
    );
    expect([...got.keys()]).toEqual(['333333333333']);
  });
});
