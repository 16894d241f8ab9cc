/**
 * The doctor port backed by AWS SDK v3 clients (read calls only; see `read-only.ts`). One client per
 * service and Region, made on first use. Error names of "not found" answers come from each API
 * reference (linked next to the call).
 */
import { AccountClient, ListRegionsCommand, type ListRegionsCommandOutput } from '@aws-sdk/client-account';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ListStackInstancesCommand,
  type DescribeStackResourcesCommandOutput,
  type DescribeStacksCommandOutput,
  type ListStackInstancesCommandOutput,
} from '@aws-sdk/client-cloudformation';
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type DescribeTrailsCommandOutput,
  type GetEventSelectorsCommandOutput,
  type GetTrailStatusCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  type DescribeEventBusCommandOutput,
  ListTargetsByRuleCommand,
  type DescribeRuleCommandOutput,
  type ListTargetsByRuleCommandOutput,
} from '@aws-sdk/client-eventbridge';
import {
  GetAccountSummaryCommand,
  IAMClient,
  type GetAccountSummaryCommandOutput,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  KMSClient,
  type DescribeKeyCommandOutput,
  type GetKeyPolicyCommandOutput,
} from '@aws-sdk/client-kms';
import {
  DescribeSecretCommand,
  SecretsManagerClient,
  type DescribeSecretCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  type GetSubscriptionAttributesCommandOutput,
  type GetTopicAttributesCommandOutput,
  type ListSubscriptionsByTopicCommandOutput,
} from '@aws-sdk/client-sns';
import {
  GetQueueAttributesCommand,
  SQSClient,
  type GetQueueAttributesCommandOutput,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient, type GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import {
  GetCallerIdentityCommand,
  STSClient,
  type GetCallerIdentityCommandOutput,
} from '@aws-sdk/client-sts';
import { awsErrorName, firstLine } from './errors.js';
import type {
  DoctorAws,
  LogEvent,
  OrgAccountInfo,
  StackInstanceInfo,
  SubscriptionInfo,
  TrailInfo,
} from './doctor-ports.js';
import type { AwsTarget } from './ports.js';
import { clientOptions, isNotFound, perRegion, readCall } from './read-only.js';

/** True when basic or advanced selectors record management write events. */
export function recordsManagementEvents(sel: GetEventSelectorsCommandOutput): boolean {
  // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetEventSelectors.html
  for (const s of sel.EventSelectors ?? []) {
    if (s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly') return true;
  }
  for (const a of sel.AdvancedEventSelectors ?? []) {
    const fields = a.FieldSelectors ?? [];
    const category = fields.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.includes('Management')) continue;
    const readOnly = fields.find((f) => f.Field === 'readOnly');
    if (readOnly?.Equals?.includes('true')) continue;
    return true;
  }
  return false;
}

/** What the organization checks use of `@aws-sdk/client-organizations` (the fields they read). */
interface Page {
  readonly NextToken?: string;
}
type Command = new (input: object) => object;
export interface OrganizationsSdk {
  readonly OrganizationsClient: new (options: { region?: string; profile?: string }) => {
    send(command: never): Promise<unknown>;
  };
  readonly DescribeOrganizationCommand: Command;
  readonly ListAWSServiceAccessForOrganizationCommand: Command;
  readonly ListDelegatedAdministratorsCommand: Command;
  readonly ListAccountsForParentCommand: Command;
  readonly ListOrganizationalUnitsForParentCommand: Command;
}
interface DescribeOrganizationOutput {
  readonly Organization?: { readonly Id?: string; readonly MasterAccountId?: string };
}
interface ServiceAccessPage extends Page {
  readonly EnabledServicePrincipals?: readonly { readonly ServicePrincipal?: string }[];
}
interface DelegatedAdminsPage extends Page {
  readonly DelegatedAdministrators?: readonly { readonly Id?: string }[];
}
interface AccountsPage extends Page {
  readonly Accounts?: readonly { readonly Id?: string; readonly Status?: string; readonly State?: string }[];
}
interface OusPage extends Page {
  readonly OrganizationalUnits?: readonly { readonly Id?: string }[];
}

const ORGANIZATIONS_MODULE = '@aws-sdk/client-organizations';

/**
 * `@aws-sdk/client-organizations`, loaded when an organization check first needs it: like the other
 * SDK clients it is an optional dependency of the CLI, and a deployment without a StackSet never
 * loads it.
 */
export async function loadOrganizationsSdk(
  importModule: (name: string) => Promise<unknown> = (name) => import(name),
): Promise<OrganizationsSdk> {
  try {
    return (await importModule(ORGANIZATIONS_MODULE)) as OrganizationsSdk;
  } catch (e) {
    throw new Error(
      `the organization checks need ${ORGANIZATIONS_MODULE}, which is not installed; install it with: npm install --save-dev ${ORGANIZATIONS_MODULE}`,
      { cause: e },
    );
  }
}

/** Every page of a paginated Organizations list call. */
async function allPages<P extends Page>(
  client: { send(command: never): Promise<unknown> },
  make: (token: string | undefined) => object,
): Promise<P[]> {
  const pages: P[] = [];
  let token: string | undefined;
  do {
    const page = await readCall<P>(client, make(token));
    pages.push(page);
    token = page.NextToken;
  } while (token);
  return pages;
}

export function sdkDoctorAws(
  target: AwsTarget,
  deps: { readonly organizations?: () => Promise<OrganizationsSdk> } = {},
): DoctorAws {
  const home = target.region ?? 'us-east-1';
  const sts = new STSClient(clientOptions({ ...target, region: home }));
  const account = new AccountClient(clientOptions({ ...target, region: 'us-east-1' }));
  const iam = new IAMClient(clientOptions({ ...target, region: 'us-east-1' }));
  const ssm = perRegion((t) => new SSMClient(clientOptions(t)), target);
  const secrets = perRegion((t) => new SecretsManagerClient(clientOptions(t)), target);
  const trail = perRegion((t) => new CloudTrailClient(clientOptions(t)), target);
  const cfn = perRegion((t) => new CloudFormationClient(clientOptions(t)), target);
  const events = perRegion((t) => new EventBridgeClient(clientOptions(t)), target);
  const sns = perRegion((t) => new SNSClient(clientOptions(t)), target);
  const kms = perRegion((t) => new KMSClient(clientOptions(t)), target);
  const cw = perRegion((t) => new CloudWatchClient(clientOptions(t)), target);
  const sqs = perRegion((t) => new SQSClient(clientOptions(t)), target);
  const logs = perRegion((t) => new CloudWatchLogsClient(clientOptions(t)), target);
  // Organizations is a global service: its endpoint is in us-east-1.
  let orgs:
    Promise<{ sdk: OrganizationsSdk; client: { send(command: never): Promise<unknown> } }> | undefined;
  const organizations = () =>
    (orgs ??= (deps.organizations ?? loadOrganizationsSdk)().then((sdk) => ({
      sdk,
      client: new sdk.OrganizationsClient(clientOptions({ ...target, region: 'us-east-1' })),
    })));
  /** Status and selectors of a trail, read once in its home Region (shadow trails repeat it). */
  const trailDetails = new Map<string, Promise<Pick<TrailInfo, 'isLogging' | 'managementEvents'>>>();
  const detailsOf = (arn: string, homeRegion: string) => {
    let p = trailDetails.get(arn);
    if (!p) {
      p = (async () => {
        const c = trail(homeRegion);
        const st = await readCall<GetTrailStatusCommandOutput>(c, new GetTrailStatusCommand({ Name: arn }));
        let managementEvents: boolean | undefined;
        try {
          const sel = await readCall<GetEventSelectorsCommandOutput>(
            c,
            new GetEventSelectorsCommand({ TrailName: arn }),
          );
          managementEvents = recordsManagementEvents(sel);
        } catch {
          managementEvents = undefined;
        }
        return { isLogging: st.IsLogging === true, managementEvents };
      })();
      trailDetails.set(arn, p);
    }
    return p;
  };

  return {
    async callerAccount() {
      const r = await readCall<GetCallerIdentityCommandOutput>(sts, new GetCallerIdentityCommand({}));
      if (!r.Account) throw new Error('STS GetCallerIdentity returned no Account');
      return r.Account;
    },
    async regionStatuses() {
      const out = new Map<string, string>();
      let token: string | undefined;
      do {
        const page = await readCall<ListRegionsCommandOutput>(
          account,
          new ListRegionsCommand({ MaxResults: 50, ...(token ? { NextToken: token } : {}) }),
        );
        for (const r of page.Regions ?? [])
          if (r.RegionName) out.set(r.RegionName, r.RegionOptStatus ?? 'UNKNOWN');
        token = page.NextToken;
      } while (token);
      return out;
    },
    async ssmParameter(region, name) {
      try {
        const r = await readCall<GetParameterCommandOutput>(
          ssm(region),
          new GetParameterCommand({ Name: name }),
        );
        return r.Parameter?.Value;
      } catch (e) {
        if (isNotFound(e, 'ParameterNotFound')) return undefined;
        throw e;
      }
    },
    async secretState(region, id) {
      try {
        const r = await readCall<DescribeSecretCommandOutput>(
          secrets(region),
          new DescribeSecretCommand({ SecretId: id }),
        );
        return r.DeletedDate ? 'deleted' : 'exists';
      } catch (e) {
        if (isNotFound(e, 'ResourceNotFoundException')) return 'missing';
        throw e;
      }
    },
    async trustPolicyQuota() {
      const r = await readCall<GetAccountSummaryCommandOutput>(iam, new GetAccountSummaryCommand({}));
      return r.SummaryMap?.['AssumeRolePolicySizeQuota'];
    },
    async trails(region) {
      const r = await readCall<DescribeTrailsCommandOutput>(
        trail(region),
        new DescribeTrailsCommand({ includeShadowTrails: true }),
      );
      const out: TrailInfo[] = [];
      for (const t of r.trailList ?? []) {
        if (!t.TrailARN || !t.HomeRegion) continue;
        const d = await detailsOf(t.TrailARN, t.HomeRegion);
        out.push({
          name: t.Name ?? t.TrailARN,
          arn: t.TrailARN,
          homeRegion: t.HomeRegion,
          multiRegion: t.IsMultiRegionTrail === true,
          ...d,
        });
      }
      return out;
    },
    async stack(region, stackName) {
      let status: string;
      try {
        const r = await readCall<DescribeStacksCommandOutput>(
          cfn(region),
          new DescribeStacksCommand({ StackName: stackName }),
        );
        status = r.Stacks?.[0]?.StackStatus ?? 'UNKNOWN';
      } catch (e) {
        // CloudFormation answers a missing stack with ValidationError "Stack with id … does not exist".
        if (awsErrorName(e) === 'ValidationError' && /does not exist/.test(firstLine(e))) return undefined;
        throw e;
      }
      const res = await readCall<DescribeStackResourcesCommandOutput>(
        cfn(region),
        new DescribeStackResourcesCommand({ StackName: stackName }),
      );
      return {
        status,
        resources: (res.StackResources ?? []).map((x) => ({
          logicalId: x.LogicalResourceId ?? '',
          physicalId: x.PhysicalResourceId ?? '',
          type: x.ResourceType ?? '',
          status: x.ResourceStatus ?? '',
        })),
      };
    },
    async rule(region, name, busName) {
      const bus = busName ? { EventBusName: busName } : {};
      let r: DescribeRuleCommandOutput;
      try {
        r = await readCall<DescribeRuleCommandOutput>(
          events(region),
          new DescribeRuleCommand({ Name: name, ...bus }),
        );
      } catch (e) {
        if (isNotFound(e, 'ResourceNotFoundException')) return undefined;
        throw e;
      }
      const targets: Record<string, unknown>[] = [];
      let token: string | undefined;
      do {
        const page = await readCall<ListTargetsByRuleCommandOutput>(
          events(region),
          new ListTargetsByRuleCommand({ Rule: name, ...bus, ...(token ? { NextToken: token } : {}) }),
        );
        for (const t of page.Targets ?? []) targets.push({ ...t } as Record<string, unknown>);
        token = page.NextToken;
      } while (token);
      return { state: r.State ?? 'ENABLED', ...(r.EventPattern ? { pattern: r.EventPattern } : {}), targets };
    },
    async busPolicy(region, busName) {
      try {
        const r = await readCall<DescribeEventBusCommandOutput>(
          events(region),
          new DescribeEventBusCommand({ Name: busName }),
        );
        return r.Policy ?? '';
      } catch (e) {
        if (isNotFound(e, 'ResourceNotFoundException')) return undefined;
        throw e;
      }
    },
    async topicAttributes(region, topicArn) {
      try {
        const r = await readCall<GetTopicAttributesCommandOutput>(
          sns(region),
          new GetTopicAttributesCommand({ TopicArn: topicArn }),
        );
        return r.Attributes ?? {};
      } catch (e) {
        if (isNotFound(e, 'NotFoundException', 'NotFound')) return undefined;
        throw e;
      }
    },
    async subscriptions(region, topicArn) {
      const out: SubscriptionInfo[] = [];
      let token: string | undefined;
      do {
        const page = await readCall<ListSubscriptionsByTopicCommandOutput>(
          sns(region),
          new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(token ? { NextToken: token } : {}) }),
        );
        for (const s of page.Subscriptions ?? []) {
          const arn = s.SubscriptionArn ?? '';
          const base = { arn, protocol: s.Protocol ?? '', endpoint: s.Endpoint ?? '' };
          // A subscription not yet confirmed is listed with the ARN "PendingConfirmation" and has no
          // attributes to read (https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html).
          if (!arn.startsWith('arn:')) {
            out.push({ ...base, pending: true });
            continue;
          }
          const a = await readCall<GetSubscriptionAttributesCommandOutput>(
            sns(region),
            new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }),
          );
          const attrs = a.Attributes ?? {};
          out.push({
            ...base,
            pending: attrs['PendingConfirmation'] === 'true',
            authenticated: attrs['ConfirmationWasAuthenticated'] === 'true',
          });
        }
        token = page.NextToken;
      } while (token);
      return out;
    },
    async key(region, keyId) {
      let state: string;
      try {
        const d = await readCall<DescribeKeyCommandOutput>(
          kms(region),
          new DescribeKeyCommand({ KeyId: keyId }),
        );
        state = d.KeyMetadata?.KeyState ?? 'UNKNOWN';
      } catch (e) {
        if (isNotFound(e, 'NotFoundException')) return undefined;
        throw e;
      }
      const p = await readCall<GetKeyPolicyCommandOutput>(
        kms(region),
        new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }),
      );
      return { state, ...(p.Policy ? { policy: p.Policy } : {}) };
    },
    async alarms(region, names) {
      const out: { name: string; state: string; actionsEnabled: boolean; reason?: string }[] = [];
      // DescribeAlarms takes up to 100 names per call.
      for (let i = 0; i < names.length; i += 100) {
        let token: string | undefined;
        do {
          const page = await readCall<DescribeAlarmsCommandOutput>(
            cw(region),
            new DescribeAlarmsCommand({
              AlarmNames: names.slice(i, i + 100),
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
              ...(token ? { NextToken: token } : {}),
            }),
          );
          for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
            out.push({
              name: a.AlarmName ?? '',
              state: a.StateValue ?? 'UNKNOWN',
              actionsEnabled: a.ActionsEnabled !== false,
              ...(a.StateReason ? { reason: a.StateReason } : {}),
            });
          }
          token = page.NextToken;
        } while (token);
      }
      return out;
    },
    async queueDepth(region, queueUrl) {
      try {
        const r = await readCall<GetQueueAttributesCommandOutput>(
          sqs(region),
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        const a = r.Attributes ?? {};
        return (
          Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0)
        );
      } catch (e) {
        if (isNotFound(e, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue')) return undefined;
        throw e;
      }
    },
    async logEvents(region, logGroup, sinceMs, limit) {
      const out: LogEvent[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await readCall<FilterLogEventsCommandOutput>(
            logs(region),
            new FilterLogEventsCommand({
              logGroupName: logGroup,
              startTime: sinceMs,
              ...(token ? { nextToken: token } : {}),
            }),
          );
          for (const e of page.events ?? []) {
            if (e.timestamp === undefined) continue;
            out.push({
              timestamp: e.timestamp,
              ...(e.ingestionTime !== undefined ? { ingestionTime: e.ingestionTime } : {}),
              message: e.message ?? '',
            });
          }
          token = page.nextToken;
        } while (token && out.length < limit);
      } catch (e) {
        if (isNotFound(e, 'ResourceNotFoundException')) return undefined;
        throw e;
      }
      return out.slice(0, limit);
    },
    async organization() {
      const { sdk, client } = await organizations();
      const { DescribeOrganizationCommand } = sdk;
      const r = await readCall<DescribeOrganizationOutput>(client, new DescribeOrganizationCommand({}));
      const o = r.Organization;
      if (!o?.Id || !o.MasterAccountId) throw new Error('Organizations DescribeOrganization returned no Id');
      return { id: o.Id, managementAccount: o.MasterAccountId };
    },
    async trustedServices() {
      const { sdk, client } = await organizations();
      const { ListAWSServiceAccessForOrganizationCommand } = sdk;
      const pages = await allPages<ServiceAccessPage>(
        client,
        (t) => new ListAWSServiceAccessForOrganizationCommand(t ? { NextToken: t } : {}),
      );
      return pages.flatMap((p) =>
        (p.EnabledServicePrincipals ?? []).flatMap((x) => x.ServicePrincipal ?? []),
      );
    },
    async delegatedAdministrators(servicePrincipal) {
      const { sdk, client } = await organizations();
      const { ListDelegatedAdministratorsCommand } = sdk;
      const pages = await allPages<DelegatedAdminsPage>(
        client,
        (t) =>
          new ListDelegatedAdministratorsCommand({
            ServicePrincipal: servicePrincipal,
            ...(t ? { NextToken: t } : {}),
          }),
      );
      return pages.flatMap((p) => (p.DelegatedAdministrators ?? []).flatMap((a) => a.Id ?? []));
    },
    async accountsForParent(parentId) {
      const { sdk, client } = await organizations();
      const { ListAccountsForParentCommand } = sdk;
      const pages = await allPages<AccountsPage>(
        client,
        (t) => new ListAccountsForParentCommand({ ParentId: parentId, ...(t ? { NextToken: t } : {}) }),
      );
      // `State` replaces the older `Status` field (ACTIVE, SUSPENDED, …) in newer API versions.
      return pages.flatMap((p) =>
        (p.Accounts ?? []).flatMap((a): OrgAccountInfo[] =>
          a.Id ? [{ id: a.Id, status: a.State ?? a.Status ?? 'UNKNOWN' }] : [],
        ),
      );
    },
    async ousForParent(parentId) {
      const { sdk, client } = await organizations();
      const { ListOrganizationalUnitsForParentCommand } = sdk;
      const pages = await allPages<OusPage>(
        client,
        (t) =>
          new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, ...(t ? { NextToken: t } : {}) }),
      );
      return pages.flatMap((p) => (p.OrganizationalUnits ?? []).flatMap((o) => o.Id ?? []));
    },
    async stackInstances(region, stackSetName, callAs) {
      const out: StackInstanceInfo[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await readCall<ListStackInstancesCommandOutput>(
            cfn(region),
            new ListStackInstancesCommand({
              StackSetName: stackSetName,
              CallAs: callAs,
              ...(token ? { NextToken: token } : {}),
            }),
          );
          for (const i of page.Summaries ?? []) {
            if (!i.Account || !i.Region) continue;
            const detailed = i.StackInstanceStatus?.DetailedStatus;
            out.push({
              account: i.Account,
              region: i.Region,
              status: i.Status ?? 'UNKNOWN',
              ...(detailed ? { detailedStatus: detailed } : {}),
              ...(i.StatusReason ? { reason: i.StatusReason } : {}),
            });
          }
          token = page.NextToken;
        } while (token);
      } catch (e) {
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_ListStackInstances.html
        if (isNotFound(e, 'StackSetNotFoundException')) return undefined;
        throw e;
      }
      return out;
    },
  };
}
