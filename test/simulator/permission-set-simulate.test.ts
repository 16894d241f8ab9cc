/**
 * End to end through the simulator: the real AssumeRoleWithSAML (AWS documentation) and the real calls
 * of an Identity Center session (stratus-red-team), rewritten to the example organization's permission
 * set `devops-break-glass` in member account 333333333333, travel from the member's default bus through
 * the StackSet's forwarder to the security account's central bus and its alert / action-log rules.
 * The member stacks are the StackSet instances of `examples/organization.config.yaml`, expanded as
 * `verify` does.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stacksFromConfig } from '../../src/cli/system.js';
import { loadConfigFile } from '../../src/config/index.js';
import { isCloudTrailRecord, toEventBridgeEvent } from '../../src/engines/cloudtrail/index.js';
import {
  type InputEvent,
  type SimulatedEvent,
  type StackInput,
  type SystemModel,
  buildModel,
  simulateEvents,
} from '../../src/simulator/index.js';
import {
  expandOrganization,
  orgMapFromConfig,
  readStackSets,
} from '../../src/simulator/organization/index.js';
import {
  MEMBER,
  ROLE_ARN,
  SUFFIX,
  consoleRecords,
  samlRecord,
  stratusRecords,
} from '../constructs/permission-set-records.js';

type Json = Record<string, unknown>;
const EXAMPLE = resolve(import.meta.dirname, '../../examples/organization.config.yaml');
const SECURITY = '222222222222';

let model: SystemModel;
let stacks: StackInput[];
beforeAll(() => {
  stacks = stacksFromConfig(EXAMPLE, { cdkValidation: false });
  const expanded = expandOrganization(stacks, orgMapFromConfig(loadConfigFile(EXAMPLE), EXAMPLE));
  expect(expanded.stacks.some((s) => s.account === MEMBER)).toBe(true);
  model = buildModel(expanded.stacks);
}, 300_000);

function simulate(records: Json[]): SimulatedEvent[] {
  const inputs: InputEvent[] = records.map((record, i) => {
    if (!isCloudTrailRecord(record)) throw new Error('not a CloudTrail record');
    return { file: 'permission-set.jsonl', position: i + 1, event: toEventBridgeEvent(record), record };
  });
  return simulateEvents(model, inputs);
}

/** A denied AssumeRole on the role, in the documented wording with an SCP ARN (denials fixture). */
function deniedRecord(roleArn: string): Json {
  const file = join(import.meta.dirname, 'fixtures', 'denials', 'denied-assume-role.json');
  const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: { name: string; record: Json }[] }).cases;
  const c = cases.find((x) => /service control policy/.test(String(x.record['errorMessage']))) ?? cases[0];
  const text = JSON.stringify(c?.record)
    .replaceAll('arn:aws:iam::111122223333:role/BreakGlass', roleArn)
    .replaceAll('111122223333', MEMBER);
  return JSON.parse(text) as Json;
}

/** The deliveries that reach a person in the security account through the central bus. */
function central(e: SimulatedEvent) {
  return e.deliveries.filter((d) => d.account === SECURITY && d.via.length >= 2);
}

describe('the example organization', () => {
  it('creates the permission set and assigns it in both member accounts, in the Organization stack', () => {
    const org = stacks.find((s) => s.stackName === 'BreakGlass-Organization');
    const resources = Object.values((org?.template as { Resources: Record<string, Json> }).Resources);
    const ps = resources.filter((r) => r['Type'] === 'AWS::SSO::PermissionSet');
    expect(ps.map((r) => (r['Properties'] as Json)['Name'])).toEqual(['devops-break-glass']);
    const assignments = readStackSets(stacks).assignments;
    expect(assignments.map((a) => `${a.stackName} ${a.account}`).sort()).toEqual([
      'BreakGlass-Organization 333333333333',
      'BreakGlass-Organization 444444444444',
    ]);
    // The resolver knows the permission set's ARN form.
    for (const a of assignments)
      expect(a.permissionSetArn).toMatch(
        /^arn:aws:sso:::permissionSet\/ssoins-1234567890abcdef\/ps-[0-9a-z]{16}$/,
      );
  });
});

describe('permission-set records through the example organization', () => {
  it('alerts on the real AssumeRoleWithSAML rewritten to the permission set, by email, forwarded from the member', () => {
    const [e] = simulate([samlRecord()]);
    expect(e?.account).toBe(MEMBER);
    expect(e?.alerted, JSON.stringify(e?.deliveries)).toBe(true);
    expect(e?.problems).toEqual([]);
    const d = central(e!);
    expect(d.length).toBeGreaterThan(0);
    expect(d[0]?.via[0]).toMatch(new RegExp(`:${MEMBER}:event-bus/default$`));
    expect(d.map((x) => x.endpoint ?? '').join(' ')).toMatch(/email security@example\.com/);
    // The alert names the role the person entered.
    expect(d.map((x) => x.input).join('\n')).toContain(`AWSReservedSSO_devops-break-glass_${SUFFIX}`);
  });

  it('alerts on console federation into the role', () => {
    for (const e of simulate(consoleRecords())) {
      expect(e.alerted, e.eventID).toBe(true);
      expect(e.problems).toEqual([]);
      expect(central(e).length).toBeGreaterThan(0);
    }
  });

  it("logs every real call of the role's session in the action log, without alerting", () => {
    const results = simulate(stratusRecords());
    expect(results).toHaveLength(4);
    for (const e of results) {
      expect(e.logged, e.eventName).toBe(true);
      expect(e.alerted, e.eventName).toBe(false);
      expect(e.problems).toEqual([]);
    }
  });

  it('counts a denied attempt on the role into the denied-attempt summary (deniedAttempts: summary)', () => {
    const [e] = simulate([deniedRecord(ROLE_ARN)]);
    expect(e?.alerted, JSON.stringify(e?.deliveries)).toBe(true);
    expect(e?.problems).toEqual([]);
    const d = central(e!);
    expect(d.map((x) => x.ruleName).join(' ')).toMatch(/PermissionSetDenied/);
    expect(d.map((x) => x.targetArn).join(' ')).toMatch(/DeniedSummary/);
  });

  it('does nothing for the same records on a look-alike role or before the rewrite', () => {
    const lookalike = `arn:aws:iam::${MEMBER}:role/aws-reserved/sso.amazonaws.com/eu-west-1/Ops-AWSReservedSSO_devops-break-glass_${SUFFIX}`;
    const other = `arn:aws:iam::${MEMBER}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_${SUFFIX}`;
    for (const e of simulate([
      samlRecord(lookalike),
      samlRecord(other),
      ...stratusRecords(other),
      ...consoleRecords(other),
      deniedRecord(other),
    ])) {
      expect(e.alerted, `${e.eventName} ${e.principal}`).toBe(false);
      expect(e.logged, `${e.eventName} ${e.principal}`).toBe(false);
      expect(e.deliveries, e.eventName).toEqual([]);
    }
  });
});
