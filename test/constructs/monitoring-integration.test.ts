/**
 * BreakGlassRole / BreakGlassUser with the real BreakGlassMonitoring (their own tests stub it):
 * a generated role name resolves to a literal ARN in the other Regions' stacks, and the role's
 * AssumeRole in another Region is alerted end to end.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BreakGlassRole } from '../../src/constructs/break-glass-role.js';
import { BreakGlassUser } from '../../src/constructs/break-glass-user.js';
import { BreakGlassRegionalStack } from '../../src/constructs/regional-stack.js';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import { AlertingWorld } from './alerting-harness.js';

const ACCOUNT = '111111111111';

describe('BreakGlassRole + BreakGlassUser with real monitoring', () => {
  let app: App;
  let main: Stack;
  let roleArn: string;
  let world: AlertingWorld;

  beforeAll(() => {
    app = new App();
    main = new Stack(app, 'Prod', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    const bg = new BreakGlassRole(main, 'BreakGlass', {
      usernames: ['alice'],
      regions: ['eu-central-1', 'us-west-2'],
    });
    new BreakGlassUser(main, 'Users', { usernames: ['bob'], regions: ['eu-central-1', 'us-west-2'] });
    const west = app.node.findChild('Prod-us-west-2') as Stack;
    const t = Template.fromStack(west).toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const fwd = Object.values(t.Resources).find(
      (r) =>
        r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties['EventPattern']).includes(':role/'),
    );
    const m = /:iam::111111111111:role\/([\w+=,.@-]+)/.exec(JSON.stringify(fwd?.Properties['EventPattern']));
    roleArn = `arn:aws:iam::${ACCOUNT}:role/${m?.[1] ?? 'missing'}`;
    void bg;
    const stacks = [
      main,
      ...app.node.children.filter((c): c is BreakGlassRegionalStack => c instanceof BreakGlassRegionalStack),
    ];
    const names = Object.values(
      (
        Template.fromStack(main).toJSON() as {
          Resources: Record<string, { Type: string; Properties: { Name?: string } }>;
        }
      ).Resources,
    )
      .filter((r) => r.Type === 'AWS::Events::EventBus')
      .map((r) => r.Properties.Name as string);
    world = new AlertingWorld(stacks, names.find((n) => n.includes('BreakGlass')) as string);
  }, 300_000);

  it('shares one regional stack per Region between the role and the user monitoring', () => {
    const regional = app.node.children
      .filter((c) => c instanceof BreakGlassRegionalStack)
      .map((s) => (s as Stack).stackName);
    expect(regional.sort()).toEqual(['Prod-us-east-1', 'Prod-us-west-2']);
  });

  it('the generated role name is a literal in the other Region (no cross-Region reference)', () => {
    expect(roleArn).not.toContain('missing');
    const west = Template.fromStack(app.node.findChild('Prod-us-west-2') as Stack).toJSON();
    expect(JSON.stringify(west['Resources'])).not.toContain('Fn::ImportValue');
  });

  it('alerts an AssumeRole of the generated role in us-west-2', () => {
    const record: CloudTrailRecord = {
      eventVersion: '1.08',
      eventTime: '2026-11-21T10:00:00Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      awsRegion: 'us-west-2',
      eventType: 'AwsApiCall',
      eventID: 'e-1',
      readOnly: true,
      recipientAccountId: ACCOUNT,
      sourceIPAddress: '203.0.113.9',
      userIdentity: {
        type: 'IAMUser',
        arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        accountId: ACCOUNT,
        userName: 'alice',
      },
      requestParameters: { roleArn, roleSessionName: 'alice-incident' },
    };
    const r = world.replay(record);
    expect(r.forwardedBy).toHaveLength(1);
    const email = r.delivered.filter((d) =>
      d.payload.includes('Break-glass access: AssumeRole into the break-glass role - Success'),
    );
    expect(email).toHaveLength(1);
    expect((email[0] as { payload: string }).payload).toContain(`Role: ${roleArn}`);
  });
});
