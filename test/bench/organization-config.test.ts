import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import { DEFAULT_ENABLED_REGIONS } from '../../src/engines/regions.js';
import {
  memberAccountId,
  organizationBenchConfig,
  SECURITY_ACCOUNT,
} from '../../bench/organization-config.js';

describe('organization bench configs', () => {
  for (const accounts of [1, 3]) {
    it(`organization shape with ${accounts} account(s) parses without problems`, () => {
      const config = parseConfig(organizationBenchConfig({ accounts }), 'bench');
      const org = config.organization!;
      expect(org.accounts?.map((a) => a.id)).toEqual(
        Array.from({ length: accounts }, (_, i) => memberAccountId(i)),
      );
      expect(org.regions).toEqual([...DEFAULT_ENABLED_REGIONS]);
      // Every account's OU is a StackSet target, so the StackSet deploys to each of them.
      expect(org.accounts?.every((a) => org.targets.includes(a.ou))).toBe(true);
      expect(org.permissionSet?.name).toBe('devops-break-glass');
    });

    it(`member-accounts shape with ${accounts} account(s) parses without problems`, () => {
      const config = parseConfig(organizationBenchConfig({ accounts, shape: 'member-accounts' }), 'bench');
      expect(config.memberAccounts).toHaveLength(accounts);
      expect(config.role?.regions).toEqual([...DEFAULT_ENABLED_REGIONS]);
    });
  }

  it('gives every member account its own 12-digit id, never the security account', () => {
    const ids = Array.from({ length: 200 }, (_, i) => memberAccountId(i));
    expect(new Set(ids).size).toBe(200);
    expect(ids.every((id) => /^\d{12}$/.test(id) && id !== SECURITY_ACCOUNT)).toBe(true);
  });

  it('rejects a size that is not a whole number from 1', () => {
    expect(() => organizationBenchConfig({ accounts: 0 })).toThrow(/accounts: expected a whole number/);
  });
});
