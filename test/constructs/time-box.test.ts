import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { BreakGlassTimeBox } from '../../src/constructs/time-box.js';
import { BreakGlassValidationError } from '../../src/constructs/errors.js';

function stackWithRole(): { stack: Stack; role: iam.Role } {
  const stack = new Stack(new App(), 'Main', { env: { account: '111122223333', region: 'eu-west-1' } });
  const role = new iam.Role(stack, 'BreakGlass', {
    assumedBy: new iam.AccountRootPrincipal(),
    roleName: 'BreakGlass',
  });
  return { stack, role };
}

describe('BreakGlassTimeBox', () => {
  it('denies role chaining except into the listed roles', () => {
    const { stack, role } = stackWithRole();
    new BreakGlassTimeBox(stack, 'TimeBox', {
      role,
      allowedRoleArns: ['arn:aws:iam::111122223333:role/DbRestore'],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'BreakGlassNoRoleChaining',
            Effect: 'Deny',
            Action: 'sts:AssumeRole',
            NotResource: 'arn:aws:iam::111122223333:role/DbRestore',
          },
        ],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('BreakGlass') }],
    });
  });

  it('denies every role chaining when none is listed', () => {
    const { stack, role } = stackWithRole();
    new BreakGlassTimeBox(stack, 'TimeBox', { role, autoEnd: false });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] },
    });
    t.resourceCountIs('AWS::IAM::Role', 1);
  });

  it('creates the Scheduler execution role: this account only, revoke and trust changes on the role only', () => {
    const { stack, role } = stackWithRole();
    const tb = new BreakGlassTimeBox(stack, 'TimeBox', { role });
    expect(tb.schedulerRole).toBeDefined();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
          },
        ],
      },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'EndBreakGlassWindow',
            Effect: 'Allow',
            Action: ['iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('BreakGlass'), 'Arn'] },
          },
        ],
      },
    });
  });

  it('rejects an allowed role that is not a role ARN', () => {
    const { stack, role } = stackWithRole();
    expect(() => new BreakGlassTimeBox(stack, 'TimeBox', { role, allowedRoleArns: ['DbRestore'] })).toThrow(
      BreakGlassValidationError,
    );
    expect(() => new BreakGlassTimeBox(stack, 'TimeBox2', { role, allowedRoleArns: ['DbRestore'] })).toThrow(
      /allowedRoleArns\[0\]: not a role ARN/,
    );
  });
});
