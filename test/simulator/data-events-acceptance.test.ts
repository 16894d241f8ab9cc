/**
 * Data events, end to end: a config without `dataEvents` and the same config with `dataEvents: [s3]`.
 * Without: `verify --json` marks the S3 object read of a break-glass session as not recorded (not
 * logged, not a gap) and `simulate` of a real-shaped GetObject says not recorded instead of logged.
 * With: the trail's advanced selectors are in the template and the same read is logged.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { stacksFromConfig } from '../../src/cli/system.js';
import {
  buildModel,
  readEventsFile,
  simulateEvents,
  verifyModel,
  type StackInput,
} from '../../src/simulator/index.js';
import { captureIO } from '../cli/capture.js';
import { tempDir } from '../temp.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'data-events', 's3-getobject-breakglass.json');
const config = (dataEvents: boolean) =>
  [
    'stackName: DataEvents',
    "account: '111122223333'",
    'region: eu-west-1',
    'role:',
    '  usernames: [alice]',
    '  roleName: BreakGlass',
    '  managedPolicies: [ReadOnlyAccess]',
    '  regions: [eu-west-1]',
    '  loginAlertEmails: [security@example.com]',
    '  logActions: true',
    '  createTrail: true',
    ...(dataEvents ? ['  dataEvents: [s3]'] : []),
    '',
  ].join('\n');

interface Scenario {
  wayIn: string;
  region: string;
  logged: boolean;
  notRecorded: boolean;
  ok: boolean;
  trail?: string;
  problems: string[];
}

const dir = tempDir('breakglass-data-events-');
const files = { off: join(dir, 'off.yaml'), on: join(dir, 'on.yaml') };
writeFileSync(files.off, config(false));
writeFileSync(files.on, config(true));

async function verifyJson(file: string): Promise<{ scenarios: Scenario[]; warnings: string[] }> {
  const io = captureIO();
  await runCli(['verify', '--config', file, '--regions', 'eu-west-1', '--json'], io);
  return JSON.parse(io.stdout.join('\n')) as { scenarios: Scenario[]; warnings: string[] };
}
const dataReads = (r: { scenarios: Scenario[] }) => r.scenarios.filter((s) => s.wayIn === 'DataRead');

describe('data events off (createTrail without dataEvents)', () => {
  let stacks: StackInput[];
  beforeAll(() => {
    stacks = stacksFromConfig(files.off);
  }, 300_000);

  it('verify --json marks the S3 object read as not recorded: not logged, and not a gap', async () => {
    const reads = dataReads(await verifyJson(files.off));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ region: 'eu-west-1', logged: false, notRecorded: true, ok: true });
    expect(reads[0]?.trail).toMatch(/no trail selects AWS::S3::Object data events/);
  }, 300_000);

  it('simulate of a GetObject by a break-glass session says not recorded, not logged', () => {
    const { events } = readEventsFile(FIXTURE);
    const [r] = simulateEvents(buildModel(stacks), events);
    expect(r?.eventName).toBe('GetObject');
    expect(r?.logged).toBe(false);
    expect(r?.deliveries).toHaveLength(0);
    expect(r?.notRecorded).toMatch(/no trail selects AWS::S3::Object data events/);
  });

  it('the simulate command prints not recorded, and why, instead of logged', async () => {
    const io = captureIO();
    expect(await runCli(['simulate', '--config', files.off, '--events', FIXTURE], io)).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/GetObject .* not recorded /);
    expect(out).toMatch(/1 event\(s\): 0 alerted, 0 logged, 1 not recorded by CloudTrail/);
    expect(out).toMatch(/not recorded: GetObject \S+: no trail selects AWS::S3::Object data events/);
  }, 300_000);

  it('simulate still logs a management call of the same session (only data events need selectors)', () => {
    const { events } = readEventsFile(FIXTURE);
    const record = events[0]?.record ?? {};
    const management = {
      ...record,
      eventSource: 'ec2.amazonaws.com',
      eventName: 'CreateTags',
      readOnly: false,
      eventCategory: 'Management',
      managementEvent: true,
      resources: [],
    };
    const dirM = tempDir('breakglass-data-events-m-');
    const file = join(dirM, 'm.json');
    writeFileSync(file, JSON.stringify(management));
    const [r] = simulateEvents(buildModel(stacks), readEventsFile(file).events);
    expect(r?.logged).toBe(true);
    expect(r?.notRecorded).toBeUndefined();
  });
});

describe('data events on (dataEvents: [s3])', () => {
  let stacks: StackInput[];
  beforeAll(() => {
    stacks = stacksFromConfig(files.on);
  }, 300_000);

  it("puts the trail's advanced selectors for S3 objects, and for management events, in the template", () => {
    const main = stacks.find((s) =>
      Object.values((s.template as { Resources: Record<string, { Type: string }> }).Resources).some(
        (r) => r.Type === 'AWS::CloudTrail::Trail',
      ),
    );
    expect(main).toBeDefined();
    Template.fromJSON(main?.template as Record<string, unknown>).hasResourceProperties(
      'AWS::CloudTrail::Trail',
      {
        AdvancedEventSelectors: [
          { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
          {
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
              // Only the break-glass role's sessions (the default, dataEventsPrincipals: 'break-glass').
              { Field: 'userIdentity.arn', StartsWith: [Match.anyValue()] },
            ],
          },
        ],
      },
    );
  });

  it('verify --json marks the same read as logged, recorded by the trail', async () => {
    const reads = dataReads(await verifyJson(files.on));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ logged: true, notRecorded: false, ok: true });
    expect(reads[0]?.trail).toMatch(/^recorded by trail /);
  }, 300_000);

  it('simulate of the GetObject says logged', () => {
    const [r] = simulateEvents(buildModel(stacks), readEventsFile(FIXTURE).events);
    expect(r?.logged).toBe(true);
    expect(r?.notRecorded).toBeUndefined();
  });

  it("does not record another principal's read (selectors narrowed to break-glass sessions)", () => {
    const record = readEventsFile(FIXTURE).events[0]?.record as Json;
    const ui = record['userIdentity'] as Json;
    const other = {
      ...record,
      userIdentity: { ...ui, arn: 'arn:aws:sts::111122223333:assumed-role/BreakGlassReader/alice' },
    };
    const dirO = tempDir('breakglass-data-events-o-');
    const file = join(dirO, 'o.json');
    writeFileSync(file, JSON.stringify(other));
    const [r] = simulateEvents(buildModel(stacks), readEventsFile(file).events);
    expect(r?.logged).toBe(false);
    expect(r?.notRecorded).toMatch(/selects AWS::S3::Object data events but does not select this GetObject/);
  });

  it('a trail asking for S3 data events that misses this read: a verify gap naming the trail', () => {
    const edited = stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
    for (const s of edited) {
      const res = (s.template as { Resources: Record<string, { Type: string; Properties: Json }> }).Resources;
      for (const r of Object.values(res)) {
        if (r.Type !== 'AWS::CloudTrail::Trail') continue;
        const sels = r.Properties['AdvancedEventSelectors'] as { FieldSelectors: Json[] }[];
        sels[1]?.FieldSelectors.push({ Field: 'readOnly', Equals: ['false'] }); // writes only
      }
    }
    const model = buildModel(edited);
    const [r] = simulateEvents(model, readEventsFile(FIXTURE).events);
    expect(r?.logged).toBe(false);
    expect(r?.notRecorded).toMatch(/selects AWS::S3::Object data events but does not select this GetObject/);
    const read = verifyModel(model, { regions: ['eu-west-1'] }).scenarios.find((x) => x.wayIn === 'DataRead');
    expect(read).toMatchObject({ ok: false, logged: false, notRecorded: false });
    expect(read?.problems.join('; ')).toMatch(
      /the data event is not recorded by CloudTrail: trail \S+ \(DataEvents\) selects AWS::S3::Object/,
    );
  });
});

type Json = Record<string, unknown>;
