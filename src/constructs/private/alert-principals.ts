import { Aws, Stack, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { BreakGlassValidationError } from '../errors.js';
import type { MonitoredRole, MonitoredUser } from './alert-ways.js';

function accountOf(scope: Construct, prop: string, index: number, what: string, account: string): string {
  const own = Stack.of(scope).account;
  if (!Token.isUnresolved(account) && !Token.isUnresolved(own) && account !== own) {
    throw new BreakGlassValidationError(
      scope.node.path,
      `${prop}[${index}]`,
      `${what} is in account '${account}' but this stack deploys to '${own}'; CloudTrail delivers the events ` +
        `to the role's own account, so monitor it from a stack in '${account}'`,
    );
  }
  return Token.isUnresolved(account) ? own : account;
}

/**
 * The role as the patterns need it. `roleArn` / `roleName` stay CDK tokens: in another
 * Region's stack they resolve to literals (the role has a physical name), so no SSM parameter or
 * export crosses Regions.
 */
export function monitoredRoles(scope: Construct, roles: readonly iam.IRole[]): MonitoredRole[] {
  return roles.map((role, i) => {
    const account = accountOf(scope, 'roles', i, `role '${role.node.path}'`, role.env.account);
    return {
      arn: role.roleArn,
      name: role.roleName,
      account,
      sessionArnPrefix: `arn:${Aws.PARTITION}:sts::${account}:assumed-role/${role.roleName}/`,
    };
  });
}

export function monitoredUsers(scope: Construct, users: readonly iam.IUser[]): MonitoredUser[] {
  return users.map((user, i) => ({
    arn: user.userArn,
    name: user.userName,
    account: accountOf(scope, 'users', i, `user '${user.node.path}'`, user.env.account),
  }));
}
