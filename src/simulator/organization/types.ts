/**
 * The organization as `verify` models it: which accounts exist (the org map), which StackSets deploy
 * which member template where (the plan), and which account stands in for the others.
 */

/** One account of the organization. */
export interface OrgAccount {
  readonly id: string;
  /** The OU the account sits in (its direct parent), when known. */
  readonly ou?: string;
  readonly name?: string;
}

/** The accounts of one organization, from the config (`organization.accounts`) or an Organizations export. */
export interface OrgMap {
  /** `o-…`: the value `aws:PrincipalOrgID` has for every account listed. */
  readonly id: string;
  readonly managementAccount?: string;
  readonly accounts: readonly OrgAccount[];
  /** Where the map came from (for messages). */
  readonly source: string;
}

/** One `StackInstancesGroup` entry of a StackSet. */
export interface InstancesGroup {
  readonly organizationalUnitIds: readonly string[];
  readonly accounts: readonly string[];
  /** `NONE` | `UNION` | `INTERSECTION` | `DIFFERENCE`, or absent. */
  readonly accountFilterType?: string;
  readonly regions: readonly string[];
}

/** An `AWS::CloudFormation::StackSet` resource of a loaded stack, read. */
export interface StackSetSpec {
  /** The stack holding the resource, and the resource's logical id. */
  readonly stackName: string;
  readonly logicalId: string;
  /** `StackSetName` (the logical id when it is not a plain string). */
  readonly name: string;
  readonly permissionModel: 'SERVICE_MANAGED' | 'SELF_MANAGED';
  readonly autoDeployment: boolean;
  /** The member template (`TemplateBody`, parsed). */
  readonly template: unknown;
  /** The member template as text: StackSets with the same text share one representative. */
  readonly templateText: string;
  readonly groups: readonly InstancesGroup[];
}

/** One stack instance: the StackSet's template deployed in one account and Region. */
export interface StackInstance {
  readonly account: string;
  readonly region: string;
}

/** A StackSet with the instances its targets resolve to. */
export interface StackSetPlan {
  readonly spec: StackSetSpec;
  readonly instances: readonly StackInstance[];
  /** Index into `OrganizationPlan.templates`. */
  readonly template: number;
}

/** One distinct member template and the account whose instances are resolved and replayed for it. */
export interface TemplatePlan {
  readonly text: string;
  /** The account every way in is replayed on (the first account, in id order, with an instance). */
  readonly representative: string;
  /** Every Region any instance of this template is in (sorted). */
  readonly regions: readonly string[];
  /** Stack names of the representative's modelled instances. */
  readonly stackNames: readonly string[];
}

/** An `AWS::SSO::Assignment` of a loaded stack (Identity Center account assignment). */
export interface SsoAssignment {
  readonly stackName: string;
  readonly logicalId: string;
  /** `TargetId` (the account), when a plain string. */
  readonly account: string;
  readonly permissionSetArn?: string;
}

export interface OrganizationPlan {
  readonly org?: OrgMap;
  readonly stackSets: readonly StackSetPlan[];
  readonly templates: readonly TemplatePlan[];
  readonly assignments: readonly SsoAssignment[];
  /** Accounts the plan knows of, in id order (org map accounts and instance accounts). */
  readonly accounts: readonly OrgAccount[];
  readonly warnings: readonly string[];
}
