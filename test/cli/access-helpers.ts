/**
 * Shared by the access-command tests: SDK v3 clients replaced by aws-sdk-client-mock, the rest of
 * the access runtime (clock, sleep, prompt, exec, ids, env) by fakes, and a temp dir per test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { sdkAccessPorts } from '../../src/cli/aws/sdk-ports.js';
import { setAccessRuntime, type AccessRuntime } from '../../src/cli/commands/access-runtime.js';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

export const ACCOUNT = '111122223333';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
export const NOW = new Date('2026-12-01T02:00:00Z');

export const SECRET = {
  AccessKeyId: 'ASIAEXAMPLEKEYID0001',
  SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY',
  SessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKENxyz',
  Expiration: new Date('2026-12-01T03:00:00Z'),
};

export const ALICE = {
  Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  UserId: 'AIDAEXAMPLEALICE00001',
  Account: ACCOUNT,
};
export const BOB = {
  Arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
  UserId: 'AIDAEXAMPLEBOB0000001',
  Account: ACCOUNT,
};
export const CAROL = {
  Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_BreakGlass_0123456789abcdef/carol@example.com`,
  UserId: 'AROAEXAMPLESSOROLE001:carol@example.com',
  Account: ACCOUNT,
};

export interface Harness {
  sts: AwsClientStub<STSClient>;
  iam: AwsClientStub<IAMClient>;
  cloudTrail: AwsClientStub<CloudTrailClient>;
  scheduler: AwsClientStub<SchedulerClient>;
  dir: string;
  sleeps: number[];
  prompts: string[];
  execs: { command: string; args: readonly string[]; env: Readonly<Record<string, string>> }[];
  run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  file(name: string, text: string): string;
  done(): void;
}

/** Installs the mocks and a fake runtime; call `done()` in afterEach. */
export async function harness(
  parts: Partial<AccessRuntime> & { federationUrl?: string } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'breakglass-access-'));
  const h = {
    sts: mockClient(STSClient),
    iam: mockClient(IAMClient),
    cloudTrail: mockClient(CloudTrailClient),
    scheduler: mockClient(SchedulerClient),
    dir,
    sleeps: [] as number[],
    prompts: [] as string[],
    execs: [] as Harness['execs'],
  };
  const { federationUrl, ...runtime } = parts;
  const restore = await setAccessRuntime({
    ports: sdkAccessPorts(federationUrl ?? 'http://127.0.0.1:9/federation'),
    now: () => NOW,
    sleep: async (ms) => {
      h.sleeps.push(ms);
    },
    canPrompt: () => false,
    promptHidden: async (q) => {
      h.prompts.push(q);
      throw new Error('no prompt expected');
    },
    exec: async (command, args, env) => {
      h.execs.push({ command, args, env });
      return 0;
    },
    randomId: () => 'k3x9q2ab',
    env: { HOME: dir, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') },
    ...runtime,
  });
  return {
    ...h,
    async run(argv) {
      const io = captureIO(dir);
      const code = await runCli(argv, io);
      return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
    },
    file(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    done() {
      restore();
      h.sts.restore();
      h.iam.restore();
      h.cloudTrail.restore();
      h.scheduler.restore();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An SDK-style service error (what the SDK throws for an AWS error response). */
export function awsError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return Object.assign(e, { $metadata: { httpStatusCode: 403 }, $fault: 'client' });
}

/** A minimal config file with a named role. */
export function configYaml(extra = ''): string {
  return [
    `account: '${ACCOUNT}'`,
    'region: eu-west-1',
    'role:',
    '  usernames: [alice, bob]',
    '  roleName: BreakGlass',
    '  regions: [eu-west-1, us-east-1]',
    '  maxSessionDuration: 2',
    '  requireReason: true',
    extra,
  ].join('\n');
}

/** Everything a command printed must not contain the session's secret parts. */
export function expectNoSecrets(text: string): void {
  for (const s of [SECRET.SecretAccessKey, SECRET.SessionToken]) {
    if (text.includes(s)) throw new Error(`a secret leaked into the output: ${s}`);
  }
}

/** A CloudTrail AssumeRole record of the break-glass role, as LookupEvents returns it (CloudTrailEvent JSON). */
export function assumeEvent(o: {
  who: string;
  at: string;
  expires: string;
  sourceIdentity?: string;
  reason?: string;
  ip?: string;
  region?: string;
  errorCode?: string;
  id?: string;
}): { EventId: string; EventName: string; CloudTrailEvent: string } {
  const record = {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: o.who, principalId: 'AIDAEXAMPLE', accountId: ACCOUNT },
    eventTime: o.at,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: o.region ?? 'eu-west-1',
    sourceIPAddress: o.ip ?? '198.51.100.7',
    ...(o.errorCode ? { errorCode: o.errorCode } : {}),
    requestParameters: {
      roleArn: ROLE_ARN,
      roleSessionName: o.sourceIdentity ?? 'x',
      durationSeconds: 3600,
      ...(o.sourceIdentity ? { sourceIdentity: o.sourceIdentity } : {}),
      ...(o.reason ? { tags: [{ key: 'Reason', value: o.reason }] } : {}),
    },
    responseElements: o.errorCode
      ? null
      : {
          credentials: { accessKeyId: 'ASIAEXAMPLE', expiration: o.expires },
          assumedRoleUser: {
            arn: `arn:aws:sts::${ACCOUNT}:assumed-role/BreakGlass/${o.sourceIdentity ?? 'x'}`,
          },
        },
    eventID: o.id ?? `${o.who}-${o.at}`,
  };
  return { EventId: record.eventID, EventName: 'AssumeRole', CloudTrailEvent: JSON.stringify(record) };
}
