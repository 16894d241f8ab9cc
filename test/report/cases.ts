/**
 * Hand-built trails for the report's behaviours (values are ours; record shapes follow the CloudTrail
 * userIdentity and sign-in event references and the real records in fixtures/shared).
 */
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/record.js';

export const ACCOUNT = '111122223333';
export const INSTANCE_ROLE = `arn:aws:iam::${ACCOUNT}:role/WebServerRole`;
export const BREAK_GLASS_ROLE = `arn:aws:iam::${ACCOUNT}:role/BreakGlass`;
export const THIEF_IP = '203.0.113.50';
export const THIEF_UA = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024';
export const BOB_IP = '198.51.100.7';

let seq = 0;
function id(): string {
  seq += 1;
  return `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
}

function call(
  t: string,
  source: string,
  name: string,
  ui: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: ui,
    eventTime: t,
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: THIEF_IP,
    userAgent: THIEF_UA,
    requestParameters: null,
    responseElements: null,
    eventID: id(),
    eventType: 'AwsApiCall',
    readOnly: false,
    recipientAccountId: ACCOUNT,
    ...extra,
  } as CloudTrailRecord;
}

function roleSession(role: string, session: string, key: string): Record<string, unknown> {
  const name = role.split('/').pop()!;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: key,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLE',
        arn: role,
        accountId: ACCOUNT,
        userName: name,
      },
      attributes: { creationDate: '2026-03-01T09:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

/**
 * An EC2 instance role session (the way in: AssumeRole by ec2.amazonaws.com) whose key is used by the
 * instance from its private address, then from a laptop on the internet with another user agent.
 */
export function stolenInstanceCredentials(): CloudTrailRecord[] {
  const key = 'ASIASTOLENKEY0000001';
  const ui = roleSession(INSTANCE_ROLE, 'i-0123456789abcdef0', key);
  return [
    call(
      '2026-03-01T09:00:00Z',
      'sts.amazonaws.com',
      'AssumeRole',
      { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' },
      {
        sourceIPAddress: 'ec2.amazonaws.com',
        userAgent: 'ec2.amazonaws.com',
        readOnly: true,
        requestParameters: { roleArn: INSTANCE_ROLE, roleSessionName: 'i-0123456789abcdef0' },
        responseElements: {
          credentials: { accessKeyId: key, expiration: 'Mar 1, 2026, 3:00:00 PM' },
          assumedRoleUser: { assumedRoleId: 'AROAEXAMPLE:i-0123456789abcdef0', arn: ui['arn'] },
        },
        resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: INSTANCE_ROLE }],
      },
    ),
    call('2026-03-01T09:05:00Z', 's3.amazonaws.com', 'GetObject', ui, {
      sourceIPAddress: '10.0.1.5',
      userAgent: 'aws-sdk-go-v2/1.25.0',
      readOnly: true,
      requestParameters: { bucketName: 'app-assets', key: 'index.html' },
    }),
    call('2026-03-01T10:00:00Z', 's3.amazonaws.com', 'ListBuckets', ui, { readOnly: true }),
    call('2026-03-01T10:01:00Z', 's3.amazonaws.com', 'GetObject', ui, {
      readOnly: true,
      requestParameters: { bucketName: 'customer-exports', key: '2026/02/all-customers.csv' },
    }),
    call('2026-03-01T10:02:00Z', 'iam.amazonaws.com', 'CreateUser', ui, {
      requestParameters: { userName: 'backup-svc' },
    }),
    call('2026-03-01T10:03:00Z', 'cloudtrail.amazonaws.com', 'StopLogging', ui, {
      requestParameters: { name: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail` },
    }),
    call('2026-03-01T10:04:00Z', 'iam.amazonaws.com', 'AttachUserPolicy', ui, {
      errorCode: 'AccessDenied',
      errorMessage: `User: ${String(ui['arn'])} is not authorized to perform: iam:AttachUserPolicy`,
      requestParameters: null,
    }),
  ];
}

/**
 * A console switch into the break-glass role: the AssumeRole the console makes for the IAM user,
 * then the SwitchRole sign-in event in the SwitchFrom form (identity = the role session), then a call.
 */
