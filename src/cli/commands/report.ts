import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandModule } from '../command.js';
import type { CliIO } from '../io.js';
import { EXIT_FINDINGS, EXIT_OK } from '../io.js';
import { CliUsageError } from '../errors.js';
import type { SessionPrincipals } from '../../engines/cloudtrail/sessions.js';
import type { Report, ReportInputs } from '../../report/build.js';
import { AthenaTrail } from '../../report/athena.js';
import { renderHtml } from '../../report/render-html.js';
import { renderJson } from '../../report/render-json.js';
import { renderMarkdown } from '../../report/render-md.js';
import { LocalTrailSource, type TrailSource } from '../../report/sources.js';
import { formatBytes, prunedSummary } from '../../report/format.js';
import type { S3TrailSource } from '../aws/s3.js';
import type { AthenaPort } from '../../report/athena.js';
import { principalsFromApp, principalsFromConfig } from '../../report/principals.js';
import { GLOBAL_EVENTS_REGION, isKnownRegion, unknownRegionMessage } from '../../engines/regions.js';

export type ReportFormat = 'html' | 'md' | 'json';
const FORMATS: readonly ReportFormat[] = ['html', 'md', 'json'];

interface ReportFlags {
  trail?: string;
  roleArn: string[];
  user: string[];
  config?: string;
  app?: string;
  out?: string;
  format: string;
  since?: string;
  until?: string;
  db?: string;
  endpointUrl?: string;
  region?: string;
  title?: string;
  athena?: boolean;
  database?: string;
  table?: string;
  output?: string;
  workgroup?: string;
  accounts?: string;
  regions?: string;
  athenaTimeout: string;
  threads: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Test seam: the Athena port the `--athena` path uses (default: SDK v3). */
export const reportDeps: { athenaPort?: (o: { region?: string; endpoint?: string }) => AthenaPort } = {};

export function parseFormats(v: string): ReportFormat[] {
  const parts = v
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean);
  const bad = parts.filter((p) => !FORMATS.includes(p as ReportFormat));
  if (parts.length === 0 || bad.length > 0)
    throw new CliUsageError(
      `--format: ${JSON.stringify(v)} has ${bad.length > 0 ? `unknown format ${JSON.stringify(bad[0])}` : 'no format'}; use a comma list of html, md, json`,
    );
  return [...new Set(parts)] as ReportFormat[];
}

/** `YYYY-MM-DD` or an ISO timestamp; returns it normalised to ISO. */
export function parseWhen(v: string | undefined, flag: string): string | undefined {
  if (v === undefined) return undefined;
  const ok =
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v) &&
    !Number.isNaN(Date.parse(v));
  if (!ok)
    throw new CliUsageError(
      `${flag}: ${JSON.stringify(v)} is not a date; use YYYY-MM-DD or an ISO timestamp`,
    );
  return v;
}

/** `--accounts`: a comma list of 12-digit account ids. */
export function parseAccounts(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const list = v
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (list.length === 0)
    throw new CliUsageError(
      '--accounts: empty list; give 12-digit account ids, e.g. --accounts 111122223333,444455556666',
    );
  for (const a of list)
    if (!/^\d{12}$/.test(a))
      throw new CliUsageError(`--accounts: ${JSON.stringify(a)} is not a 12-digit account id`);
  return [...new Set(list)];
}

/**
 * `--regions`: a comma list of Region codes. The global service events Region is always added: IAM,
 * the global STS endpoint and console sign-in events are delivered there
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events),
 * and those are the ways in.
 */
export function parseRegions(v: string | undefined): { regions: string[]; added: boolean } | undefined {
  if (v === undefined) return undefined;
  const list = v
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (list.length === 0)
    throw new CliUsageError(
      '--regions: empty list; give Region codes, e.g. --regions eu-west-1,eu-central-1',
    );
  for (const r of list)
    if (!isKnownRegion(r)) throw new CliUsageError(`--regions: ${unknownRegionMessage(r)}`);
  const added = !list.includes(GLOBAL_EVENTS_REGION);
  return { regions: [...new Set(added ? [...list, GLOBAL_EVENTS_REGION] : list)], added };
}

