import { type Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { BreakGlassAlertingOptions } from './alerting-props.js';
import type { TrustedAccountUsers } from './break-glass-role.js';
import { BreakGlassAlertChannels } from './channels.js';
import { BreakGlassValidationError } from './errors.js';
import { BreakGlassTamperAlerts } from './tamper.js';
import type { MemberWatch } from './private/member-watch.js';
import {
  type BusRef,
  type MemberTemplateProps,
  memberTemplateBody,
  permissionSetForwardBranches,
} from './private/member-template.js';
import { addOrganizationRules } from './private/org-central.js';
import { permissionSetWatch } from './private/permission-set-watch.js';

const BUS_ARN = /^arn:[^:]+:events:([a-z0-9-]+):(\d{12}):event-bus\/([\w.\-/]+)$/;
const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;

/** The security account's buses the member accounts forward to (ARNs with literal Region, account and name). */
export interface BreakGlassOrganizationBuses {
  /** Central bus: ways in, denied attempts, actions, delivery alarms. */
  readonly eventBusArn: string;
  /** Tamper bus: changes to the member accounts' break-glass resources. @default - no tamper rules in the members */
  readonly tamperBusArn?: string;
}

function busRef(path: string, prop: string, arn: string): BusRef {
  const m = BUS_ARN.exec(arn);
  if (!m)
    throw new BreakGlassValidationError(
      path,
      prop,
      `'${arn}' is not an event bus ARN with a literal Region, account and name (arn:aws:events:<region>:<account>:event-bus/<name>); the member template lives in every account and cannot import values`,
    );
  return { region: m[1]!, account: m[2]!, name: m[3]! };
}

/** Physical-name prefix of the member resources of StackSet `stackSetName`. */
function memberNamePrefix(stackSetName: string): string {
  return `${stackSetName.slice(0, 40)}-`;
}

/** Properties of {@link BreakGlassOrganizationCentral}. */
export interface BreakGlassOrganizationCentralProps extends BreakGlassAlertingOptions {
  /** The organization (`o-…`): the central and tamper buses admit its accounts (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** Name of the member break-glass role (the same in every account). */
  readonly roleName: string;
  /**
   * An IAM Identity Center permission set whose roles are alerted on every use in every member account.
   * @default - none
   */
  readonly permissionSetName?: string;
  /**
   * Name of the StackSet of the member accounts (its name prefixes their resources; the central copy
   * of their tamper rules matches it).
   * @default `<this stack's name>-Member` (what `BreakGlassOrganization` defaults to in a stack named `<name>-Organization`)
   */
  readonly memberStackSetName?: string;
}

/**
 * The central half of an organization, in the security account's main stack: the central event bus
 * (admitting every account of the organization), alert and tamper topics and channels, and the
 * central rules for what the member accounts forward. Account-agnostic: the rules match the member
 * role by name and the permission set by its role-name prefix, so accounts that join later are covered.
 */
export class BreakGlassOrganizationCentral extends Construct implements BreakGlassOrganizationBuses {
  readonly channels: BreakGlassAlertChannels;
  /** Present unless `tamperAlerts: false`. */
  readonly tamperAlerts?: BreakGlassTamperAlerts;
  /** Log group of the member sessions' calls (absent with `logActions: false`). */
  readonly actionLog?: logs.LogGroup;
  /** What the member accounts watch besides the role (the permission set's rules). */
  readonly watches: readonly MemberWatch[];

  constructor(scope: Construct, id: string, props: BreakGlassOrganizationCentralProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.organizationId) && !ORG_ID.test(props.organizationId))
      throw new BreakGlassValidationError(
        this.node.path,
        'organizationId',
        `'${props.organizationId}' is not an organization id; use the form o-a1b2c3d4e5`,
      );
    this.channels = new BreakGlassAlertChannels(this, 'Channels', props);
    if (props.tamperAlerts !== false)
      this.tamperAlerts = new BreakGlassTamperAlerts(this, 'TamperAlerts', { channels: this.channels });
    this.watches = props.permissionSetName ? permissionSetWatch(props.permissionSetName) : [];
    const rules = addOrganizationRules(this, this.channels, {
      organizationId: props.organizationId,
      roleName: props.roleName,
      watches: this.watches,
      logActions: props.logActions ?? true,
      logServices: props.logServices,
      deniedAttempts: props.deniedAttempts ?? 'summary',
      retention: props.retention,
      tamperBus: this.tamperAlerts?.eventBus,
      memberNamePrefix: memberNamePrefix(props.memberStackSetName ?? `${Stack.of(this).stackName}-Member`),
    });
    this.actionLog = rules.actionLog;
  }

  get eventBusArn(): string {
    return this.channels.eventBusArn;
  }

  get tamperBusArn(): string | undefined {
    return this.tamperAlerts?.eventBusArn;
  }
}

