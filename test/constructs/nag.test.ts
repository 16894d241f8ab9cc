/**
 * cdk-nag AwsSolutions over every stack the example config synthesizes (role, regional, users and
 * alerting stacks): zero unacknowledged findings, and every acknowledgment says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loadConfigFile } from '../../src/config/index.js';
import { tempDir } from '../temp.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/breakglass.config.yaml');

interface Report {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

describe('cdk-nag AwsSolutions on the example config', () => {
  let report: Report;
  let stacks: Stack[];
  let acknowledgments: { path: string; id: string; reason: string }[];

  beforeAll(() => {
    const outdir = tempDir('bgnag-');
    const app = buildApp(loadConfigFile(EXAMPLE), { outdir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch (e) {
      // A failed validation still writes the report read below; anything else is a real error.
      if (!existsSync(join(outdir, 'validation-report.json'))) throw e;
    }
    report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
    stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
    acknowledgments = app.node.findAll().flatMap((c: IConstruct) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => {
          const data = m.data as Record<string, string> | { id: string; reason: string }[];
          const entries = Array.isArray(data)
            ? data.map((d) => [d.id, d.reason] as const)
            : Object.entries(data);
          // aws-cdk-lib stores unprefixed ids as `Annotation::<id>`; cdk-nag 3 strips that prefix.
          return entries.map(([id, reason]) => ({
            path: c.node.path,
            id: id.replace(/^annotation::/i, ''),
            reason: String(reason),
          }));
        }),
    );
  }, 300_000);

  it('checks the role, users and regional stacks', () => {
    const names = stacks.map((s) => s.stackName);
    expect(names).toContain('BreakGlass');
    expect(names).toContain('BreakGlass-Users');
    expect(names).toContain('BreakGlass-us-east-1');
  });

  it('the harness reports an unacknowledged finding (control)', () => {
    const outdir = tempDir('bgnag-');
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Control', { env: { account: '111122223333', region: 'eu-west-1' } });
    new iam.Role(stack, 'R', {
      assumedBy: new iam.AccountRootPrincipal(),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM4/);
    const control = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
    expect(control.pluginReports.flatMap((p) => p.violations.map((v) => v.ruleName))).toContain(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]',
    );
  });

  it('has zero unacknowledged AwsSolutions errors', () => {
    const errors = report.pluginReports.flatMap((p) =>
      p.violations
        .filter((v) => v.severity === 'error')
        .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
    );
    expect(errors).toEqual([]);
  });

  it('every acknowledgment states why', () => {
    expect(acknowledgments.length).toBeGreaterThan(0);
    const unexplained = acknowledgments
      .filter((a) => a.reason.trim().length < 30)
      .map((a) => `${a.path}: ${a.id}`);
    expect(unexplained).toEqual([]);
  });

  it('acknowledges only what our constructs justify (foundation: IAM4 AdministratorAccess, IAM5 on bootstrap roles / MFA devices)', () => {
    const ours = acknowledgments.filter((a) =>
      /\/(BreakGlass|BreakGlassUsers)\/(Resource|Deployer|Policy)/.test(a.path),
    );
    for (const a of ours) expect(a.id).toMatch(/^AwsSolutions-IAM[45]\[/);
  });
});
