/**
 * What `breakglass doctor` reads from AWS, as a port: the SDK v3 adapters next to this file
 * implement it (`doctor-sdk.ts`), tests replace the SDK clients with aws-sdk-client-mock. Every
 * method only reads (see `engines/doctor-calls.ts`); `undefined` means "no such resource".
 */

export interface TrailInfo {
  readonly name: string;
  readonly arn: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly isLogging: boolean;
  /** Whether its selectors record management events (write or all); undefined when unreadable. */
  readonly managementEvents: boolean | undefined;
}

export interface DeployedResource {
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
  readonly status: string;
}

export interface DeployedStack {
  readonly status: string;
  readonly resources: readonly DeployedResource[];
}

export interface DeployedRule {
  readonly state: string;
  /** EventPattern as the API returns it (JSON text). */
  readonly pattern?: string;
  readonly targets: readonly Record<string, unknown>[];
}

export interface SubscriptionInfo {
  /** The subscription ARN, or `PendingConfirmation` while it is not confirmed. */
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly pending: boolean;
  /** `ConfirmationWasAuthenticated`; undefined for a pending subscription (no attributes to read). */
  readonly authenticated?: boolean;
}

export interface AlarmInfo {
  readonly name: string;
  readonly state: string;
  readonly actionsEnabled: boolean;
  readonly reason?: string;
}

export interface KeyInfo {
  readonly state: string;
  readonly policy?: string;
}

export interface LogEvent {
  readonly timestamp: number;
  /** When CloudWatch Logs received it (epoch ms). */
  readonly ingestionTime?: number;
  readonly message: string;
}

/** `doctor --drill` only: the one call chain that is not a read (see `drill.ts`). */
export interface DrillAws {
  /**
   * Assumes `drillRoleArn` with the caller's credentials, then, as the drill role, calls
   * sts:AssumeRole on `targetRoleArn` — which its trust policy must deny. Resolves to what STS said
   * to the second call, and when it was made.
   */
  attempt(
    region: string,
    drillRoleArn: string,
    targetRoleArn: string,
    sessionName: string,
  ): Promise<{ readonly outcome: 'denied' | 'allowed'; readonly at: number }>;
}

/** One stack instance of a StackSet (CloudFormation ListStackInstances). */
export interface StackInstanceInfo {
  readonly account: string;
  readonly region: string;
  /** CURRENT, OUTDATED or INOPERABLE. */
  readonly status: string;
  /** `StackInstanceStatus.DetailedStatus` (SUCCEEDED, FAILED, RUNNING, …), when given. */
  readonly detailedStatus?: string;
  readonly reason?: string;
}

/** An account directly under an OU or root (Organizations ListAccountsForParent). */
export interface OrgAccountInfo {
  readonly id: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE, … */
  readonly status: string;
}

export interface DoctorAws {
  callerAccount(): Promise<string>;
  /** Region name → opt status (ENABLED, ENABLED_BY_DEFAULT, DISABLED, ENABLING, DISABLING). */
  regionStatuses(): Promise<ReadonlyMap<string, string>>;
  ssmParameter(region: string, name: string): Promise<string | undefined>;
  /** Whether the secret exists (and is not scheduled for deletion). */
  secretState(region: string, id: string): Promise<'exists' | 'missing' | 'deleted'>;
  /** `AssumeRolePolicySizeQuota` of IAM GetAccountSummary (characters). */
  trustPolicyQuota(): Promise<number | undefined>;
  trails(region: string): Promise<readonly TrailInfo[]>;
  stack(region: string, stackName: string): Promise<DeployedStack | undefined>;
  rule(region: string, name: string, busName: string | undefined): Promise<DeployedRule | undefined>;
  /** An event bus's resource policy (JSON text, '' when it has none), or undefined when the bus does not exist. */
  busPolicy(region: string, busName: string): Promise<string | undefined>;
  topicAttributes(region: string, topicArn: string): Promise<Readonly<Record<string, string>> | undefined>;
  subscriptions(region: string, topicArn: string): Promise<readonly SubscriptionInfo[]>;
  key(region: string, keyId: string): Promise<KeyInfo | undefined>;
  alarms(region: string, names: readonly string[]): Promise<readonly AlarmInfo[]>;
  /** Messages in a queue (visible + in flight), or undefined when it does not exist. */
  queueDepth(region: string, queueUrl: string): Promise<number | undefined>;
  /**
   * Events of a log group since `sinceMs` (epoch ms), oldest first, at most `limit`; undefined when the
   * log group does not exist.
   */
  logEvents(
    region: string,
    logGroup: string,
    sinceMs: number,
    limit: number,
  ): Promise<readonly LogEvent[] | undefined>;
  /** Organizations DescribeOrganization: the organization's id and management account. */
  organization(): Promise<{ readonly id: string; readonly managementAccount: string }>;
  /** Service principals with trusted access in the organization (ListAWSServiceAccessForOrganization). */
  trustedServices(): Promise<readonly string[]>;
  /** Accounts registered as delegated administrator for a service principal (ListDelegatedAdministrators). */
  delegatedAdministrators(servicePrincipal: string): Promise<readonly string[]>;
  /** Accounts directly under an OU or root (ListAccountsForParent). */
  accountsForParent(parentId: string): Promise<readonly OrgAccountInfo[]>;
  /** OUs directly under an OU or root (ListOrganizationalUnitsForParent). */
  ousForParent(parentId: string): Promise<readonly string[]>;
  /**
   * The stack instances of a StackSet (ListStackInstances, `CallAs` SELF or DELEGATED_ADMIN), or
   * undefined when the StackSet does not exist.
   */
  stackInstances(
    region: string,
    stackSetName: string,
    callAs: 'SELF' | 'DELEGATED_ADMIN',
  ): Promise<readonly StackInstanceInfo[] | undefined>;
}
