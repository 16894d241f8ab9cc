import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src/engines/cloudtrail/sessions.js';
import type { Report } from '../../src/report/build.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderMarkdown } from '../../src/report/render-md.js';
import {
  BOB_IP,
  BREAK_GLASS_ROLE,
  INSTANCE_ROLE,
  THIEF_IP,
  THIEF_UA,
  consoleSwitch,
  mistyped,
  oddRecords,
  stolenInstanceCredentials,
} from './cases.js';
import { sharedRecords, writeLogTree } from './helpers.js';
import { buildReport } from './pipeline.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function tree(records: readonly unknown[]): string {
  const root = writeLogTree(records);
  roots.push(root);
  return root;
}

describe('report: stolen instance credentials used off the instance', () => {
  let report: Report;
  let s: Session;
  beforeAll(async () => {
    ({ report } = await buildReport(
      tree(stolenInstanceCredentials()),
      { roleArns: [INSTANCE_ROLE], userNames: [] },
      'fast',
    ));
    s = report.sessions[0]!;
  });

  it('raises "credentials used from an unexpected origin" with the IP and user agent', () => {
    expect(report.sessions).toHaveLength(1);
    expect(s.person.type).toBe('AWSService');
    expect(s.findings).toHaveLength(1);
    expect(s.findings[0]).toMatchObject({
      kind: 'service-credentials-outside-aws',
      sourceIps: [THIEF_IP],
      userAgents: [THIEF_UA],
      first: '2026-03-01T10:00:00Z',
    });
    // The instance's own call from its private address is not a finding.
    expect(s.origins.find((o) => o.sourceIp === '10.0.1.5')?.aws).toBe(true);
    expect(s.origins.find((o) => o.sourceIp === THIEF_IP)?.aws).toBe(false);
  });

  it('shows the finding, IP and user agent in HTML and Markdown', () => {
    const html = renderHtml(report);
    const md = renderMarkdown(report);
    for (const text of [html, md]) {
      expect(text).toContain('Credentials used from an unexpected origin');
      expect(text).toContain(THIEF_IP);
    }
    expect(html).toContain(THIEF_UA);
    // Markdown escapes the underscores of the user agent.
    expect(md).toContain(THIEF_UA.replace(/_/g, '\\_'));
  });

  it('keeps per call: source IP, user agent, resources, event id, error, console link', () => {
    const get = s.actions.find((a) => a.eventName === 'GetObject' && a.sourceIp === THIEF_IP)!;
    expect(get.userAgent).toBe(THIEF_UA);
    expect(get.resources).toEqual([
      { type: 'object', id: 's3://customer-exports/2026/02/all-customers.csv' },
      { type: 'bucket', id: 'customer-exports' },
    ]);
    expect(get.consoleUrl).toBe(
      `https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/${get.eventId}`,
    );
    expect(s.actions.find((a) => a.eventName === 'CreateUser')?.resources).toEqual([
      { type: 'user', id: 'backup-svc' },
    ]);
    expect(s.actions.find((a) => a.eventName === 'StopLogging')?.resources?.[0]?.type).toBe('trail');
    const denied = s.actions.find((a) => a.eventName === 'AttachUserPolicy')!;
    expect(denied.errorCode).toBe('AccessDenied');
    expect(denied.errorMessage).toContain('not authorized');
    const html = renderHtml(report);
    expect(html).toContain(`href="${get.consoleUrl}"`);
    expect(renderMarkdown(report)).toContain(`](${get.consoleUrl})`);
  });

  it('counts calls without the way in, denied attempts apart, Tagging/Write by level', () => {
    // 7 records: the way in, 5 successful calls (2 GetObject, ListBuckets, CreateUser, StopLogging), 1 denied.
    expect(s.counts).toMatchObject({ total: 7, calls: 5, attempts: 1, read: 3, write: 2 });
    expect(s.counts.attemptsByLevel['Permissions management']).toBe(1);
    expect(s.actions[0]).toMatchObject({ eventName: 'AssumeRole', wayIn: true });
  });

  it('lists logging tampering first and warns that logs may be incomplete after it', () => {
    const html = renderHtml(report);
    expect(html).toContain('logs may be incomplete after <span class="ts">2026-03-01T10:03:00Z</span>');
    expect(renderMarkdown(report)).toContain('logs may be incomplete after 2026-03-01T10:03:00Z');
    const risky = html.slice(html.indexOf('Risky calls ('));
    expect(risky.indexOf('cloudtrail:StopLogging')).toBeLessThan(risky.indexOf('iam:CreateUser'));
    expect(risky.indexOf('iam:CreateUser')).toBeLessThan(risky.indexOf('s3:GetObject'));
  });
});

