/**
 * The member-account template of an organization: ONE environment-agnostic CloudFormation template
 * that a service-managed StackSet deploys to every account × Region of its targets. It holds
 * - the member break-glass role, in the home Region only (`Condition` on `AWS::Region`): every
 *   Region of a stack instance gets its own stack of the same template
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html), but a
 *   role name is unique in the whole account, not per Region (CreateRole, RoleName:
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html), so a fixed-name role
 *   created by every Region's stack would collide;
 * - per Region: one rule on the default bus forwarding every event that mentions the role (and the
 *   extra watches, e.g. an Identity Center permission set) to the security account's central bus,
 *   tamper rules forwarding changes to these resources to the security account's tamper bus, an
 *   alarm-state forwarder (a CloudWatch alarm cannot notify a topic of another account or Region),
 *   an IAM role for the targets, a dead-letter queue and FailedInvocations alarms. A target that is
 *   an event bus of another account or Region needs an execution role
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html,
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html).
 *
 * Account ids come from `AWS::AccountId`, never literals: the same text runs in every account. The
 * member resources have fixed physical names under {@link MemberTemplateProps.namePrefix} (regional
 * resources; the IAM forwarder role adds the Region) so that the tamper rules can recognise them by
 * name whatever the StackSet calls its stacks.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  App,
  Aspects,
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnResource,
  Duration,
  Fn,
  Stack,
  Tags,
  Validations,
  type IAspect,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { TAG_BREAKGLASS_ROLE } from '../../engines/conventions.js';
import { ssoRoleNamePrefix } from '../../engines/identity-center.js';
import { TAMPER_CALLS, type TamperPattern, tamperPatterns } from '../../engines/tamper-calls.js';
import { BreakGlassValidationError } from '../errors.js';
import { failedInvocations, failureAlarm } from './alarms.js';
import { ALL_MANAGEMENT_EVENTS } from './alert-forward.js';
import { BusTarget, createDeadLetterQueue, deliveryFor } from './alert-targets.js';
import { forwardPattern, type MonitoredRole } from './alert-ways.js';
import type { MemberWatch } from './member-watch.js';
import { EVENT_PATTERN_CHARS, checkQuotasAtSynth, estimate } from './quotas.js';
import { acknowledgeChosenPermissions } from './role-nag.js';
import { watchedRegions } from './regions.js';
import { BreakGlassTrustPrincipal, buildTrustStatements, type TrustPolicySpec } from './trust-policy.js';

/**
 * StackSet `TemplateBody`: at most 51,200 bytes (CreateStackSet API reference, TemplateBody;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html).
 */
export const TEMPLATE_BODY_BYTES = 51_200;

/** An event bus of the security account, by parts (the member template builds the ARN with its own partition). */
export interface BusRef {
  readonly account: string;
  readonly region: string;
  readonly name: string;
}

export interface MemberTemplateProps {
  /** Home Region: the member role is created here only. */
  readonly homeRegion: string;
  /** StackSet Regions (the role's Region lock is these, the home Region and us-east-1). */
  readonly regions: readonly string[];
  /** Fixed name of the member break-glass role. */
  readonly roleName: string;
  /** Who may assume the role (the trust-policy spec without partition, account and Regions). */
  readonly trust: Omit<TrustPolicySpec, 'partition' | 'account' | 'regions'>;
  /** AWS managed policy names or policy ARNs. @default - AdministratorAccess (with a warning) */
  readonly managedPolicies?: readonly string[];
  readonly policyStatements?: readonly iam.PolicyStatement[];
  /** @default Duration.hours(1) */
  readonly maxSessionDuration?: Duration;
  /** The security account's central bus: every way in and action goes there. */
  readonly centralBus: BusRef;
  /** The security account's tamper bus. @default - no tamper rules */
  readonly tamperBus?: BusRef;
  /** More events to forward (Identity Center permission set, …). */
  readonly watches?: readonly MemberWatch[];
  /**
   * Raw pattern branches forwarded instead of the watches' own patterns: a smaller superset of them,
   * so that the role's and the watches' branches fit ONE forwarding rule and no event is forwarded
   * twice (two rules matching one event would each forward it, and every central rule would see it
   * twice). @default - the watches' patterns
   */
  readonly forwardBranches?: readonly Record<string, unknown>[];
  /** Physical-name prefix of every member resource, e.g. `BreakGlass-member-`. */
  readonly namePrefix: string;
  /** Template description. */
  readonly description?: string;
}