/** Properties of {@link BreakGlassOrganization}. */
export interface BreakGlassOrganizationProps {
  /** The organization (`o-…`). */
  readonly organizationId: string;
  /** OU ids (`ou-…`) or the root id (`r-…`) the StackSet deploys to; accounts that join them later are covered. */
  readonly targets: string[];
  /** Regions of the stack instances; must include the home Region and us-east-1 (IAM and global STS events). */
  readonly regions: string[];
  /** Home Region: the member role is created there only. @default - this stack's Region */
  readonly homeRegion?: string;
  /** Where the members forward to (usually the {@link BreakGlassOrganizationCentral} of the security account). */
  readonly buses: BreakGlassOrganizationBuses;
  /**
   * `SELF` in the management account, `DELEGATED_ADMIN` in a delegated administrator account for
   * StackSets (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html).
   * @default 'SELF'
   */
  readonly callAs?: 'SELF' | 'DELEGATED_ADMIN';
  /** Name of the member break-glass role in every account (required: runbooks and the central rules use it). */
  readonly roleName: string;
  /** IAM users of each member account itself that may assume the role (MFA per `requireMfa`). @default - none */
  readonly usernames?: string[];
  /** Identity Center / SAML people by session name (see `BreakGlassRole`). @default - none */
  readonly federatedUsernames?: string[];
  /** @default ['*'] */
  readonly federatedPermissionSets?: string[];
  /** @default - none */
  readonly federatedRoleNames?: string[];
  /** IAM users of other accounts (the security account's break-glass users); MFA always required. @default - none */
  readonly trustedAccountUsers?: TrustedAccountUsers[];
  /** @default true */
  readonly requireMfa?: boolean;
  /** @default false */
  readonly requireSourceIdentity?: boolean;
  /** @default false */
  readonly requireReason?: boolean;
  /**
   * AWS managed policy names (`ReadOnlyAccess`) or policy ARNs of the member role. Strings, not CDK
   * policy objects: the member template is its own app, deployed into every account.
   * @default ['AdministratorAccess']
   */
  readonly managedPolicies?: string[];
  /** Inline statements of the member role (no tokens). @default - none */
  readonly policyStatements?: iam.PolicyStatement[];
  /** @default Duration.hours(1) */
  readonly maxSessionDuration?: Duration;
  /** Identity Center permission set watched in every member account. @default - none */
  readonly permissionSetName?: string;
  /** @default `<stack name>-Member` */
  readonly stackSetName?: string;
  /** Percentage of accounts deployed at once per Region. @default 25 */
  readonly maxConcurrentPercentage?: number;
  /** Percentage of accounts that may fail per Region before the operation stops. @default 0 */
  readonly failureTolerancePercentage?: number;
}

/**
 * The break-glass role in every member account of an organization: a service-managed StackSet in the
 * management (or delegated administrator) account, auto-deploying ONE member template to every
 * account of `targets` in every Region of `regions`. The template (see `private/member-template.ts`)
 * holds the member role (home Region only) and, per Region, the forwarders of every way in, denied
 * attempt, session action and tamper call to the security account's buses.
 *
 * Deploy the security account's central stack first (the members' rules target its buses), with
 * trusted access for StackSets enabled in AWS Organizations.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
 */
export class BreakGlassOrganization extends Construct {
  readonly stackSet: cloudformation.CfnStackSet;
  /** What the member template is built from (tests synthesize it again with cdk-nag). */
  readonly memberTemplateProps: MemberTemplateProps;
  private body?: string;

