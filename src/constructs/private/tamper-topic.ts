import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Tag key naming what a break-glass resource is for (`breakglass doctor` finds resources by it). */
export const PURPOSE_TAG = 'breakglass:purpose';

/** What a service publishing to a KMS-encrypted SNS topic needs on the key (SNS Developer Guide). */
const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey*', 'kms:Decrypt'] as const;

export interface EncryptedTopic {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
}

export interface EncryptedTopicProps {
  /** Id prefix of the children (`<prefix>Key`, `<prefix>Topic`). */
  readonly idPrefix: string;
  readonly displayName: string;
  readonly keyDescription: string;
  /** Value of the `breakglass:purpose` tag on the topic. */
  readonly purpose: string;
  readonly emails: readonly string[];
}

/**
 * A TLS-only SNS topic encrypted with its own customer-managed key (rotation on) that EventBridge rules
 * and this account's CloudWatch alarms may publish to. The key grants follow the SNS Developer Guide:
 * EventBridge gets the two actions without a source condition (the guide says aws:SourceAccount /
 * aws:SourceArn are not supported there for EventBridge → encrypted topic); CloudWatch alarms carry
 * aws:SourceAccount. https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function createEncryptedTopic(scope: Construct, props: EncryptedTopicProps): EncryptedTopic {
  const account = Stack.of(scope).account;
  const key = new kms.Key(scope, `${props.idPrefix}Key`, {
    enableKeyRotation: true,
    description: props.keyDescription,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowEventBridgeToPublishToEncryptedTopic',
      actions: [...TOPIC_KEY_ACTIONS],
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      resources: ['*'],
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopic',
      actions: [...TOPIC_KEY_ACTIONS],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
  );
  const topic = new sns.Topic(scope, `${props.idPrefix}Topic`, {
    masterKey: key,
    enforceSSL: true,
    displayName: props.displayName,
  });
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchAlarms',
      actions: ['sns:Publish'],
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      resources: [topic.topicArn],
      conditions: { StringEquals: { 'aws:SourceAccount': account } },
    }),
  );
  Tags.of(topic).add(PURPOSE_TAG, props.purpose);
  Tags.of(key).add(PURPOSE_TAG, `${props.purpose}-key`);
  for (const email of props.emails) topic.addSubscription(new subs.EmailSubscription(email));
  return { topic, key };
}
