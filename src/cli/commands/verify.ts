import { ALL_REGIONS, expandRegions, isKnownRegion, unknownRegionMessage } from '../../engines/regions.js';
import {
  buildMatrices,
  checkSummaryLines,
  describeCheckGap,
  LEGEND,
  renderMatrix,
  startCfnValidation,
  verifyModel,
  type CfnFinding,
  type ScenarioResult,
  type StackInput,
  type VerifyResult,
} from '../../simulator/index.js';
import {
  organizationSummaryLine,
  organizationView,
  renderOrganization,
  type OrganizationPlan,
} from '../../simulator/organization/index.js';
import { CliUsageError } from '../errors.js';
import { EXIT_FINDINGS, EXIT_OK, type CliIO } from '../io.js';
import type { CommandModule } from '../command.js';
import { addSourceOptions, collect, type SourceOptions } from '../source-options.js';

interface VerifyFlags extends SourceOptions {
  readonly roleArn: string[];
  readonly user: string[];
  readonly regions?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly maxGaps: string;
  /** `--no-cfn-validate` sets it false. */
  readonly cfnValidate: boolean;
  /** An Organizations export (with `--app` / `--template`): the accounts StackSets deploy to. */
  readonly organization?: string;
}

export function parseRegionsFlag(value: string | undefined, flag = '--regions'): string[] {
  if (value === undefined) return [...ALL_REGIONS];
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0)
    throw new CliUsageError(`${flag}: empty; give a comma-separated list of Regions or '*'`);
  for (const r of list) {
    if (r !== '*' && !isKnownRegion(r))
      throw new CliUsageError(`${flag}: ${unknownRegionMessage(r)}, or '*' for every Region`);
  }
  return expandRegions(list);
}

/** What CloudFormation's validator said about the templates read, or why it could not run. */
type CfnCheck =
  | { readonly findings: readonly CfnFinding[] }
  | { readonly unavailable: string; readonly findings: readonly CfnFinding[] }
  | { readonly skipped: true; readonly findings: readonly CfnFinding[] };

/** `--no-cfn-validate`: no worker, nothing checked (said in the summary line and the JSON). */
const NOT_VALIDATING = {
  validate: (): Promise<CfnFinding[]> => Promise.resolve([]),
  cancel: (): void => undefined,
};

const describeFinding = (f: CfnFinding): string =>
  `${f.stack}: ${f.resource ? `${f.resource}: ` : ''}${f.path ? `${f.path.replace(/^Properties\./, '')}: ` : ''}${f.message} (${f.ruleId})`;

/** Model issues that are expected, not worth a line unless asked (`--verbose`). */
const isRoutineNote = (message: string): boolean =>
  /dynamic reference .* is resolved by CloudFormation/.test(message);

function describeGap(s: ScenarioResult): string {
  const misses = s.misses.map((m) => `      · ${m.reason} (${m.ruleArn.split('/').pop()})`);
  return [
    `  ✗ ${s.wayIn} in ${s.region} by ${s.actor} (${s.principal}): ${s.problems.join('; ')}`,
    ...misses,
  ].join('\n');
}

function sampleAlert(result: VerifyResult): string | undefined {
  for (const kind of ['sns', 'api-destination', 'sqs', 'lambda'] as const) {
    for (const s of result.scenarios) {
      if (s.wayIn !== 'AssumeRole' || s.actor !== 'named') continue;
      const d = s.deliveries.find((x) => x.targetKind === kind);
      if (d)
        return `Sample alert (${s.wayIn} by ${s.principal} in ${s.region} → ${kind} ${d.targetArn}):\n${d.input}`;
    }
  }
  return undefined;
}