/** What the member template holds, for the construct and the tests. */
export interface MemberStack {
  readonly stack: Stack;
  /** The member break-glass role (created in the home Region only). */
  readonly role: iam.Role;
  /** Forwarding rules (central bus) by id. */
  readonly forwardRules: readonly events.Rule[];
  readonly tamperRules: readonly events.Rule[];
  readonly deadLetterQueue: sqs.Queue;
}

const busArn = (b: BusRef) => `arn:${Aws.PARTITION}:events:${b.region}:${b.account}:event-bus/${b.name}`;

/** Every resource of the stack gets the condition (used for the home-Region-only IAM role). */
class OnlyWhen implements IAspect {
  constructor(
    private readonly condition: CfnCondition,
    private readonly under: IConstruct,
  ) {}
  visit(node: IConstruct): void {
    if (CfnResource.isCfnResource(node) && node.node.path.startsWith(this.under.node.path))
      node.cfnOptions.condition = this.condition;
  }
}

/** Packs raw pattern branches into as few `$or` patterns as fit `EVENT_PATTERN_CHARS` once deployed. */
function pack(
  branches: readonly Record<string, unknown>[],
  chars: (pattern: unknown) => number,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[][] = [];
  let cur: Record<string, unknown>[] = [];
  const shape = (b: readonly Record<string, unknown>[]) => (b.length === 1 ? b[0]! : { $or: [...b] });
  for (const b of branches) {
    if (cur.length > 0 && chars(shape([...cur, b])) > EVENT_PATTERN_CHARS) {
      out.push(cur);
      cur = [];
    }
    cur.push(b);
  }
  if (cur.length > 0) out.push(cur);
  return out.map(shape);
}

/**
 * Every event that mentions a role of permission set `set` where the watches of
 * `permission-set-watch.ts` look for it (requested role ARN, denied-resource message, session ARN,
 * session issuer): a superset of those watches in four short branches. The central rules keep the
 * exact patterns. Role names hold no `*` or `?` (IAM names are `[\w+=,.@-]`), so no escaping.
 */
export function permissionSetForwardBranches(set: string): Record<string, unknown>[] {
  const prefix = ssoRoleNamePrefix(set);
  return [
    { detail: { requestParameters: { roleArn: [{ wildcard: `*/${prefix}*` }] } } },
    { detail: { errorMessage: [{ wildcard: `*/${prefix}*` }] } },
    { detail: { userIdentity: { arn: [{ wildcard: `arn:*:sts::*:assumed-role/${prefix}*` }] } } },
    { detail: { userIdentity: { sessionContext: { sessionIssuer: { userName: [{ prefix }] } } } } },
  ];
}

/**
 * The tamper patterns of a member account's break-glass resources: every resource named
 * `<namePrefix>…` (and the roles named in `roleNames`). The same template runs in every Region, so IAM calls are kept everywhere (their
 * records arrive in us-east-1 only). Shared by the member rules and the central mirror rules.
 */
export function memberTamperPatterns(
  namePrefix: string,
  roleNames: readonly string[],
): Map<string, TamperPattern> {
  return tamperPatterns(TAMPER_CALLS, {
    prefix: namePrefix,
    namePrefixes: [],
    names: [],
    keyArns: [],
    roleNames: [...roleNames],
    userNames: [],
  });
}

