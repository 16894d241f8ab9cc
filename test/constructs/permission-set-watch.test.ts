/**
 * permissionSetWatch: the member-account patterns of an Identity Center permission set, run through
 * the project's EventBridge pattern engine on the real records of test/fixtures/identity-center
 * rewritten to the permission set (positive), and on look-alike roles (negative).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { permissionSetWatch } from '../../src/constructs/private/permission-set-watch.js';
import { EVENT_PATTERN_CHARS } from '../../src/constructs/private/quotas.js';
import { matchesPattern, validatePattern } from '../../src/engines/event-pattern/index.js';
import { ssoRoleArn } from '../../src/engines/identity-center.js';
import {
  MEMBER,
  REGION,
  ROLE_ARN,
  SET,
  SUFFIX,
  consoleRecords,
  eventOf,
  originalRecords,
  samlRecord,
  stratusRecords,
} from './permission-set-records.js';

type Json = Record<string, unknown>;
const watches = permissionSetWatch(SET);

/** The ids of the watches whose pattern matches `record`'s EventBridge event. */
function matching(record: Json): string[] {
  const event = eventOf(record);
  return watches.filter((w) => matchesPattern(w.pattern, event)).map((w) => w.id);
}

const role = (name: string, region: string | undefined = REGION, path = '/aws-reserved/sso.amazonaws.com/') =>
  `arn:aws:iam::${MEMBER}:role${region === undefined ? path : `${path}${region}/`}${name}`;
const NO_REGION = ssoRoleArn({ partition: 'aws', account: MEMBER, set: SET, suffix: SUFFIX });
/** Roles that are not the permission set's, each in the Identity Center path unless said. */
const LOOKALIKES: [string, string][] = [
  ['a set whose name extends it', role(`AWSReservedSSO_${SET}X_${SUFFIX}`)],
  ['a role named with a prefix before AWSReservedSSO_', role(`Ops-AWSReservedSSO_${SET}_${SUFFIX}`)],
  ['the same without a Region segment', role(`Ops-AWSReservedSSO_${SET}_${SUFFIX}`, undefined)],
  ['another permission set', role(`AWSReservedSSO_AdministratorAccess_${SUFFIX}`)],
  ['the name outside the Identity Center path', role(`AWSReservedSSO_${SET}_${SUFFIX}`, undefined, '/')],
  ['the name under another path', role(`AWSReservedSSO_${SET}_${SUFFIX}`, undefined, '/aws-reserved/other/')],
];

/** The documented AccessDenied wordings (denials fixture), on the permission set's role. */
function deniedRecords(roleArn: string): { name: string; record: Json }[] {
  const file = join(import.meta.dirname, '..', 'simulator', 'fixtures', 'denials', 'denied-assume-role.json');
  const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: { name: string; record: Json }[] }).cases;
  return cases.map((c) => {
    const text = JSON.stringify(c.record)
      .replaceAll('arn:aws:iam::111122223333:role/BreakGlass', roleArn)
      .replaceAll('111122223333', MEMBER);
    return { name: c.name, record: JSON.parse(text) as Json };
  });
}

