/**
 * The `drill` and `deniedAttempts` config fields: bad values are one line naming the field; good ones
 * become the construct props (a daily schedule, a 26-hour window, operators trusted by the drill role).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp, ConfigError, parseConfig } from '../../src/config/index.js';

const base = (role: Record<string, unknown>) => ({
  account: '111122223333',
  region: 'eu-west-1',
  role: { usernames: ['alice'], regions: ['eu-west-1'], ...role },
});

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw, 'bg.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split('\n');
    throw e;
  }
  return [];
}

describe('drill / deniedAttempts in the config file', () => {
  it.each([
    [{ drill: { schedule: 'daily' } }, /bg\.yaml: role\.drill\.schedule: .*schedule expression/],
    [{ drill: { window: 200 } }, /bg\.yaml: role\.drill\.window: /],
    [{ drill: { window: 1 } }, /bg\.yaml: role\.drill\.window: /],
    [{ drill: { operators: ['alice'] } }, /bg\.yaml: role\.drill\.operators\[0\]: .*arn:aws:iam:/],
    [{ drill: { every: 'day' } }, /bg\.yaml: role\.drill/],
    [{ deniedAttempts: 'every' }, /bg\.yaml: role\.deniedAttempts: /],
  ])('rejects %j with one line naming the field', (role, line) => {
    const got = problems(base(role));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(line);
  });

  it('drill: { window, operators } becomes the drill: the alarm window and the operator in the drill role trust', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bgdrillcfg-'));
    try {
      const app = buildApp(
        parseConfig(
          base({
            drill: {
              schedule: 'cron(0 6 * * ? *)',
              window: 30,
              operators: ['arn:aws:iam::111122223333:role/ops'],
            },
            deniedAttempts: 'each',
          }),
          'bg.yaml',
        ),
        { outdir },
      );
      const main = app.node
        .findAll()
        .find((c): c is Stack => Stack.isStack(c) && c.stackName === 'BreakGlass');
      if (!main) throw new Error('no BreakGlass stack');
      const t = Template.fromStack(main);
      t.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 6 * * ? *)' });
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'DrillArrived',
        EvaluationPeriods: 30,
      });
      t.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { AWS: 'arn:aws:iam::111122223333:role/ops' } }),
          ]),
        },
        Tags: Match.arrayWith([{ Key: 'breakglass:purpose', Value: 'drill-role' }]),
      });
      // deniedAttempts: 'each' → no summary alarm.
      expect(
        Object.keys(
          t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'DeniedAttempts' } }),
        ),
      ).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
