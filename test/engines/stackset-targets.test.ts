import { describe, expect, it } from 'vitest';
import { selectTargetAccounts } from '../../src/engines/stackset-targets.js';

// The DeploymentTargets rules of the CloudFormation API reference (API_DeploymentTargets).
const inOus = ['111111111111', '333333333333', '444444444444'];
const listed = ['444444444444', '555555555555'];

describe('selectTargetAccounts', () => {
  it.each([
    ['INTERSECTION', ['444444444444']],
    ['DIFFERENCE', ['111111111111', '333333333333']],
    ['UNION', [...inOus, '555555555555']],
    ['NONE', inOus],
    [undefined, [...inOus, '555555555555']],
  ])('%s with OUs and accounts', (filter, want) => {
    expect(selectTargetAccounts({ hasOus: true, inOus, listed, ...(filter ? { filter } : {}) })).toEqual(
      want,
    );
  });

  it('takes the OUs alone, or the accounts alone', () => {
    expect(selectTargetAccounts({ hasOus: true, inOus, listed: [], filter: 'INTERSECTION' })).toEqual(inOus);
    expect(selectTargetAccounts({ hasOus: false, inOus: [], listed })).toEqual(listed);
  });

  it('never selects the management account', () => {
    expect(selectTargetAccounts({ hasOus: true, inOus, listed, managementAccount: '111111111111' })).toEqual([
      '333333333333',
      '444444444444',
      '555555555555',
    ]);
  });
});
