/**
 * The scheduled drill through the offline verifier: a small config (two Regions, drill on) is
 * synthesized once; the drill checks pass on it, and each removal of one piece of the drill (the
 * schedule of a Region, the drill rule, the metric filter, the alarm of a Region, the exclusion from
 * the paging rules, the trust policy's refusal) shows a gap naming it. The trust policy's refusal of
 * the drill role is also checked with @cloud-copilot/iam-simulate, an independent engine.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import { stacksFromConfig } from '../../src/cli/system.js';
import { DRILL_CHECKS, drillRolesFor } from '../../src/simulator/drill-checks.js';
import { buildModel, type StackInput } from '../../src/simulator/index.js';
import type { CheckResult } from '../../src/simulator/checks.js';
import { tempDir } from '../temp.js';

const REGIONS = ['eu-west-1', 'ap-south-1'];
type Json = Record<string, unknown>;

let stacks: StackInput[];
const clone = (): StackInput[] => stacks.map((s) => ({ ...s, template: structuredClone(s.template) }));
const resources = (s: StackInput): Json => (s.template as { Resources: Json }).Resources;
const ofType = (s: StackInput, type: string): [string, Json][] =>
  Object.entries(resources(s)).filter(([, r]) => (r as Json)['Type'] === type) as [string, Json][];

function run(input: StackInput[]): CheckResult[] {
  const model = buildModel(input);
  const roles = [...model.roles.values()].filter((r) => r.breakGlass);
  return DRILL_CHECKS.run({ model, regions: REGIONS, roles, users: [] });
}

/** Deletes every resource of `type` in the stacks `where` selects whose logical id passes `pick`. */
function remove(input: StackInput[], type: string, pick: (id: string, s: StackInput) => boolean): number {
  let n = 0;
  for (const s of input) {
    for (const [id] of ofType(s, type)) {
      if (pick(id, s)) {
        delete resources(s)[id];
        n++;
      }
    }
  }
  return n;
}

beforeAll(() => {
  const dir = tempDir('bgdrill-');
  const file = join(dir, 'breakglass.config.yaml');
  writeFileSync(
    file,
    [
      "account: '111122223333'",
      'region: eu-west-1',
      'role:',
      '  usernames: [alice]',
      `  regions: [${REGIONS.join(', ')}]`,
      '  loginAlertEmails: [oncall@example.com]',
      '  drill: true',
      '',
    ].join('\n'),
  );
  stacks = stacksFromConfig(file, { cdkValidation: false });
}, 300_000);

