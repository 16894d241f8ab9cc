/**
 * Data events on the trail the constructs create (`createTrail: true` + `dataEvents`).
 *
 * CloudTrail records data events (S3 object reads and writes, DynamoDB item calls, Lambda invokes, …)
 * only for the resource types a trail selects, and EventBridge receives them only then
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
 *
 * The trail gets advanced event selectors: one for management events (a trail with advanced selectors
 * records only what its selectors select, so leaving it out would stop the management events every
 * alert relies on) and one per data-event resource type (`resources.type` takes one value per
 * selector). A trail has either basic or advanced selectors, never both.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html
 */
import type * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import { DATA_EVENT_SERVICES, type DataEventService } from '../alerting-props.js';
import { BreakGlassValidationError } from '../errors.js';

/**
 * Service name → the CloudTrail data-event resource type (`resources.type`) it stands for.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html#logging-data-events
 */
export const DATA_EVENT_RESOURCE_TYPES: Readonly<Record<DataEventService, string>> = {
  s3: 'AWS::S3::Object',
  dynamodb: 'AWS::DynamoDB::Table',
  lambda: 'AWS::Lambda::Function',
  sns: 'AWS::SNS::Topic',
  ebs: 'AWS::EC2::Snapshot',
};

/** Throws on an unknown service or a repeated one; returns the list deduplicated, in the given order. */
export function checkDataEvents(path: string, services: readonly string[]): DataEventService[] {
  const out: DataEventService[] = [];
  for (const s of services) {
    if (!(DATA_EVENT_SERVICES as readonly string[]).includes(s)) {
      throw new BreakGlassValidationError(
        path,
        'dataEvents',
        `'${s}' is not a service with data events here; use ${DATA_EVENT_SERVICES.map((x) => `'${x}'`).join(', ')}`,
      );
    }
    if (!out.includes(s as DataEventService)) out.push(s as DataEventService);
  }
  return out;
}

/** The advanced event selectors: every management event, plus every data event of each service. */
export function dataEventSelectors(
  services: readonly DataEventService[],
): cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] {
  return [
    {
      name: 'Management events (every alert relies on them)',
      fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
    },
    ...services.map((s) => ({
      name: `Data events: ${DATA_EVENT_RESOURCE_TYPES[s]}`,
      fieldSelectors: [
        { field: 'eventCategory', equalTo: ['Data'] },
        { field: 'resources.type', equalTo: [DATA_EVENT_RESOURCE_TYPES[s]] },
      ],
    })),
  ];
}

/**
 * Sets the selectors on the trail (on its L1: the L2 `Trail` only writes basic selectors). Five
 * services make 11 selector values; CloudTrail allows 500 per trail
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html).
 */
export function addDataEvents(trail: cloudtrail.Trail, services: readonly DataEventService[]): void {
  if (services.length === 0) return;
  const cfn = trail.node.defaultChild as cloudtrail.CfnTrail;
  cfn.advancedEventSelectors = dataEventSelectors(services);
  // The L2 always writes `EventSelectors: []`; a trail takes one kind of selector or the other.
  cfn.addPropertyDeletionOverride('EventSelectors');
}
