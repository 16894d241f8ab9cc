/**
 * verify shows the break-glass commands that change the role — request (TagRole), approve
 * (UpdateAssumeRolePolicy), revoke (PutRolePolicy AWSRevokeOlderSessions) — as alerted events, in
 * us-east-1 where IAM events reach EventBridge; removing their alert rules makes them gaps.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMatrix, buildModel, verifyModel, type StackInput } from '../../src/simulator/index.js';
import { stacksOfConfig } from './config-stacks.js';

const REGIONS = ['eu-west-1', 'us-east-1'];
let stacks: StackInput[];

beforeAll(() => {
  stacks = stacksOfConfig([
    "account: '111122223333'",
    'region: eu-west-1',
    'role:',
    '  usernames: [alice]',
    '  roleName: BreakGlass',
    '  managedPolicies: [ReadOnlyAccess]',
    `  regions: [${REGIONS.join(', ')}]`,
    '  loginAlertEmails: [sec@example.com]',
  ]);
}, 120_000);

const verify = (input: StackInput[]) => verifyModel(buildModel(input), { regions: REGIONS });

describe('verify: request / approve / revoke', () => {
  it('are alerted in us-east-1 and only there', () => {
    const result = verify(stacks);
    for (const wayIn of ['Request', 'Approve', 'Revoke'] as const) {
      const s = result.scenarios.filter((x) => x.wayIn === wayIn);
      expect(s.map((x) => x.region)).toEqual(['us-east-1']);
      expect(s[0]!.alerted).toBe(true);
      expect(s[0]!.ok).toBe(true);
      expect(s[0]!.principal).toBe('arn:aws:iam::111122223333:user/alice');
    }
    const m = buildMatrix(result, result.roles[0]);
    expect(m.waysIn).toEqual(expect.arrayContaining(['Request', 'Approve', 'Revoke']));
    expect(m.cells['Revoke']).toEqual({ 'eu-west-1': 'none', 'us-east-1': 'alerted' });
  });

  /** The stacks with the Revoke alert rules matching nothing (and, with `tamper`, the tamper rules too). */
  function withoutRevokeRules(alsoTamper: boolean): { stacks: StackInput[]; broken: number } {
    let broken = 0;
    const mutated = stacks.map((s) => {
      const template = structuredClone(s.template) as {
        Resources: Record<
          string,
          { Type?: string; Properties?: { EventPattern?: { detail?: Record<string, unknown> } } }
        >;
      };
      for (const [id, r] of Object.entries(template.Resources)) {
        const wanted = id.includes('AccessRevoke') || (alsoTamper && id.includes('Tamper'));
        if (r.Type === 'AWS::Events::Rule' && wanted && r.Properties?.EventPattern?.detail) {
          r.Properties.EventPattern.detail['eventName'] = ['NoSuchCall'];
          if (id.includes('AccessRevoke')) broken++;
        }
      }
      return { ...s, template };
    });
    return { stacks: mutated, broken };
  }

  it('fails the Revoke row when its alert rules and the tamper rules no longer match', () => {
    const { stacks: mutated, broken } = withoutRevokeRules(true);
    expect(broken).toBe(2);
    const result = verify(mutated);
    const revoke = result.scenarios.find((x) => x.wayIn === 'Revoke')!;
    expect(revoke.ok).toBe(false);
    expect(revoke.problems).toContain('no alert reached a person');
    expect(result.scenarios.find((x) => x.wayIn === 'Approve')!.ok).toBe(true);
  });

  it('a revoke is still told to a person through the tamper path (PutRolePolicy on the role) when only its own rules break', () => {
    const result = verify(withoutRevokeRules(false).stacks);
    const revoke = result.scenarios.find((x) => x.wayIn === 'Revoke')!;
    expect(revoke.ok).toBe(true);
    expect(revoke.deliveries.some((d) => d.ruleArn.includes('Tamper'))).toBe(true);
  });
});
