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
import { Lazy } from 'aws-cdk-lib';
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

/** Whose data events are recorded: everyone's, or only these break-glass principals'. */
export interface DataEventPrincipals {
  /** `arn:<partition>:sts::<account>:assumed-role/<role name>/`: every session of the role. */
  readonly sessionArnPrefixes: readonly string[];
  /** IAM user ARNs (calls made with the user's own credentials). */
  readonly userArns: readonly string[];
}

/**
 * The advanced event selectors: every management event, plus the data events of each service —
 * everyone's, or (with `principals`) only those whose `userIdentity.arn` is a break-glass session or
 * user. `userIdentity.arn` is a data-event selector field on trails (AdvancedFieldSelector in the
 * CloudTrail API Reference); for management events it is not (event data stores only). Sessions and
 * users get separate selectors: a session prefix is matched with `StartsWith` (it ends with `/`, so
 * `role/alice` does not cover `role/alice2`), a user ARN with `Equals`.
 */
export function dataEventSelectors(
  services: readonly DataEventService[],
  principals?: DataEventPrincipals,
): cloudtrail.CfnTrail.AdvancedEventSelectorProperty[] {
  const data = (s: DataEventService, who?: cloudtrail.CfnTrail.AdvancedFieldSelectorProperty) => ({
    name: `Data events: ${DATA_EVENT_RESOURCE_TYPES[s]}${who ? ` by break-glass ${who.startsWith ? 'sessions' : 'users'}` : ''}`,
    fieldSelectors: [
      { field: 'eventCategory', equalTo: ['Data'] },
      { field: 'resources.type', equalTo: [DATA_EVENT_RESOURCE_TYPES[s]] },
      ...(who ? [who] : []),
    ],
  });
  const who: (cloudtrail.CfnTrail.AdvancedFieldSelectorProperty | undefined)[] = principals
    ? [
        ...(principals.sessionArnPrefixes.length > 0
          ? [{ field: 'userIdentity.arn', startsWith: [...principals.sessionArnPrefixes] }]
          : []),
        ...(principals.userArns.length > 0
          ? [{ field: 'userIdentity.arn', equalTo: [...principals.userArns] }]
          : []),
      ]
    : [undefined];
  return [
    {
      name: 'Management events (every alert relies on them)',
      fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }],
    },
    ...services.flatMap((s) => who.map((w) => data(s, w))),
  ];
}

/**
 * Sets the selectors on the trail (on its L1: the L2 `Trail` only writes basic selectors), at synthesis
 * (`principals` is read then, when every break-glass principal is registered). CloudTrail allows 500
 * selector values per trail (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html):
 * for every principal, five services make 11; narrowed, each kind of principal (sessions, users) has
 * its own selector per service: two values plus one per principal (one role and one user: 31).
 */
export function addDataEvents(
  trail: cloudtrail.Trail,
  services: readonly DataEventService[],
  principals?: () => DataEventPrincipals,
): void {
  if (services.length === 0) return;
  const cfn = trail.node.defaultChild as cloudtrail.CfnTrail;
  cfn.advancedEventSelectors = Lazy.any({ produce: () => dataEventSelectors(services, principals?.()) });
  // The L2 always writes `EventSelectors: []`; a trail takes one kind of selector or the other.
  cfn.addPropertyDeletionOverride('EventSelectors');
}
