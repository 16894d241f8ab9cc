/**
 * The data-read scenario: a break-glass session (or user) reads an S3 object. `GetObject` is a data
 * event: CloudTrail records it, and EventBridge receives it, only when a trail selects S3 object data
 * events (see `trails.ts`). The record's shape follows the S3 data events CloudTrail documents
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html):
 * `eventCategory: "Data"`, `managementEvent: false`, `readOnly: true`, and `resources` naming the object
 * (`AWS::S3::Object`) and its bucket (`AWS::S3::Bucket`).
 */
import type { CloudTrailRecord } from '../engines/cloudtrail/index.js';
import { stableId } from './records.js';

/** AWS documentation's placeholder bucket name. */
export const DATA_READ_BUCKET = 'amzn-s3-demo-bucket';
const KEY = 'incident/INC-1234/backup.sql';

export function s3GetObjectRecord(c: {
  readonly key: string;
  readonly region: string;
  readonly account: string;
  readonly identity: Record<string, unknown>;
}): CloudTrailRecord {
  return {
    eventVersion: '1.10',
    userIdentity: c.identity,
    eventTime: '2026-11-20T02:14:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: c.region,
    sourceIPAddress: '198.51.100.7',
    userAgent: '[aws-cli/2.17.0 Python/3.11.8 Linux/6.1 exe/x86_64 command/s3api.get-object]',
    requestParameters: {
      bucketName: DATA_READ_BUCKET,
      Host: `${DATA_READ_BUCKET}.s3.${c.region}.amazonaws.com`,
      key: KEY,
    },
    responseElements: null,
    additionalEventData: {
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: 0,
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': 'EXAMPLEid2',
      bytesTransferredOut: 2048,
    },
    requestID: stableId(`${c.key}#request`).replace(/-/g, '').slice(0, 16).toUpperCase(),
    eventID: stableId(c.key),
    readOnly: true,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${DATA_READ_BUCKET}/${KEY}` },
      { accountId: c.account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${DATA_READ_BUCKET}` },
    ],
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: c.account,
    eventCategory: 'Data',
  } as CloudTrailRecord;
}