const ROLE_SPEC = /^(arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+|[\w+=,.@-]+)$/;

async function principalsOf(f: ReportFlags, io: CliIO): Promise<SessionPrincipals> {
  const roles = [...f.roleArn];
  const users = [...f.user];
  const sets: string[] = [];
  for (const r of roles)
    if (!ROLE_SPEC.test(r))
      throw new CliUsageError(
        `--role-arn: ${JSON.stringify(r)} is not a role ARN; expected arn:aws:iam::<12-digit account>:role/<name> or a bare role name`,
      );
  for (const u of users)
    if (!/^(arn:aws[\w-]*:iam::\d{12}:user\/[\w+=,.@/-]+|[\w+=,.@-]+)$/.test(u))
      throw new CliUsageError(`--user: ${JSON.stringify(u)} is not an IAM user name or user ARN`);
  if (f.config) {
    const p = await principalsFromConfig(resolve(io.cwd, f.config));
    roles.push(...p.roleArns);
    users.push(...p.userNames);
    sets.push(...(p.permissionSets ?? []));
  }
  if (f.app) {
    const p = await principalsFromApp(resolve(io.cwd, f.app));
    roles.push(...p.roleArns);
    users.push(...p.userNames);
  }
  if (roles.length === 0 && users.length === 0 && sets.length === 0)
    throw new CliUsageError(
      'report: no break-glass principal; pass --role-arn ARN, --user NAME, --config FILE or --app DIR',
    );
  return {
    roleArns: [...new Set(roles)],
    userNames: [...new Set(users)],
    ...(sets.length > 0 ? { permissionSets: [...new Set(sets)] } : {}),
  };
}

function progressPrinter(
  io: CliIO,
): (p: { files: number; totalFiles: number; bytes: number; events: number }) => void {
  if (!io.isTTY) return () => undefined;
  let last = 0;
  return (p) => {
    const t = Date.now();
    if (t - last < 1000 && p.files < p.totalFiles) return;
    last = t;
    io.err(`report: ${p.files}/${p.totalFiles} files, ${formatBytes(p.bytes)}, ${p.events} events`);
  };
}

