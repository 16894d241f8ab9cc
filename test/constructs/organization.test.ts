/**
 * BreakGlassOrganization (the StackSet in the management account) and BreakGlassOrganizationCentral
 * (the security account's central rules): the StackSet's deployment settings, the member template
 * embedded in it, and every way in of fixtures/ways-in.json replayed through a member account's
 * forwarders (the member template resolved for that account and Region) and the central rules.
 */
import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BreakGlassOrganization,
  BreakGlassOrganizationCentral,
  type BreakGlassOrganizationProps,
} from '../../src/constructs/organization.js';
import { BreakGlassValidationError } from '../../src/constructs/errors.js';
import { memberTemplateBody, synthesizeMember } from '../../src/constructs/private/member-template.js';
import { resolveTemplate, type ResolvedTemplate } from '../../src/engines/cfn/index.js';
import {
  type CloudTrailRecord,
  needsAllManagementEvents,
  toEventBridgeEvent,
} from '../../src/engines/cloudtrail/index.js';
import { matchesPattern } from '../../src/engines/event-pattern/index.js';
import {
  ROLE_ARN,
  consoleRecords,
  originalRecords,
  samlRecord,
  stratusRecords,
} from './permission-set-records.js';
import { tempDir } from '../temp.js';

interface Case {
  name: string;
  alerted: boolean;
  record: CloudTrailRecord;
}

const SECURITY = '222222222222';
const MANAGEMENT = '111111111111';
const MEMBERS = ['333333333333', '444444444444'];
const ORG = 'o-a1b2c3d4e5';
const HOME = 'eu-west-1';
/** The Regions of the fixture records, except sa-east-1 (its case is "a Region that is not watched"). */
const REGIONS = [HOME, 'ap-southeast-2', 'us-east-1'];
const FIXTURE_ACCOUNT = '111111111111';
const cases = (
  JSON.parse(readFileSync(new URL('./fixtures/ways-in.json', import.meta.url), 'utf8')) as Case[]
).filter((c) => JSON.stringify(c.record).includes('alice'));

let central: Stack;
let org: BreakGlassOrganization;
let centralConstruct: BreakGlassOrganizationCentral;
let centralResolved: ResolvedTemplate;
let body: string;

function baseProps(over: Partial<BreakGlassOrganizationProps> = {}): BreakGlassOrganizationProps {
  return {
    organizationId: ORG,
    targets: ['ou-ab12-11111111'],
    regions: REGIONS,
    buses: {
      eventBusArn: `arn:aws:events:${HOME}:${SECURITY}:event-bus/central`,
      tamperBusArn: `arn:aws:events:${HOME}:${SECURITY}:event-bus/tamper`,
    },
    roleName: 'alice',
    trustedAccountUsers: [{ account: SECURITY, usernames: ['breakglass-1'] }],
    managedPolicies: ['ReadOnlyAccess'],
    ...over,
  };
}

beforeAll(() => {
  const app = new App({ outdir: tempDir('bg-org-') });
  central = new Stack(app, 'BreakGlass', { env: { account: SECURITY, region: HOME } });
  centralConstruct = new BreakGlassOrganizationCentral(central, 'Central', {
    organizationId: ORG,
    roleName: 'alice',
    permissionSetName: 'devops-break-glass',
    regions: REGIONS,
    loginAlertEmails: ['oncall@example.com'],
    // Each attempt pages here, so that every way in can be followed to the alert topic.
    deniedAttempts: 'each',
  });
  const orgStack = new Stack(app, 'BreakGlass-Organization', { env: { account: MANAGEMENT, region: HOME } });
  org = new BreakGlassOrganization(
    orgStack,
    'Organization',
    baseProps({ buses: centralConstruct, permissionSetName: 'devops-break-glass' }),
  );
  body = Template.fromStack(orgStack).findResources('AWS::CloudFormation::StackSet')[
    Object.keys(Template.fromStack(orgStack).findResources('AWS::CloudFormation::StackSet'))[0] as string
  ]?.['Properties']['TemplateBody'] as string;
  centralResolved = resolveTemplate(Template.fromStack(central).toJSON(), {
    stackName: 'BreakGlass',
    account: SECURITY,
    region: HOME,
  });
}, 300_000);

