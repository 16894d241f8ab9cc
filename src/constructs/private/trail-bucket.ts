import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * The bucket a trail delivers to: TLS only, no public access, versioned, kept when the stack goes (logs
 * are evidence); SSE-KMS with a bucket key when `key` is given, else SSE-S3. Not access-logged itself
 * (acknowledged for cdk-nag): that needs another bucket per deployment, and the trail's log file
 * validation already shows tampering.
 */
export function trailBucket(scope: Construct, id: string, what: string, key?: kms.IKey): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...(key
      ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `The ${what} bucket holds CloudTrail logs (with log file validation); access-logging it needs another bucket per deployment.`,
  });
  return bucket;
}