export async function runReport(io: CliIO, f: ReportFlags): Promise<number> {
  const formats = parseFormats(f.format);
  const since = parseWhen(f.since, '--since');
  const until = parseWhen(f.until, '--until');
  if (since && until && Date.parse(since) > Date.parse(until))
    throw new CliUsageError(
      `--since: ${JSON.stringify(since)} is after --until ${JSON.stringify(until)}; nothing could be read — swap them`,
    );
  if (!f.out)
    throw new CliUsageError('report: --out DIR is required (where report.html, report.md, report.json go)');
  const outDir = isAbsolute(f.out) ? f.out : resolve(io.cwd, f.out);
  if (statSync(outDir, { throwIfNoEntry: false })?.isDirectory() === false)
    throw new CliUsageError(
      `--out: ${JSON.stringify(f.out)} is a file; give a folder (report.html, report.md and report.json go in it)`,
    );
  const principals = await principalsOf(f, io);
  const accounts = parseAccounts(f.accounts);
  const regionList = parseRegions(f.regions);
  const regions = regionList?.regions;
  if (regionList?.added)
    io.err(
      `note: --regions: ${GLOBAL_EVENTS_REGION} is read too (IAM, global STS and console sign-in events are delivered there)`,
    );
  const timeoutS = Number(f.athenaTimeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0)
    throw new CliUsageError(
      `--athena-timeout: ${JSON.stringify(f.athenaTimeout)} is not a positive number of seconds`,
    );

  // DuckDB and the AWS SDK load here, not at the top: `report --help` stays fast (commands/registry.ts).
  const { hasFindings, ingestTrail, sessionsFrom } = await import('../../report/build.js'); // iam-data
  const { TrailStore } = await import('../../report/store.js');
  const { makeS3Client, parseS3Url, S3TrailSource } = await import('../aws/s3.js');
  const { makeAthenaClient, sdkAthenaPort } = await import('../aws/athena.js');

  let inputs: ReportInputs;
  let sessions;
  if (f.athena) {
    if (f.trail)
      throw new CliUsageError(
        'report: --trail and --athena are exclusive; Athena reads the table, not files',
      );
    for (const [flag, v] of [
      ['--database', f.database],
      ['--table', f.table],
      ['--output', f.output],
    ] as const)
      if (!v) throw new CliUsageError(`report --athena: ${flag} is required`);
    const conn = {
      ...(f.region ? { region: f.region } : {}),
      ...(f.endpointUrl ? { endpoint: f.endpointUrl } : {}),
    };
    const port = reportDeps.athenaPort ? reportDeps.athenaPort(conn) : sdkAthenaPort(makeAthenaClient(conn));
    const trail = new AthenaTrail(port, {
      database: f.database!,
      table: f.table!,
      outputLocation: f.output!,
      ...(f.workgroup ? { workGroup: f.workgroup } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      ...(accounts ? { accounts } : {}),
      ...(regions ? { regions } : {}),
      timeoutMs: timeoutS * 1000,
    });
    sessions = await sessionsFrom({
      records: trail,
      principals,
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    });
    const events = sessions.reduce((n, s) => n + s.counts.total, 0);
    inputs = {
      files: 0,
      prunedByDate: 0,
      bytes: 0,
      events,
      skipped: [],
      source: `athena:${f.database}.${f.table}`,
    };
  } else {
    if (!f.trail)
      throw new CliUsageError('report: --trail PATH|s3://bucket/prefix is required (or --athena)');
    let source: TrailSource;
    let s3: S3TrailSource | undefined;
    if (f.trail.startsWith('s3://')) {
      s3 = new S3TrailSource(
        makeS3Client({
          ...(f.endpointUrl ? { endpoint: f.endpointUrl } : {}),
          ...(f.region ? { region: f.region } : {}),
        }),
        parseS3Url(f.trail),
      );
      source = s3;
    } else {
      source = new LocalTrailSource(resolve(io.cwd, f.trail));
    }
    const threads = Number(f.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64)
      throw new CliUsageError(`--threads: ${JSON.stringify(f.threads)} is not a whole number from 1 to 64`);
    const store = await TrailStore.open({ ...(f.db ? { dbPath: resolve(io.cwd, f.db) } : {}), threads });
    try {
      const ingested = await ingestTrail({
        source,
        sourceName: f.trail,
        store,
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(accounts ? { accounts } : {}),
        ...(regions ? { regions } : {}),
        onProgress: progressPrinter(io),
        onSkip: (s) => io.err(`warning: skipped ${s.file}: ${s.reason}`),
        // Without --db only the session records need to reach DuckDB (fast path, README "Performance").
        ...(f.db ? {} : { prefilter: principals }),
      });
      inputs = ingested.inputs;
      nothingRead(f.trail, inputs);
      sessions = await sessionsFrom({
        records: store,
        principals,
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
      });
    } finally {
      await store.close();
      await s3?.close();
    }
  }

  const report: Report = {
    title: f.title ?? 'Break-glass post-incident report',
    generatedAt: new Date().toISOString(),
    principals,
    window: { ...(since ? { since } : {}), ...(until ? { until } : {}) },
    inputs,
    sessions,
  };
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const fmt of formats) {
    const file = join(outDir, `report.${fmt}`);
    const text =
      fmt === 'html' ? renderHtml(report) : fmt === 'md' ? renderMarkdown(report) : renderJson(report);
    await writeFile(file, text);
    written.push(file);
  }
  const ok = sessions.filter((s) => s.status === 'succeeded').length;
  const left = prunedSummary(inputs);
  io.out(
    `${ok} break-glass sessions, ${sessions.length - ok} failed attempts, ${sessions.reduce((n, s) => n + s.risky.length, 0)} risky calls; ${inputs.events} events from ${inputs.files} files (${inputs.skipped.length} skipped)${left ? `; not read: ${left}` : ''}`,
  );
  for (const w of written) io.out(`wrote ${w}`);
  return hasFindings(report) ? EXIT_FINDINGS : EXIT_OK;
}

