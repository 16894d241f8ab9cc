import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realExec } from '../../src/cli/commands/access-runtime.js';
import {
  ALICE,
  CAROL,
  ROLE_ARN,
  SECRET,
  awsError,
  configYaml,
  expectNoSecrets,
  harness,
  type Harness,
} from './access-helpers.js';

const MFA = 'arn:aws:iam::111122223333:mfa/alice-phone';
const base = ['assume', '--role', ROLE_ARN, '--reason', 'INC-123 db restore', '--mfa-code', '123456'];

describe('breakglass assume', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    h.sts.on(GetCallerIdentityCommand).resolves(ALICE);
    h.iam
      .on(ListMFADevicesCommand)
      .resolves({ MFADevices: [{ SerialNumber: MFA, UserName: 'alice', EnableDate: new Date() }] });
    h.sts.on(AssumeRoleCommand).resolves({
      Credentials: SECRET,
      AssumedRoleUser: {
        Arn: `arn:aws:sts::111122223333:assumed-role/BreakGlass/alice`,
        AssumedRoleId: 'AROA:alice',
      },
    });
  });
  afterEach(() => h.done());

  it('assumes as the person: source identity and session name from the caller, Reason/Ticket tags, MFA device found', async () => {
    const r = await h.run([...base, '--ticket', 'INC-123', '--duration', '90m']);
    expect(r.code).toBe(0);
    const call = h.sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect(call).toEqual({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'alice',
      SourceIdentity: 'alice',
      DurationSeconds: 5400,
      Tags: [
        { Key: 'Reason', Value: 'INC-123 db restore' },
        { Key: 'Ticket', Value: 'INC-123' },
      ],
      SerialNumber: MFA,
      TokenCode: '123456',
    });
    expect(r.stdout.split('\n')).toEqual([
      `export AWS_ACCESS_KEY_ID='${SECRET.AccessKeyId}'`,
      `export AWS_SECRET_ACCESS_KEY='${SECRET.SecretAccessKey}'`,
      `export AWS_SESSION_TOKEN='${SECRET.SessionToken}'`,
      `export AWS_CREDENTIAL_EXPIRATION='2026-12-01T03:00:00.000Z'`,
    ]);
    expectNoSecrets(r.stderr);
    expect(r.stderr).toContain('as alice until 2026-12-01T03:00:00.000Z');
  });

  it('prints a credential_process JSON document with --output credential-process', async () => {
    const r = await h.run([...base, '--output', 'credential-process']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      Version: 1,
      AccessKeyId: SECRET.AccessKeyId,
      SecretAccessKey: SECRET.SecretAccessKey,
      SessionToken: SECRET.SessionToken,
      Expiration: '2026-12-01T03:00:00.000Z',
    });
    expectNoSecrets(r.stderr);
  });

  it('writes a profile (mode 0600), replacing only that profile, and prints no secret', async () => {
    const file = join(h.dir, 'credentials');
    writeFileSync(
      file,
      '[default]\naws_access_key_id = AKIAOWN\n\n[breakglass]\naws_access_key_id = OLD\naws_session_token = OLD\n\n[other]\nregion = x\n',
    );
    const r = await h.run([...base, '--write-profile', 'breakglass']);
    expect(r.code).toBe(0);
    expectNoSecrets(r.stdout + r.stderr);
    expect(r.stdout).toContain(`wrote profile breakglass to ${file}`);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[default]\naws_access_key_id = AKIAOWN');
    expect(text).toContain('[other]\nregion = x');
    expect(text).toContain(`aws_secret_access_key = ${SECRET.SecretAccessKey}`);
    expect(text).not.toContain('OLD');
    expect(text.match(/\[breakglass\]/g)).toHaveLength(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('runs the command after -- with the session in its environment and returns its exit code', async () => {
    const done = h.done;
    h.done = () => undefined;
    done();
    h = await harness({ exec: realExec });
    h.sts.on(GetCallerIdentityCommand).resolves(ALICE);
    h.iam
      .on(ListMFADevicesCommand)
      .resolves({ MFADevices: [{ SerialNumber: MFA, UserName: 'alice', EnableDate: new Date() }] });
    h.sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: SECRET, AssumedRoleUser: { Arn: 'x', AssumedRoleId: 'y' } });
    const out = join(h.dir, 'env.txt');
    const script = `require('fs').writeFileSync(${JSON.stringify(out)}, process.env.AWS_SESSION_TOKEN + ' ' + process.env.AWS_REGION); process.exit(7)`;
    const r = await h.run([...base, '--region', 'eu-west-1', '--exec', '--', process.execPath, '-e', script]);
    expect(r.code).toBe(7);
    expect(readFileSync(out, 'utf8')).toBe(`${SECRET.SessionToken} eu-west-1`);
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('needs no MFA device for an Identity Center person and uses their session name', async () => {
    h.sts.on(GetCallerIdentityCommand).resolves(CAROL);
    const r = await h.run(['assume', '--role', ROLE_ARN, '--reason', 'INC-9']);
    expect(r.code).toBe(0);
    expect(h.iam.commandCalls(ListMFADevicesCommand)).toHaveLength(0);
    const input = h.sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect(input.SourceIdentity).toBe('carol@example.com');
    expect(input.SerialNumber).toBeUndefined();
  });

  it('schedules the automatic revoke at the end of the window (--revoke-after)', async () => {
    const r = await h.run([
      ...base,
      '--revoke-after',
      '2h',
      '--scheduler-role',
      'arn:aws:iam::111122223333:role/BreakGlassScheduler',
    ]);
    expect(r.code).toBe(0);
    const s = h.scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(s.ScheduleExpression).toBe('at(2026-12-01T04:00:00)');
    expect(s.ActionAfterCompletion).toBe('DELETE');
    expect(s.Target?.Arn).toBe('arn:aws:scheduler:::aws-sdk:iam:putRolePolicy');
    const input = JSON.parse(s.Target!.Input!) as {
      RoleName: string;
      PolicyName: string;
      PolicyDocument: string;
    };
    expect(input.RoleName).toBe('BreakGlass');
    expect(input.PolicyName).toBe('AWSRevokeOlderSessions');
    expect(JSON.parse(input.PolicyDocument).Statement[0].Condition).toEqual({
      DateLessThan: { 'aws:TokenIssueTime': '2026-12-01T04:00:00Z' },
    });
  });

  it.each([
    [
      'MFA wrong',
      awsError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.'),
      /MFA code was rejected; wait for the next code/,
    ],
    [
      'not trusted',
      awsError(
        'AccessDenied',
        `User: ${ALICE.Arn} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
      ),
      /does not trust you .*check that you are listed/,
    ],
    [
      'role session duration',
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      ),
      /--duration 1h is longer than the role's maximum session duration; pass a shorter --duration/,
    ],
    [
      'chained session duration',
      awsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      ),
      /session chained from another role \(1h\)/,
    ],
    [
      'Region disabled',
      awsError('RegionDisabledException', 'STS is not activated in this region'),
      /Region locked\); pass --region/,
    ],
  ])('fails with one line saying what to do: %s (exit 2)', async (_name, error, message) => {
    h.sts.on(AssumeRoleCommand).rejects(error);
    const r = await h.run(base);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('fails with the Region lock when the config does not cover --region (exit 2)', async () => {
    const config = h.file('bg.yaml', configYaml());
    h.sts
      .on(AssumeRoleCommand)
      .rejects(awsError('AccessDenied', 'User: x is not authorized to perform: sts:AssumeRole'));
    const r = await h.run([
      'assume',
      '--config',
      config,
      '--region',
      'us-west-2',
      '--reason',
      'INC-1',
      '--mfa-code',
      '123456',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Region locked and us-west-2 is not covered; pass --region eu-west-1/);
  });

  it('rejects a duration over the config maximum before calling STS (exit 2)', async () => {
    const config = h.file('bg.yaml', configYaml());
    const r = await h.run([
      'assume',
      '--config',
      config,
      '--reason',
      'INC-1',
      '--duration',
      '3h',
      '--mfa-code',
      '123456',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--duration: 3h is longer than the role's maximum session duration \(2h/);
    expect(h.sts.calls()).toHaveLength(0);
  });

  it('fails with exit 2 when there are no credentials', async () => {
    const e = awsError('CredentialsProviderError', 'Could not load credentials from any providers');
    h.sts.on(GetCallerIdentityCommand).rejects(e);
    const r = await h.run(base);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no valid AWS credentials .*sign in first/);
  });

  it.each([
    [['assume', '--role', ROLE_ARN, '--mfa-code', '123456'], /--reason: required/],
    [['assume', '--role', 'BreakGlass', '--reason', 'x'], /--role: "BreakGlass" is not an IAM role ARN/],
    [[...base, '--duration', '5m'], /--duration: "5m" is outside what STS allows/],
    [[...base, '--duration', 'soon'], /--duration: "soon" is not a duration/],
    [[...base.slice(0, -2), '--mfa-code', '12ab'], /--mfa-code: the MFA code is 6 digits/],
    [base.slice(0, -2), /--mfa-code: no terminal to ask for the MFA code/],
    [[...base, '--output', 'yaml'], /--output: "yaml" is not an output/],
    [[...base, '--output', 'env', '--write-profile', 'p'], /give only one way/],
    [[...base, '--', 'ls'], /without --exec/],
    [[...base, '--reason', 'bad {json}'], /--reason: .* cannot be a session tag/],
    [[...base, '--revoke-after', '1h'], /--scheduler-role: required with --revoke-after/],
  ])('rejects bad input with one line and exit 2: %j', async (argv, message) => {
    const r = await h.run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });

  it('asks for the code on the terminal when no --mfa-code is given', async () => {
    h.done();
    h = await harness({ canPrompt: () => true, promptHidden: async () => '654321' });
    h.sts.on(GetCallerIdentityCommand).resolves(ALICE);
    h.iam
      .on(ListMFADevicesCommand)
      .resolves({ MFADevices: [{ SerialNumber: MFA, UserName: 'alice', EnableDate: new Date() }] });
    h.sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: SECRET, AssumedRoleUser: { Arn: 'x', AssumedRoleId: 'y' } });
    const r = await h.run(base.slice(0, -2));
    expect(r.code).toBe(0);
    expect(h.sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.TokenCode).toBe('654321');
  });

  it('exits 70 only for a bug: STS answering without credentials', async () => {
    h.sts.on(AssumeRoleCommand).resolves({});
    const r = await h.run(base);
    expect(r.code).toBe(70);
  });
});
