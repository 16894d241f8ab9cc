import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { BreakGlassAlertChannels } from '../../src/constructs/channels.js';
import { BreakGlassLogActions } from '../../src/constructs/log-actions.js';
import { BreakGlassLoginAlert } from '../../src/constructs/login-alert.js';
import { BreakGlassRegionalStack } from '../../src/constructs/regional-stack.js';

const ACCOUNT = '111111111111';

describe('BreakGlassLoginAlert on its own', () => {
  it('builds its own channels; with shared channels, LoginAlert and LogActions share one regional stack and one forwarding rule per Region', () => {
    const app = new App();
    const main = new Stack(app, 'Main', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    const user = iam.User.fromUserArn(main, 'U', `arn:aws:iam::${ACCOUNT}:user/bob`);
    const alone = new BreakGlassLoginAlert(main, 'Alone', { users: [user], regions: ['us-east-1'] });
    expect(alone.channels.node.path).toBe('Main/Alone/Channels');
    expect(alone.waysIn.map((w) => w.id)).toEqual(['UserConsole', 'UserToken', 'UserFederated']);

    const channels = new BreakGlassAlertChannels(main, 'Shared', { regions: ['ap-south-1'] });
    const role = iam.Role.fromRoleArn(main, 'R', `arn:aws:iam::${ACCOUNT}:role/alice`);
    new BreakGlassLoginAlert(main, 'Alert', { roles: [role], channels });
    new BreakGlassLogActions(main, 'Log', { roles: [role], channels, logActions: 'write' });

    const regional = app.node.children.filter(
      (c): c is BreakGlassRegionalStack => c instanceof BreakGlassRegionalStack,
    );
    expect(regional.map((s) => s.stackName).sort()).toEqual(['Main-ap-south-1', 'Main-us-east-1']);
    const south = Template.fromStack(regional.find((s) => s.region === 'ap-south-1') as Stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const forwards = Object.values(south.Resources).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties['EventPattern']).includes('role/alice'),
    );
    expect(forwards).toHaveLength(1);
    expect(forwards[0]?.Properties['State']).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    // us-east-1 carries both central buses' forwarders (the standalone alert's and the shared one)
    const east = Template.fromStack(
      regional.find((s) => s.region === 'us-east-1') as Stack,
    ).toJSON() as typeof south;
    const eastForwards = Object.values(east.Resources).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties['Targets']).includes(':event-bus/'),
    );
    expect(eastForwards.length).toBe(4); // 2 principal forwarders + 2 alarm forwarders
  });

  it('rejects a construct with neither roles nor users', () => {
    const main = new Stack(new App(), 'Main', { env: { account: ACCOUNT, region: 'eu-west-1' } });
    expect(() => new BreakGlassLoginAlert(main, 'A', { regions: ['eu-west-1'] })).toThrow(
      /Main\/A: roles: no roles and no users to watch/,
    );
  });
});
