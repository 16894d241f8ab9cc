import { ALL_REGIONS, expandRegions, isRegionCode } from '../../engines/regions.js';
import {
  buildMatrix,
  renderMatrix,
  verifyModel,
  type ScenarioResult,
  type VerifyResult,
} from '../../simulator/index.js';
import { CliUsageError } from '../errors.js';
import { EXIT_FINDINGS, EXIT_OK, type CliIO } from '../io.js';
import type { CommandModule } from '../command.js';
import { addSourceOptions, collect, type SourceOptions } from '../source-options.js';

interface VerifyFlags extends SourceOptions {
  readonly roleArn: string[];
  readonly user: string[];
  readonly regions?: string;
  readonly json?: boolean;
  readonly maxGaps: string;
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
    if (r !== '*' && !isRegionCode(r)) {
      throw new CliUsageError(
        `${flag}: '${r}' is not a Region code; use e.g. eu-west-1, or '*' for every Region`,
      );
    }
  }
  return expandRegions(list);
}

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
      .option('--max-gaps <n>', 'how many gaps to list in the text output', '40')
      .option('--json', 'print the full result as JSON')
      .action(
        run(async (io: CliIO, flags: VerifyFlags) => {
          const { loadSystem } = await import('../system.js'); // aws-cdk-lib: not for --help
          const regions = parseRegionsFlag(flags.regions);
          const maxGaps = Number(flags.maxGaps);
          if (!Number.isInteger(maxGaps) || maxGaps < 0)
            throw new CliUsageError(`--max-gaps: expected a whole number (got '${flags.maxGaps}')`);
          const system = loadSystem(flags, io.cwd);
          const result = verifyModel(system.model, { regions, roleArns: flags.roleArn, users: flags.user });
          if (result.roles.length === 0 && result.users.length === 0) {
            throw new CliUsageError(
              `${system.source}: no break-glass role or user found; tag them breakglass:role=true / breakglass:user=true, or pass --role-arn / --user`,
            );
          }
          for (const w of result.warnings) io.err(`warning: ${w}`);
          for (const i of system.model.issues.slice(0, 20)) io.err(`note: ${i.stackName}: ${i.message}`);
          if (flags.json) {
            io.out(JSON.stringify(result, null, 2));
            return result.summary.gaps > 0 ? EXIT_FINDINGS : EXIT_OK;
          }
          io.out(`Verified ${system.stacks.length} stack(s) from ${system.source}`);
          for (const r of result.roles) io.out(`  role  ${r}`);
          for (const u of result.users) io.out(`  user  ${u}`);
          io.out('');
          io.out(renderMatrix(buildMatrix(result)));
          io.out('');
          const gaps = result.scenarios.filter((s) => !s.ok);
          if (gaps.length > 0) {
            io.out(`Gaps (${gaps.length}${gaps.length > maxGaps ? `, first ${maxGaps}` : ''}):`);
            for (const g of gaps.slice(0, maxGaps)) io.out(describeGap(g));
            io.out('');
          }
          const sample = sampleAlert(result);
          if (sample) io.out(sample + '\n');
          io.out(
            `${result.summary.total} scenarios in ${result.regions.length} Regions: ${result.summary.ok} ok, ${result.summary.gaps} gap(s)`,
          );
          return gaps.length > 0 ? EXIT_FINDINGS : EXIT_OK;
        }),
      );
  },
};