describe('report: console switch (SwitchRole in the SwitchFrom form)', () => {
  it('with its AssumeRole: one session naming the IAM user, MFA and source IP', async () => {
    const { report } = await buildReport(
      tree(consoleSwitch()),
      { roleArns: [BREAK_GLASS_ROLE], userNames: [] },
      'fast',
    );
    expect(report.sessions).toHaveLength(1);
    const s = report.sessions[0]!;
    expect(s.person).toMatchObject({ name: 'bob', type: 'IAMUser', mfa: true, sourceIp: BOB_IP });
    expect(s.switchFrom).toEqual({
      arn: 'arn:aws:iam::111122223333:user/bob',
      name: 'bob',
      accountId: '111122223333',
    });
    expect(s.actions.filter((a) => a.wayIn).map((a) => a.eventName)).toEqual(['AssumeRole', 'SwitchRole']);
    expect(s.counts).toMatchObject({ calls: 1, attempts: 0 });
    expect(renderHtml(report)).toContain('console sign-in cannot carry session tags');
  });

  it('folds an unused duplicate way in into one line', async () => {
    const [assume, ...rest] = consoleSwitch();
    // The same AssumeRole retried: a second key is issued and never used.
    const retry = {
      ...assume!,
      eventID: '00000000-0000-4000-8000-0000000000ff',
      eventTime: '2026-03-02T08:55:00Z',
      responseElements: {
        ...(assume!.responseElements as Record<string, unknown>),
        credentials: { accessKeyId: 'ASIAUNUSEDDUPLICATE1' },
      },
    };
    const { report } = await buildReport(
      tree([assume, retry, ...rest]),
      { roleArns: [BREAK_GLASS_ROLE], userNames: [] },
      'fast',
    );
    // Two ways in, one never used: two sessions in the JSON, one line (and one section) in HTML/Markdown.
    expect(report.sessions.map((x) => x.counts.calls)).toEqual([1, 0]);
    const md = renderMarkdown(report);
    expect(md).toContain('| S1 +1 unused duplicate credential (S2) |');
    expect(md).not.toContain('### S2');
    const html = renderHtml(report);
    expect(html).toContain('+1 unused duplicate credential (S2)');
    expect(html).not.toContain('id="S2"');
  });

  it('without its AssumeRole in the window: still one session, from SwitchFrom', async () => {
    const { report } = await buildReport(
      tree(consoleSwitch(false)),
      { roleArns: [BREAK_GLASS_ROLE], userNames: [] },
      'fast',
    );
    expect(report.sessions).toHaveLength(1);
    const s = report.sessions[0]!;
    expect(s.wayIn).toBe('SwitchRole');
    expect(s.person).toMatchObject({ name: 'bob', type: 'IAMUser', mfa: true, sourceIp: BOB_IP });
    expect(s.counts.calls).toBe(1);
  });
});

describe('report: record by record', () => {
  it('processes every other record of a file with one mistyped record, and says which one', async () => {
    const root = tree([]);
    const [wayIn, ...rest] = stolenInstanceCredentials();
    writeFileSync(
      join(root, 'mixed.json.gz'),
      gzipSync(JSON.stringify({ Records: [wayIn, mistyped(), ...rest] })),
    );
    const { report } = await buildReport(root, { roleArns: [INSTANCE_ROLE], userNames: [] }, 'fast');
    expect(report.inputs.skipped).toEqual([]);
    expect(report.inputs.skippedRecords).toEqual([
      {
        file: join(root, 'mixed.json.gz'),
        at: 'Records[1]',
        reason: 'userIdentity is a string, expected an object',
      },
    ]);
    expect(report.inputs.events).toBe(1 + rest.length);
    expect(report.sessions[0]?.counts.total).toBe(1 + rest.length);
    expect(renderMarkdown(report)).toContain('## Skipped records');
  });

  it('keeps a call with a bad eventTime in its session (by key) and counts records without awsRegion', async () => {
    const { report } = await buildReport(
      tree(oddRecords()),
      { roleArns: [BREAK_GLASS_ROLE], userNames: [] },
      'fast',
    );
    expect(report.sessions).toHaveLength(1);
    const s = report.sessions[0]!;
    expect(s.counts.total).toBe(3);
    expect(s.unknownTimes).toBe(1);
    const odd = s.actions.find((a) => a.timeUnknown)!;
    expect(odd.time).toBe('not-a-timestamp');
    expect(s.start).toBe('2026-03-03T12:00:00Z');
    expect(s.end).toBe('2026-03-03T12:05:00Z');
    expect(report.inputs.missingRegion?.count).toBe(1);
    expect(report.inputs.missingRegion?.records[0]).toMatchObject({ eventName: 'RebootDBInstance' });
    expect(s.actions.find((a) => a.eventName === 'RebootDBInstance')?.region).toBe('');
    expect(renderHtml(report)).toContain('unknown time');
    expect(renderMarkdown(report)).toContain('Records without awsRegion (1)');
    expect(renderHtml(report)).toContain('restore db · INC-7');
  });
});

describe('report: stolen instance credentials in real records (stratus-red-team ec2-steal-instance-credentials)', () => {
  it('flags the instance session used from outside AWS, with IP and user agent', async () => {
    const root = tree(sharedRecords('stratus-red-team'));
    const { report } = await buildReport(
      root,
      { roleArns: ['stratus-red-team-ec2-steal-credentials-role'], userNames: [] },
      'fast',
    );
    expect(report.sessions).toHaveLength(1);
    const s = report.sessions[0]!;
    expect(s.wayIn).toBe('Unseen');
    expect(s.sessionName).toBe('i-786a3A8B5C0d92eF4');
    expect(s.findings).toHaveLength(1);
    expect(s.findings[0]).toMatchObject({
      kind: 'service-credentials-outside-aws',
      sourceIps: ['18.236.253.47'],
      userAgents: ['stratus-red-team_c763d13b-d099-488a-bb3e-f57cb2fed240'],
    });
    expect(renderHtml(report)).toContain(
      'credentials of EC2 instance i-786a3A8B5C0d92eF4 used from outside AWS',
    );
  });
});
