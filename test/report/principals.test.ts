import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { principalsFromApp, principalsOfConfig } from '../../src/report/principals.js';
import { tempDir } from '../temp.js';

describe('principalsOfConfig', () => {
  it('derives the role in every account and the break-glass IAM users, not the people allowed to assume', () => {
    const p = principalsOfConfig({
      account: '111122223333',
      memberAccounts: ['222233334444'],
      region: 'eu-west-1',
      role: { roleName: 'BreakGlass', usernames: ['alice', 'bob'] },
      users: {
        account: '444455556666',
        usernames: ['breakglass-1'],
        assumableRoles: ['arn:aws:iam::555566667777:role/OtherBreakGlass'],
      },
    });
    expect(p).toEqual({
      roleArns: [
        'arn:aws:iam::111122223333:role/BreakGlass',
        'arn:aws:iam::222233334444:role/BreakGlass',
        'arn:aws:iam::555566667777:role/OtherBreakGlass',
      ],
      userNames: ['arn:aws:iam::444455556666:user/breakglass-1'],
    });
  });

  it('rejects a role without roleName (its generated name is unknown before deployment)', () => {
    expect(() => principalsOfConfig({ account: '111122223333', role: {} })).toThrow(
      /--config: role has no roleName/,
    );
  });
});

describe('principalsFromApp', () => {
  it('finds roles tagged breakglass:role=true with an explicit RoleName, in the stack account', async () => {
    const dir = tempDir('bg-app-');
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        artifacts: {
          BreakGlass: {
            type: 'aws:cloudformation:stack',
            environment: 'aws://111122223333/eu-west-1',
            properties: { templateFile: 'BreakGlass.template.json' },
          },
        },
      }),
    );
    writeFileSync(
      join(dir, 'BreakGlass.template.json'),
      JSON.stringify({
        Resources: {
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: { RoleName: 'BreakGlass', Tags: [{ Key: 'breakglass:role', Value: 'true' }] },
          },
          Generated: {
            Type: 'AWS::IAM::Role',
            Properties: { Tags: [{ Key: 'breakglass:role', Value: 'true' }] },
          },
          Untagged: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'App' } },
          User: {
            Type: 'AWS::IAM::User',
            Properties: { UserName: 'bg-1', Tags: [{ Key: 'breakglass:user', Value: 'true' }] },
          },
        },
      }),
    );
    expect(await principalsFromApp(dir)).toEqual({
      roleArns: ['arn:aws:iam::111122223333:role/BreakGlass'],
      userNames: ['bg-1'],
    });
  });

  it('rejects a folder that is not a cloud assembly', async () => {
    await expect(principalsFromApp(tempDir('bg-empty-'))).rejects.toThrow(
      /--app: .* is not a cloud assembly/,
    );
  });
});
