/**
 * Tamper alerts on the bundled example: every tamper call × Region reaches a person through the
 * tamper topic; real records of those calls do too; removing the tamper rules (or only the rules that
 * feed the tamper bus) shows the gaps.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, stacksFromConfig } from '../../src/cli/system.js';
import { TAMPER_CALLS } from '../../src/engines/tamper-calls.js';
import { toEventBridgeEvent, type CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import {
  buildModel,
  simulateEvents,
  verifyModel,
  type StackInput,
  type SystemModel,
} from '../../src/simulator/index.js';
import type { CheckContext, CheckResult } from '../../src/simulator/checks.js';
import { purposesReached, runTamperChecks } from '../../src/simulator/tamper-checks.js';
import { replayEvent } from '../../src/simulator/replay.js';

type Json = Record<string, unknown>;
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-south-1'];
const FIXTURES = join(import.meta.dirname, 'fixtures', 'tamper', 'real-records.jsonl');

let stacks: StackInput[];
let model: SystemModel;

const contextOf = (m: SystemModel): CheckContext => ({
  model: m,
  regions: REGIONS,
  roles: [...m.roles.values()].filter((r) => r.breakGlass),
  users: [...m.users.values()].filter((u) => u.breakGlass),
});
const resources = (s: StackInput): Json => (s.template as { Resources: Json }).Resources;

/**
 * The example with every rule whose logical id matches `id` taken out: no targets and a pattern that
 * matches nothing (the resource stays, so the alarms and policies naming it still resolve).
 */
function without(id: RegExp): SystemModel {
  const input = stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
  let removed = 0;
  for (const s of input) {
    for (const [logicalId, r] of Object.entries(resources(s))) {
      const rule = r as Json;
      if (rule['Type'] !== 'AWS::Events::Rule' || !id.test(logicalId)) continue;
      const props = rule['Properties'] as Json;
      props['EventPattern'] = { source: ['removed.by.test'] };
      props['Targets'] = [];
      removed++;
    }
  }
  expect(removed).toBeGreaterThan(0);
  return buildModel(input);
}

beforeAll(() => {
  stacks = stacksFromConfig(DEFAULT_CONFIG, { cdkValidation: false });
  model = buildModel(stacks);
}, 300_000);

