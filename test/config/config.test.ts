import { tempDir } from '../temp.js';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { Stack } from 'aws-cdk-lib';
import { describe, expect, it, vi } from 'vitest';
import {
  buildApp,
  ConfigError,
  loadConfigFile,
  parseConfig,
  type BreakGlassConfig,
  type RoleConfig,
  type UsersConfig,
} from '../../src/config/index.js';
import type { BreakGlassRoleProps } from '../../src/constructs/break-glass-role.js';
import type { BreakGlassUserProps } from '../../src/constructs/break-glass-user.js';

// Alerting resources are the alerting work's to test; keep these tests to the foundation.
vi.mock('../../src/constructs/monitoring.js', () => import('../constructs/role-monitoring-stub.js'));

const EXAMPLE = resolve(import.meta.dirname, '../../examples/breakglass.config.yaml');
const minimal = {
  account: '111122223333',
  region: 'eu-west-1',
  role: { usernames: ['alice'], regions: ['eu-west-1'] },
};

// Compile-time: the config mirrors the construct props one to one (same names, both ways).
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never]
  ? true
  : { onlyLeft: Exclude<A, B>; onlyRight: Exclude<B, A> };
const roleNamesMatch: Same<keyof RoleConfig, keyof BreakGlassRoleProps> = true;
const userNamesMatch: Same<
  Exclude<keyof UsersConfig, 'account' | 'region' | 'stackName'>,
  keyof BreakGlassUserProps
> = true;

function issuesOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw, 'bg.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function templateOf(app: ReturnType<typeof buildApp>, stackName: string): Template {
  return Template.fromStack(app.node.findChild(stackName) as Stack);
}