const busName = (arn: string) => arn.slice(arn.indexOf('event-bus/') + 'event-bus/'.length);

interface Rule {
  id: string;
  bus: string;
  pattern: unknown;
  state: string;
  targets: Record<string, unknown>[];
}

function rules(t: ResolvedTemplate): Rule[] {
  return [...t.resources.values()]
    .filter((r) => r.type === 'AWS::Events::Rule')
    .map((r) => ({
      id: r.logicalId,
      bus: typeof r.properties['EventBusName'] === 'string' ? r.properties['EventBusName'] : 'default',
      pattern: r.properties['EventPattern'],
      state: String(r.properties['State'] ?? 'ENABLED'),
      targets: (r.properties['Targets'] as Record<string, unknown>[] | undefined) ?? [],
    }));
}

function delivers(rule: Rule, record: CloudTrailRecord): boolean {
  const all = rule.state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
  if (!all && (rule.state !== 'ENABLED' || needsAllManagementEvents(record))) return false;
  return matchesPattern(rule.pattern, toEventBridgeEvent(record));
}

/** The member stack of `account` in `region`, as CloudFormation would resolve the StackSet's template there. */
function memberIn(account: string, region: string): ResolvedTemplate {
  return resolveTemplate(body, { stackName: `StackSet-BreakGlass-Member-${account}`, account, region });
}

/** The record through the member's forwarders (to `busArn`) and the central rules on that bus. */
function replay(record: CloudTrailRecord, busArn: string): { forwarded: string[]; central: Rule[] } {
  // No stack instance outside the StackSet's Regions and member accounts (the security account is
  // not under the targeted OU here): nothing is forwarded from there.
  if (!REGIONS.includes(record.awsRegion) || !MEMBERS.includes(String(record.recipientAccountId)))
    return { forwarded: [], central: [] };
  const member = memberIn(String(record.recipientAccountId), record.awsRegion);
  const forwarded = rules(member)
    .filter((r) => r.bus === 'default' && r.targets.some((t) => t['Arn'] === busArn) && delivers(r, record))
    .map((r) => r.id);
  const centralRules =
    forwarded.length === 0
      ? []
      : rules(centralResolved).filter((r) => r.bus === busName(busArn) && delivers(r, record));
  return { forwarded, central: centralRules };
}

const resolvedCentralBus = () =>
  `arn:aws:events:${HOME}:${SECURITY}:event-bus/${busName(centralConstruct.eventBusArn)}`;
const resolvedTamperBus = () =>
  `arn:aws:events:${HOME}:${SECURITY}:event-bus/${busName(centralConstruct.tamperBusArn ?? '')}`;
const alertTopicRef = () =>
  [...centralResolved.resources.values()].find(
    (r) => r.type === 'AWS::SNS::Topic' && r.logicalId.startsWith('CentralChannelsAlertTopic'),
  )?.ref;

