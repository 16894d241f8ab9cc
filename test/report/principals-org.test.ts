import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { principalsFromConfig, principalsOfConfig } from '../../src/report/principals.js';

describe('principalsOfConfig with an organization', () => {
  it('names the member role by bare name (every account the StackSet reaches, later ones too)', () => {
    const p = principalsOfConfig({
      account: '222222222222',
      organization: { id: 'o-a1b2c3d4e5', accounts: [{ id: '333333333333' }] },
      role: { roleName: 'BreakGlass' },
      users: { account: '222222222222', usernames: ['breakglass-1'] },
    });
    expect(p).toEqual({
      roleArns: ['BreakGlass'],
      userNames: ['arn:aws:iam::222222222222:user/breakglass-1'],
    });
  });

  it('keeps account-qualified ARNs without an organization', () => {
    const p = principalsOfConfig({
      account: '222222222222',
      memberAccounts: ['333333333333'],
      role: { roleName: 'BreakGlass' },
    });
    expect(p.roleArns).toEqual([
      'arn:aws:iam::222222222222:role/BreakGlass',
      'arn:aws:iam::333333333333:role/BreakGlass',
    ]);
  });

  it('reads the bundled organization example', async () => {
    const p = await principalsFromConfig(
      join(import.meta.dirname, '..', '..', 'examples', 'organization.config.yaml'),
    );
    expect(p.roleArns).toEqual(['BreakGlass']);
    expect(p.userNames).toEqual([
      'arn:aws:iam::222222222222:user/breakglass-1',
      'arn:aws:iam::222222222222:user/breakglass-2',
    ]);
  });
});
