/**
 * Every example config, synthesized, passes CloudFormation's own offline validator
 * (`@aws/cloudformation-validate`, bundled in aws-cdk-lib) with no error and no warning, fits IAM's
 * default trust-policy quota, and synthesizes without a quota warning or any error annotation.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, synthesizeConfig } from '../../src/config/index.js';
import { validateTemplates, type TemplateToValidate } from '../../src/simulator/cfn-validate.js';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');
const configs = readdirSync(EXAMPLES).filter((f) => /\.config\.(ya?ml|json)$/.test(f));

/** The member template a StackSet embeds (`TemplateBody`), once per Region of its instances. */
function stackSetTemplates(s: CloudAssembly['stacks'][number]): TemplateToValidate[] {
  const resources = (
    s.template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }
  ).Resources;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::CloudFormation::StackSet')
    .flatMap(([id, r]) => {
      const body = JSON.parse(String(r.Properties['TemplateBody'])) as object;
      const groups = r.Properties['StackInstancesGroup'] as { Regions: string[] }[];
      return [...new Set(groups.flatMap((g) => g.Regions))].map((region) => ({
        name: `${s.stackName}/${id}@${region}`,
        body,
        account: '333333333333',
        region,
      }));
    });
}

function templatesOf(assembly: CloudAssembly): TemplateToValidate[] {
  return assembly.stacks.flatMap((s) => [
    {
      name: s.stackName,
      body: s.template,
      account: s.environment.account,
      region: s.environment.region,
    },
    ...stackSetTemplates(s),
  ]);
}

describe('CloudFormation validator (control)', () => {
  it('reports an error for a template CloudFormation would reject', () => {
    const findings = validateTemplates([
      {
        name: 'Broken',
        body: {
          Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon', Colour: 1 } } },
        },
        account: '111122223333',
        region: 'eu-west-1',
      },
    ]);
    expect(findings.filter((f) => f.severity === 'error').length).toBeGreaterThan(0);
  });
});

describe.each(configs)('example %s', (file) => {
  let dir: string;
  let assembly: CloudAssembly;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bg-cfnval-'));
    assembly = synthesizeConfig(loadConfigFile(join(EXAMPLES, file)), dir);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has 0 errors and 0 warnings from @aws/cloudformation-validate in every template', () => {
    const templates = templatesOf(assembly);
    expect(templates.length).toBeGreaterThan(1);
    const findings = validateTemplates(templates);
    expect(
      findings.map((f) => `${f.stack} ${f.severity} ${f.ruleId} ${f.resource ?? ''}: ${f.message}`),
    ).toEqual([]);
  }, 120_000);

  it('keeps every trust policy within 2,048 characters (as IAM counts them)', () => {
    let roles = 0;
    for (const s of assembly.stacks) {
      const resources = (
        s.template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }
      ).Resources;
      for (const [id, r] of Object.entries(resources)) {
        if (r.Type !== 'AWS::IAM::Role') continue;
        roles += 1;
        // Intrinsics count as the width of their values: partition 'aws', 12-digit account.
        const doc = JSON.stringify(r.Properties['AssumeRolePolicyDocument']).replace(
          /\{"Fn::Join":\["",\[("[^"]*"|\{"Ref":"AWS::Partition"\}|,)+\]\]\}/g,
          (m) =>
            JSON.stringify(
              (JSON.parse(m) as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
                .map((p) => (typeof p === 'string' ? p : 'aws'))
                .join(''),
            ),
        );
        expect(doc.replace(/\s/g, '').length, `${s.stackName}/${id}`).toBeLessThanOrEqual(2048);
      }
    }
    expect(roles).toBeGreaterThan(0);
  });

  it('synthesizes with no error annotation and no quota warning', () => {
    const messages = assembly.stacks.flatMap((s) =>
      s.messages.map((m) => `${s.stackName} ${m.level} ${m.id}: ${String(m.entry.data)}`),
    );
    expect(messages.filter((m) => / error /.test(m))).toEqual([]);
    expect(messages.filter((m) => /quota|characters|targets|bytes|statements/i.test(m))).toEqual([]);
  });

  it('(sanity) reads the stacks it validates from the assembly on disk', () => {
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.template.json'));
    expect(onDisk.length).toBe(assembly.stacks.length);
    expect(JSON.parse(readFileSync(join(dir, onDisk[0] as string), 'utf8'))).toHaveProperty('Resources');
  });
});
