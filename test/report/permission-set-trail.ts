/**
 * An organization trail holding Identity Center sessions of the permission set `devops-break-glass`
 * in two member accounts, and look-alike roles that are not the set's, made from the real records of
 * `test/fixtures/identity-center/` (provenance there).
 *
 * Each session is the stratus-red-team calls made with an Identity Center session (real records)
 * and its way in: the IAM User Guide's AssumeRoleWithSAML, into the session's role. The stratus data
 * holds no way in, so the AssumeRoleWithSAML is given what the calls say about it: the session's
 * creation time (`sessionContext.attributes.creationDate`), the session name (after the `:` of
 * `principalId`) and the access key the calls were made with. Each copy (account, Region, role) gets
 * an access key and event ids of its own, as two sessions would; nothing else changes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/record.js';
import { SSO_ROLE_PATH, ssoRoleArn, ssoRoleName } from '../../src/engines/identity-center.js';

type Json = Record<string, unknown>;
const DIR = join(import.meta.dirname, '..', 'fixtures', 'identity-center');
const fixture = (file: string): Json => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Json;

export const ORG_ID = 'o-a1b2c3d4e5';
export const SET = 'devops-break-glass';
const STRATUS_KEY = 'ASIA2HJRQF0DHNYEE9N1';

/** One copy of the session: where it happened and which role it used. */
export interface Copy {
  readonly account: string;
  readonly region: string;
  readonly roleArn: string;
  /** Makes the access key and event ids unique (a few letters or digits). */
  readonly tag: string;
}

/** The set's role in `account`; `region` adds the Region segment some Identity Center instances use. */
export function setRoleArn(account: string, suffix: string, region?: string): string {
  return ssoRoleArn({ partition: 'aws', account, set: SET, suffix, ...(region ? { region } : {}) });
}

/** A role ARN at the Identity Center path (or `path`) with any name: for look-alikes. */
export function roleArnNamed(account: string, name: string, path = SSO_ROLE_PATH): string {
  return `arn:aws:iam::${account}:role${path}${name}`;
}

export const SESSIONS: readonly Copy[] = [
  {
    account: '333333333333',
    region: 'eu-west-1',
    roleArn: setRoleArn('333333333333', '7c2f1e0a9b3d4c5e', 'eu-west-1'),
    tag: 'A3',
  },
  {
    account: '444444444444',
    region: 'eu-central-1',
    roleArn: setRoleArn('444444444444', '0d9e8f7a6b5c4d3e'),
    tag: 'B4',
  },
];

/** Roles that are not the set's: each gets a session in account 333333333333 too. */
export const LOOK_ALIKES: readonly Copy[] = [
  // Another role whose name merely contains the set's role name.
  roleArnNamed('333333333333', `Ops-${ssoRoleName(SET, '1a2b3c4d5e6f7a8b')}`),
  // Another permission set whose name starts with this one's.
  roleArnNamed('333333333333', ssoRoleName(`${SET}X`, '1a2b3c4d5e6f7a8b')),
  // A permission set named `devops-break-glass_more`: its roles start with this set's prefix.
  roleArnNamed('333333333333', ssoRoleName(`${SET}_more`, '1a2b3c4d5e6f7a8b')),
  // The set's role name outside the Identity Center path: not a role Identity Center made.
  roleArnNamed('333333333333', ssoRoleName(SET, '1a2b3c4d5e6f7a8b'), '/'),
].map((roleArn, i) => ({ account: '333333333333', region: 'eu-west-1', roleArn, tag: `L${i}` }));

const nameOf = (roleArn: string) => roleArn.slice(roleArn.lastIndexOf('/') + 1);

/** The way in (AssumeRoleWithSAML) and the four calls of one copy. */
export function sessionRecords(c: Copy): CloudTrailRecord[] {
  const key = `ASIA${c.tag.padEnd(16, '0')}`;
  const calls = (fixture('stratus-sso-session.json')['records'] as Json[]).map((orig, i) => {
    const r = structuredClone(orig);
    const ui = r['userIdentity'] as Json;
    const session = String(ui['principalId']).split(':')[1];
    ui['accountId'] = c.account;
    ui['arn'] = `arn:aws:sts::${c.account}:assumed-role/${nameOf(c.roleArn)}/${session}`;
    if (ui['accessKeyId'] !== STRATUS_KEY) throw new Error('fixture changed: not the stratus key');
    ui['accessKeyId'] = key;
    const issuer = (ui['sessionContext'] as Json)['sessionIssuer'] as Json;
    issuer['accountId'] = c.account;
    issuer['arn'] = c.roleArn;
    issuer['userName'] = nameOf(c.roleArn);
    r['recipientAccountId'] = c.account;
    r['awsRegion'] = c.region;
    r['eventID'] = `${String(r['eventID'])}-${c.tag}-${i}`;
    return r;
  });
  const first = calls[0]!['userIdentity'] as Json;
  const session = String(first['principalId']).split(':')[1]!;
  const created = String(((first['sessionContext'] as Json)['attributes'] as Json)['creationDate']);

  const saml = structuredClone(fixture('assume-role-with-saml.json')['record']) as Json;
  const params = saml['requestParameters'] as Json;
  const provider = `arn:aws:iam::${c.account}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`;
  params['roleArn'] = c.roleArn;
  params['principalArn'] = provider;
  params['roleSessionName'] = session;
  const response = saml['responseElements'] as Json;
  (response['credentials'] as Json)['accessKeyId'] = key;
  (response['assumedRoleUser'] as Json)['arn'] =
    `arn:aws:sts::${c.account}:assumed-role/${nameOf(c.roleArn)}/${session}`;
  saml['resources'] = [
    { ARN: c.roleArn, accountId: c.account, type: 'AWS::IAM::Role' },
    { ARN: provider, accountId: c.account, type: 'AWS::IAM::SAMLProvider' },
  ];
  saml['eventTime'] = created;
  saml['recipientAccountId'] = c.account;
  saml['awsRegion'] = c.region;
  saml['eventID'] = `${String(saml['eventID'])}-${c.tag}`;
  return [saml, ...calls] as unknown as CloudTrailRecord[];
}