export function consoleSwitch(withAssumeRole = true): CloudTrailRecord[] {
  const key = 'ASIACONSOLESWITCH001';
  const sessionArn = `arn:aws:sts::${ACCOUNT}:assumed-role/BreakGlass/bob`;
  const bob = {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEBOB',
    arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIABOBCONSOLE000001',
    userName: 'bob',
    sessionContext: { attributes: { creationDate: '2026-03-02T08:50:00Z', mfaAuthenticated: 'true' } },
  };
  const assume = call('2026-03-02T08:55:00Z', 'sts.amazonaws.com', 'AssumeRole', bob, {
    sourceIPAddress: BOB_IP,
    userAgent: 'AWS Signin, aws-internal/3',
    readOnly: true,
    requestParameters: { roleArn: BREAK_GLASS_ROLE, roleSessionName: 'bob', durationSeconds: 3600 },
    responseElements: {
      credentials: { accessKeyId: key, expiration: 'Mar 2, 2026, 9:55:00 AM' },
      assumedRoleUser: { assumedRoleId: 'AROAEXAMPLE:bob', arn: sessionArn },
    },
  });
  const switchRole = call(
    '2026-03-02T08:55:01Z',
    'signin.amazonaws.com',
    'SwitchRole',
    {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:bob',
      arn: sessionArn,
      accountId: ACCOUNT,
      sessionContext: { attributes: { creationDate: '2026-03-02T08:55:00Z', mfaAuthenticated: 'true' } },
    },
    {
      sourceIPAddress: BOB_IP,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      eventType: 'AwsConsoleSignIn',
      responseElements: { SwitchRole: 'Success' },
      additionalEventData: {
        SwitchFrom: `arn:aws:iam::${ACCOUNT}:user/bob`,
        RedirectTo: 'https://us-east-1.console.aws.amazon.com/console/home',
      },
    },
  );
  const list = call(
    '2026-03-02T08:56:00Z',
    'iam.amazonaws.com',
    'ListRoles',
    roleSession(BREAK_GLASS_ROLE, 'bob', key),
    {
      sourceIPAddress: BOB_IP,
      userAgent: 'AWS Internal',
      readOnly: true,
    },
  );
  return withAssumeRole ? [assume, switchRole, list] : [switchRole, list];
}

/** A break-glass session with records that are not well-formed: bad time, no Region. */
export function oddRecords(): CloudTrailRecord[] {
  const key = 'ASIAODDRECORDS000001';
  const ui = roleSession(BREAK_GLASS_ROLE, 'carol', key);
  const wayIn = call(
    '2026-03-03T12:00:00Z',
    'sts.amazonaws.com',
    'AssumeRole',
    {
      type: 'IAMUser',
      arn: `arn:aws:iam::${ACCOUNT}:user/carol`,
      accountId: ACCOUNT,
      userName: 'carol',
      accessKeyId: 'AKIACAROL00000000001',
    },
    {
      sourceIPAddress: '192.0.2.10',
      userAgent: 'aws-cli/2.15.30',
      readOnly: true,
      requestParameters: {
        roleArn: BREAK_GLASS_ROLE,
        roleSessionName: 'carol',
        tags: [
          { key: 'Reason', value: 'restore db' },
          { key: 'Ticket', value: 'INC-7' },
        ],
      },
      responseElements: {
        credentials: { accessKeyId: key },
        assumedRoleUser: { arn: ui['arn'] },
      },
    },
  );
  const badTime = call('not-a-timestamp', 'rds.amazonaws.com', 'DescribeDBInstances', ui, {
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30',
    readOnly: true,
  });
  const noRegion = call('2026-03-03T12:05:00Z', 'rds.amazonaws.com', 'RebootDBInstance', ui, {
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: { dBInstanceIdentifier: 'orders-db' },
  });
  delete (noRegion as Record<string, unknown>)['awsRegion'];
  return [wayIn, badTime, noRegion];
}

/** A record whose userIdentity has the wrong JSON type (a string): DuckDB cannot read it. */
export function mistyped(): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: 'not-an-object',
    eventTime: '2026-03-03T12:06:00Z',
    eventSource: 'rds.amazonaws.com',
    eventName: 'DescribeDBInstances',
    awsRegion: 'us-east-1',
    eventID: '00000000-0000-4000-8000-bad000000001',
    recipientAccountId: ACCOUNT,
  };
}