/** Builds the member stack in `app` (its own App: the member template is not a stack of the main assembly). */
export function buildMemberStack(app: App, id: string, props: MemberTemplateProps): MemberStack {
  const stack = new Stack(app, id, {
    // No bootstrap version parameter or rule: a StackSet instance is not a CDK-bootstrapped environment.
    synthesizer: new BootstraplessSynthesizer(),
    description: props.description ?? 'Break-glass member role and event forwarding (breakglass)',
  });
  checkQuotasAtSynth(stack);
  const p = props.namePrefix;
  const home = new CfnCondition(stack, 'IsHomeRegion', {
    expression: Fn.conditionEquals(Aws.REGION, props.homeRegion),
  });

  // The member role (home Region only).
  const statements = buildTrustStatements({
    ...props.trust,
    partition: Aws.PARTITION,
    account: Aws.ACCOUNT_ID,
    regions: watchedRegions(props.homeRegion, props.regions),
  });
  // Sessions work only where their use is watched: a session obtained in a covered Region could
  // otherwise call any other Region, where no stack instance forwards its events. Global services
  // are requested in us-east-1 (always covered), so no NotAction list is needed.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-requested-region.html
  const regionLock = new iam.PolicyStatement({
    sid: 'OnlyWatchedRegions',
    effect: iam.Effect.DENY,
    actions: ['*'],
    resources: ['*'],
    conditions: {
      StringNotEquals: { 'aws:RequestedRegion': watchedRegions(props.homeRegion, props.regions) },
    },
  });
  const managed = (props.managedPolicies ?? ['AdministratorAccess']).map((m) =>
    m.startsWith('arn:')
      ? iam.ManagedPolicy.fromManagedPolicyArn(stack, `ManagedPolicy${m.replace(/\W/g, '')}`, m)
      : iam.ManagedPolicy.fromAwsManagedPolicyName(m),
  );
  const role = new iam.Role(stack, 'BreakGlassRole', {
    roleName: props.roleName,
    assumedBy: new BreakGlassTrustPrincipal(Aws.ACCOUNT_ID, statements),
    maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    description: 'Break-glass role: every use is alerted (breakglass)',
    managedPolicies: managed,
    inlinePolicies: {
      RegionLock: new iam.PolicyDocument({ statements: [regionLock] }),
      ...((props.policyStatements?.length ?? 0) > 0
        ? { BreakGlass: new iam.PolicyDocument({ statements: [...(props.policyStatements ?? [])] }) }
        : {}),
    },
  });
  Tags.of(role).add(TAG_BREAKGLASS_ROLE, 'true');
  Aspects.of(stack).add(new OnlyWhen(home, role));
  if (props.managedPolicies === undefined && (props.policyStatements?.length ?? 0) === 0) {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]',
      reason: 'AdministratorAccess is the documented default of a break-glass role; every use is alerted',
    });
  } else {
    acknowledgeChosenPermissions(role, props.managedPolicies === undefined ? [] : managed, [
      ...(props.policyStatements ?? []),
    ]);
  }

  // Forwarding: one role for every target, one dead-letter queue, an alarm per rule.
  const centralArn = busArn(props.centralBus);
  const tamperArn = props.tamperBus ? busArn(props.tamperBus) : undefined;
  const forwarder = new iam.Role(stack, 'ForwarderRole', {
    // IAM is global: the Region keeps the name of each Region's role apart.
    roleName: `${p}forwarder-${Aws.REGION}`,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
    description: 'EventBridge forwards break-glass events to the security account',
    inlinePolicies: {
      PutEvents: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['events:PutEvents'],
            resources: [centralArn, ...(tamperArn ? [tamperArn] : [])],
          }),
        ],
      }),
    },
  });
  const dlq = createDeadLetterQueue(stack, 'DeadLetterQueue');
  (dlq.node.defaultChild as CfnResource).addPropertyOverride('QueueName', `${p}dead-letters`);
  const delivery = deliveryFor(dlq);
  const alarms = [
    failureAlarm(
      stack,
      'DeadLetterQueueNotEmpty',
      dlq.metricApproximateNumberOfMessagesVisible(),
      'Break-glass events of this member account could not be forwarded (dead-letter queue not empty)',
    ),
  ];
  const forward = (
    rid: string,
    name: string,
    pattern: unknown,
    target: string,
    state: string,
    what: string,
  ) => {
    const rule = new events.Rule(stack, rid, {
      ruleName: `${p}${name}`,
      eventPattern: { source: ['aws.sts'] },
      description: what,
      targets: [new BusTarget(target, forwarder, delivery)],
    });
    const cfn = rule.node.defaultChild as events.CfnRule;
    cfn.eventPattern = pattern;
    cfn.state = state;
    alarms.push(
      failureAlarm(
        stack,
        `${rid}Failed`,
        failedInvocations(rule),
        `Break-glass rule ${p}${name} failed to deliver`,
      ),
    );
    return rule;
  };

  const memberRole: MonitoredRole = {
    arn: `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${props.roleName}`,
    name: props.roleName,
    account: Aws.ACCOUNT_ID,
    sessionArnPrefix: `arn:${Aws.PARTITION}:sts::${Aws.ACCOUNT_ID}:assumed-role/${props.roleName}/`,
  };
  const rolePattern = forwardPattern([memberRole], []);
  const branches = [
    ...((rolePattern['$or'] as Record<string, unknown>[] | undefined) ?? [rolePattern]),
    ...(props.forwardBranches ?? (props.watches ?? []).map((w) => w.pattern)),
  ];
  // Read-only calls and `Get…` ways in reach only rules in this state (see channels.ts).
  // Size once deployed: pseudo parameters at their width (partition 'aws', a 12-digit account).
  const chars = (pattern: unknown) => JSON.stringify(estimate(stack.resolve(pattern))).length;
  const forwardRules = pack(branches, chars).map((pattern, i) =>
    forward(
      i === 0 ? 'Forward' : `Forward${i + 1}`,
      i === 0 ? 'forward' : `forward-${i + 1}`,
      pattern,
      centralArn,
      ALL_MANAGEMENT_EVENTS,
      'Forward break-glass events of this member account to the central bus',
    ),
  );

  // Two paths, as in a single account (see tamper.ts): each tamper call goes to the tamper bus and,
  // by a second rule, to the central bus; deleting or disabling one rule leaves the other, which
  // reports that very change.
  const tamperRules: events.Rule[] = [];
  if (tamperArn) {
    for (const [group, pattern] of memberTamperPatterns(p, [props.roleName])) {
      tamperRules.push(
        forward(
          `Tamper${group}`,
          `tamper-${group.toLowerCase()}`,
          pattern,
          tamperArn,
          'ENABLED',
          'Forward changes to the break-glass resources of this member account to the tamper bus',
        ),
      );
    }
    // The role's IAM calls already reach the central bus through the forwarding rule (its IAM
    // branch): the mirror leaves the role out, so that no call arrives there twice.
    for (const [group, pattern] of memberTamperPatterns(p, [])) {
      tamperRules.push(
        forward(
          `TamperMirror${group}`,
          `tamper-mirror-${group.toLowerCase()}`,
          pattern,
          centralArn,
          'ENABLED',
          'Forward changes to the break-glass resources of this member account to the central bus',
        ),
      );
    }
  }

  // Alarm state changes of this stack's alarms → the central bus (its alarm rule notifies the tamper topic).
  const alarmRule = new events.Rule(stack, 'AlarmForward', {
    ruleName: `${p}alarms`,
    eventPattern: { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'] },
    description: 'Forward break-glass delivery alarms of this member account to the central bus',
    targets: [new BusTarget(centralArn, forwarder, delivery)],
  });
  (alarmRule.node.defaultChild as events.CfnRule).addPropertyOverride(
    'EventPattern.resources',
    alarms.map((a) => a.alarmArn),
  );
  // Fixed names (alarms are regional), so the tamper rules recognise them by prefix.
  for (const a of alarms)
    (a.node.defaultChild as CfnResource).addPropertyOverride('AlarmName', `${p}${a.node.id}`);
  return { stack, role, forwardRules, tamperRules, deadLetterQueue: dlq };
}

