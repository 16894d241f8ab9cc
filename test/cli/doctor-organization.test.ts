/**
 * `breakglass doctor` on the Organization stack (a service-managed StackSet), through the real CLI:
 * trusted access, the delegated administrator, and the StackSet's instances against the accounts of
 * the targeted OUs. CloudFormation and STS are replaced with aws-sdk-client-mock; Organizations with a
 * module mock that answers the same commands (its client is an optional dependency, loaded on first
 * use), recording what was sent.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ListStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { DOCTOR_ORGANIZATION_CALLS, isReadCommand } from '../../src/engines/doctor-calls.js';
import { tempDir } from '../temp.js';
import { awsError } from './access-helpers.js';
import { captureIO } from './capture.js';

const MANAGEMENT = '111111111111';
const DELEGATED = '555555555555';
const OU = 'ou-ab12-11111111';
const CHILD_OU = 'ou-ab12-22222222';
const ROOT = 'r-ab12';

/** The fake organization: what Organizations answers, and the commands it was sent. */
const org = vi.hoisted(() => ({
  sent: [] as { name: string; input: Record<string, unknown> }[],
  trusted: [] as string[],
  delegated: [] as string[],
  children: {} as Record<string, { accounts: { Id: string; Status: string }[]; ous: string[] }>,
  refuse: new Map<string, Error>(),
}));

vi.mock('@aws-sdk/client-organizations', () => {
  /** A command class named like the SDK's (the read-only guard checks the class name). */
  const command = (name: string) =>
    ({
      [name]: class {
        constructor(readonly input: Record<string, unknown>) {}
      },
    })[name] as new (input: Record<string, unknown>) => { input: Record<string, unknown> };
  const answer = (name: string, input: Record<string, unknown>): unknown => {
    const parent = org.children[String(input['ParentId'])] ?? { accounts: [], ous: [] };
    switch (name) {
      case 'DescribeOrganizationCommand':
        return { Organization: { Id: 'o-a1b2c3d4e5', MasterAccountId: MANAGEMENT } };
      case 'ListAWSServiceAccessForOrganizationCommand':
        return { EnabledServicePrincipals: org.trusted.map((ServicePrincipal) => ({ ServicePrincipal })) };
      case 'ListDelegatedAdministratorsCommand':
        return {
          DelegatedAdministrators:
            input['ServicePrincipal'] === 'member.org.stacksets.cloudformation.amazonaws.com'
              ? org.delegated.map((Id) => ({ Id }))
              : [],
        };
      case 'ListAccountsForParentCommand': {
        // Two pages, to exercise NextToken.
        const all = parent.accounts;
        const page = input['NextToken'] === undefined ? all.slice(0, 1) : all.slice(1);
        return {
          Accounts: page,
          ...(input['NextToken'] === undefined && all.length > 1 ? { NextToken: 't' } : {}),
        };
      }
      case 'ListOrganizationalUnitsForParentCommand':
        return { OrganizationalUnits: parent.ous.map((Id) => ({ Id })) };
      default:
        throw new Error(`unexpected ${name}`);
    }
  };
  class OrganizationsClient {
    send(c: { input: Record<string, unknown> }): Promise<unknown> {
      const name = c.constructor.name;
      org.sent.push({ name, input: c.input });
      const refused = org.refuse.get(name);
      if (refused) return Promise.reject(refused);
      return Promise.resolve(answer(name, c.input));
    }
  }
  return {
    OrganizationsClient,
    DescribeOrganizationCommand: command('DescribeOrganizationCommand'),
    ListAWSServiceAccessForOrganizationCommand: command('ListAWSServiceAccessForOrganizationCommand'),
    ListDelegatedAdministratorsCommand: command('ListDelegatedAdministratorsCommand'),
    ListAccountsForParentCommand: command('ListAccountsForParentCommand'),
    ListOrganizationalUnitsForParentCommand: command('ListOrganizationalUnitsForParentCommand'),
  };
});

interface Instance {
  Account: string;
  Region: string;
  Status: string;
  StatusReason?: string;
  StackInstanceStatus?: { DetailedStatus: string };
}