describe('tamper checks on the bundled example', () => {
  let results: CheckResult[];
  beforeAll(() => {
    results = runTamperChecks(contextOf(model));
  });

  it('every tamper call in every verified Region reaches a person through the tamper topic', () => {
    const gaps = results.filter((r) => !r.ok);
    expect(gaps.map((g) => `${g.name} ${g.region}: ${g.problems.join('; ')}`)).toEqual([]);
    expect(results.every((r) => r.detail?.startsWith('alerted through the tamper topic'))).toBe(true);
    // The other path reports them too (the alert bus's mirror rules).
    expect(results.every((r) => r.detail?.includes('and the alert topic'))).toBe(true);
    const names = new Set(results.map((r) => r.name));
    // Every call is checked, except the one whose resource the templates do not name (see tamper-checks.ts).
    for (const c of TAMPER_CALLS.filter((x) => x.eventName !== 'DeleteResourcePolicy'))
      expect(names, c.eventName).toContain(c.eventName);
    expect(names).toContain('UpdateAssumeRolePolicy (request too large)');
  });

  it('IAM and Account calls are checked in us-east-1 only; the rest in every Region', () => {
    const regionsOf = (n: string) => new Set(results.filter((r) => r.name === n).map((r) => r.region));
    expect([...regionsOf('CreateAccessKey')]).toEqual(['us-east-1']);
    expect([...regionsOf('EnableRegion')]).toEqual(['us-east-1']);
    expect([...regionsOf('StopLogging')].sort()).toEqual([...REGIONS].sort());
    expect([...regionsOf('DeleteRule')].sort()).toEqual([...REGIONS].sort());
  });

  it('verify counts them as a family and reports no gap', () => {
    const v = verifyModel(model, { regions: REGIONS });
    const mine = v.checks.filter((c) => c.family === 'tamper');
    expect(mine.length).toBe(results.length);
    expect(mine.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('real tamper records replayed by simulate', () => {
  const records = readFileSync(FIXTURES, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CloudTrailRecord & Json);

  /** Points a real record at the example's account, Region and resources; keeps its shape. */
  function pointed(r: CloudTrailRecord & Json, m: SystemModel): CloudTrailRecord {
    const role = [...m.roles.values()].find((x) => x.breakGlass && x.account === '111122223333');
    const user = [...m.users.values()].find((x) => x.breakGlass);
    if (!role || !user) throw new Error('the example has a break-glass role and users');
    const iam = r.eventSource === 'iam.amazonaws.com';
    const account = user && /User|LoginProfile|AccessKey/.test(r.eventName) ? user.account : role.account;
    const region = iam ? 'us-east-1' : 'eu-west-1';
    const out = structuredClone(r) as Json;
    out['recipientAccountId'] = account;
    out['awsRegion'] = region;
    (out['userIdentity'] as Json)['accountId'] = account;
    const params = (out['requestParameters'] ?? {}) as Json;
    if ('roleName' in params) params['roleName'] = role.name;
    if ('userName' in params) params['userName'] = user.name;
    if (r.eventSource === 'events.amazonaws.com') {
      const rule = [...m.buses.values()].find(
        (b) => b.account === account && b.region === region && b.name === 'default',
      )?.rules[0];
      params['name'] = rule?.name;
    }
    if (r.eventSource === 'kms.amazonaws.com') {
      const key = [...m.delivery.keys.values()].find((k) => k.account === account && k.region === region);
      if (!key) throw new Error('the example has a key in eu-west-1');
      params['keyId'] = key.keyId;
      out['resources'] = [{ accountId: account, type: 'AWS::KMS::Key', ARN: key.arn }];
    }
    return out as unknown as CloudTrailRecord;
  }

  it('has the real records it names (one per call)', () => {
    expect(records.map((r) => r.eventName)).toEqual([
      'DeleteTrail',
      'PutEventSelectors',
      'StopLogging',
      'UpdateAssumeRolePolicy',
      'CreateAccessKey',
      'AttachRolePolicy',
      'CreateLoginProfile',
      'UpdateLoginProfile',
      'PutRule',
      'UpdateTrail',
      'DisableKey',
      'PutKeyPolicy',
      'ScheduleKeyDeletion',
    ]);
  });

  it('each one is alerted through the tamper topic', () => {
    const inputs = records.map((r, i) => {
      const record = pointed(r, model);
      return { file: FIXTURES, position: i + 1, event: toEventBridgeEvent(record), record };
    });
    const out = simulateEvents(model, inputs);
    for (const [i, s] of out.entries()) {
      const tamper = s.deliveries.filter(
        (d) => d.humanFacing && model.topics.get(d.targetArn)?.purpose === 'tamper-topic',
      );
      expect(tamper.length, `${records[i]?.eventName}`).toBeGreaterThan(0);
      expect(s.alerted).toBe(true);
    }
  });

  it('the same records against resources that are not ours are not tamper alerts (except CloudTrail: any trail)', () => {
    const other = records.filter((r) => r.eventSource !== 'cloudtrail.amazonaws.com');
    for (const r of other) {
      const record = pointed(r, model) as unknown as Json;
      const params = record['requestParameters'] as Json;
      for (const k of ['roleName', 'userName', 'name']) if (k in params) params[k] = 'someone-elses';
      if (r.eventSource === 'kms.amazonaws.com') {
        params['keyId'] = '0987dcba-09fe-87dc-65ba-ab0987654321';
        record['resources'] = [
          { ARN: 'arn:aws:kms:eu-west-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321' },
        ];
      }
      const reached = purposesReached(model, replayEvent(model, toEventBridgeEvent(record as never)));
      expect(reached.has('tamper-topic'), r.eventName).toBe(false);
    }
  });
});

describe('the two paths watch each other', () => {
  const at = (account: string, region: string, eventSource: string, eventName: string, params: Json) =>
    toEventBridgeEvent({
      eventVersion: '1.10',
      userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${account}:user/admin`, accountId: account },
      eventTime: '2026-11-20T03:00:00Z',
      eventSource,
      eventName,
      awsRegion: region,
      requestParameters: params,
      eventType: 'AwsApiCall',
      readOnly: false,
      recipientAccountId: account,
    } as CloudTrailRecord);

  it('deleting a rule that feeds the tamper bus is reported through the alert topic, and vice versa', () => {
    const bus = [...model.buses.values()].find(
      (b) => b.account === '111122223333' && b.region === 'ap-south-1' && b.name === 'default',
    );
    const watch = bus?.rules.find((r) => r.targets.some((t) => /TamperAlerts/.test(t.arn)));
    const mirror = bus?.rules.find((r) => /TamperMirror/.test(r.logicalId));
    expect(watch && mirror).toBeTruthy();
    for (const rule of [watch, mirror]) {
      const r = replayEvent(
        model,
        at('111122223333', 'ap-south-1', 'events.amazonaws.com', 'DeleteRule', { name: rule?.name }),
      );
      // The event reaches both topics while both rules exist; deleting one leaves the other.
      expect([...purposesReached(model, r)].sort()).toEqual(['alert-topic', 'tamper-topic']);
    }
  });

  it('deleting the alert topic is reported through the tamper topic', () => {
    const topic = [...model.topics.values()].find(
      (t) => t.purpose === 'alert-topic' && t.account === '111122223333',
    );
    const r = replayEvent(
      model,
      at('111122223333', 'eu-west-1', 'sns.amazonaws.com', 'DeleteTopic', { topicArn: topic?.arn }),
    );
    expect(purposesReached(model, r).has('tamper-topic')).toBe(true);
  });
});

describe('removing the tamper rules shows the gaps', () => {
  it('with every tamper rule removed, every tamper check is a gap and verify counts them', () => {
    const m = without(/Tamper/);
    const v = verifyModel(m, { regions: REGIONS });
    const mine = v.checks.filter((c) => c.family === 'tamper');
    expect(mine.length).toBeGreaterThan(100);
    expect(mine.filter((c) => c.ok)).toEqual([]);
    expect(mine[0]?.problems.join(' ')).toMatch(/no rule of the tamper path matched/);
    expect(v.checkSummary.gaps).toBeGreaterThanOrEqual(mine.length);
  });

  it('with only the rules feeding the tamper bus removed, the mirrored alert is not enough: gaps', () => {
    const m = without(/TamperAlertsWatch|^Tamper(?!Mirror)/);
    const mine = runTamperChecks(contextOf(m));
    expect(mine.length).toBeGreaterThan(100);
    expect(mine.filter((c) => c.ok)).toEqual([]);
  });
});

describe('tamperAlerts: false', () => {
  it('an account without a tamper bus is not checked (a choice, not a gap); its bus alone brings the checks back', () => {
    const input = stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
    let untagged = 0;
    for (const s of input)
      for (const r of Object.values(resources(s)) as Json[]) {
        const props = r['Properties'] as Json | undefined;
        if (
          r['Type'] === 'AWS::Events::EventBus' &&
          JSON.stringify(props?.['Tags'] ?? []).includes('tamper-bus')
        ) {
          delete props?.['Tags'];
          untagged++;
        }
      }
    expect(untagged).toBe(2);
    expect(runTamperChecks(contextOf(buildModel(input)))).toEqual([]);
    expect(runTamperChecks(contextOf(model)).length).toBeGreaterThan(100);
  });
});
