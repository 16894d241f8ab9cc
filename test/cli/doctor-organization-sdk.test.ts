/**
 * The Organizations SDK client is an optional dependency of the CLI, loaded by the organization checks
 * on first use: without it, the checks fail with one line naming the package and the install command;
 * with it, the module has the client and every command the checks send.
 */
import { describe, expect, it } from 'vitest';
import { loadOrganizationsSdk } from '../../src/cli/aws/doctor-sdk.js';
import { DOCTOR_ORGANIZATION_CALLS } from '../../src/engines/doctor-calls.js';

describe('loadOrganizationsSdk', () => {
  it('rejects with the package to install when it is missing', async () => {
    const missing = (name: string) => Promise.reject(new Error(`Cannot find package '${name}'`));
    await expect(loadOrganizationsSdk(missing)).rejects.toThrow(
      /^the organization checks need @aws-sdk\/client-organizations, which is not installed; install it with: npm install --save-dev @aws-sdk\/client-organizations$/,
    );
  });

  it('loads the client and every Organizations command of the read table', async () => {
    const sdk = (await loadOrganizationsSdk()) as unknown as Record<string, unknown>;
    expect(typeof sdk['OrganizationsClient']).toBe('function');
    for (const c of DOCTOR_ORGANIZATION_CALLS.filter((x) => x.client === 'client-organizations'))
      expect(typeof sdk[c.command], c.command).toBe('function');
  });
});