/** Exit 2 when not one record could be read from `--trail` (README "Exit codes"): never "no session". */
function nothingRead(trail: string, inputs: ReportInputs): void {
  if (inputs.events > 0) return;
  const where = `--trail ${JSON.stringify(trail)}`;
  const left = prunedSummary(inputs);
  if (inputs.files === 0 && left)
    throw new CliUsageError(
      `${where}: every log file is outside --accounts/--regions/--since/--until (${left}); nothing could be read — check the filters`,
    );
  if (inputs.files === 0)
    throw new CliUsageError(
      `${where}: no CloudTrail log file (.json, .json.gz, .jsonl) there; nothing could be read — point it at the trail's folder or bucket prefix`,
    );
  if (inputs.skipped.length >= inputs.files) {
    const first = inputs.skipped[0];
    throw new CliUsageError(
      `${where}: nothing could be read — all ${inputs.files} file(s) were skipped${first ? ` (${first.file}: ${first.reason})` : ''}`,
    );
  }
  throw new CliUsageError(
    `${where}: the trail is empty — ${inputs.files} file(s) read, no CloudTrail record in them`,
  );
}

/** `breakglass report`. */
export const reportCommand: CommandModule = {
  register(program: Command, run) {
    program
      .command('report')
      .description(
        'Turn CloudTrail logs into break-glass sessions: HTML timeline, Markdown, JSON. Exit 1 when a session or attempt is found, 0 when none.',
      )
      .option('--trail <path>', 'local folder/file of CloudTrail logs, or s3://bucket/prefix')
      .option('--role-arn <arn>', 'break-glass role ARN or bare role name (repeatable)', collect, [])
      .option('--user <name>', 'break-glass IAM user name or ARN (repeatable)', collect, [])
      .option('--config <file>', 'break-glass config file: principals come from it')
      .option('--app <dir>', 'cloud assembly (cdk.out): roles tagged breakglass:role=true with a RoleName')
      .option('--out <dir>', 'output folder')
      .option('--format <list>', 'comma list of html, md, json', 'html,md,json')
      .option('--since <date>', 'first day (YYYY-MM-DD or ISO timestamp); prunes files by path date')
      .option('--until <date>', 'last day (YYYY-MM-DD or ISO timestamp)')
      .option('--db <file>', 'keep the ingested trail in this DuckDB file (for `breakglass query`)')
      .option('--endpoint-url <url>', 'S3/Athena endpoint override (also AWS_ENDPOINT_URL_S3)')
      .option('--region <region>', 'AWS Region for the S3/Athena clients')
      .option('--title <text>', 'report title')
      .option('--athena', 'query an Athena CloudTrail table instead of reading files')
      .option('--database <name>', 'Athena database (with --athena)')
      .option('--table <name>', 'Athena table (with --athena; see `breakglass athena-ddl`)')
      .option('--output <s3url>', 'Athena query result location s3://… (with --athena)')
      .option('--workgroup <name>', 'Athena workgroup (with --athena)')
      .option(
        '--accounts <list>',
        "comma list of account ids to read; other accounts' folders (or Athena partitions) are skipped",
      )
      .option(
        '--regions <list>',
        'comma list of Regions to read (us-east-1 is always added: global service events); others are skipped',
      )
      .option('--athena-timeout <seconds>', 'give up on an Athena query after this long', '600')
      .option('--threads <n>', 'DuckDB threads for reading the trail (1 is fastest on a busy machine)', '1')
      .action(run((io, opts: ReportFlags) => runReport(io, opts)));
  },
};
