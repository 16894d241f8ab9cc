/**
 * The example organization, synthesized once. The README's "Cost per member account" counts the member template's billable resources per StackSet
 * Region (rules, alarms, queues) from the example organization as synthesized, and its prices follow
 * from them: a change to the member template that adds an alarm fails here until the README says so.
 * The same synthesis shows the organization trail in the Organization stack of the management account,
 * and the StackSet doctor's organization checks read from it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInventory } from '../../src/cli/doctor/inventory.js';
import { plannedStackSets } from '../../src/cli/doctor/organization.js';
import { loadConfigFile, synthesizeConfig } from '../../src/config/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
type Resources = Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;

describe('README: cost per member account (example organization)', () => {
  let dir: string;
  let assembly: CloudAssembly;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bg-org-cost-'));
    assembly = synthesizeConfig(loadConfigFile(join(ROOT, 'examples/organization.config.yaml')), dir);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const organizationStack = () => {
    const s = assembly.stacks.find((x) => x.stackName === 'BreakGlass-Organization');
    if (!s) throw new Error('no BreakGlass-Organization stack');
    return s;
  };
  const memberTemplate = () => {
    const res = organizationStack().template.Resources as Resources;
    const set = Object.values(res).find((r) => r.Type === 'AWS::CloudFormation::StackSet');
    const body = set?.Properties?.['TemplateBody'];
    return JSON.parse(typeof body === 'string' ? body : JSON.stringify(body)) as { Resources: Resources };
  };

  it('states the per-Region counts of the member template and the monthly alarm price they give', () => {
    const perRegion = Object.values(memberTemplate().Resources).filter((r) => r.Condition === undefined);
    const count = (type: string) => perRegion.filter((r) => r.Type === type).length;
    const rules = count('AWS::Events::Rule');
    const alarms = count('AWS::CloudWatch::Alarm');
    const queues = count('AWS::SQS::Queue');
    const roles = count('AWS::IAM::Role');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('### Cost per member account');
    const section = readme.slice(start, readme.indexOf('### Limits', start)).replace(/\s+/g, ' ');
    expect(section).toContain(
      `per StackSet Region: ${rules} EventBridge rules, ${alarms} CloudWatch standard alarms, ${queues} SQS queue (the dead-letter queue) and ${roles} IAM role`,
    );
    const price = (n: number) => `$${(n * 0.1).toFixed(2)}`;
    expect(section).toContain(
      `${alarms} alarms × $0.10 = **${price(alarms)} per account per Region per month**`,
    );
    expect(section).toContain(
      `${price(alarms * 4)} per account with the example's 4 Regions, ${price(alarms * 17)} with 17`,
    );
    expect(section).toContain(`for 200 accounts × 4 Regions, $${Math.round(alarms * 0.1 * 4 * 200)} a month`);
    // The break-glass role is the one IAM resource limited to the home Region.
    const home = Object.values(memberTemplate().Resources).filter((r) => r.Condition !== undefined);
    expect(home.map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
  });

  it('the Organization stack of the management account holds the organization trail', () => {
    const s = organizationStack();
    expect(s.environment.account).toBe('111111111111');
    const trails = Object.values(s.template.Resources as Resources).filter(
      (r) => r.Type === 'AWS::CloudTrail::Trail',
    );
    expect(trails).toHaveLength(1);
    expect(trails[0]?.Properties).toMatchObject({ IsOrganizationTrail: true, IsMultiRegionTrail: true });
  });

  it('doctor reads the StackSet the organization checks need: name, CallAs, OUs and Regions', () => {
    const s = organizationStack();
    const inventory = buildInventory([
      {
        stackName: s.stackName,
        account: s.environment.account,
        region: s.environment.region,
        template: s.template as unknown,
        dependencies: [],
      } as never,
    ]);
    expect(plannedStackSets(inventory.stacks)).toEqual([
      {
        stackName: 'BreakGlass-Organization',
        region: 'eu-west-1',
        name: 'BreakGlass-Member',
        callAs: 'SELF',
        groups: [
          {
            ous: ['ou-ab12-11111111'],
            accounts: [],
            regions: ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'],
          },
        ],
      },
    ]);
  });
});
