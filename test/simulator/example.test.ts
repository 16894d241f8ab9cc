/**
 * The bundled example, end to end: config → cloud assembly → model → every way in × every Region.
 * Gap tests mutate the synthesized templates (as a careless edit or a broken construct would) and check
 * that verify notices. The example is synthesized once for the whole file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, stacksFromConfig } from '../../src/cli/system.js';
import { ALL_REGIONS } from '../../src/engines/regions.js';
import { toEventBridgeEvent, type CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import {
  buildMatrix,
  buildModel,
  simulateEvents,
  readEventsFile,
  verifyModel,
  type StackInput,
  type VerifyResult,
} from '../../src/simulator/index.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

let stacks: StackInput[];
let main: StackInput;

function clone(): StackInput[] {
  return stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
}
function resourcesOf(s: StackInput): Json {
  return (s.template as { Resources: Json }).Resources;
}
function rulesOf(s: StackInput): [string, Json][] {
  return Object.entries(resourcesOf(s)).filter(
    (e): e is [string, Json] => isObject(e[1]) && e[1]['Type'] === 'AWS::Events::Rule',
  );
}
function verify(input: StackInput[], regions: readonly string[] = ALL_REGIONS): VerifyResult {
  return verifyModel(buildModel(input), { regions });
}
function gapsBy(result: VerifyResult, key: 'wayIn' | 'region'): Set<string> {
  return new Set(result.scenarios.filter((s) => !s.ok).map((s) => s[key]));
}

beforeAll(() => {
  stacks = stacksFromConfig(DEFAULT_CONFIG);
  const byDeps = stacks.find(
    (s) => rulesOf(s).length > 0 && stacks.some((o) => o.dependencies.includes(s.stackName)),
  );
  main = byDeps ?? (stacks[0] as StackInput);
}, 300_000);

describe('verify on the bundled example', () => {
  let result: VerifyResult;
  beforeAll(() => {
    result = verify(stacks);
  });

  it('synthesizes one stack per Region (17+) plus the main stack', () => {
    const regions = new Set(stacks.map((s) => s.region));
    expect(regions.size).toBeGreaterThanOrEqual(17);
    expect(stacks.length).toBeGreaterThanOrEqual(18);
  });

  it('finds the break-glass role(s) by tag and checks every way in in every Region', () => {
    expect(result.roles.length).toBeGreaterThanOrEqual(1);
    expect(result.regions).toEqual(ALL_REGIONS);
    const m = buildMatrix(result);
    for (const w of [
      'AssumeRole',
      'SwitchRole',
      'AssumeRoleWithSAML',
      'GetSigninToken',
      'RoleChaining',
      'ReadAction',
      'WriteAction',
      'DataRead',
    ]) {
      expect(m.waysIn).toContain(w);
    }
  });

  it('has zero gaps', () => {
    const gaps = result.scenarios.filter((s) => !s.ok).slice(0, 5);
    expect(
      gaps.map(
        (g) =>
          `${g.wayIn} ${g.region} ${g.actor}: ${g.problems.join('; ')} ${g.misses.map((m) => m.reason).join('; ')}`,
      ),
    ).toEqual([]);
    expect(result.summary.gaps).toBe(0);
  });

  it('denies the stranger everywhere and still alerts on the attempt', () => {
    const strangers = result.scenarios.filter((s) => s.actor === 'stranger' && s.wayIn === 'AssumeRole');
    expect(strangers.length).toBe(ALL_REGIONS.length * result.roles.length);
    for (const s of strangers) {
      expect(s.trust).not.toBe('Allow');
      expect(s.alerted).toBe(true);
    }
  });

  it("logs the role's S3 object reads (dataEvents: [s3]) and shows the users' as not recorded", () => {
    const reads = result.scenarios.filter((s) => s.wayIn === 'DataRead');
    const ofRole = reads.filter((s) => result.roles.includes(s.target));
    const ofUsers = reads.filter((s) => result.users.includes(s.target));
    expect(ofRole).toHaveLength(ALL_REGIONS.length * result.roles.length);
    expect(ofRole.every((s) => s.logged && !s.notRecorded && s.ok)).toBe(true);
    expect(ofUsers.length).toBeGreaterThan(0);
    expect(ofUsers.every((s) => !s.logged && s.notRecorded && s.ok)).toBe(true);
  });

  it('lets a named person in with MFA and alerts through a notification target', () => {
    const named = result.scenarios.filter((s) => s.actor === 'named' && s.wayIn === 'AssumeRole');
    expect(named.some((s) => s.trust === 'Allow')).toBe(true);
    expect(named.every((s) => s.deliveries.some((d) => d.targetKind === 'sns'))).toBe(true);
  });
});

describe('verify finds the gaps that exist', () => {
  it('fails every other Region when only the main Region is deployed', () => {
    const onlyMain = clone().filter((s) => s.region === main.region && s.account === main.account);
    const result = verify(onlyMain, ['eu-west-1', 'ap-south-1', 'sa-east-1']);
    const gapRegions = gapsBy(result, 'region');
    expect(gapRegions).toContain('ap-south-1');
    expect(gapRegions).toContain('sa-east-1');
    expect(
      result.scenarios
        .filter((s) => s.region === 'eu-west-1' && s.wayIn === 'AssumeRole')
        .every((s) => s.alerted),
    ).toBe(true);
  });

  it('fails the AssumeRole row when no rule matches CLI AssumeRole', () => {
    const input = clone();
    // Drop the literal "AssumeRole" from every pattern (as an edit that forgot the CLI path would);
    // an emptied list gets a name no event has, so the rule stays valid but never sees AssumeRole.
    const strip = (v: unknown): unknown => {
      if (Array.isArray(v)) {
        const kept = v.filter((x) => x !== 'AssumeRole').map(strip);
        return kept.length === 0 && v.length > 0 ? ['NoSuchEvent'] : kept;
      }
      if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, strip(x)]));
      return v;
    };
    let touched = 0;
    for (const s of input) {
      for (const [, rule] of rulesOf(s)) {
        const props = rule['Properties'] as Json;
        const before = JSON.stringify(props['EventPattern'] ?? {});
        if (/"AssumeRole"/.test(before)) {
          props['EventPattern'] = strip(props['EventPattern']);
          touched++;
        }
      }
    }
    expect(touched).toBeGreaterThan(0);
    const result = verify(input, ['eu-west-1', 'us-east-2']);
    const m = buildMatrix(result);
    expect(m.cells['AssumeRole']?.['eu-west-1']).toBe('missed');
    expect(m.cells['AssumeRole']?.['us-east-2']).toBe('missed');
    expect(m.cells['WriteAction']?.['us-east-2']).toBe('alerted');
  });

  it('fails a Region whose rules are DISABLED', () => {
    const input = clone();
    const victim = input.find((s) => s.region === 'ap-south-1');
    expect(victim).toBeDefined();
    for (const [, rule] of rulesOf(victim as StackInput)) (rule['Properties'] as Json)['State'] = 'DISABLED';
    const result = verify(input, ['ap-south-1', 'eu-west-2']);
    expect(gapsBy(result, 'region')).toEqual(new Set(['ap-south-1']));
    const miss = result.scenarios
      .find((s) => s.region === 'ap-south-1' && !s.ok)
      ?.misses.map((x) => x.reason);
    expect(miss).toContain('rule is DISABLED');
  });

  it('fails forwarded events when the central bus policy denies the forwarder', () => {
    const input = clone();
    const m = input.find((s) => s.stackName === main.stackName) as StackInput;
    const res = resourcesOf(m);
    const bus = Object.entries(res).find((e) => isObject(e[1]) && e[1]['Type'] === 'AWS::Events::EventBus');
    expect(bus).toBeDefined();
    res['VerifyDenyAll'] = {
      Type: 'AWS::Events::EventBusPolicy',
      Properties: {
        EventBusName: { Ref: bus?.[0] },
        StatementId: 'deny-all',
        Statement: {
          Sid: 'deny-all',
          Effect: 'Deny',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [bus?.[0], 'Arn'] },
        },
      },
    };
    const result = verify(input, ['ap-south-1']);
    expect(result.summary.gaps).toBeGreaterThan(0);
    const reasons = result.scenarios.flatMap((s) => s.misses.map((x) => x.reason));
    expect(reasons.some((r) => /denies PutEvents/.test(r))).toBe(true);
  });

  it('fails the Read row when the read-only logging rules are plain ENABLED', () => {
    const input = clone();
    let changed = 0;
    for (const s of input) {
      for (const [, rule] of rulesOf(s)) {
        const p = rule['Properties'] as Json;
        if (p['State'] === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') {
          p['State'] = 'ENABLED';
          changed++;
        }
      }
    }
    expect(changed).toBeGreaterThan(0);
    const m = buildMatrix(verify(input, ['eu-west-1', 'ap-south-1']));
    expect(m.cells['ReadAction']?.['ap-south-1']).toBe('missed');
    expect(m.cells['ReadAction']?.['eu-west-1']).toBe('missed');
    expect(m.cells['WriteAction']?.['ap-south-1']).toBe('alerted');
  });
});

describe('simulate on real CloudTrail records', () => {
  it('alerts every entry event rewritten to the example role, and none of unrelated principals', () => {
    const model = buildModel(stacks);
    const role = [...model.roles.values()].find((r) => r.breakGlass);
    expect(role).toBeDefined();
    const roleArn = role?.arn as string;
    const account = role?.account as string;
    const file = join(import.meta.dirname, 'fixtures', 'real-entry-records.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const rewritten = lines.map((line): Json | undefined => {
      const rec = JSON.parse(line) as Json;
      const original =
        (isObject(rec['requestParameters'])
          ? (rec['requestParameters']['roleArn'] as string | undefined)
          : undefined) ?? /on resource: (\S+)/.exec(String(rec['errorMessage'] ?? ''))?.[1];
      if (!original) return undefined;
      const oldAccount = original.split(':')[4] as string;
      let text = JSON.stringify(rec).split(original).join(roleArn).split(oldAccount).join(account);
      const region = String(rec['awsRegion']);
      if (!ALL_REGIONS.includes(region)) text = text.split(region).join('eu-central-1');
      // The role owner's copy of a shared event (sharedEventID) is delivered to the role's account.
      const out: Json = { ...(JSON.parse(text) as Json), recipientAccountId: account };
      return out;
    });
    const entries = rewritten.filter((r): r is Json => r !== undefined);
    expect(entries.length).toBeGreaterThanOrEqual(8);
    const inputs = readEventsFile(file).events;
    const unrelated = simulateEvents(model, inputs);
    expect(unrelated.filter((e) => e.alerted).map((e) => e.eventName)).toEqual([]);
    const asInputs = entries.map((record, i) => ({
      file: 'rewritten',
      position: i + 1,
      record: record as never,
      event: toEvent(record),
    }));
    const results = simulateEvents(model, asInputs);
    const missed = results
      .filter((r) => !r.alerted)
      .map((r, i) => ({ i, id: r.eventID, region: r.region, principal: r.principal }));
    expect(missed).toEqual([]);
    expect(results.map((r) => [r.eventName, r.alerted])).toEqual(entries.map((e) => [e['eventName'], true]));
  });
});

function toEvent(r: Json) {
  return toEventBridgeEvent(r as unknown as CloudTrailRecord);
}
