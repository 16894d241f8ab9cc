/**
 * The records of `test/fixtures/identity-center/` rewritten to a role of the permission set
 * `devops-break-glass` in member account 333333333333, eu-west-1 (provenance in each fixture file).
 * Only the role, the account and the Region change; every other field stays as copied.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type EventBridgeEvent,
  isCloudTrailRecord,
  toEventBridgeEvent,
} from '../../src/engines/cloudtrail/index.js';
import { ssoRoleArn, ssoRoleName } from '../../src/engines/identity-center.js';

type Json = Record<string, unknown>;
const DIR = join(import.meta.dirname, '..', 'fixtures', 'identity-center');

export const SET = 'devops-break-glass';
export const MEMBER = '333333333333';
export const REGION = 'eu-west-1';
export const SUFFIX = '7c2f1e0a9b3d4c5e';
export const ROLE_NAME = ssoRoleName(SET, SUFFIX);
export const ROLE_ARN = ssoRoleArn({
  partition: 'aws',
  account: MEMBER,
  set: SET,
  suffix: SUFFIX,
  region: REGION,
});
export const SAML_PROVIDER = `arn:aws:iam::${MEMBER}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`;

function fixture(file: string): Json {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Json;
}

/** The role name at the end of a role ARN. */
function nameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** The documentation's AssumeRoleWithSAML, into `roleArn` (default the permission set's role). */
export function samlRecord(roleArn = ROLE_ARN): Json {
  const r = structuredClone(fixture('assume-role-with-saml.json')['record']) as Json;
  const params = r['requestParameters'] as Json;
  const session = String(params['roleSessionName']);
  params['roleArn'] = roleArn;
  params['principalArn'] = SAML_PROVIDER;
  const user = (r['responseElements'] as Json)['assumedRoleUser'] as Json;
  user['arn'] = `arn:aws:sts::${MEMBER}:assumed-role/${nameOf(roleArn)}/${session}`;
  r['resources'] = [
    { ARN: roleArn, accountId: MEMBER, type: 'AWS::IAM::Role' },
    { ARN: SAML_PROVIDER, accountId: MEMBER, type: 'AWS::IAM::SAMLProvider' },
  ];
  r['recipientAccountId'] = MEMBER;
  r['awsRegion'] = REGION;
  return r;
}

/** The real stratus-red-team calls made with an Identity Center session, made with `roleArn`'s session. */
export function stratusRecords(roleArn = ROLE_ARN): Json[] {
  return (fixture('stratus-sso-session.json')['records'] as Json[]).map((orig) => {
    const r = structuredClone(orig);
    const ui = r['userIdentity'] as Json;
    const session = String(ui['principalId']).split(':')[1];
    ui['accountId'] = MEMBER;
    ui['arn'] = `arn:aws:sts::${MEMBER}:assumed-role/${nameOf(roleArn)}/${session}`;
    const issuer = (ui['sessionContext'] as Json)['sessionIssuer'] as Json;
    issuer['accountId'] = MEMBER;
    issuer['arn'] = roleArn;
    issuer['userName'] = nameOf(roleArn);
    r['recipientAccountId'] = MEMBER;
    r['awsRegion'] = REGION;
    return r;
  });
}

/** The hand-built console federation records (fixture roles are already the permission set's), into `roleArn`. */
export function consoleRecords(roleArn = ROLE_ARN): Json[] {
  return (fixture('console-federation.json')['records'] as Json[]).map((orig) => {
    const r = structuredClone(orig);
    const ui = r['userIdentity'] as Json;
    ui['arn'] = String(ui['arn']).replace(/assumed-role\/[^/]+\//, `assumed-role/${nameOf(roleArn)}/`);
    const issuer = (ui['sessionContext'] as Json | undefined)?.['sessionIssuer'] as Json | undefined;
    if (issuer) {
      issuer['arn'] = roleArn;
      issuer['userName'] = nameOf(roleArn);
    }
    return r;
  });
}

/** The original, unrewritten fixture records (none is a role of the permission set). */
export function originalRecords(): Json[] {
  return [
    fixture('assume-role-with-saml.json')['record'] as Json,
    ...(fixture('stratus-sso-session.json')['records'] as Json[]),
  ];
}

/** The EventBridge event AWS puts on the member's default bus for `record`. */
export function eventOf(record: Json): EventBridgeEvent {
  if (!isCloudTrailRecord(record)) throw new Error(`not a CloudTrail record: ${JSON.stringify(record)}`);
  return toEventBridgeEvent(record);
}