describe('BreakGlassOrganization: the StackSet', () => {
  it('is service-managed, auto-deploys to the OUs in the Regions, as SELF, with named-IAM capability', () => {
    Template.fromStack(Stack.of(org)).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'BreakGlass-Member',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-11111111'] }, Regions: REGIONS },
      ],
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ManagedExecution: { Active: true },
      OperationPreferences: {
        MaxConcurrentPercentage: 25,
        FailureTolerancePercentage: 0,
        RegionConcurrencyType: 'PARALLEL',
      },
    });
  });

  it('embeds the member template as a plain JSON string with no account id of its own', () => {
    expect(typeof body).toBe('string');
    expect(() => JSON.parse(body) as unknown).not.toThrow();
    for (const account of [...MEMBERS, MANAGEMENT]) expect(body).not.toContain(account);
    expect(body).toContain('"Ref":"AWS::AccountId"');
    expect(body.length).toBeLessThanOrEqual(51_200);
  });

  it('uses CallAs DELEGATED_ADMIN when asked', () => {
    const stack = new Stack(new App(), 'Org', { env: { account: '555555555555', region: HOME } });
    new BreakGlassOrganization(stack, 'O', baseProps({ callAs: 'DELEGATED_ADMIN' }));
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'DELEGATED_ADMIN',
    });
  });

  it('rejects Regions without the home Region or us-east-1, and non-OU targets', () => {
    const make = (over: Partial<BreakGlassOrganizationProps>) => () =>
      new BreakGlassOrganization(
        new Stack(new App(), 'Org', { env: { account: MANAGEMENT, region: HOME } }),
        'O',
        baseProps(over),
      );
    expect(make({ regions: ['us-east-1'] })).toThrow(/regions: must include 'eu-west-1'/);
    expect(make({ regions: [HOME] })).toThrow(/regions: must include 'us-east-1'/);
    expect(make({ targets: ['333333333333'] })).toThrow(/targets: '333333333333' is not an OU id/);
    expect(make({ targets: [] })).toThrow(BreakGlassValidationError);
    expect(make({ buses: { eventBusArn: 'arn:aws:sns:eu-west-1:222222222222:t' } })).toThrow(
      /buses.eventBusArn: .* is not an event bus ARN/,
    );
  });

  it('fails with the size when the member template is over the TemplateBody limit', () => {
    const body = memberTemplateBody('Org/O', org.memberTemplateProps);
    const size = Buffer.byteLength(body, 'utf8');
    expect(() => memberTemplateBody('Org/O', org.memberTemplateProps, size - 1)).toThrow(
      new RegExp(`the member template is ${size} bytes; a StackSet TemplateBody holds at most ${size - 1}`),
    );
    expect(memberTemplateBody('Org/O', org.memberTemplateProps, size)).toBe(body);
  });
});

describe('BreakGlassOrganization: the member template', () => {
  it('creates the role with its fixed name in the home Region only', () => {
    const t = Template.fromJSON(JSON.parse(body) as Record<string, unknown>);
    expect(t.toJSON()['Conditions']).toEqual({
      IsHomeRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, HOME] },
    });
    const roles = t.findResources('AWS::IAM::Role', { Properties: { RoleName: 'alice' } });
    expect(Object.values(roles).map((r) => r['Condition'])).toEqual(['IsHomeRegion']);
    const roleIn = (region: string) =>
      [...memberIn(MEMBERS[0] as string, region).resources.values()].filter(
        (r) => r.type === 'AWS::IAM::Role' && r.properties['RoleName'] === 'alice',
      ).length;
    expect(roleIn(HOME)).toBe(1);
    expect(roleIn('us-east-1')).toBe(0);
    expect(roleIn('ap-southeast-2')).toBe(0);
  });

  it('trusts the security account users with MFA and locks the role to the covered Regions', () => {
    const role = [...memberIn(MEMBERS[0] as string, HOME).resources.values()].find(
      (r) => r.type === 'AWS::IAM::Role' && r.properties['RoleName'] === 'alice',
    );
    const doc = JSON.stringify(role?.properties['AssumeRolePolicyDocument']);
    expect(doc).toContain(`arn:aws:iam::${SECURITY}:user/breakglass-1`);
    expect(doc).toContain('"aws:MultiFactorAuthPresent":"true"');
    expect(doc).toContain(`"Principal":{"AWS":"arn:aws:iam::${SECURITY}:root"}`);
    const policies = JSON.stringify(role?.properties['Policies']);
    expect(policies).toContain('"Effect":"Deny"');
    expect(policies).toContain(
      `"aws:RequestedRegion":${JSON.stringify([HOME, 'us-east-1', 'ap-southeast-2'])}`,
    );
  });

  it('forwards to the central bus in every Region with a role, a dead-letter queue and a failure alarm', () => {
    for (const region of REGIONS) {
      const m = memberIn(MEMBERS[0] as string, region);
      const fwd = rules(m).filter((r) => r.targets.some((t) => t['Arn'] === resolvedCentralBus()));
      expect(fwd.length, region).toBeGreaterThanOrEqual(2);
      for (const r of fwd) {
        const target = r.targets[0] as Record<string, unknown>;
        expect(target['RoleArn'], r.id).toBeDefined();
        expect(target['DeadLetterConfig'], r.id).toBeDefined();
      }
      const alarms = [...m.resources.values()].filter((r) => r.type === 'AWS::CloudWatch::Alarm');
      const ruleNames = rules(m)
        .filter((r) => r.id !== rules(m).find((x) => x.id.startsWith('AlarmForward'))?.id)
        .map((r) => m.resources.get(r.id)?.physicalName);
      const watched = alarms.map((a) => JSON.stringify(a.properties['Dimensions']));
      for (const n of ruleNames)
        expect(
          watched.some((d) => d.includes(`"${n}"`)),
          `${region} ${n}`,
        ).toBe(true);
    }
  });

  it('the cdk-nag harness of the member template reports an unacknowledged finding (control)', () => {
    expect(() =>
      synthesizeMember(org.memberTemplateProps, (app, member) => {
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
        new iam.Role(member.stack, 'Unjustified', {
          assumedBy: new iam.AccountRootPrincipal(),
          managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
        });
      }),
    ).toThrow(/AwsSolutions-IAM4/);
  });

  it('is clean under cdk-nag AwsSolutions', () => {
    expect(() =>
      synthesizeMember(org.memberTemplateProps, (app) =>
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app)),
      ),
    ).not.toThrow();
  });
});

