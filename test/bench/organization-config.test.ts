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