describe('the drill in verify', () => {
  it('arrives in every covered Region: one drill log entry, no page, alarm reaching a person', () => {
    const checks = run(stacks);
    expect(checks.map((c) => c.region).sort()).toEqual([...REGIONS].sort());
    for (const c of checks) {
      expect(c.problems, c.region).toEqual([]);
      expect(c.detail).toMatch(/one drill log entry, no page; alarm .* fires after 26 h without a drill/);
    }
  });

  it('shows a gap in the Region whose schedule is removed', () => {
    const input = clone();
    expect(remove(input, 'AWS::Scheduler::Schedule', (_, s) => s.region === 'ap-south-1')).toBe(1);
    const gaps = run(input).filter((c) => !c.ok);
    expect(gaps.map((c) => c.region)).toEqual(['ap-south-1']);
    expect(gaps[0]?.problems.join()).toMatch(/no enabled EventBridge Scheduler schedule in ap-south-1/);
  });

  it('shows a gap everywhere when the drill rule no longer matches (no drill log entry)', () => {
    const input = clone();
    let n = 0;
    for (const s of input) {
      for (const [id, r] of ofType(s, 'AWS::Events::Rule')) {
        if (!/DrillRule/.test(id)) continue;
        ((r['Properties'] as Json)['EventPattern'] as Json)['source'] = ['aws.nothing'];
        n++;
      }
    }
    expect(n).toBe(1);
    const gaps = run(input).filter((c) => !c.ok);
    expect(gaps).toHaveLength(REGIONS.length);
    for (const g of gaps) expect(g.problems.join()).toMatch(/reaches no drill log entry/);
  });

  it('shows a gap when the metric filter or a Region’s missing-drill alarm is removed', () => {
    const noFilter = clone();
    expect(remove(noFilter, 'AWS::Logs::MetricFilter', (id) => /DrillArrived/.test(id))).toBe(1);
    expect(run(noFilter).filter((c) => !c.ok)).toHaveLength(REGIONS.length);

    const noAlarm = clone();
    expect(remove(noAlarm, 'AWS::CloudWatch::Alarm', (id) => /DrillMissingapsouth1/.test(id))).toBe(1);
    const gaps = run(noAlarm).filter((c) => !c.ok);
    expect(gaps.map((c) => c.region)).toEqual(['ap-south-1']);
  });

  it('shows a gap when the paging rules no longer leave the drill out (the drill would page)', () => {
    const input = clone();
    for (const s of input) {
      for (const [, r] of ofType(s, 'AWS::Events::Rule')) {
        const p = (r['Properties'] as Json)['EventPattern'] as Json | undefined;
        const detail = p?.['detail'] as Json | undefined;
        if (
          detail &&
          'userIdentity' in detail &&
          JSON.stringify(detail['userIdentity']).includes('anything-but')
        )
          delete detail['userIdentity'];
      }
    }
    const gaps = run(input).filter((c) => !c.ok);
    expect(gaps).toHaveLength(REGIONS.length);
    for (const g of gaps) expect(g.problems.join()).toMatch(/the drill pages people/);
  });

  it('shows a gap when the trust policy is widened to let the drill role in', () => {
    const input = clone();
    const model = buildModel(input);
    const role = [...model.roles.values()].find((r) => r.breakGlass);
    for (const s of input) {
      for (const [, r] of ofType(s, 'AWS::IAM::Role')) {
        const props = r['Properties'] as Json;
        if (!JSON.stringify(props['Tags'] ?? []).includes('breakglass:role')) continue;
        props['AssumeRolePolicyDocument'] = {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::111122223333:root` },
              Action: 'sts:AssumeRole',
            },
          ],
        };
      }
    }
    expect(role).toBeDefined();
    const gaps = run(input).filter((c) => !c.ok);
    expect(gaps.length).toBe(REGIONS.length);
    expect(gaps[0]?.problems.join()).toMatch(/the trust policy lets the drill role in/);
  });

  it('the trust policy denies the drill role (iam-simulate, an independent engine), though its own policy allows the call', async () => {
    const model = buildModel(stacks);
    const role = [...model.roles.values()].find((r) => r.breakGlass);
    if (!role) throw new Error('no break-glass role');
    const [drill] = drillRolesFor(model, role);
    if (!drill) throw new Error('no drill role');
    const session = `arn:aws:sts::111122223333:assumed-role/${drill.name}/breakglass-drill`;
    const decide = async (trust: unknown): Promise<string> => {
      const result = await runSimulation(
        {
          request: {
            principal: session,
            action: 'sts:AssumeRole',
            resource: { resource: role.arn, accountId: role.account },
            contextVariables: {
              'aws:PrincipalArn': drill.arn,
              'aws:PrincipalAccount': drill.account,
              'aws:RequestedRegion': 'eu-west-1',
            },
          },
          identityPolicies: drill.policies.map((p, i) => ({ name: `drill${i}`, policy: p as never })),
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: trust as never,
        },
        {},
      );
      if (result.resultType === 'error')
        throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
      return result.overallResult;
    };
    expect(await decide(role.trustPolicy)).not.toBe('Allowed');
    // The same engine lets the drill role in through a trust policy that trusts the account: the
    // refusal above comes from the break-glass conditions, not from the drill's own permissions.
    const open = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
      ],
    };
    expect(await decide(open)).toBe('Allowed');
  });
});
