import { describe, expect, it } from 'vitest';
import { buildSessions, type SessionPrincipals } from '../../../src/engines/cloudtrail/sessions.js';
import { ssoRoleName } from '../../../src/engines/identity-center.js';
import {
  deniedWayIn,
  roleArnNamed,
  sessionRecords,
  SET,
  setRoleArn,
} from '../../report/permission-set-trail.js';

const A = '333333333333';
const SUFFIX = '7c2f1e0a9b3d4c5e';
const principals: SessionPrincipals = { roleArns: [], userNames: [], permissionSets: [SET] };

/** The real way in + four calls (see test/report/permission-set-trail.ts) into `roleArn`. */
const records = (roleArn: string, tag = 'T1') =>
  sessionRecords({ account: A, region: 'eu-west-1', roleArn, tag });

const denied = (roleArn: string) => deniedWayIn({ account: A, region: 'eu-west-1', roleArn, tag: 'T1' });

const cases: ReadonlyArray<{ name: string; roleArn: string; found: boolean }> = [
  {
    name: 'the set’s role, path with a Region segment',
    roleArn: setRoleArn(A, SUFFIX, 'eu-west-1'),
    found: true,
  },
  { name: 'the set’s role, path without a Region segment', roleArn: setRoleArn(A, SUFFIX), found: true },
  { name: 'a suffix of letters and digits', roleArn: setRoleArn(A, 'A1b2C3d4E5f6G7h8'), found: true },
  {
    name: 'rejects a name that only contains the role name',
    roleArn: roleArnNamed(A, `Ops-${ssoRoleName(SET, SUFFIX)}`),
    found: false,
  },
  {
    name: 'rejects another set whose name starts with the set’s',
    roleArn: roleArnNamed(A, ssoRoleName(`${SET}X`, SUFFIX)),
    found: false,
  },
  {
    name: 'rejects a longer set name `<set>_more`',
    roleArn: roleArnNamed(A, ssoRoleName(`${SET}_more`, SUFFIX)),
    found: false,
  },
  {
    name: 'rejects a 15-character suffix',
    roleArn: roleArnNamed(A, ssoRoleName(SET, SUFFIX.slice(1))),
    found: false,
  },
  {
    name: 'rejects the role name outside the Identity Center path',
    roleArn: roleArnNamed(A, ssoRoleName(SET, SUFFIX), '/'),
    found: false,
  },
  {
    name: 'rejects a path segment that is not a Region',
    roleArn: roleArnNamed(A, ssoRoleName(SET, SUFFIX), '/aws-reserved/sso.amazonaws.com/teams/'),
    found: false,
  },
];

describe('buildSessions with a break-glass permission set', () => {
  for (const c of cases) {
    it(`${c.found ? 'finds' : 'ignores'}: ${c.name} (way in, calls, denied way in, calls without their way in)`, () => {
      const rs = records(c.roleArn);
      const n = c.found ? 1 : 0;
      const full = buildSessions(rs, { principals });
      expect(full.map((s) => [s.wayIn, s.principal, s.counts.calls])).toEqual(
        c.found ? [['AssumeRoleWithSAML', c.roleArn, 4]] : [],
      );
      const no = buildSessions([denied(c.roleArn)], { principals });
      expect(no.map((s) => [s.status, s.principal])).toEqual(c.found ? [['failed', c.roleArn]] : []);
      // The calls alone: the session issuer is the set's role (the way in happened before the input).
      const unseen = buildSessions(rs.slice(1), { principals });
      expect(unseen.map((s) => [s.wayIn, s.roleArn, s.counts.calls])).toEqual(
        c.found ? [['Unseen', c.roleArn, 4]] : [],
      );
      expect(full.length + no.length + unseen.length).toBe(3 * n);
    });
  }

  it('finds nothing of the set’s roles without the permission set in the principals', () => {
    const rs = records(setRoleArn(A, SUFFIX, 'eu-west-1'));
    expect(buildSessions(rs, { principals: { roleArns: ['BreakGlass'], userNames: [] } })).toEqual([]);
  });

  it('keeps two sets apart: naming `<set>_more` as well finds its role, the set alone does not', () => {
    const other = roleArnNamed(A, ssoRoleName(`${SET}_more`, SUFFIX));
    const rs = [...records(setRoleArn(A, SUFFIX)), ...records(other, 'T2')];
    const both = { ...principals, permissionSets: [SET, `${SET}_more`] };
    expect(buildSessions(rs, { principals: both }).map((s) => s.principal)).toEqual([
      setRoleArn(A, SUFFIX),
      other,
    ]);
    expect(buildSessions(rs, { principals }).map((s) => s.principal)).toEqual([setRoleArn(A, SUFFIX)]);
  });

  it('keeps the session name of the Identity Center session and the SAML subject as the person', () => {
    const [s] = buildSessions(records(setRoleArn(A, SUFFIX)), { principals });
    expect(s?.sessionName).toBe('randomca0L529zwNAY@gmail.com');
    expect(s?.person.name).toBe('SamlExample');
  });
});