describe('permissionSetWatch', () => {
  it('gives valid EventBridge patterns, each well under the pattern-size quota, even for a 32-character name', () => {
    for (const name of [SET, 'a'.repeat(32), 'x_y.z@w+v=u,t-s']) {
      for (const w of permissionSetWatch(name)) {
        expect(() => validatePattern(w.pattern), w.id).not.toThrow();
        expect(JSON.stringify(w.pattern).length, w.id).toBeLessThan(EVENT_PATTERN_CHARS / 2);
      }
    }
  });

  it('has stable ids of letters and digits, one per kind of use', () => {
    expect(watches.map((w) => [w.id, w.kind])).toEqual([
      ['PermissionSetAssume', 'way-in'],
      ['PermissionSetAssumeFailed', 'denied'],
      ['PermissionSetDenied', 'denied'],
      ['PermissionSetConsole', 'way-in'],
      ['PermissionSetActions', 'action'],
    ]);
    for (const w of watches) expect(w.id).toMatch(/^[A-Za-z0-9]+$/);
    expect(JSON.stringify(watches)).not.toContain(MEMBER);
  });

  it('rejects a name Identity Center would refuse, naming the field', () => {
    expect(() => permissionSetWatch('break/glass')).toThrow(/^permissionSet\.name: 'break\/glass'/);
    expect(() => permissionSetWatch('a'.repeat(33))).toThrow(/1-32/);
  });

  describe('ways in', () => {
    it('matches the real AssumeRoleWithSAML rewritten to the permission set, as a way in only', () => {
      expect(matching(samlRecord())).toEqual(['PermissionSetAssume']);
      expect(matching(samlRecord(NO_REGION))).toEqual(['PermissionSetAssume']);
    });

    it('matches a failed AssumeRoleWithSAML that names the role as a denied attempt', () => {
      const r = {
        ...samlRecord(),
        errorCode: 'AccessDenied',
        errorMessage: 'Not authorized',
        responseElements: null,
      };
      expect(matching(r)).toEqual(['PermissionSetAssumeFailed']);
    });

    it('matches console federation into the role, with and without a session context', () => {
      for (const r of consoleRecords())
        expect(matching(r), String(r['eventID'])).toEqual(['PermissionSetConsole']);
      for (const r of consoleRecords(NO_REGION)) expect(matching(r)).toEqual(['PermissionSetConsole']);
    });

    it('does not match the records before the rewrite (another Identity Center set, another SAML role)', () => {
      for (const r of originalRecords()) expect(matching(r)).toEqual([]);
    });
  });

  describe('actions', () => {
    it('matches every real call made with an Identity Center session, rewritten to the permission set', () => {
      const records = stratusRecords();
      expect(records).toHaveLength(4);
      for (const r of records) expect(matching(r), String(r['eventName'])).toEqual(['PermissionSetActions']);
      for (const r of stratusRecords(NO_REGION)) expect(matching(r)).toEqual(['PermissionSetActions']);
    });

    it('matches a call the session was refused (it is still a use of the role)', () => {
      const [r] = stratusRecords();
      expect(
        matching({ ...r, errorCode: 'AccessDenied', errorMessage: 'User: … is not authorized' }),
      ).toEqual(['PermissionSetActions']);
    });
  });

  describe('denied attempts', () => {
    it.each(deniedRecords(ROLE_ARN).map((c) => [c.name, c.record] as const))(
      'matches a denied AssumeRole on the role worded %s',
      (_name, record) => {
        expect(matching(record)).toEqual(['PermissionSetDenied']);
      },
    );

    it('matches the wordings for the role path without a Region segment', () => {
      for (const c of deniedRecords(NO_REGION))
        expect(matching(c.record), c.name).toEqual(['PermissionSetDenied']);
    });

    it('does not match a denial on another role', () => {
      for (const c of deniedRecords(`arn:aws:iam::${MEMBER}:role/BreakGlass`))
        expect(matching(c.record)).toEqual([]);
    });
  });

  describe.each(LOOKALIKES)('rejects %s', (_what, arn) => {
    it('in AssumeRoleWithSAML', () => expect(matching(samlRecord(arn))).toEqual([]));
    it('in calls made with its session', () => {
      for (const r of stratusRecords(arn)) expect(matching(r)).toEqual([]);
    });
    it('in console sign-in with a session context', () => {
      const withContext = consoleRecords(arn)[1] as Json;
      expect(matching(withContext)).toEqual([]);
    });
    it('in denied attempts', () => {
      for (const c of deniedRecords(arn)) expect(matching(c.record), c.name).toEqual([]);
    });
  });

  describe('a set whose name is this one plus "_<more>" (names may hold _)', () => {
    const longer = role(`AWSReservedSSO_${SET}_extra_${SUFFIX}`);
    it('is rejected where the record names the role twice (successful assume, calls, console with context)', () => {
      expect(matching(samlRecord(longer))).toEqual([]);
      for (const r of stratusRecords(longer)) expect(matching(r)).toEqual([]);
      expect(matching(consoleRecords(longer)[1] as Json)).toEqual([]);
    });
    it('is matched (an over-match, never a miss) where the record names the role once', () => {
      expect(matching(consoleRecords(longer)[0] as Json)).toEqual(['PermissionSetConsole']);
      expect(matching((deniedRecords(longer)[0] as { record: Json }).record)).toEqual([
        'PermissionSetDenied',
      ]);
    });
  });
});