function put(root: string, rel: string, data: Buffer): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  return rel;
}

/**
 * Writes one organization-trail log file per copy under `root`
 * (`AWSLogs/<org>/<account>/CloudTrail/<region>/2024/11/26/…json.gz`) and returns the files written;
 * `wayIn: false` leaves the AssumeRoleWithSAML out (it happened before the trail's window).
 */
export function writeTrail(root: string, copies: readonly Copy[], o: { wayIn?: boolean } = {}): string[] {
  return copies.map((c, i) =>
    put(
      root,
      `AWSLogs/${ORG_ID}/${c.account}/CloudTrail/${c.region}/2024/11/26/${c.account}_CloudTrail_${c.region}_20241126T1540Z_${c.tag}${i}.json.gz`,
      gzipSync(JSON.stringify({ Records: sessionRecords(c).slice(o.wayIn === false ? 1 : 0) })),
    ),
  );
}

/**
 * The way in of `c` denied, as STS records a denied call: an error, no response, the role only in
 * the message (the records above hold no denied AssumeRoleWithSAML, so this one is built from the
 * allowed one).
 */
export function deniedWayIn(c: Copy): CloudTrailRecord {
  const r = structuredClone(sessionRecords(c)[0]!) as unknown as Json;
  r['errorCode'] = 'AccessDenied';
  r['errorMessage'] =
    `User: arn:aws:sts::${c.account}:federated-user/SamlExample is not authorized to perform: sts:AssumeRoleWithSAML on resource: ${c.roleArn}`;
  r['eventID'] = `${String(r['eventID'])}-denied`;
  delete r['requestParameters'];
  delete r['responseElements'];
  delete r['resources'];
  return r as unknown as CloudTrailRecord;
}

/** Writes one log file holding `records` for `account` / `region` (`unique` names it) and returns its path. */
export function writeRecords(
  root: string,
  account: string,
  region: string,
  unique: string,
  records: readonly CloudTrailRecord[],
): string {
  return put(
    root,
    `AWSLogs/${ORG_ID}/${account}/CloudTrail/${region}/2024/11/26/${account}_CloudTrail_${region}_20241126T1545Z_${unique}.json.gz`,
    gzipSync(JSON.stringify({ Records: records })),
  );
}

/**
 * The hand-built console sign-ins of `console-federation.json` (the access portal opening the console
 * for the permission set: one without and one with a session context) made by the session of `c`:
 * its role, account, Region and session name, a second after the session was created.
 */
export function consoleSignIns(c: Copy): CloudTrailRecord[] {
  const first = sessionRecords(c)[1]!.userIdentity!;
  const session = String(first.principalId).split(':')[1]!;
  const created = String(first.sessionContext?.attributes?.['creationDate']);
  const at = new Date(Date.parse(created) + 1000).toISOString().replace('.000Z', 'Z');
  return (fixture('console-federation.json')['records'] as Json[]).map((orig, i) => {
    const r = structuredClone(orig);
    const ui = r['userIdentity'] as Json;
    ui['arn'] = `arn:aws:sts::${c.account}:assumed-role/${nameOf(c.roleArn)}/${session}`;
    ui['principalId'] = `${String(ui['principalId']).split(':')[0]}:${session}`;
    ui['accountId'] = c.account;
    const issuer = (ui['sessionContext'] as Json | undefined)?.['sessionIssuer'] as Json | undefined;
    if (issuer) {
      issuer['arn'] = c.roleArn;
      issuer['userName'] = nameOf(c.roleArn);
      issuer['accountId'] = c.account;
    }
    const extra = r['additionalEventData'] as Json;
    extra['SamlProviderArn'] = String(extra['SamlProviderArn']).replace(/::\d{12}:/, `::${c.account}:`);
    r['recipientAccountId'] = c.account;
    r['awsRegion'] = c.region;
    r['eventTime'] = at;
    r['eventID'] = `${String(r['eventID'])}-${c.tag}-${i}`;
    return r as unknown as CloudTrailRecord;
  });
}