describe('BreakGlassOrganizationCentral', () => {
  it('admits the organization on the central and the tamper bus (aws:PrincipalOrgID)', () => {
    const t = Template.fromStack(central);
    const org = t.findResources('AWS::Events::EventBusPolicy', {
      Properties: {
        Statement: { Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } }, Principal: { AWS: '*' } },
      },
    });
    expect(Object.keys(org)).toHaveLength(2);
  });

  it('has no member account id in any rule (account-agnostic)', () => {
    const json = JSON.stringify(Template.fromStack(central).toJSON());
    for (const a of MEMBERS) expect(json).not.toContain(a);
  });

  it('sends forwarded member alarms in ALARM to the tamper topic', () => {
    Template.fromStack(central).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.cloudwatch'],
        account: [{ 'anything-but': SECURITY }],
        detail: { state: { value: ['ALARM'] } },
      }),
    });
  });
});

describe('a member account end to end (member forwarders → central rules)', () => {
  it.each(MEMBERS)('alerts exactly the ways in of fixtures/ways-in.json in account %s', (account) => {
    const got = cases.map((c) => {
      const record = JSON.parse(
        JSON.stringify(c.record).split(FIXTURE_ACCOUNT).join(account),
      ) as CloudTrailRecord;
      const { central } = replay(record, resolvedCentralBus());
      const alerted = central.some((r) => r.targets.some((t) => t['Arn'] === alertTopicRef()));
      return `${c.name}: ${alerted}`;
    });
    expect(got).toEqual(cases.map((c) => `${c.name}: ${c.alerted}`));
    expect(cases.filter((c) => c.alerted).length).toBeGreaterThan(5);
  });

  it('alerts the Identity Center permission set’s AssumeRoleWithSAML and console sign-ins, logs its calls, each forwarded once', () => {
    const toAlert = [samlRecord(ROLE_ARN), ...consoleRecords(ROLE_ARN)];
    const toLog = stratusRecords(ROLE_ARN);
    expect(toAlert.length).toBeGreaterThan(1);
    expect(toLog.length).toBeGreaterThan(0);
    const logGroup = [...centralResolved.resources.values()].find((r) =>
      r.logicalId.startsWith('CentralMemberActionLog'),
    );
    for (const raw of [...toAlert, ...toLog]) {
      const record = raw as unknown as CloudTrailRecord;
      const { forwarded, central } = replay(record, resolvedCentralBus());
      // One forwarding rule per event: a second one would deliver every alert twice.
      expect(forwarded, record.eventName).toHaveLength(1);
      const to = (ref: unknown) => central.some((r) => r.targets.some((t) => t['Arn'] === ref));
      if (toAlert.includes(raw)) expect(to(alertTopicRef()), record.eventName).toBe(true);
      else expect(to(logGroup?.arn), record.eventName).toBe(true);
    }
    // The unrewritten fixtures name other roles: not forwarded.
    for (const raw of originalRecords()) {
      const record = {
        ...(raw as unknown as CloudTrailRecord),
        recipientAccountId: MEMBERS[0],
        awsRegion: HOME,
      };
      expect(replay(record as CloudTrailRecord, resolvedCentralBus()).forwarded, record.eventName).toEqual(
        [],
      );
    }
  });

  it('forwards once an AssumeRole into the member role made with a permission-set session (both watched)', () => {
    const [call] = stratusRecords(ROLE_ARN) as unknown as CloudTrailRecord[];
    const record = {
      ...call,
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      requestParameters: { roleArn: `arn:aws:iam::${MEMBERS[0]}:role/alice`, roleSessionName: 'x' },
      errorCode: undefined,
      errorMessage: undefined,
      readOnly: false,
    } as CloudTrailRecord;
    const { forwarded, central } = replay(record, resolvedCentralBus());
    expect(forwarded).toHaveLength(1);
    expect(central.map((r) => r.id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^CentralMemberAssumeRoleOkAlert/)]),
    );
  });

  it('sends a change to a member forwarding rule to the tamper bus, and the tamper rule there matches it', () => {
    const record = {
      eventVersion: '1.09',
      eventTime: '2026-11-20T02:13:00Z',
      eventSource: 'events.amazonaws.com',
      eventName: 'DisableRule',
      awsRegion: 'ap-southeast-2',
      recipientAccountId: MEMBERS[1],
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${MEMBERS[1]}:assumed-role/Admin/x` },
      requestParameters: { name: 'BreakGlass-Member-forward' },
      eventType: 'AwsApiCall',
      managementEvent: true,
      readOnly: false,
    } as unknown as CloudTrailRecord;
    const { forwarded, central } = replay(record, resolvedTamperBus());
    expect(forwarded).toEqual([expect.stringMatching(/^TamperEvents/)]);
    expect(central.map((r) => r.id)).toEqual([expect.stringMatching(/TamperRule/)]);
    // The second path: the same call to the central bus, alerted on the alert topic there.
    const mirror = replay(record, resolvedCentralBus());
    expect(mirror.forwarded).toEqual([expect.stringMatching(/^TamperMirrorEvents/)]);
    // The security account's own mirror rules match it (they match names by prefix, in any account).
    expect(mirror.central.map((r) => r.id)).toEqual([
      expect.stringMatching(/^CentralTamperAlertsMirrorEvents/),
    ]);
    expect(mirror.central[0]?.targets.map((t) => t['Arn'])).toEqual([alertTopicRef()]);
    const other = { ...record, requestParameters: { name: 'someone-elses-rule' } } as CloudTrailRecord;
    expect(replay(other, resolvedTamperBus()).forwarded).toEqual([]);
    expect(replay(other, resolvedCentralBus()).forwarded).toEqual([]);
  });

  it('sends an IAM change to the member role to both paths, reaching the central bus once', () => {
    const record = {
      eventVersion: '1.09',
      eventTime: '2026-11-20T02:13:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'AttachRolePolicy',
      awsRegion: 'us-east-1',
      recipientAccountId: MEMBERS[0],
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${MEMBERS[0]}:assumed-role/Admin/x` },
      requestParameters: { roleName: 'alice', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      eventType: 'AwsApiCall',
      managementEvent: true,
      readOnly: false,
    } as unknown as CloudTrailRecord;
    expect(replay(record, resolvedTamperBus()).forwarded).toEqual([expect.stringMatching(/^TamperIam/)]);
    const central = replay(record, resolvedCentralBus());
    expect(central.forwarded).toHaveLength(1);
    expect(central.central.map((r) => r.id)).toEqual([
      // 'alice' does not start with the security account's tamper prefix: a rule of its own, once.
      expect.stringMatching(/^CentralMemberTamperMirrorRole/),
    ]);
  });
});