/** The Organization stack's template: one service-managed StackSet. */
function template(o: { callAs?: string; targets?: string[]; filter?: Record<string, unknown> } = {}) {
  return {
    Resources: {
      MemberStackSet: {
        Type: 'AWS::CloudFormation::StackSet',
        Properties: {
          StackSetName: 'BreakGlass-Members',
          PermissionModel: 'SERVICE_MANAGED',
          ...(o.callAs ? { CallAs: o.callAs } : {}),
          AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          StackInstancesGroup: [
            {
              DeploymentTargets: { OrganizationalUnitIds: o.targets ?? [OU], ...(o.filter ?? {}) },
              Regions: ['eu-west-1', 'us-east-1'],
            },
          ],
          TemplateBody: '{"Resources":{"Q":{"Type":"AWS::SQS::Queue"}}}',
        },
      },
    },
  };
}

let dir: string;
let caller: string;
let deployed: boolean;
let instances: Instance[];
const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);

const current = (accounts: string[]): Instance[] =>
  accounts.flatMap((Account) =>
    ['eu-west-1', 'us-east-1'].map((Region) => ({ Account, Region, Status: 'CURRENT' })),
  );

beforeEach(() => {
  dir = tempDir('bg-doctor-org-');
  caller = MANAGEMENT;
  deployed = true;
  org.sent.length = 0;
  org.trusted = ['member.org.stacksets.cloudformation.amazonaws.com', 'sso.amazonaws.com'];
  org.delegated = [];
  org.refuse.clear();
  org.children = {
    [ROOT]: { accounts: [{ Id: MANAGEMENT, Status: 'ACTIVE' }], ous: [OU] },
    [OU]: {
      accounts: [
        { Id: '333333333333', Status: 'ACTIVE' },
        { Id: '444444444444', Status: 'ACTIVE' },
        { Id: '777777777777', Status: 'SUSPENDED' },
      ],
      ous: [CHILD_OU],
    },
    [CHILD_OU]: { accounts: [{ Id: '666666666666', Status: 'ACTIVE' }], ous: [] },
  };
  instances = current(['333333333333', '444444444444', '666666666666']);
  sts.reset();
  cfn.reset();
  sts
    .on(GetCallerIdentityCommand)
    .callsFake(() => ({ Account: caller, Arn: `arn:aws:iam::${caller}:role/ops` }));
  cfn.on(DescribeStacksCommand).callsFake((i: { StackName: string }) => {
    if (!deployed) throw awsError('ValidationError', `Stack with id ${i.StackName} does not exist`);
    return { Stacks: [{ StackName: i.StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] };
  });
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      {
        LogicalResourceId: 'MemberStackSet',
        PhysicalResourceId: 'BreakGlass-Members:0b1c2d3e-aaaa-bbbb-cccc-1234567890ab',
        ResourceType: 'AWS::CloudFormation::StackSet',
        ResourceStatus: 'CREATE_COMPLETE',
        Timestamp: new Date(),
      },
    ],
  });
  cfn.on(ListStackInstancesCommand).callsFake((i: { StackSetName: string }) => {
    if (i.StackSetName !== 'BreakGlass-Members')
      throw awsError('StackSetNotFoundException', `StackSet ${i.StackSetName} not found`);
    return { Summaries: instances };
  });
});
afterEach(() => {
  sts.reset();
  cfn.reset();
});

interface JsonFinding {
  check: string;
  status: string;
  where: string;
  subject: string;
  detail: string;
}

async function doctor(t: object = template(), ...extra: string[]) {
  const file = join(dir, 'BreakGlass-Organization.template.json');
  writeFileSync(file, JSON.stringify(t));
  const io = captureIO();
  const account = caller;
  const code = await runCli(
    [
      'doctor',
      '--template',
      file,
      '--account',
      account,
      '--region',
      'eu-west-1',
      '--json',
      '--only',
      'org-access,stackset',
      ...extra,
    ],
    io,
  );
  const out = io.stdout.join('\n');
  const findings = out ? (JSON.parse(out) as { findings: JsonFinding[] }).findings : [];
  return { code, findings, stderr: io.stderr.join('\n') };
}