describe('config file', () => {
  it('config field names equal the construct prop names', () => {
    expect(roleNamesMatch).toBe(true);
    expect(userNamesMatch).toBe(true);
  });

  it('parses a minimal config', () => {
    expect(parseConfig(minimal, 'bg.yaml')).toEqual(minimal);
  });

  it('parses the example config, which turns on every feature', () => {
    const c = loadConfigFile(EXAMPLE);
    expect(c.account).toBe('111122223333');
    expect(c.region).toBe('eu-west-1');
    expect(c.role).toMatchObject({
      requireMfa: true,
      requireSourceIdentity: true,
      requireReason: true,
      regions: ['*'],
      logActions: true,
      createLoginLogGroup: true,
      createTrail: true,
    });
    for (const k of [
      'usernames',
      'federatedUsernames',
      'loginAlertEmails',
      'slack',
      'webhooks',
      'deployer',
    ] as const) {
      expect(c.role?.[k], k).toBeTruthy();
    }
    expect(c.users?.account).not.toBe(c.account);
  });

  describe('errors: one line per problem, naming the field and quoting the value', () => {
    const cases: [string, unknown, string[]][] = [
      [
        'rejects a misspelt field',
        { ...minimal, role: { usernamez: ['alice'] } },
        [
          'bg.yaml: role.usernamez: unknown field; check the spelling against `breakglass schema` (got ["alice"])',
        ],
      ],
      [
        'rejects a missing account',
        { region: 'eu-west-1', role: {} },
        ['bg.yaml: account: required; expected string'],
      ],
      [
        'rejects a bad account id',
        { ...minimal, account: '1234' },
        ['bg.yaml: account: must be a 12-digit account id such as \'111122223333\' (got "1234")'],
      ],
      [
        'rejects a bad user name',
        { ...minimal, role: { usernames: ['al ice'] } },
        ['bg.yaml: role.usernames[0]: must be 1-64 of letters, digits and + = , . @ _ - (got "al ice")'],
      ],
      [
        'rejects a bad session duration',
        { ...minimal, role: { usernames: ['a'], maxSessionDuration: '4 hours' } },
        ['bg.yaml: role.maxSessionDuration:'],
      ],
      [
        'rejects a config with nothing to deploy',
        { account: '111122223333', region: 'eu-west-1' },
        ['nothing to deploy'],
      ],
      [
        'rejects a policy statement without Action',
        { ...minimal, role: { usernames: ['a'], policyStatements: [{ Effect: 'Allow', Resource: '*' }] } },
        ['bg.yaml: role.policyStatements[0]: needs Action or NotAction'],
      ],
      [
        'rejects two problems with two lines',
        { account: 'x', region: 'y', role: { usernames: ['a'] } },
        ['bg.yaml: account: ', 'bg.yaml: region: '],
      ],
    ];
    it.each(cases)('%s', (_name, raw, lines) => {
      const e = issuesOf(raw);
      const got = e.message.split('\n');
      expect(got).toHaveLength(lines.length);
      lines.forEach((l, i) => expect(got[i]).toContain(l));
      expect(e.issues).toHaveLength(lines.length);
      expect(e.exitCode).toBe(2);
    });
  });

  it('rejects a missing file naming the flag', () => {
    expect(() => loadConfigFile('/nonexistent/bg.yaml')).toThrow(
      /\/nonexistent\/bg.yaml: <root>: cannot read the config file \(ENOENT\); .*--config/,
    );
  });

  it('rejects broken YAML with the line', () => {
    const dir = tempDir('bgcfg-');
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'account: "111122223333"\nrole: [unclosed\n');
    expect(() => loadConfigFile(f)).toThrow(/bad.yaml: line \d+: .*fix the YAML\/JSON syntax/);
  });

  it('reports every problem of a file at once, each with its line', () => {
    const dir = tempDir('bgcfg-');
    const f = join(dir, 'bg.yaml');
    writeFileSync(f, 'account: 011122223333\nregion: mars\nrole:\n  usernames: [alice]\n  bogus: 1\n');
    let message = '';
    try {
      loadConfigFile(f);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      `${f}:1: account: expected a string; quote it: '011122223333' — YAML reads 011122223333 as a number and drops the leading zero (got 11122223333)`,
      expect.stringMatching(new RegExp(`^${f}:2: region: .*\\(got "mars"\\)$`)),
      expect.stringMatching(new RegExp(`^${f}:5: role.bogus: unknown field; .*\\(got 1\\)$`)),
    ]);
  });

  it('reports the checks the constructs also make in the same pass (duplicates, session duration)', () => {
    const dir = tempDir('bgcfg-');
    const f = join(dir, 'bg.yaml');
    writeFileSync(
      f,
      "account: '111122223333'\nregion: eu-west-1\nrole:\n  usernames: [alice, Alice]\n  maxSessionDuration: 99\n  loginAlertEmails: [nobody]\nusers:\n  account: '444455556666'\n  region: eu-west-1\n  usernames: [bg-1, bg-1]\n",
    );
    let message = '';
    try {
      loadConfigFile(f);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').sort()).toEqual(
      [
        `${f}:4: role.usernames[1]: duplicate IAM user (same as "alice"); list each once (got "Alice")`,
        `${f}:5: role.maxSessionDuration: must be between 1 and 12 hours (IAM MaxSessionDuration 3600-43200 s) (got 99)`,
        expect.stringMatching(new RegExp(`^${f}:6: role.loginAlertEmails\\[0\\]: .*\\(got "nobody"\\)$`)),
        `${f}:10: users.usernames[1]: duplicate IAM user (same as "bg-1"); list each once (got "bg-1")`,
      ].sort(),
    );
  });

  it('reports an unclosed quote on the line it opens', () => {
    const dir = tempDir('bgcfg-');
    const f = join(dir, 'bg.yaml');
    writeFileSync(f, "region: eu-west-1\naccount: '111122223333\nrole:\n  usernames: [alice]\n");
    expect(() => loadConfigFile(f)).toThrow(
      /bg.yaml: line 2: a quoted value opened here is never closed; add the closing quote/,
    );
  });

  it('reads JSON too', () => {
    const dir = tempDir('bgcfg-');
    const f = join(dir, 'bg.json');
    writeFileSync(f, JSON.stringify(minimal));
    expect(loadConfigFile(f)).toEqual(minimal);
  });

  describe('buildApp', () => {
    it('builds the role stack in the configured environment', () => {
      const app = buildApp(parseConfig(minimal, 'bg.yaml'));
      const stack = app.node.findChild('BreakGlass') as Stack;
      expect(stack.account).toBe('111122223333');
      expect(stack.region).toBe('eu-west-1');
      templateOf(app, 'BreakGlass').resourceCountIs('AWS::IAM::Role', 1);
    });

    it('adds a role stack per member account', () => {
      const app = buildApp(
        parseConfig({ ...minimal, stackName: 'Bg', memberAccounts: ['222233334444'] }, 'x'),
      );
      expect((app.node.findChild('Bg-222233334444') as Stack).account).toBe('222233334444');
    });

    it('wires security-account users and the role both ways', () => {
      const config: BreakGlassConfig = parseConfig(
        {
          ...minimal,
          users: { account: '444455556666', region: 'eu-west-1', usernames: ['bg1'], regions: ['eu-west-1'] },
        },
        'x',
      );
      const app = buildApp(config);
      const role = templateOf(app, 'BreakGlass').findResources('AWS::IAM::Role');
      const trust = JSON.stringify(Object.values(role)[0]);
      expect(trust).toContain(':iam::444455556666:root');
      expect(trust).toContain(':iam::444455556666:user/bg1');
      const roleName = (Object.values(role)[0] as { Properties: { RoleName?: string } }).Properties.RoleName;
      expect(roleName).toBeTruthy(); // generated because the users stack (another account) references it
      const users = JSON.stringify(templateOf(app, 'BreakGlass-Users').findResources('AWS::IAM::Policy'));
      expect(users).toContain(`:iam::111122223333:role/${roleName}`);
    });

    it('converts strong types: duration, managed policies, statements, imported role', () => {
      const app = buildApp(
        parseConfig(
          {
            ...minimal,
            role: {
              usernames: ['alice'],
              regions: ['eu-west-1'],
              maxSessionDuration: 'PT4H',
              managedPolicies: ['job-function/ViewOnlyAccess', 'arn:aws:iam::111122223333:policy/Custom'],
              policyStatements: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }],
            },
          },
          'x',
        ),
      );
      const t = templateOf(app, 'BreakGlass');
      t.hasResourceProperties('AWS::IAM::Role', { MaxSessionDuration: 14400 });
      expect(JSON.stringify(t.toJSON())).toContain('arn:aws:iam::111122223333:policy/Custom');
      expect(JSON.stringify(t.toJSON())).toContain('job-function/ViewOnlyAccess');
      t.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }] },
      });
      const imported = buildApp(
        parseConfig({ ...minimal, role: { role: 'ExistingRole', regions: ['eu-west-1'] } }, 'x'),
      );
      templateOf(imported, 'BreakGlass').resourceCountIs('AWS::IAM::Role', 0);
    });

    it('reports construct validation errors at the config field', () => {
      // The schema already rejects this value; the object is built by hand to reach the construct check.
      const config = {
        ...parseConfig({ ...minimal, role: { usernames: ['alice'] } }, 'x'),
        role: { usernames: ['alice'], maxSessionDuration: 13 },
      };
      expect(() => buildApp(config, { source: 'bg.yaml' })).toThrow(ConfigError);
      expect(() => buildApp(config, { source: 'bg.yaml' })).toThrow(
        /^bg.yaml: role.maxSessionDuration: must be between 1 and 12 hours/,
      );
    });
  });
});
