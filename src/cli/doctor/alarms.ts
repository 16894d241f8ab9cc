/** After deploy: our alarms exist, are OK (not ALARM or INSUFFICIENT_DATA) and have their actions enabled (DescribeAlarms). */
import type { AlarmInfo } from '../aws/doctor-ports.js';
import { finding, mapLimit, type DoctorCheck, type Finding } from './model.js';

export function judgeAlarm(region: string, name: string, a: AlarmInfo | undefined): Finding {
  if (!a)
    return finding(
      'alarms',
      'problem',
      region,
      name,
      'alarm is missing (deleted after deployment); deploy the stack again',
    );
  if (!a.actionsEnabled)
    return finding(
      'alarms',
      'problem',
      region,
      name,
      'alarm actions are disabled: it would notify nobody; aws cloudwatch enable-alarm-actions',
    );
  if (a.state !== 'OK')
    return finding('alarms', 'problem', region, name, `${a.state}${a.reason ? `: ${a.reason}` : ''}`);
  return finding('alarms', 'ok', region, name, 'OK, actions enabled');
}

export const alarmsCheck: DoctorCheck = {
  id: 'alarms',
  phase: 'after-deploy',
  summary: 'alarms not in ALARM or INSUFFICIENT_DATA, actions enabled (cloudwatch:DescribeAlarms)',
  async run(ctx) {
    const byRegion = new Map<string, string[]>();
    for (const s of ctx.stacks) {
      for (const r of ctx.deployed.get(s.stackName)?.resources ?? []) {
        if (r.type !== 'AWS::CloudWatch::Alarm' && r.type !== 'AWS::CloudWatch::CompositeAlarm') continue;
        byRegion.set(s.region, [...(byRegion.get(s.region) ?? []), r.physicalId]);
      }
    }
    if (byRegion.size === 0)
      return [finding('alarms', 'skipped', 'global', 'alarms', 'no deployed alarm: not in this deployment')];
    const per = await mapLimit([...byRegion], 8, async ([region, names]) => {
      const got = new Map((await ctx.aws.alarms(region, names)).map((a) => [a.name, a]));
      return names.map((n) => judgeAlarm(region, n, got.get(n)));
    });
    return per.flat();
  },
};