const of = (fs: JsonFinding[], check: string, status?: string) =>
  fs.filter((f) => f.check === check && (status === undefined || f.status === status));

describe('breakglass doctor: organization', () => {
  it('exits 0 when trusted access is on and every account of the OU tree has a CURRENT instance in every Region', async () => {
    const r = await doctor();
    expect(r.findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(r.code).toBe(0);
    expect(of(r.findings, 'org-access', 'ok').map((f) => f.subject)).toEqual(['trusted access']);
    // 3 active accounts (one in a child OU) × 2 Regions; not the suspended one, not the management account.
    expect(
      of(r.findings, 'stackset', 'ok')
        .map((f) => `${f.subject} ${f.where}`)
        .sort(),
    ).toEqual(
      ['333333333333', '444444444444', '666666666666'].flatMap((a) => [
        `BreakGlass-Members ${a} eu-west-1`,
        `BreakGlass-Members ${a} us-east-1`,
      ]),
    );
  });

  it('sends only read calls from the organization table (and every one of them once a delegated admin is configured)', async () => {
    org.delegated = [DELEGATED];
    caller = DELEGATED;
    await doctor(template({ callAs: 'DELEGATED_ADMIN' }));
    const sent = new Set([
      ...org.sent.map((s) => s.name),
      ...cfn.calls().map((c) => (c.args[0] as object).constructor.name),
    ]);
    for (const name of sent) expect(isReadCommand(name), name).toBe(true);
    const table = DOCTOR_ORGANIZATION_CALLS.map((c) => c.command);
    for (const name of table) expect(sent, name).toContain(name);
    expect([...sent].filter((n) => !table.includes(n)).sort()).toEqual([
      'DescribeStackResourcesCommand',
      'DescribeStacksCommand',
    ]);
    // ListStackInstances is made as the delegated administrator.
    expect(cfn.commandCalls(ListStackInstancesCommand)[0]?.args[0].input).toMatchObject({
      StackSetName: 'BreakGlass-Members',
      CallAs: 'DELEGATED_ADMIN',
    });
  });

  it('org-access: reports trusted access that is not enabled, with the command that enables it', async () => {
    org.trusted = ['sso.amazonaws.com'];
    const r = await doctor();
    expect(of(r.findings, 'org-access', 'problem')).toEqual([
      expect.objectContaining({
        subject: 'trusted access',
        detail: expect.stringMatching(
          /no trusted access in o-a1b2c3d4e5; activate it from the management account 111111111111: aws cloudformation activate-organizations-access/,
        ),
      }),
    ]);
    expect(r.code).toBe(1);
  });

  it('org-access: with CallAs DELEGATED_ADMIN, reports an account that is not a registered delegated administrator', async () => {
    caller = DELEGATED;
    let r = await doctor(template({ callAs: 'DELEGATED_ADMIN' }));
    expect(of(r.findings, 'org-access', 'problem')).toEqual([
      expect.objectContaining({
        where: DELEGATED,
        subject: 'delegated administrator',
        detail: expect.stringContaining(
          `aws organizations register-delegated-administrator --service-principal member.org.stacksets.cloudformation.amazonaws.com --account-id ${DELEGATED}`,
        ),
      }),
    ]);
    expect(r.code).toBe(1);
    org.delegated = [DELEGATED];
    r = await doctor(template({ callAs: 'DELEGATED_ADMIN' }));
    expect(of(r.findings, 'org-access', 'problem')).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('org-access: with CallAs SELF, reports a deploying account that is not the management account', async () => {
    caller = DELEGATED;
    const r = await doctor();
    expect(of(r.findings, 'org-access', 'problem')).toEqual([
      expect.objectContaining({
        subject: 'management account',
        detail: expect.stringMatching(
          /CallAs SELF from 555555555555, which is not the management account 111111111111.*delegatedAdmin: '555555555555'/,
        ),
      }),
    ]);
  });

  it('stackset: reports OUTDATED and INOPERABLE instances with their reason', async () => {
    instances = instances.map((i) =>
      i.Account === '444444444444' && i.Region === 'us-east-1'
        ? {
            ...i,
            Status: 'OUTDATED',
            StatusReason: 'ResourceLogicalId:Forward, Rule already exists',
            StackInstanceStatus: { DetailedStatus: 'FAILED' },
          }
        : i.Account === '666666666666' && i.Region === 'eu-west-1'
          ? { ...i, Status: 'INOPERABLE' }
          : i,
    );
    const r = await doctor();
    const problems = of(r.findings, 'stackset', 'problem');
    expect(problems.map((f) => `${f.subject} ${f.where}`).sort()).toEqual([
      'BreakGlass-Members 444444444444 us-east-1',
      'BreakGlass-Members 666666666666 eu-west-1',
    ]);
    expect(problems.find((f) => f.subject.includes('444'))?.detail).toMatch(
      /^stack instance is OUTDATED \(FAILED: ResourceLogicalId:Forward, Rule already exists\); fix the cause/,
    );
    expect(problems.find((f) => f.subject.includes('666'))?.detail).toMatch(
      /INOPERABLE; it was removed from the StackSet/,
    );
    expect(r.code).toBe(1);
  });

  it('stackset: reports an account of a targeted (child) OU with no instance, naming its OU and how to add it', async () => {
    instances = instances.filter((i) => !(i.Account === '666666666666' && i.Region === 'us-east-1'));
    const r = await doctor();
    expect(of(r.findings, 'stackset', 'problem')).toEqual([
      expect.objectContaining({
        where: 'us-east-1',
        subject: 'BreakGlass-Members 666666666666',
        detail: expect.stringMatching(
          /account 666666666666 \(ou-ab12-11111111\) has no stack instance here.*create-stack-instances --stack-set-name BreakGlass-Members --call-as SELF/,
        ),
      }),
    ]);
  });

  it('stackset: a root target never expects the management account; an account filter narrows the OU', async () => {
    instances = current(['333333333333', '444444444444', '666666666666']);
    let r = await doctor(template({ targets: [ROOT] }));
    expect(of(r.findings, 'stackset').some((f) => f.subject.includes(MANAGEMENT))).toBe(false);
    expect(r.code).toBe(0);
    instances = current(['333333333333']);
    r = await doctor(template({ filter: { Accounts: ['333333333333'], AccountFilterType: 'INTERSECTION' } }));
    expect(of(r.findings, 'stackset', 'problem')).toEqual([]);
    expect(of(r.findings, 'stackset', 'ok')).toHaveLength(2);
  });

  it('stackset: a StackSet CloudFormation does not know, and a stack not deployed yet', async () => {
    cfn.on(ListStackInstancesCommand).rejects(awsError('StackSetNotFoundException', 'StackSet not found'));
    let r = await doctor();
    expect(of(r.findings, 'stackset', 'problem')[0]?.detail).toMatch(/StackSet not found \(CallAs SELF\)/);
    deployed = false;
    r = await doctor();
    expect(of(r.findings, 'stackset')).toEqual([
      expect.objectContaining({ status: 'skipped', detail: expect.stringMatching(/not deployed yet/) }),
    ]);
  });

  it('an Organizations refusal is an ERROR row (exit 2) and the other check still runs', async () => {
    org.refuse.set(
      'ListAccountsForParentCommand',
      awsError(
        'AccessDeniedException',
        'User is not authorized to perform: organizations:ListAccountsForParent',
      ),
    );
    const r = await doctor();
    expect(of(r.findings, 'stackset', 'error')[0]?.detail).toMatch(/ListAccountsForParent/);
    expect(of(r.findings, 'org-access', 'ok')).toHaveLength(1);
    expect(r.code).toBe(2);
  });

  it('a deployment without a StackSet gets no organization line and sends no Organizations call', async () => {
    const r = await doctor({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } });
    expect(of(r.findings, 'org-access')).toEqual([]);
    expect(of(r.findings, 'stackset')).toEqual([]);
    expect(org.sent).toEqual([]);
    expect(r.code).toBe(0);
  });
});
