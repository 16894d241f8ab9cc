/**
 * engines/identity-center: names and ARNs of permission-set roles
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/referencingpermissionsets.html).
 */
import { describe, expect, it } from 'vitest';
import {
  permissionSetOfRoleArn,
  permissionSetOfRoleName,
  ssoRoleArn,
  ssoRoleName,
} from '../../src/engines/identity-center.js';

const SUFFIX = '599c9e90e350d2ff';

describe('permission-set roles', () => {
  it('builds the role name and both ARN forms', () => {
    expect(ssoRoleName('devops-break-glass', SUFFIX)).toBe(`AWSReservedSSO_devops-break-glass_${SUFFIX}`);
    expect(ssoRoleArn({ partition: 'aws', account: '333333333333', set: 'ops', suffix: SUFFIX })).toBe(
      `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ops_${SUFFIX}`,
    );
    expect(
      ssoRoleArn({
        partition: 'aws-cn',
        account: '333333333333',
        set: 'ops',
        suffix: SUFFIX,
        region: 'cn-north-1',
      }),
    ).toBe(
      `arn:aws-cn:iam::333333333333:role/aws-reserved/sso.amazonaws.com/cn-north-1/AWSReservedSSO_ops_${SUFFIX}`,
    );
  });

  it.each([
    // the real role of the stratus-red-team records
    [`AWSReservedSSO_account-admin_${SUFFIX}`, 'account-admin'],
    [`AWSReservedSSO_ops_x_${SUFFIX}`, 'ops_x'],
    [`AWSReservedSSO_a_${SUFFIX}`, 'a'],
    [`AWSReservedSSO__${SUFFIX}`, undefined],
    [`AWSReservedSSO_ops_${SUFFIX}0`, undefined],
    [`AWSReservedSSO_ops${SUFFIX}`, undefined],
    [`Ops-AWSReservedSSO_ops_${SUFFIX}`, undefined],
    [`AWSReservedSSO_ops/x_${SUFFIX}`, undefined],
    ['BreakGlass', undefined],
  ])('reads the permission set of role name %s as %s', (name, set) => {
    expect(permissionSetOfRoleName(name)).toBe(set);
  });

  it.each([
    [`arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ops_${SUFFIX}`, 'ops'],
    [
      `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ops_${SUFFIX}`,
      'ops',
    ],
    [`arn:aws:iam::333333333333:role/AWSReservedSSO_ops_${SUFFIX}`, undefined],
    [
      `arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/x/y/AWSReservedSSO_ops_${SUFFIX}`,
      undefined,
    ],
    [`arn:aws:iam::333333333333:role/team/AWSReservedSSO_ops_${SUFFIX}`, undefined],
    [`arn:aws:sts::333333333333:assumed-role/AWSReservedSSO_ops_${SUFFIX}/carol`, undefined],
  ])('reads the permission set of role ARN %s as %s', (arn, set) => {
    expect(permissionSetOfRoleArn(arn)).toBe(set);
  });
});
