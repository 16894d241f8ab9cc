/**
 * Alert floods: denied attempts are summarised (rule → log group → metric filter → alarm → topic),
 * successful ways in page at once. The alarm's behaviour over time is a small pure model (flood.ts);
 * the JSON filter-pattern subset is read by delivery/metric-filters.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stacksFromConfig } from '../../src/cli/system.js';
import { toEventBridgeEvent } from '../../src/engines/cloudtrail/index.js';
import { filterMatches, filtersOn, parseFilterPattern } from '../../src/simulator/delivery/metric-filters.js';
import { alarmSpec, burstTimes, FLOOD_BURST, FLOOD_CHECKS } from '../../src/simulator/flood-checks.js';
import { runAlarm, type AlarmSpec } from '../../src/simulator/flood.js';
import { buildMatrix, buildModel, verifyModel, type SystemModel } from '../../src/simulator/index.js';
import { iamUserIdentity, stsAssumeRecord } from '../../src/simulator/records.js';
import { replayEvent } from '../../src/simulator/replay.js';
import { tempDir } from '../temp.js';

const SUMMARY: AlarmSpec = {
  period: 300,
  evaluationPeriods: 1,
  threshold: 1,
  comparison: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
};

describe('runAlarm (an alarm notifies when its state changes)', () => {
  it('500 attempts inside one 5-minute window: one notification', () => {
    expect(runAlarm(SUMMARY, burstTimes(500, 300), 6).notifications).toEqual([0]);
  });

  it('a burst that goes on for three windows: still one notification (the alarm stays in ALARM)', () => {
    const run = runAlarm(SUMMARY, burstTimes(1500, 900), 6);
    expect(run.states.slice(0, 4)).toEqual(['ALARM', 'ALARM', 'ALARM', 'OK']);
    expect(run.notifications).toEqual([0]);
  });

  it('two bursts with a quiet window between them: two notifications', () => {
    const times = [...burstTimes(100, 300), ...burstTimes(100, 300).map((t) => t + 600)];
    expect(runAlarm(SUMMARY, times, 6).notifications).toEqual([0, 2]);
  });

  it('the missing-drill alarm: silent while a drill arrives every 24 h, one notification 26 h after the last', () => {
    const drill: AlarmSpec = {
      period: 3600,
      evaluationPeriods: 26,
      datapointsToAlarm: 26,
      threshold: 1,
      comparison: 'LessThanThreshold',
      treatMissingData: 'breaching',
    };
    const daily = [0, 24, 48, 72].map((h) => h * 3600 + 60);
    expect(runAlarm(drill, daily, 96).notifications).toEqual([]);
    // Drills stop after hour 48: the 26th empty hour is hour 74.
    expect(runAlarm(drill, daily.slice(0, 3), 96).notifications).toEqual([74]);
  });
});

describe('JSON metric filter patterns (the subset read offline)', () => {
  const event = {
    detail: { eventSource: 'sts.amazonaws.com', awsRegion: 'eu-west-1', errorCode: 'AccessDenied', n: 3 },
    resources: [{ ARN: 'arn:aws:iam::1:role/x' }],
  };
  const cases: [string, boolean | undefined][] = [
    ['{ $.detail.eventSource = "sts.amazonaws.com" }', true],
    ['{ $.detail.eventSource = "iam.amazonaws.com" }', false],
    ['{ $.detail.eventSource != "iam.amazonaws.com" }', true],
    ['{ $.detail.errorCode = "Access*" }', true],
    ['{ $.detail.errorCode = *Denied }', true],
    ['{ $.detail.n > 2 }', true],
    ['{ $.detail.n >= 4 }', false],
    ['{ $.resources[0].ARN = "arn:aws:iam::1:role/x" }', true],
    ['{ ($.detail.awsRegion = "eu-west-1") && ($.detail.n = 3) }', true],
    ['{ $.detail.awsRegion = "us-east-1" || $.detail.n = 3 }', true],
    ['{ $.detail.missing NOT EXISTS }', true],
    ['{ $.detail.eventSource NOT EXISTS }', false],
    ['{ $.detail.missing = "x" }', false],
    ['', true],
    // Outside the subset: not judged (undefined), never silently matched.
    ['{ $.a = 1 && $.b = 2 || $.c = 3 }', undefined],
    ['ERROR', undefined],
    ['{ %regex% }', undefined],
  ];
  it.each(cases)('%s → %s', (pattern, expected) => {
    expect(filterMatches(pattern, event)).toBe(expected);
  });

  it('rejects && and || mixed without parentheses, naming the fix', () => {
    expect(() => parseFilterPattern('{ $.a = 1 && $.b = 2 || $.c = 3 }')).toThrow(/add parentheses/);
  });
});

describe('a burst of denied attempts through the synthesized stacks', () => {
  let model: SystemModel;
  const ACCOUNT = '111122223333';
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
  const CALLER = `arn:aws:iam::${ACCOUNT}:user/mallory`;

  beforeAll(() => {
    const dir = tempDir('bgflood-');
    const file = join(dir, 'breakglass.config.yaml');
    writeFileSync(
      file,
      [
        `account: '${ACCOUNT}'`,
        'region: eu-west-1',
        'role:',
        '  usernames: [alice]',
        '  roleName: BreakGlass',
        '  regions: [eu-west-1, ap-south-1]',
        '  loginAlertEmails: [oncall@example.com]',
        '',
      ].join('\n'),
    );
    model = buildModel(stacksFromConfig(file, { cdkValidation: false }));
  }, 300_000);

  const record = (i: number, success: boolean) =>
    toEventBridgeEvent(
      stsAssumeRecord({
        key: `burst-${i}-${success}`,
        region: i % 2 === 0 ? 'eu-west-1' : 'ap-south-1',
        account: ACCOUNT,
        action: 'AssumeRole',
        caller: { identity: iamUserIdentity(CALLER, 'mallory', ACCOUNT), arn: CALLER },
        roleArn: ROLE,
        sessionName: 'x',
        success,
      }),
    );

  it(`${FLOOD_BURST} denied attempts from one caller: one summary alert in their window; a successful AssumeRole in the middle pages at once`, () => {
    const times: number[] = [];
    let alarmName: string | undefined;
    let direct = 0;
    for (let i = 0; i < FLOOD_BURST; i++) {
      const t = (i * 300) / FLOOD_BURST;
      if (i === FLOOD_BURST / 2) {
        // The real way in, in the middle of the flood: a delivery that tells a person by itself.
        const ok = replayEvent(model, record(i, true)).deliveries;
        expect(ok.some((d) => d.humanFacing && d.summarisedBy === undefined)).toBe(true);
      }
      const event = record(i, false);
      const deliveries = replayEvent(model, event).deliveries;
      direct += deliveries.filter((d) => d.humanFacing && d.summarisedBy === undefined).length;
      const logs = deliveries.filter((d) => d.summarisedBy !== undefined);
      expect(logs).toHaveLength(1);
      alarmName ??= logs[0]?.summarisedBy;
      // The metric filter on that log group counts the event once.
      const counted = filtersOn(model, logs[0]?.targetArn ?? '').filter(
        (f) => filterMatches(f.filterPattern, event) === true,
      );
      expect(counted).toHaveLength(1);
      times.push(t);
    }
    expect(direct).toBe(0);
    const alarm = model.delivery.alarms.find((a) => a.name === alarmName);
    const spec = alarm ? alarmSpec(alarm) : undefined;
    expect(spec).toBeDefined();
    expect(runAlarm(spec as AlarmSpec, times, 6).notifications).toEqual([0]);
  });

  it('verify: the flood checks pass in every Region and the AssumeRole cells show Σ', () => {
    const result = verifyModel(model, { regions: ['eu-west-1', 'ap-south-1'] });
    const floods = result.checks.filter((c) => c.family === 'flood');
    expect(floods).toHaveLength(2);
    for (const c of floods) {
      expect(c.problems).toEqual([]);
      expect(c.detail).toMatch(/500 denied attempts → 1 alert .*; a successful AssumeRole pages at once/);
    }
    const m = buildMatrix(result, ROLE);
    expect(m.cells['AssumeRole']?.['eu-west-1']).toBe('summarised');
    expect(result.summary.gaps).toBe(0);
  });

  it('shows a gap when the summary alarm tells nobody (its action removed)', () => {
    const broken: SystemModel = {
      ...model,
      delivery: {
        ...model.delivery,
        alarms: model.delivery.alarms.map((a) =>
          a.metricName === 'DeniedAttempts' ? { ...a, actions: [] } : a,
        ),
      },
    };
    const floods = FLOOD_CHECKS.run({
      model: broken,
      regions: ['eu-west-1'],
      roles: [...broken.roles.values()].filter((r) => r.breakGlass),
      users: [],
    });
    expect(floods.map((c) => c.problems.join())).toEqual(['a denied attempt tells nobody']);
  });
});
