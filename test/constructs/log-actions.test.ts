/**
 * Action logging: API calls made with a break-glass session, in any watched Region (IAM in
 * us-east-1), are forwarded to the central bus and reach the central log group; read-only
 * Get/List/Describe calls only when reads are logged (rule state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS).
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreakGlassLogActions } from '../../src/constructs/log-actions.js';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import { AlertingWorld } from './alerting-harness.js';

interface Case {
  name: string;
  provenance: string;
  readOnly: boolean;
  unrelated?: boolean;
  record: CloudTrailRecord;
}
const cases = JSON.parse(readFileSync(new URL('./fixtures/actions.json', import.meta.url), 'utf8')) as Case[];
const ACCOUNT = '111111111111';

function world(app: App, id: string, props: Partial<ConstructorParameters<typeof BreakGlassLogActions>[2]>) {
  const main = new Stack(app, id, { env: { account: ACCOUNT, region: 'eu-west-1' } });
  const role = iam.Role.fromRoleArn(main, 'Role', `arn:aws:iam::${ACCOUNT}:role/alice`);
  const log = new BreakGlassLogActions(main, 'LogActions', {
    roles: [role],
    regions: ['ap-southeast-2'],
    ...props,
  });
  const busName = (main.resolve(log.channels.eventBus.eventBusName) as { Ref: string }).Ref;
  return { main, log, busRef: busName };
}

describe('BreakGlassLogActions', () => {
  let all: AlertingWorld;
  let writes: AlertingWorld;
  let allLogGroup: string;
  let mainAll: Stack;

  beforeAll(() => {
    const app = new App();
    const a = world(app, 'All', { retention: logs.RetentionDays.ONE_MONTH });
    const w = world(app, 'Writes', { logActions: 'write', logServices: ['ssm', 'iam'] });
    mainAll = a.main;
    const stacksOf = (name: string, main: Stack) => [
      main,
      ...['us-east-1', 'ap-southeast-2'].map((r) => app.node.findChild(`${name}-${r}`) as Stack),
    ];
    const busNameOf = (main: Stack, ref: string) =>
      (Template.fromStack(main).toJSON() as { Resources: Record<string, { Properties: { Name: string } }> })
        .Resources[ref]?.Properties.Name as string;
    all = new AlertingWorld(stacksOf('All', a.main), busNameOf(a.main, a.busRef));
    writes = new AlertingWorld(stacksOf('Writes', w.main), busNameOf(w.main, w.busRef));
    allLogGroup = (a.main.resolve(a.log.logGroup.logGroupName) as { Ref: string }).Ref;
  }, 300_000);

  for (const c of cases.filter((c) => !c.unrelated)) {
    it(`logs (logActions true): ${c.name}`, () => {
      const r = all.replay(c.record);
      expect(r.forwardedBy).toHaveLength(1);
      const logged = r.delivered.filter((d) => d.targetArn.includes(':log-group:'));
      expect(logged).toHaveLength(1);
      expect(JSON.parse((logged[0] as { payload: string }).payload)).toMatchObject({
        detail: { eventName: c.record.eventName },
      });
    });
    it(`${c.readOnly ? 'does not log' : 'logs'} (logActions 'write'): ${c.name}`, () => {
      const r = writes.replay(c.record);
      expect(r.delivered.filter((d) => d.targetArn.includes(':log-group:')).length).toBe(c.readOnly ? 0 : 1);
    });
  }

  it('does not log calls of an unrelated role session', () => {
    const c = cases.find((c) => c.unrelated) as Case;
    expect(all.replay(c.record).delivered).toEqual([]);
  });

  it('log group: retention, retained on delete, stable logical id', () => {
    const t = Template.fromStack(mainAll).toJSON() as {
      Resources: Record<string, { DeletionPolicy?: string; Properties: Record<string, unknown> }>;
    };
    const g = t.Resources[allLogGroup];
    expect(allLogGroup).toMatch(/^LogActionsLogGroup[0-9A-F]{8}$/);
    expect(g?.DeletionPolicy).toBe('Retain');
    expect(g?.Properties['RetentionInDays']).toBe(30);
  });

  it("logServices: a call of another service is not logged ('write' world logs ssm and iam only)", () => {
    const c = cases.find((c) => c.name.startsWith('write SSM')) as Case;
    const kms = { ...c.record, eventSource: 'kms.amazonaws.com', eventName: 'ScheduleKeyDeletion' };
    expect(writes.replay(kms).delivered.filter((d) => d.targetArn.includes(':log-group:'))).toEqual([]);
    expect(all.replay(kms).delivered.filter((d) => d.targetArn.includes(':log-group:'))).toHaveLength(1);
  });

  it('rejects logActions false on the construct itself', () => {
    const app = new App();
    expect(() => world(app, 'X', { logActions: false })).toThrow(/logActions: false means nothing to log/);
  });
});
