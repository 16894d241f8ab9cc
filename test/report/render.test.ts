import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { iamActionsOf } from '../../src/engines/cloudtrail/actions.js';
import { buildSessions, type Session } from '../../src/engines/cloudtrail/sessions.js';
import { classifierOf, resolveAccessLevels } from '../../src/report/access-levels.js';
import type { Report } from '../../src/report/build.js';
import { foldUnused } from '../../src/report/format.js';
import { htmlOrder, renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-md.js';
import { INSTANCE_ROLE, stolenInstanceCredentials } from './cases.js';
import { CHAINED_ROLE, STRATUS_ROLE, fixtureRecords } from './helpers.js';

let report: Report;
const listed = () => foldUnused(report.sessions).length;

beforeAll(async () => {
  const records = [
    ...fixtureRecords('chained-two-regions.json'),
    ...fixtureRecords('stratus-red-team.json'),
    ...stolenInstanceCredentials(),
  ];
  // A hostile user agent must come out as text, never markup.
  records[0] = { ...records[0]!, userAgent: '<script>alert(1)</script> | pipe' };
  const principals = { roleArns: [CHAINED_ROLE, STRATUS_ROLE, INSTANCE_ROLE], userNames: [] };
  const levels = await resolveAccessLevels(records.flatMap(iamActionsOf));
  report = {
    title: 'Break-glass post-incident report',
    generatedAt: '2026-03-02T00:00:00.000Z',
    principals,
    window: {},
    inputs: {
      files: 3,
      prunedByDate: 0,
      bytes: 1234,
      events: records.length,
      skipped: [{ file: 'bad.json.gz', reason: 'unexpected end of data' }],
      source: 'trail/',
    },
    sessions: buildSessions(records, { principals, classify: classifierOf(levels) }),
  };
});

describe('renderJson', () => {
  it('has the documented shape: inputs{files,events,skipped}, sessions[{principal,…,counts,risky,actions}]', () => {
    const j = JSON.parse(renderJson(report)) as {
      inputs: Record<string, unknown>;
      sessions: Array<Record<string, unknown>>;
    };
    expect(j.inputs).toMatchObject({
      files: 3,
      events: report.inputs.events,
      skipped: [{ file: 'bad.json.gz', reason: 'unexpected end of data' }],
    });
    expect(j.sessions).toHaveLength(6);
    for (const s of j.sessions)
      for (const k of [
        'principal',
        'roleArn',
        'wayIn',
        'start',
        'end',
        'regions',
        'counts',
        'risky',
        'actions',
      ])
        expect(s).toHaveProperty(k);
    const chained = j.sessions.find((s) => s['principal'] === CHAINED_ROLE) as {
      sourceIdentity: string;
      counts: Record<string, number>;
    };
    expect(chained.sourceIdentity).toBe('alice');
    // 10 records: the way in is not a call, the denied call is an attempt (not a write).
    expect(chained.counts).toMatchObject({ total: 10, calls: 8, attempts: 1, read: 2, write: 6 });
  });
});

describe('renderMarkdown', () => {
  it('lists every session in the summary table and a section with who/why/when/where/what for each', () => {
    const md = renderMarkdown(report);
    // Listed sessions: unused duplicate ways in are folded into the line of their first session.
    expect(listed()).toBe(5);
    expect(md.match(/^\| S\d( \+1 unused duplicate credential \(S\d\))? \|/gm)).toHaveLength(listed());
    for (const h of ['**Who**', '**Why**', '**When**', '**Where**', '**What**'])
      expect(md.split(h).length - 1).toBe(listed());
    expect(md).toContain('Reason: INC-42 database down; Ticket: INC-42');
    expect(md).toContain('## Skipped inputs');
  });

  it('escapes table cells so a pipe or markup in the data cannot break the table', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('\\<script\\>alert(1)\\</script\\> \\| pipe');
    expect(md).not.toContain('<script>');
  });
});

describe('renderHtml', () => {
  it('puts sessions with risky calls first, most risky first, then failed attempts', () => {
    const order = htmlOrder(report.sessions).map((s: Session) => [s.risky.length, s.status]);
    expect(order[0]).toEqual([30, 'succeeded']);
    expect(order[1]).toEqual([7, 'succeeded']);
    expect(order[2]).toEqual([5, 'succeeded']);
    expect(order.slice(3, 5)).toEqual([
      [0, 'failed'],
      [0, 'failed'],
    ]);
  });

  it('is self-contained: no script, no external URL, user data escaped', () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // Nothing is loaded; the only external links are CloudTrail console deep links (followed by a person).
    expect(html).not.toMatch(/src="(https?:)?\/\//);
    const hrefs = [...html.matchAll(/href="([^"#][^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs)
      expect(h).toMatch(
        /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudtrailv2\/home\?region=[a-z0-9-]+#\/events\/[\w-]+$/,
      );
    expect(html.match(/<svg class="timeline"/g)).toHaveLength(listed());
  });
});

describe('renderHtml in headless Chromium', () => {
  const chromium = '/usr/bin/chromium';
  const present = existsSync(chromium);
  const ci = process.env['CI'] === 'true';

  it.skipIf(!present && !ci)(
    `loads without console errors, draws the timeline SVG and screenshots${present ? '' : ' (skipped: /usr/bin/chromium missing; set CI=true to fail instead)'}`,
    async () => {
      // In CI a missing browser is a failure, not a skip.
      expect(present, `${chromium} is missing; install Debian chromium`).toBe(true);
      const { chromium: pw } = await import('playwright-core');
      const browser = await pw.launch({
        executablePath: chromium,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => {
          if (!r.url().startsWith('data:') && !r.url().startsWith('about:')) requests.push(r.url());
        });
        await page.setContent(renderHtml(report), { waitUntil: 'load' });
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        expect(await page.locator('svg.timeline').count()).toBe(listed());
        expect(await page.locator('svg.timeline circle.call').count()).toBe(
          foldUnused(report.sessions).reduce((n, x) => n + x.session.actions.length, 0),
        );
        const box = await page.locator('svg.timeline').first().boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(500);
        // At 1400 px no account id or timestamp breaks across lines (a wrapped inline box has
        // more than one client rect).
        const wrapped = await page
          .locator('.acct, .ts')
          .evaluateAll((els) =>
            els.filter((el) => el.getClientRects().length !== 1).map((el) => el.textContent ?? ''),
          );
        expect(await page.locator('.acct').count()).toBeGreaterThan(20);
        expect(wrapped).toEqual([]);
        const dir = mkdtempSync(join(tmpdir(), 'bg-report-shot-'));
        const shot = join(dir, 'report.png');
        await page.screenshot({ path: shot, fullPage: true });
        expect(statSync(shot).size).toBeGreaterThan(10_000);
        rmSync(dir, { recursive: true, force: true });
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
