/**
 * `dataEvents`: advanced event selectors on the trail the constructs create, management events kept;
 * bad input rejected in one line (construct props and the config file).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BreakGlassAlertChannels } from '../../src/constructs/channels.js';
import { BreakGlassMonitoring } from '../../src/constructs/monitoring.js';
import type { BreakGlassAlertingOptions } from '../../src/constructs/alerting-props.js';
import { alertingSchema } from '../../src/config/alerting-schema.js';

function channels(props: BreakGlassAlertingOptions): Template {
  const stack = new Stack(new App(), 'Main', { env: { account: '111122223333', region: 'eu-west-1' } });
  new BreakGlassAlertChannels(stack, 'Channels', { regions: ['eu-west-1'], ...props });
  return Template.fromStack(stack);
}

describe('dataEvents on the created trail', () => {
  it("with dataEventsPrincipals 'all': one advanced selector for management events and one per data-event resource type", () => {
    const t = channels({
      createTrail: true,
      dataEvents: ['s3', 'dynamodb', 'lambda'],
      dataEventsPrincipals: 'all',
    });
    t.resourceCountIs('AWS::CloudTrail::Trail', 1);
    t.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      IsLogging: true,
      AdvancedEventSelectors: [
        { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        ...['AWS::S3::Object', 'AWS::DynamoDB::Table', 'AWS::Lambda::Function'].map((type) => ({
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: [type] },
          ],
        })),
      ],
      EventSelectors: Match.absent(),
    });
  });

  it('keeps management events: the management selector does not filter read or write', () => {
    const t = channels({ createTrail: true, dataEvents: ['s3'] });
    const trail = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0] as {
      Properties: { AdvancedEventSelectors: { FieldSelectors: { Field: string }[] }[] };
    };
    const management = trail.Properties.AdvancedEventSelectors[0]?.FieldSelectors ?? [];
    expect(management.map((f) => f.Field)).toEqual(['eventCategory']);
  });

  it('lists a repeated service once', () => {
    const t = channels({ createTrail: true, dataEvents: ['s3', 's3'], dataEventsPrincipals: 'all' });
    const trail = Object.values(t.findResources('AWS::CloudTrail::Trail'))[0] as {
      Properties: { AdvancedEventSelectors: unknown[] };
    };
    expect(trail.Properties.AdvancedEventSelectors).toHaveLength(2);
  });

  it('by default records only the data events of break-glass sessions and users (userIdentity.arn)', () => {
    const stack = new Stack(new App(), 'Main', { env: { account: '111122223333', region: 'eu-west-1' } });
    const role = new iam.Role(stack, 'Role', {
      roleName: 'BreakGlass',
      assumedBy: new iam.AccountRootPrincipal(),
    });
    const user = new iam.User(stack, 'User', { userName: 'breakglass-1' });
    new BreakGlassMonitoring(stack, 'Monitoring', {
      roles: [role],
      users: [user],
      regions: ['eu-west-1'],
      createTrail: true,
      dataEvents: ['s3'],
    });
    const base = [
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
    ];
    Template.fromStack(stack).hasResourceProperties('AWS::CloudTrail::Trail', {
      AdvancedEventSelectors: [
        { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        {
          FieldSelectors: [
            ...base,
            {
              Field: 'userIdentity.arn',
              StartsWith: [
                {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':sts::111122223333:assumed-role/',
                      { Ref: Match.stringLikeRegexp('^Role') },
                      '/',
                    ],
                  ],
                },
              ],
            },
          ],
        },
        {
          FieldSelectors: [...base, { Field: 'userIdentity.arn', Equals: [Match.anyValue()] }],
        },
      ],
    });
  });

  it('leaves the trail without selectors (management events only) when dataEvents is not set', () => {
    channels({ createTrail: true }).hasResourceProperties('AWS::CloudTrail::Trail', {
      AdvancedEventSelectors: Match.absent(),
      EventSelectors: [],
    });
  });

  it('rejects an unknown service with one line listing the valid ones', () => {
    expect(() => channels({ createTrail: true, dataEvents: ['s4' as 's3'] })).toThrow(
      /^Main\/Channels: dataEvents: 's4' is not a service with data events here; use 's3', 'dynamodb', 'lambda', 'sns', 'ebs'$/,
    );
  });

  it('rejects dataEvents without createTrail, naming what to do with an organization trail', () => {
    expect(() => channels({ dataEvents: ['s3'] })).toThrow(
      /dataEvents: needs createTrail: true .*organization trail, add data-event selectors/,
    );
  });
});

describe('dataEvents in the config file', () => {
  it('accepts the listed services', () => {
    expect(alertingSchema.safeParse({ createTrail: true, dataEvents: ['s3', 'ebs'] }).success).toBe(true);
  });

  it('rejects an unknown service naming the valid ones', () => {
    const r = alertingSchema.safeParse({ dataEvents: ['s3', 'rds'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['dataEvents', 1]);
    expect(r.error?.issues[0]?.message).toBe(
      "'rds' is not a service with data events here; use 's3', 'dynamodb', 'lambda', 'sns', 'ebs'",
    );
  });
});
