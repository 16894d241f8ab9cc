import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { sdkAthenaPort } from '../../src/cli/aws/athena.js';
import { AthenaTrail } from '../../src/report/athena.js';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from './capture.js';

const athena = mockClient(AthenaClient);
beforeEach(() => athena.reset());
afterAll(() => athena.restore());

const header = [
  'event_time',
  'event_source',
  'event_name',
  'aws_region',
  'account_id',
  'event_id',
  'ui_type',
  'ui_arn',
];
const row = (i: number) => [
  `2026-03-02T10:0${i}:00Z`,
  'sts.amazonaws.com',
  'AssumeRole',
  'eu-west-1',
  '444444444444',
  `e${i}`,
  'IAMUser',
  'arn:aws:iam::444444444444:user/alice',
];
const cells = (values: readonly string[]) => ({ Data: values.map((v) => ({ VarCharValue: v })) });

describe('sdkAthenaPort (AWS SDK v3 Athena, mocked)', () => {
  it('starts the query with database, result location and workgroup, polls, and reads every page', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qid-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'qid-1', NextToken: undefined })
      .resolves({ ResultSet: { Rows: [cells(header), cells(row(1))] }, NextToken: 'page-2' })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'qid-1', NextToken: 'page-2' })
      .resolves({ ResultSet: { Rows: [cells(row(2))] } });
    const trail = new AthenaTrail(sdkAthenaPort(new AthenaClient({ region: 'eu-west-1' })), {
      database: 'security',
      table: 'org_trail',
      outputLocation: 's3://athena-results/bg/',
      workGroup: 'incident',
      accounts: ['444444444444'],
      regions: ['eu-west-1'],
      since: '2026-03-02',
      sleep: async () => undefined,
    });
    const records = await trail.waysIn(['BreakGlass'], []);
    expect(records.map((r) => [r.eventID, r.recipientAccountId, r.userIdentity?.arn])).toEqual([
      ['e1', '444444444444', 'arn:aws:iam::444444444444:user/alice'],
      ['e2', '444444444444', 'arn:aws:iam::444444444444:user/alice'],
    ]);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(start).toMatchObject({
      QueryExecutionContext: { Database: 'security' },
      ResultConfiguration: { OutputLocation: 's3://athena-results/bg/' },
      WorkGroup: 'incident',
    });
    expect(start.QueryString).toContain(
      `FROM "security"."org_trail"\nWHERE "timestamp" >= '2026/03/02' AND account IN ('444444444444') AND region IN ('eu-west-1') AND (`,
    );
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
  });

  it('turns the injected-partition CONSTRAINT_VIOLATION into a --accounts error', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qid-2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason:
            'CONSTRAINT_VIOLATION: For the injected projected partition column account, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.',
        },
      },
    });
    const trail = new AthenaTrail(sdkAthenaPort(new AthenaClient({ region: 'eu-west-1' })), {
      database: 'security',
      table: 'org_trail',
      outputLocation: 's3://athena-results/bg/',
      sleep: async () => undefined,
    });
    await expect(trail.waysIn(['BreakGlass'], [])).rejects.toThrow(
      /^--accounts: the table security\.org_trail injects the account partition/,
    );
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });
});

describe('breakglass athena-ddl --regions', () => {
  it('projects only the Regions given, and rejects an unknown one (exit 2)', async () => {
    const io = captureIO();
    expect(
      await runCli(
        [
          'athena-ddl',
          '--bucket',
          'org-trail-bucket',
          '--org-id',
          'o-a1b2c3d4e5',
          '--regions',
          'eu-west-1, us-east-1',
        ],
        io,
      ),
    ).toBe(0);
    expect(io.stdout.join('\n')).toContain("'projection.region.values'='eu-west-1,us-east-1'");
    const bad = captureIO();
    expect(await runCli(['athena-ddl', '--bucket', 'org-trail-bucket', '--regions', 'eu-west-9'], bad)).toBe(
      2,
    );
    expect(bad.stderr.join('\n')).toContain("--regions: unknown Region 'eu-west-9'");
  });
});
