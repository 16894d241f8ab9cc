import type { CommandModule } from '../command.js';
import { athenaDdl } from '../../report/athena.js';
import { CliUsageError } from '../errors.js';

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
              startDate: string;
            },
          ) => {
            if (!o.bucket)
              throw new CliUsageError('athena-ddl: --bucket is required (the bucket the trail delivers to)');
            io.out(
              athenaDdl({
                bucket: o.bucket,
                table: o.table,
                startDate: o.startDate,
                ...(o.prefix ? { prefix: o.prefix } : {}),
                ...(o.orgId ? { orgId: o.orgId } : {}),
                ...(o.accounts ? { accounts: o.accounts.split(',').map((a) => a.trim()) } : {}),
              }).trimEnd(),
            );
          },
        ),
      );
  },
};
