import type { CommandModule } from '../command.js';
import { athenaDdl } from '../../report/athena.js';
import { CliUsageError } from '../errors.js';

/** `yyyy/MM/dd` naming a real day (the partition projection's date format), else a usage error. */
export function parseStartDate(v: string): string {
  const m = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(v);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (!m || day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d)
    throw new CliUsageError(
      `--start-date: ${JSON.stringify(v)} is not a date; use yyyy/MM/dd, e.g. --start-date 2024/01/31`,
    );
  return v;
}

/** `breakglass athena-ddl`: CREATE TABLE for a CloudTrail bucket, partition projection included. */
export const athenaDdlCommand: CommandModule = {
  register(program, run) {
    program
      .command('athena-ddl')
      .description(
        'Print CREATE TABLE for CloudTrail logs in Athena (CloudTrail SerDe, partition projection)',
      )
      .option('--bucket <name>', 'bucket the trail delivers to')
      .option('--prefix <prefix>', 'key prefix before AWSLogs/')
      .option('--org-id <id>', 'organization id of an organization trail (AWSLogs/<org-id>/<account>/…)')
      .option('--table <name>', 'table name', 'cloudtrail_logs')
      .option(
        '--accounts <list>',
        'comma list of account ids to enumerate (default: injected account partition)',
      )
      .option(
        '--regions <list>',
        'comma list of Regions to project (default: every Region of the aws partition)',
      )
      .option('--start-date <yyyy/MM/dd>', 'first day of the projected date range', '2020/01/01')
      .action(
        run(
          (
            io,
            o: {
              bucket?: string;
              prefix?: string;
              orgId?: string;
              table: string;
              accounts?: string;
              regions?: string;
              startDate: string;
            },
          ) => {
            if (!o.bucket)
              throw new CliUsageError('athena-ddl: --bucket is required (the bucket the trail delivers to)');
            io.out(
              athenaDdl({
                bucket: o.bucket,
                table: o.table,
                startDate: parseStartDate(o.startDate),
                ...(o.prefix ? { prefix: o.prefix } : {}),
                ...(o.orgId ? { orgId: o.orgId } : {}),
                ...(o.accounts ? { accounts: o.accounts.split(',').map((a) => a.trim()) } : {}),
                ...(o.regions
                  ? {
                      regions: o.regions
                        .split(',')
                        .map((r) => r.trim())
                        .filter(Boolean),
                    }
                  : {}),
              }).trimEnd(),
            );
          },
        ),
      );
  },
};
