/** A hop between "a rule matched" and "a person was told", and how a broken one is reported. */

export type HopName =
  | 'rule state'
  | 'target Region'
  | 'topic policy'
  | 'key policy'
  | 'subscriptions'
  | 'queue policy'
  | 'lambda permission'
  | 'log group policy'
  | 'api destination'
  | 'target role'
  | 'body'
  | 'dead-letter queue'
  | 'event bus'
  | 'alarm';

export interface HopFailure {
  readonly hop: HopName;
  readonly message: string;
  readonly doc: string;
}

export const describeFailure = (f: HopFailure): string => `${f.hop}: ${f.message} (${f.doc})`;

export const DOCS = {
  resourcePolicies: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html',
  snsKeys:
    'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
  sqsKeys:
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services',
  subscriptions: 'https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html',
  dlq: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
  apiDestinations: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html',
  crossRegion: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html',
  lambda:
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions',
  logs: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions',
  metrics: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html',
  sqsMetrics:
    'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html',
  alarmEvents:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html',
  alarmActions:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html',
} as const;

export const fail = (hop: HopName, message: string, doc: string): HopFailure => ({ hop, message, doc });