/** The member template synthesized in an App of its own: the template object and the assembly's errors. */
export function synthesizeMember(
  props: MemberTemplateProps,
  configure?: (app: App, member: MemberStack) => void,
): { template: Record<string, unknown>; errors: string[]; warnings: string[] } {
  const outdir = join(tmpdir(), `breakglass-member-${randomUUID()}`);
  try {
    const app = new App({
      outdir,
      analyticsReporting: false,
      context: { 'aws:cdk:enable-path-metadata': false },
    });
    const member = buildMemberStack(app, 'Member', props);
    configure?.(app, member);
    const artifact = app.synth().getStackByName(member.stack.stackName);
    const text = (level: string) =>
      artifact.messages.filter((m) => m.level === level).map((m) => `${m.id}: ${String(m.entry.data)}`);
    return {
      template: artifact.template as Record<string, unknown>,
      errors: text('error'),
      warnings: text('warning'),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The `TemplateBody` string of the member template (compact JSON), or an error naming its size when
 * it is over {@link TEMPLATE_BODY_BYTES} or the template has synthesis errors.
 */
export function memberTemplateBody(
  path: string,
  props: MemberTemplateProps,
  limit: number = TEMPLATE_BODY_BYTES,
): string {
  const { template, errors } = synthesizeMember(props);
  if (errors.length > 0)
    throw new BreakGlassValidationError(
      path,
      'memberTemplate',
      `the member template has errors: ${errors.join('; ')}`,
    );
  const body = JSON.stringify(template);
  const size = Buffer.byteLength(body, 'utf8');
  if (size > limit)
    throw new BreakGlassValidationError(
      path,
      'memberTemplate',
      `the member template is ${size} bytes; a StackSet TemplateBody holds at most ${limit}: watch fewer permission sets or list fewer people in the trust policy`,
    );
  return body;
}
