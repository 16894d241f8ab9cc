import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configYaml, harness, type Harness } from './access-helpers.js';

describe('breakglass runbook', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.done());

  it("prints the team's runbook from their config: who and how, alerts, revoke, rotation, report", async () => {
    h.file(
      'bg.yaml',
      configYaml(
        [
          '  federatedUsernames: [carol@example.com]',
          '  federatedPermissionSets: [BreakGlassAccess]',
          '  loginAlertEmails: [sec@example.com]',
          "  slack: { channel: '#break-glass', tokenSecret: breakglass/slack }",
          '  webhooks: [{ url: "https://hooks.example.com/x", secret: breakglass/hook }]',
          'users:',
          "  account: '444455556666'",
          '  region: eu-west-1',
          '  usernames: [breakglass-1]',
        ].join('\n'),
      ),
    );
    const r = await h.run(['runbook', '--config', 'bg.yaml']);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toMatch(/^# Break-glass runbook/);
    for (const heading of [
      '## 1. Who may break the glass, and how',
      '## 2. Where the alerts go',
      '## 3. When the incident is over: revoke',
      '## 4. Afterwards: rotate the break-glass credentials',
      '## 5. Post-incident report',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('### IAM users of `111122223333`: `alice`, `bob`');
    expect(md).toContain('### Identity Center / SAML people: `carol@example.com`');
    expect(md).toContain('permission set `BreakGlassAccess`');
    expect(md).toContain('### Break-glass users of the security account `444455556666`: `breakglass-1`');
    expect(md).toContain('breakglass assume --role arn:aws:iam::111122223333:role/BreakGlass --reason');
    expect(md).toContain('- email `sec@example.com`');
    expect(md).toContain('- Slack `#break-glass`');
    expect(md).toContain('- webhook `hooks.example.com`');
    expect(md).not.toContain('breakglass/hook');
    expect(md).not.toContain('breakglass/slack');
    expect(md).toContain('breakglass revoke --role arn:aws:iam::111122223333:role/BreakGlass --reason');
    expect(md).toContain('aws iam update-login-profile');
    expect(md).toContain(`breakglass report --trail s3://<trail bucket>/AWSLogs/ --config bg.yaml`);
    expect(md).toContain('Sessions last at most 2 h. Covered Regions: `eu-west-1`, `us-east-1`');
    expect(h.sts.calls()).toHaveLength(0);
  });

  it('rejects a missing --config (exit 2)', async () => {
    const r = await h.run(['runbook']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/runbook: --config is required/);
  });

  it('rejects an invalid config with the field named (exit 2)', async () => {
    h.file('bad.yaml', "account: '1'\nregion: eu-west-1\nrole: { usernames: [alice] }\n");
    const r = await h.run(['runbook', '--config', 'bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/account/);
  });
});