  constructor(scope: Construct, id: string, props: BreakGlassOrganizationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const path = this.node.path;
    const fail = (prop: string, detail: string): never => {
      throw new BreakGlassValidationError(path, prop, detail);
    };
    if (!Token.isUnresolved(props.organizationId) && !ORG_ID.test(props.organizationId))
      fail(
        'organizationId',
        `'${props.organizationId}' is not an organization id; use the form o-a1b2c3d4e5`,
      );
    if (props.targets.length === 0)
      fail('targets', 'empty; list the OU ids (ou-…) or the root id (r-…) to deploy to');
    for (const t of props.targets)
      if (!Token.isUnresolved(t) && !OU_OR_ROOT.test(t))
        fail('targets', `'${t}' is not an OU id (ou-ab12-11111111) or root id (r-ab12)`);
    const home = props.homeRegion ?? stack.region;
    if (Token.isUnresolved(home))
      fail('homeRegion', 'unknown; give the stack an env Region or set homeRegion');
    for (const need of [home, 'us-east-1'])
      if (!props.regions.includes(need))
        fail(
          'regions',
          `must include '${need}' (${need === home ? 'the home Region: the member role is created there' : 'IAM and global STS events arrive there only'})`,
        );
    for (const [prop, v, min] of [
      ['maxConcurrentPercentage', props.maxConcurrentPercentage, 1],
      ['failureTolerancePercentage', props.failureTolerancePercentage, 0],
    ] as const)
      if (v !== undefined && (!Number.isInteger(v) || v < min || v > 100))
        fail(prop, `must be a whole percentage from ${min} to 100 (got ${v})`);

    const central = busRef(path, 'buses.eventBusArn', props.buses.eventBusArn);
    const tamper = props.buses.tamperBusArn
      ? busRef(path, 'buses.tamperBusArn', props.buses.tamperBusArn)
      : undefined;
    const stackSetName = props.stackSetName ?? `${stack.stackName.replace(/-Organization$/, '')}-Member`;
    this.memberTemplateProps = {
      homeRegion: home,
      regions: props.regions,
      roleName: props.roleName,
      trust: {
        usernames: props.usernames ?? [],
        federatedUsernames: props.federatedUsernames ?? [],
        federatedPermissionSets: props.federatedPermissionSets ?? ['*'],
        federatedRoleNames: props.federatedRoleNames ?? [],
        trustedAccountUsers: props.trustedAccountUsers ?? [],
        requireMfa: props.requireMfa ?? true,
        requireSourceIdentity: props.requireSourceIdentity ?? false,
        requireReason: props.requireReason ?? false,
      },
      managedPolicies: props.managedPolicies,
      policyStatements: props.policyStatements,
      maxSessionDuration: props.maxSessionDuration,
      centralBus: central,
      tamperBus: tamper,
      watches: props.permissionSetName ? permissionSetWatch(props.permissionSetName) : [],
      ...(props.permissionSetName
        ? { forwardBranches: permissionSetForwardBranches(props.permissionSetName) }
        : {}),
      namePrefix: memberNamePrefix(stackSetName),
      description: `Break-glass role ${props.roleName} and event forwarding to ${central.account} (breakglass)`,
    };

    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName,
      description: `Break-glass role ${props.roleName} in every member account, forwarding to the security account ${central.account} (breakglass)`,
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: props.callAs ?? 'SELF',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25,
        failureTolerancePercentage: props.failureTolerancePercentage ?? 0,
        regionConcurrencyType: 'PARALLEL',
      },
      stackInstancesGroup: [
        { deploymentTargets: { organizationalUnitIds: props.targets }, regions: props.regions },
      ],
      // The member template as a plain JSON string, built when this stack is synthesized.
      templateBody: Lazy.string({ produce: () => this.templateBody() }),
    });
  }

  /** The member template's `TemplateBody` (compact JSON; synthesized once). */
  templateBody(): string {
    this.body ??= memberTemplateBody(this.node.path, this.memberTemplateProps);
    return this.body;
  }

  /** The member template as an object. */
  memberTemplate(): Record<string, unknown> {
    return JSON.parse(this.templateBody()) as Record<string, unknown>;
  }
}
