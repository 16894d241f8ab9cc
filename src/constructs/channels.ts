import { Annotations, Aws, Names, RemovalPolicy, SecretValue, Stack, Tags, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { isRegionCode } from '../engines/regions.js';
import type { BreakGlassAlertingOptions } from './alerting-props.js';
import { BreakGlassValidationError } from './errors.js';

import {
  DEFAULT_MESSAGE,
  PLACEHOLDERS,
  PlaceholderInput,
  type FieldMap,
  unknownPlaceholders,
} from './private/alert-placeholders.js';
import { requiredPaths, slackBody, webhookBody } from './private/alert-bodies.js';
import {
  ALL_MANAGEMENT_EVENTS,
  lazyForwardingRule,
  setAllManagementEvents,
} from './private/alert-forward.js';
import { failedInvocations, failureAlarm, regionalAlarmRule } from './private/alarms.js';
import {
  EVENT_PATTERN_CHARS,
  TARGETS_PER_RULE,
  checkPatternSize,
  checkQuotasAtSynth,
} from './private/quotas.js';
import { watchedRegions } from './private/regions.js';
import { trailBucket } from './private/trail-bucket.js';
import {
  LogGroupTarget,
  TopicTarget,
  WithDelivery,
  createDeadLetterQueue,
  deliveryFor,
  type Delivery,
} from './private/alert-targets.js';
import {
  forwardPattern,
  type MonitoredRole,
  type MonitoredUser,
  type PatternJson,
} from './private/alert-ways.js';
import { addDataEvents, checkDataEvents } from './private/data-events.js';
import { BreakGlassRegionalStack } from './regional-stack.js';
import { PURPOSE_TAG, createEncryptedTopic } from './private/tamper-topic.js';

/** Properties of {@link BreakGlassAlertChannels}. */
export type BreakGlassAlertChannelsProps = BreakGlassAlertingOptions;

/** What a service publishing to a KMS-encrypted SNS topic needs on the key (SNS Developer Guide). */
const TOPIC_KEY_ACTIONS = ['kms:GenerateDataKey*', 'kms:Decrypt'] as const;
const SLACK_URL = 'https://slack.com/api/chat.postMessage';
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SERVICE_RE = /^[a-z0-9][a-z0-9-]*$/;

/**
 * The central half of break-glass alerting, in the main stack: the central event bus every Region
 * forwards to, the encrypted alert topic (and its KMS key), Slack / webhook / bring-your-own
 * targets, dead-letter queue and delivery alarms, and the per-Region forwarding stacks.
 * `BreakGlassLoginAlert` and `BreakGlassLogActions` add their rules through it; `BreakGlassMonitoring`
 * creates one and shares it.
 */
export class BreakGlassAlertChannels extends Construct {
  /** Central bus in the main Region: forwarded events arrive here; alert and log rules live here. */
  readonly eventBus: events.IEventBus;
  /** ARN of the central bus as a string usable from other Regions' stacks. */
  readonly eventBusArn: string;
  /** Alert topic (KMS-encrypted, TLS-only); emails subscribe to it; the tamper path's delivery alarms notify it. */
  readonly alertTopic: sns.Topic;
  /** Customer-managed key (rotation on) encrypting the alert topic. */
  readonly key: kms.Key;
  /**
   * Tamper topic (tagged `breakglass:purpose=tamper-topic`): changes to the alerting itself, drill and
   * flood alarms, and the alert path's delivery alarms notify it. Its own key, so one change cannot
   * silence it together with the alert topic.
   */
  readonly tamperTopic: sns.Topic;
  /** Customer-managed key (rotation on) encrypting the tamper topic only. */
  readonly tamperKey: kms.Key;
  /** Dead-letter queue of every target in the main Region. */
  readonly deadLetterQueue: sqs.Queue;
  /** Log group receiving every way-in event, when `createLoginLogGroup` is set. */
  readonly loginLogGroup?: logs.LogGroup;
  /** Multi-Region trail, when `createTrail` is set. */
  readonly trail?: cloudtrail.Trail;
  /** Regions watched (expanded, deduplicated; always includes us-east-1 for global events). */
  readonly regions: readonly string[];
  /** The main Region (the stack's). */
  readonly mainRegion: string;

  private readonly props: BreakGlassAlertingOptions;
  private readonly message: string;
  private readonly forwarderRole: iam.Role;
  private readonly delivery: Delivery;
  private readonly apiDestinations: {
    dest: events.ApiDestination;
    body: 'slack' | 'webhook';
    channel?: string;
  }[] = [];
  private readonly forwardMain: boolean;
  private readonly roles: MonitoredRole[] = [];
  private readonly users: MonitoredUser[] = [];
  private readonly forwardExtra: Record<string, unknown>[] = [];
  private forwardersCreated = false;

  constructor(scope: Construct, id: string, props: BreakGlassAlertChannelsProps = {}) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    const path = this.node.path;
    if (Token.isUnresolved(stack.region) || Token.isUnresolved(stack.account)) {
      throw new BreakGlassValidationError(
        path,
        'env',
        `the stack '${stack.stackName}' is environment-agnostic (account '${stack.account}', region '${stack.region}'); ` +
          'give it env: { account, region } so other Regions can forward to its central event bus',
      );
    }
    this.mainRegion = stack.region;
    this.regions = resolveRegions(path, props.regions, stack.region);
    checkQuotasAtSynth(stack);
    this.message = props.message ?? DEFAULT_MESSAGE;
    const unknown = unknownPlaceholders(this.message);
    if (unknown.length > 0) {
      throw new BreakGlassValidationError(
        path,
        'message',
        `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `<${u}>`).join(', ')} in '${this.message}'; ` +
          `valid placeholders are ${PLACEHOLDERS.map((p) => `<${p}>`).join(', ')}`,
      );
    }
    for (const email of props.loginAlertEmails ?? []) {
      if (!Token.isUnresolved(email) && !EMAIL_RE.test(email)) {
        throw new BreakGlassValidationError(
          path,
          'loginAlertEmails',
          `'${email}' is not an email address; expected name@example.com`,
        );
      }
    }
    for (const email of props.tamperAlertEmails ?? []) {
      if (!Token.isUnresolved(email) && !EMAIL_RE.test(email)) {
        throw new BreakGlassValidationError(
          path,
          'tamperAlertEmails',
          `'${email}' is not an email address; expected name@example.com`,
        );
      }
    }
    for (const svc of props.logServices ?? []) {
      if (!SERVICE_RE.test(svc)) {
        throw new BreakGlassValidationError(
          path,
          'logServices',
          `'${svc}' is not a service prefix; use the prefix of '<prefix>.amazonaws.com', e.g. 'iam', 'kms', 's3'`,
        );
      }
    }

    // Central bus. A created bus gets a deterministic name so other Regions can address it by ARN.
    if (props.eventBus) {
      this.eventBus = props.eventBus;
      this.eventBusArn = props.eventBus.eventBusArn;
    } else {
      const name = Names.uniqueResourceName(this, { maxLength: 200, separator: '-' });
      this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: name });
      this.eventBusArn = `arn:${Aws.PARTITION}:events:${stack.region}:${stack.account}:event-bus/${name}`;
    }
    this.forwardMain = props.eventBus?.eventBusName !== 'default';
    if (this.eventBus instanceof events.EventBus) {
      this.eventBus.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'BreakGlassForwardersInThisAccount',
          actions: ['events:PutEvents'],
          principals: [new iam.AccountPrincipal(stack.account)],
          resources: [this.eventBus.eventBusArn],
        }),
      );
    }

    // Alert topic, encrypted with a key EventBridge and CloudWatch may use. The key encrypts this topic
    // only. Each service gets the two actions the SNS Developer Guide lists for event sources publishing
    // to an encrypted topic (kms:GenerateDataKey*, kms:Decrypt), and nothing else. EventBridge's grant
    // carries NO aws:SourceAccount / aws:SourceArn / aws:SourceOrgID condition: the guide says those keys
    // are not supported in the key policy for EventBridge → encrypted topic, and with one every
    // EventBridge delivery to the topic fails. CloudWatch alarms do carry aws:SourceAccount (confused
    // deputy protection; the alarm's own account).
    // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Encrypts the break-glass alert topic',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToPublishToEncryptedTopic',
        actions: [...TOPIC_KEY_ACTIONS],
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        resources: ['*'],
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopic',
        actions: [...TOPIC_KEY_ACTIONS],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      masterKey: this.key,
      enforceSSL: true,
      displayName: 'Break-glass access alerts',
    });
    this.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarms',
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [this.alertTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    for (const email of props.loginAlertEmails ?? [])
      this.alertTopic.addSubscription(new subs.EmailSubscription(email));
    Tags.of(this.alertTopic).add(PURPOSE_TAG, 'alert-topic');
    const tamper = createEncryptedTopic(this, {
      idPrefix: 'Tamper',
      displayName: 'Break-glass tamper alerts',
      keyDescription: 'Encrypts the break-glass tamper topic',
      purpose: 'tamper-topic',
      emails: props.tamperAlertEmails ?? props.loginAlertEmails ?? [],
    });
    this.tamperTopic = tamper.topic;
    this.tamperKey = tamper.key;

    this.deadLetterQueue = createDeadLetterQueue(this, 'DeadLetterQueue');
    this.delivery = deliveryFor(this.deadLetterQueue);
    this.alarm(
      'DeadLetterQueueNotEmpty',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      'Break-glass alert delivery failed: the dead-letter queue is not empty',
    );
    this.forwarderRole = new iam.Role(this, 'ForwarderRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge forwards break-glass events from the default bus to the central bus',
    });
    this.forwarderRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [this.eventBusArn] }),
    );

    if (props.createLoginLogGroup) {
      this.loginLogGroup = new logs.LogGroup(this, 'LoginLogGroup', {
        retention: props.retention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    }

    if (props.slack) {
      const s = props.slack;
      if (!/^(#[\w.-]+|[CGD][A-Z0-9]{6,})$/.test(s.channel)) {
        throw new BreakGlassValidationError(
          path,
          'slack.channel',
          `'${s.channel}' is not a Slack channel; use an id like 'C0123456789' or a name like '#incidents'`,
        );
      }
      // API-key authorization: header `Authorization: Bearer <token>`. The token is read by
      // CloudFormation from Secrets Manager at deploy time (a dynamic reference inside the joined
      // header value; the token never appears in the template) and EventBridge keeps the connection
      // credentials in its own Secrets Manager secret.
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html
      const token = SecretValue.secretsManager(
        s.tokenSecret.secretArn,
        s.tokenSecretJsonField ? { jsonField: s.tokenSecretJsonField } : {},
      );
      const connection = new events.Connection(this, 'SlackConnection', {
        authorization: events.Authorization.apiKey(
          'Authorization',
          new SecretValue(`Bearer ${token.unsafeUnwrap()}`),
        ),
        description: 'Slack bot token for break-glass alerts',
      });
      const dest = new events.ApiDestination(this, 'SlackDestination', {
        connection,
        endpoint: SLACK_URL,
        httpMethod: events.HttpMethod.POST,
        rateLimitPerSecond: 1,
        description: 'Slack chat.postMessage',
      });
      this.apiDestinations.push({ dest, body: 'slack', channel: s.channel });
    }
    (props.webhooks ?? []).forEach((w, i) => {
      if (!Token.isUnresolved(w.url) && !/^https:\/\/[^\s/]+/.test(w.url)) {
        throw new BreakGlassValidationError(
          path,
          `webhooks[${i}].url`,
          `'${w.url}' is not an https:// URL; EventBridge API destinations need HTTPS`,
        );
      }
      const rate = w.rateLimitPerSecond ?? 10;
      if (!Number.isInteger(rate) || rate < 1 || rate > 300) {
        throw new BreakGlassValidationError(
          path,
          `webhooks[${i}].rateLimitPerSecond`,
          `${rate} is out of range; use an integer from 1 to 300`,
        );
      }
      const connection = new events.Connection(this, `WebhookConnection${i}`, {
        authorization: events.Authorization.apiKey(
          w.headerName ?? 'Authorization',
          SecretValue.secretsManager(w.secret.secretArn),
        ),
        description: `Break-glass webhook ${i}`,
      });
      const dest = new events.ApiDestination(this, `WebhookDestination${i}`, {
        connection,
        endpoint: w.url,
        httpMethod: events.HttpMethod.POST,
        rateLimitPerSecond: rate,
      });
      this.apiDestinations.push({ dest, body: 'webhook' });
    });

    // Every alert rule gets one target per channel; EventBridge allows 5 targets per rule.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
    const channels =
      1 +
      (props.alertTopics?.length ?? 0) +
      this.apiDestinations.length +
      (props.alertQueues?.length ?? 0) +
      (props.alertFunctions?.length ?? 0) +
      (this.loginLogGroup ? 1 : 0);
    if (channels > TARGETS_PER_RULE) {
      throw new BreakGlassValidationError(
        path,
        'alertTopics',
        `${channels} alert channels (the alert topic, ${props.alertTopics?.length ?? 0} alertTopics, ${this.apiDestinations.length} Slack/webhooks, ` +
          `${props.alertQueues?.length ?? 0} alertQueues, ${props.alertFunctions?.length ?? 0} alertFunctions${this.loginLogGroup ? ', the login log group' : ''}) ` +
          `but EventBridge allows ${TARGETS_PER_RULE} targets per rule; subscribe more endpoints to the alert topic instead`,
      );
    }

    // Delivery alarms of other Regions arrive as state-change events on the central bus.
    // A failing alert path is reported through the tamper topic (its own key and subscriptions).
    const alarmRule = regionalAlarmRule(this, 'RegionalAlarmRule', {
      eventBus: this.eventBus,
      account: stack.account,
      topic: this.tamperTopic,
      delivery: this.delivery,
      description: 'Break-glass delivery alarms from other Regions',
    });
    this.watch(alarmRule, 'RegionalAlarmRule');

    const dataEvents = checkDataEvents(path, props.dataEvents ?? []);
    if (dataEvents.length > 0 && !props.createTrail) {
      throw new BreakGlassValidationError(
        path,
        'dataEvents',
        'needs createTrail: true (the selectors go on the trail these constructs create); with an organization trail, add data-event selectors for these resource types to that trail instead',
      );
    }
    if (props.createTrail) {
      const bucket = trailBucket(this, 'TrailBucket', 'trail');
      this.trail = new cloudtrail.Trail(this, 'Trail', {
        bucket,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableFileValidation: true,
      });
      addDataEvents(
        this.trail,
        dataEvents,
        props.dataEventsPrincipals === 'all'
          ? undefined
          : () => ({
              sessionArnPrefixes: this.roles.map((r) => r.sessionArnPrefix),
              userArns: this.users.map((u) => u.arn),
            }),
      );
    } else {
      Annotations.of(this).addInfo(
        'Break-glass alerting needs a CloudTrail trail in this account (CloudTrail delivers events to EventBridge only for trails); set createTrail: true or keep an organization / multi-Region trail.',
      );
    }
  }

  /**
   * Watches `roles` / `users` in every Region: their events are forwarded from each Region's default
   * bus (main Region included) to the central bus by one rule per Region, whose pattern covers every
   * principal registered here (see `forwardPattern`).
   *
   * The forwarding rules are always in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`: they
   * only match break-glass principals (a handful of events), read-only events are delivered free of
   * charge, and a `Get…`-named way in (console `GetSigninToken`) or a logged read must not be dropped
   * at the first hop. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
   */
  watchPrincipals(roles: readonly MonitoredRole[], users: readonly MonitoredUser[]): void {
    for (const r of roles) if (!this.roles.some((x) => x.arn === r.arn)) this.roles.push(r);
    for (const u of users) if (!this.users.some((x) => x.arn === u.arn)) this.users.push(u);
    if (this.forwardersCreated) return;
    this.forwardersCreated = true;
    const pattern = () => forwardPattern(this.roles, this.users, this.forwardExtra);
    // EventBridge rejects event patterns over 2,048 characters (default quota) when the rule is created;
    // say so at synth time rather than halfway through a 34-Region deployment.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
    this.node.addValidation({
      validate: () => {
        const size = JSON.stringify(pattern()).length;
        if (size > EVENT_PATTERN_CHARS) {
          Annotations.of(this).addWarningV2(
            'breakglass:forward-pattern-size',
            `the forwarding pattern for ${this.roles.length} role(s) and ${this.users.length} user(s) is ${size} characters; ` +
              `EventBridge's default limit is ${EVENT_PATTERN_CHARS}: raise the "Event pattern size" quota or split the principals across BreakGlassMonitoring constructs`,
          );
        }
        return [];
      },
    });
    const state = () => ALL_MANAGEMENT_EVENTS;
    const mainStack = Stack.of(this);
    const id = `Forward${Names.nodeUniqueId(this.node)}`;
    if (this.forwardMain) {
      const rule = lazyForwardingRule(this, 'Forward', {
        busArn: this.eventBusArn,
        role: this.forwarderRole,
        deadLetterQueue: this.deadLetterQueue,
        pattern,
        state,
        description: `Forward break-glass events from ${this.mainRegion} to the central bus`,
      });
      this.watch(rule, 'Forward', true);
    }
    for (const region of this.regions) {
      if (region === this.mainRegion) continue;
      BreakGlassRegionalStack.forRegion(mainStack, region).addForwarder(id, this.eventBusArn, pattern, state);
    }
  }

  /**
   * Also forwards, from every watched Region, the events matching `branches` (raw event-pattern
   * objects, OR-ed into the one forwarding pattern), e.g. deployment access.
   */
  forwardAlso(branches: readonly Record<string, unknown>[]): void {
    this.forwardExtra.push(...branches);
    this.watchPrincipals([], []);
  }

  /** A rule on the central bus delivering to every alert channel, with the message built from `fields`. */
  addAlertRule(owner: Construct, id: string, pattern: PatternJson, fields: FieldMap): events.Rule {
    const ruleTargets: events.IRuleTarget[] = [
      new TopicTarget(this.alertTopic, this.delivery, PlaceholderInput.text(this.message, fields)),
    ];
    for (const t of this.props.alertTopics ?? []) {
      ruleTargets.push(new TopicTarget(t, this.delivery, PlaceholderInput.text(this.message, fields)));
    }
    for (const { dest, body, channel } of this.apiDestinations) {
      ruleTargets.push(
        new WithDelivery(
          new targets.ApiDestination(dest, {
            // JSON bodies: every event value outside quotes (see alert-bodies.ts).
            event: PlaceholderInput.jsonBody(
              body === 'slack'
                ? slackBody(channel ?? '', this.message, fields, requiredPaths(pattern))
                : webhookBody(fields),
            ),
            headerParameters: { 'Content-Type': 'application/json; charset=utf-8' },
          }),
          this.delivery,
        ),
      );
    }
    for (const q of this.props.alertQueues ?? [])
      ruleTargets.push(new WithDelivery(new targets.SqsQueue(q), this.delivery));
    for (const f of this.props.alertFunctions ?? [])
      ruleTargets.push(new WithDelivery(new targets.LambdaFunction(f), this.delivery));
    if (this.loginLogGroup) ruleTargets.push(new LogGroupTarget(this.loginLogGroup, this.delivery));
    const rule = new events.Rule(owner, id, {
      eventBus: this.eventBus,
      eventPattern: pattern as events.EventPattern,
      description:
        `Break-glass alert: ${fields.wayIn && 'literal' in fields.wayIn ? fields.wayIn.literal : id}`.slice(
          0,
          512,
        ),
      targets: ruleTargets,
    });
    // Forwarded sign-in events such as GetSigninToken may be read-only `Get…` events.
    setAllManagementEvents(rule);
    checkPatternSize(rule);
    this.watch(rule, `${Names.nodeUniqueId(owner.node)}${id}`);
    return rule;
  }

  /** A rule on the central bus with one target (action logging). */
  addCentralRule(
    owner: Construct,
    id: string,
    pattern: PatternJson,
    target: (d: Delivery) => events.IRuleTarget,
    allManagementEvents: boolean,
  ): events.Rule {
    const rule = new events.Rule(owner, id, {
      eventBus: this.eventBus,
      eventPattern: pattern as events.EventPattern,
      targets: [target(this.delivery)],
    });
    if (allManagementEvents) setAllManagementEvents(rule);
    checkPatternSize(rule);
    this.watch(rule, `${Names.nodeUniqueId(owner.node)}${id}`);
    return rule;
  }

  /** FailedInvocations alarm on a rule (on the central bus unless `onDefaultBus`), notifying the tamper topic. */
  private watch(
    rule: events.Rule,
    id: string,
    onDefaultBus = this.eventBus.eventBusName === 'default',
  ): void {
    this.alarm(
      `${id}Failed`,
      failedInvocations(rule, onDefaultBus ? undefined : this.eventBus),
      `Break-glass rule ${id} failed to deliver to a target`,
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, description: string): void {
    // Delivery alarms of the alert path notify the tamper topic: a channel independent of the one that failed.
    failureAlarm(this, id, metric, description, this.tamperTopic);
  }
}

/** `regions` → the Regions to watch; always includes the main Region and us-east-1 (global events). */
function resolveRegions(path: string, regions: readonly string[] | undefined, mainRegion: string): string[] {
  const given = regions ?? ['*'];
  if (given.length === 0) {
    throw new BreakGlassValidationError(
      path,
      'regions',
      "the list is empty; give Region codes like ['eu-west-1'] or ['*'] for every Region",
    );
  }
  for (const r of given) {
    if (r !== '*' && !isRegionCode(r)) {
      throw new BreakGlassValidationError(
        path,
        'regions',
        `'${r}' is not a Region code; use codes like 'eu-west-1', or '*' for every Region`,
      );
    }
  }
  return watchedRegions(mainRegion, given);
}
