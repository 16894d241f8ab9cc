/**
 * cdk-nag AwsSolutions over every stack the organization example synthesizes (central, Organization,
 * users and their regional stacks) and over the member template the StackSet embeds: zero
 * unacknowledged findings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, loadConfigFile } from '../../src/config/index.js';
import { BreakGlassOrganization } from '../../src/constructs/organization.js';
import { synthesizeMember } from '../../src/constructs/private/member-template.js';
import { tempDir } from '../temp.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/organization.config.yaml');

interface Report {
  pluginReports: {
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

describe('cdk-nag AwsSolutions on the organization example', () => {
  let report: Report;
  let stacks: string[];
  let org: BreakGlassOrganization;

  beforeAll(() => {
    const outdir = tempDir('bgorgnag-');
    const app = buildApp(loadConfigFile(EXAMPLE), { outdir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    try {
      app.synth();
    } catch (e) {
      // A failed validation still writes the report read below; anything else is a real error.
      if (!existsSync(join(outdir, 'validation-report.json'))) throw e;
    }
    report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;
    stacks = app.node
      .findAll()
      .filter((c): c is Stack => Stack.isStack(c))
      .map((s) => s.stackName);
    org = app.node.findAll().find((c): c is BreakGlassOrganization => c instanceof BreakGlassOrganization)!;
  }, 300_000);

  it('checks the central, Organization and users stacks', () => {
    expect(stacks).toEqual(
      expect.arrayContaining(['BreakGlass', 'BreakGlass-Organization', 'BreakGlass-Users']),
    );
  });

  it('has zero unacknowledged AwsSolutions errors in the assembly', () => {
    const errors = report.pluginReports.flatMap((p) =>
      p.violations
        .filter((v) => v.severity === 'error')
        .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)),
    );
    expect(errors).toEqual([]);
  });

  it('has zero unacknowledged AwsSolutions errors in the member template', () => {
    expect(org).toBeInstanceOf(BreakGlassOrganization);
    expect(() =>
      synthesizeMember(org.memberTemplateProps, (app) =>
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app)),
      ),
    ).not.toThrow();
  });
});
