/**
 * `breakglass doctor`: checks the live account against the synthesized templates, read-only (the
 * calls are listed in `engines/doctor-calls.ts`). Heavy modules (aws-cdk-lib for a config, the AWS
 * SDK) are imported inside the action.
 */
import { randomBytes } from 'node:crypto';
import type { CommandModule } from '../command.js';
import { DOCTOR_READ_CALLS } from '../../engines/doctor-calls.js';
import { parseDuration } from '../../engines/access/index.js';
import { CliUsageError } from '../errors.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO } from '../io.js';
import type { AwsTarget } from '../aws/ports.js';
import { needsHelp } from './access-common.js';

interface DoctorFlags {
  config?: string;
  app?: string;
  template?: string;
  account?: string;
  region?: string;
  profile?: string;
  json?: boolean;
  all?: boolean;
  beforeDeploy?: boolean;
  only?: string;
  drillWindow: string;
  drill?: boolean;
  drillRegion?: string;
  drillTimeout: string;
}

export const DOCTOR_IAM_ACTIONS = [
  [...new Set(DOCTOR_READ_CALLS.map((c) => c.iamAction))].sort().join(', '),
  'or attach the BreakGlassDoctorPolicy managed policy (config: doctorPolicy: true)',
  '--drill also: sts:AssumeRole on the drill role (which must trust you)',
];

async function doctor(io: CliIO, o: DoctorFlags): Promise<number> {
  const windowMs = parseDuration(o.drillWindow, '--drill-window') * 1000;
  const drillTimeoutMs = parseDuration(o.drillTimeout, '--drill-timeout') * 1000;
  if (o.drillRegion !== undefined && !o.drill) throw new CliUsageError('--drill-region: only with --drill');
  const { DOCTOR_CHECKS, runDoctor } = await import('../doctor/run.js');
  const only = o.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ids = DOCTOR_CHECKS.map((c) => c.id);
  const unknown = only?.filter((x) => !ids.includes(x));
  if (unknown && unknown.length > 0)
    throw new CliUsageError(
      `--only: unknown check ${JSON.stringify(unknown[0])}; use any of ${ids.join(', ')}`,
    );
  const { loadSystem } = await import('../system.js');
  const { buildInventory } = await import('../doctor/inventory.js');
  const system = loadSystem(
    { config: o.config, app: o.app, template: o.template, account: o.account, region: o.region },
    io.cwd,
  );
  if (system.picked) io.err(system.picked.replace('verifying', 'checking'));
  const inventory = buildInventory(system.stacks);
  const target: AwsTarget = {
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.region ? { region: o.region } : {}),
  };
  const aws = (await import('../aws/doctor-sdk.js')).sdkDoctorAws(target);
  const { commonAwsError } = await import('../aws/errors.js');
  const drill = o.drill
    ? {
        aws: (await import('../aws/drill.js')).sdkDrillAws(target),
        clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) },
        ...(o.drillRegion ? { region: o.drillRegion } : {}),
        timeoutMs: drillTimeoutMs,
        pollMs: Math.min(10_000, Math.max(100, Math.floor(drillTimeoutMs / 20))),
        sessionName: `breakglass-doctor-drill-${randomBytes(4).toString('hex')}`,
      }
    : undefined;
  let run;
  try {
    run = await runDoctor(aws, inventory, {
      now: Date.now(),
      drillWindowMs: windowMs,
      ...(o.beforeDeploy ? { beforeDeployOnly: true } : {}),
      ...(only ? { only } : {}),
      ...(drill ? { drill } : {}),
    });
  } catch (e) {
    throw commonAwsError(e, 'doctor: GetCallerIdentity') ?? e;
  }
  const { renderJson, renderTable, counts } = await import('../doctor/render.js');
  if (o.json) io.out(renderJson(run.account, run.findings));
  else for (const l of renderTable(run.account, run.findings, o.all === true)) io.out(l);
  const c = counts(run.findings);
  if (c.error > 0) {
    io.err(
      'error: some checks could not read what they need (see the ERROR rows); the README lists the IAM actions doctor needs',
    );
    return EXIT_USAGE;
  }
  return c.problem > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** `breakglass doctor`: is the live account healthy, and does it match the templates? */
export const doctorCommand: CommandModule = {
  register(program, run) {
    const cmd = program
      .command('doctor')
      .description(
        'Check the live account read-only: Regions, bootstrap, secrets, trail, drift of rules/policies, subscriptions, alarms, DLQs, drills, StackSet instances (exit 1 on a problem)',
      )
      .option(
        '--config <file>',
        'breakglass config file to synthesize (default: ./cdk.out, ./breakglass.config.*, or the bundled example)',
      )
      .option('--app <dir>', 'a synthesized CDK cloud assembly (cdk.out)')
      .option('--template <file>', 'a single CloudFormation template (JSON); needs --account and --region')
      .option('--account <id>', 'account of --template')
      .option('--region <region>', 'Region of --template, and of the STS endpoint')
      .option('--profile <name>', 'AWS profile to read with')
      .option('--before-deploy', 'only the checks that make sense before the first deployment')
      .option(
        '--only <ids>',
        'comma-separated check ids (regions, bootstrap, secrets, trust-quota, trail, org-access, drift, subscriptions, alarms, dlq, drill, stackset)',
      )
      .option('--drill-window <d>', 'how recent the last drill must be', '26h')
      .option(
        '--drill',
        'also run one drill now (the one call that is not a read: a denied sts:AssumeRole as the drill role) and print its end-to-end latency',
      )
      .option(
        '--drill-region <region>',
        "Region to make the drill attempt in (default: the drill log group's)",
      )
      .option('--drill-timeout <d>', 'how long --drill waits for the attempt to arrive', '15m')
      .option('--all', 'list every healthy item too')
      .option('--json', 'machine-readable output');
    needsHelp(cmd, DOCTOR_IAM_ACTIONS).action(run((io, o: DoctorFlags) => doctor(io, o)));
  },
};