/** `breakglass verify`: every way in × every Region → blocked / alerted / logged, offline. */
export const verifyCommand: CommandModule = {
  register(program, run) {
    addSourceOptions(
      program
        .command('verify')
        .description(
          'prove offline that every way into the break-glass role(s) is blocked or alerted, and every action logged, in every Region',
        ),
    )
      .option(
        '--role-arn <arn>',
        'break-glass role to verify (repeatable; default: roles tagged breakglass:role=true)',
        collect,
        [],
      )
      .option(
        '--user <name>',
        'break-glass IAM user to verify (repeatable; default: users tagged breakglass:user=true)',
        collect,
        [],
      )
      .option(
        '--regions <list>',
        "Regions to replay in, comma-separated, or '*' (default: every Region a user can enable)",
      )
      .option(
        '--organization <file>',
        "with --app/--template: the organization's accounts for its StackSets (the JSON of 'aws organizations list-accounts', with ParentId per account for OU targets)",
      )
      .option('--max-gaps <n>', 'how many gaps to list in the text output', '40')
      .option('--json', 'print the full result as JSON')
      .option('--verbose', 'also print the notes about what is resolved only at deploy time')
      .option(
        '--no-cfn-validate',
        "skip CloudFormation's offline validator (faster; what CloudFormation would reject is then not reported)",
      )
      .action(
        run(async (io: CliIO, flags: VerifyFlags) => {
          const regions = parseRegionsFlag(flags.regions);
          const maxGaps = Number(flags.maxGaps);
          if (!Number.isInteger(maxGaps) || maxGaps < 0)
            throw new CliUsageError(`--max-gaps: expected a whole number (got '${flags.maxGaps}')`);
          // CloudFormation's validator builds its engine on a worker thread while this one loads
          // aws-cdk-lib and synthesizes (CDK's own synth-time validation is off: it would build the same
          // engine a second time, on this thread).
          const pending = flags.cfnValidate ? startCfnValidation() : NOT_VALIDATING;
          let system: Awaited<ReturnType<typeof import('../system.js').loadSystem>>;
          let organization: OrganizationPlan | undefined;
          try {
            const { loadSystem } = await import('../system.js'); // aws-cdk-lib: not for --help
            const { organizationExpander } = await import('../organization-source.js');
            const org = organizationExpander(flags.organization, io.cwd);
            system = loadSystem(flags, io.cwd, { cdkValidation: false }, org.expand);
            organization = org.plan();
          } catch (e) {
            pending.cancel();
            throw e;
          }
          if (system.picked) io.err(system.picked);
          for (const w of organization?.warnings ?? []) io.err(`warning: ${w}`);
          const checking = pending.validate(system.stacks.map(templateOf)).then(
            (findings): CfnCheck => (flags.cfnValidate ? { findings } : { skipped: true, findings }),
            (e: unknown): CfnCheck => ({ unavailable: (e as Error).message, findings: [] }),
          );
          const result = verifyModel(system.model, {
            regions,
            roleArns: flags.roleArn,
            users: flags.user,
            ...(organization ? { organization } : {}),
          });
          const orgView =
            organization && organization.stackSets.length > 0
              ? organizationView(organization, result.checks, regions)
              : undefined;
          if (result.roles.length === 0 && result.users.length === 0) {
            pending.cancel();
            throw new CliUsageError(
              `${system.source}: no break-glass role or user found; tag them breakglass:role=true / breakglass:user=true, or pass --role-arn / --user`,
            );
          }
          const cfn = await checking;
          const rejected = cfn.findings.filter((f) => f.severity === 'error');
          const cautions = cfn.findings.filter((f) => f.severity === 'warning');
          for (const w of result.warnings) io.err(`warning: ${w}`);
          if ('unavailable' in cfn)
            io.err(`warning: templates not checked by CloudFormation's validator: ${cfn.unavailable}`);
          for (const f of cautions) io.err(`warning: CloudFormation's validator: ${describeFinding(f)}`);
          const notes = system.model.issues.filter((i) => flags.verbose || !isRoutineNote(i.message));
          for (const i of notes.slice(0, 20)) io.err(`note: ${i.stackName}: ${i.message}`);
          const exit =
            result.summary.gaps > 0 || result.checkSummary.gaps > 0 || rejected.length > 0
              ? EXIT_FINDINGS
              : EXIT_OK;
          if (flags.json) {
            io.out(
              JSON.stringify(
                { ...result, ...(orgView ? { organization: orgView } : {}), cloudFormation: cfn },
                null,
                2,
              ),
            );
            return exit;
          }
          io.out(`Verified ${system.stacks.length} stack(s) from ${system.source}`);
          for (const m of buildMatrices(result)) {
            io.out('');
            io.out(`${result.roles.includes(m.principal ?? '') ? 'role' : 'user'}  ${m.principal ?? ''}`);
            io.out(renderMatrix(m, { legend: false }));
          }
          io.out('');
          io.out(LEGEND);
          io.out('');
          if (orgView) {
            io.out(renderOrganization(orgView));
            io.out('');
          }
          const familyLines = [
            ...(orgView ? [organizationSummaryLine(orgView)] : []),
            ...checkSummaryLines(result.checks),
          ];
          for (const line of familyLines) io.out(line);
          if (familyLines.length > 0) io.out('');
          const gaps = result.scenarios.filter((s) => !s.ok);
          const failedChecks = result.checks.filter((c) => !c.ok);
          const total = gaps.length + failedChecks.length + rejected.length;
          if (total > 0) {
            io.out(`Gaps (${total}${total > maxGaps ? `, first ${maxGaps}` : ''}):`);
            const lines = [
              ...rejected.map((f) => `  ✗ CloudFormation would reject this: ${describeFinding(f)}`),
              ...gaps.map(describeGap),
              ...failedChecks.map(describeCheckGap),
            ];
            for (const line of lines.slice(0, maxGaps)) io.out(line);
            io.out('');
          }
          const sample = sampleAlert(result);
          if (sample) io.out(sample + '\n');
          io.out(
            `${result.summary.total} scenarios in ${result.regions.length} Regions: ${result.summary.ok} ok, ${result.summary.gaps} gap(s)` +
              (result.checkSummary.total > 0
                ? `; ${result.checkSummary.total} other check(s): ${result.checkSummary.gaps} gap(s)`
                : '') +
              ('unavailable' in cfn
                ? ''
                : 'skipped' in cfn
                  ? "; CloudFormation's validator not run (--no-cfn-validate)"
                  : `; ${system.stacks.length} template(s) checked by CloudFormation's validator: ${rejected.length} error(s), ${cautions.length} warning(s)`),
          );
          return exit;
        }),
      );
  },
};

function templateOf(s: StackInput): { name: string; body: unknown; account: string; region: string } {
  return { name: s.stackName, body: s.template, account: s.account, region: s.region };
}
