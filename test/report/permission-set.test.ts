import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session, SessionPrincipals } from '../../src/engines/cloudtrail/sessions.js';
import { AthenaTrail, type AthenaPort } from '../../src/report/athena.js';
import { ingestTrail, sessionsFrom } from '../../src/report/build.js';
import { collectSessionRecords } from '../../src/report/plan.js';
import { principalsFromConfig, principalsOfConfig } from '../../src/report/principals.js';
import { LocalTrailSource } from '../../src/report/sources.js';
import { TrailStore } from '../../src/report/store.js';
import { runCli } from '../../src/cli/program.js';
import { captureIO } from '../cli/capture.js';
import { tempDir } from '../temp.js';
import {
  consoleSignIns,
  deniedWayIn,
  LOOK_ALIKES,
  SESSIONS,
  SET,
  sessionRecords,
  writeRecords,
  writeTrail,
} from './permission-set-trail.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'organization.config.yaml');
/** Only the permission set (no role, no user): what the report finds is the set's doing alone. */
const setOnly: SessionPrincipals = { roleArns: [], userNames: [], permissionSets: [SET] };

const root = tempDir('bg-permission-set-');
const files = writeTrail(root, [...SESSIONS, ...LOOK_ALIKES]);

async function read(principals: SessionPrincipals, fast: boolean, from = root): Promise<Session[]> {
  const store = await TrailStore.open();
  try {
    await ingestTrail({
      source: new LocalTrailSource(from),
      sourceName: from,
      store,
      ...(fast ? { prefilter: principals, scanWorkers: 0 } : {}),
    });
    return await sessionsFrom({ records: store, principals });
  } finally {
    await store.close();
  }
}

/** What identifies a session in these tests: account, role, way in, calls. */
const summary = (ss: readonly Session[]) =>
  ss.map((s) => ({
    accounts: s.accounts,
    principal: s.principal,
    wayIn: s.wayIn,
    status: s.status,
    calls: s.counts.calls,
    actions: s.actions.map((a) => a.eventName),
  }));

const expected = SESSIONS.map((c) => ({
  accounts: [c.account],
  principal: c.roleArn,
  wayIn: 'AssumeRoleWithSAML',
  status: 'succeeded',
  calls: 4,
  actions: [
    'AssumeRoleWithSAML',
    'EnableSerialConsoleAccess',
    'SendSerialConsoleSSHPublicKey',
    'SendSerialConsoleSSHPublicKey',
    'SendSerialConsoleSSHPublicKey',
  ],
}));

describe('report: a break-glass Identity Center permission set (organization.permissionSet)', () => {
  it('takes the permission set from the config', async () => {
    expect(
      principalsOfConfig({
        organization: { id: 'o-a1b2c3d4e5', permissionSet: { name: SET } },
        role: { roleName: 'BreakGlass' },
      }),
    ).toEqual({ roleArns: ['BreakGlass'], userNames: [], permissionSets: [SET] });
    expect((await principalsFromConfig(EXAMPLE)).permissionSets).toEqual([SET]);
  });

  it('finds the session (its AssumeRoleWithSAML and every call) in both member accounts, nothing of the look-alikes', async () => {
    expect(files).toHaveLength(SESSIONS.length + LOOK_ALIKES.length);
    const ss = await read(setOnly, false);
    expect(summary(ss)).toEqual(expected);
    // The way in is the AssumeRoleWithSAML, the person its SAML subject.
    expect(ss.map((s) => [s.sessionName, s.person.name, s.actions[0]?.wayIn])).toEqual([
      ['randomca0L529zwNAY@gmail.com', 'SamlExample', true],
      ['randomca0L529zwNAY@gmail.com', 'SamlExample', true],
    ]);
  });

  it('finds the same sessions through the fast path as through the full read, field for field', async () => {
    const full = await read(setOnly, false);
    const fast = await read(setOnly, true);
    expect(fast).toEqual(full);
    expect(summary(fast)).toEqual(expected);
  });

  it('finds them with the organization example config, next to the member role', async () => {
    const p = await principalsFromConfig(EXAMPLE);
    expect(summary(await read(p, true))).toEqual(expected);
  });

  it('finds the sessions whose way in is not in the trail from their calls alone (session issuer)', async () => {
    const callsOnly = tempDir('bg-permission-set-calls-');
    writeTrail(callsOnly, [...SESSIONS, ...LOOK_ALIKES], { wayIn: false });
    for (const fast of [false, true]) {
      const ss = await read(setOnly, fast, callsOnly);
      expect(ss.map((s) => [s.wayIn, s.principal, s.accounts, s.counts.calls])).toEqual(
        SESSIONS.map((c) => ['Unseen', c.roleArn, [c.account], 4]),
      );
    }
  });

  it('reports a denied AssumeRoleWithSAML into the set’s role as a failed attempt (the role only in the error message)', async () => {
    const dir = tempDir('bg-permission-set-denied-');
    for (const c of [...SESSIONS, ...LOOK_ALIKES])
      writeRecords(dir, c.account, c.region, c.tag, [deniedWayIn(c)]);
    for (const fast of [false, true]) {
      const ss = await read(setOnly, fast, dir);
      expect(ss.map((s) => [s.status, s.wayIn, s.principal, s.failure?.errorCode])).toEqual(
        SESSIONS.map((c) => ['failed', 'AssumeRoleWithSAML', c.roleArn, 'AccessDenied']),
      );
    }
  });

  it('puts the console sign-in of the session (access portal federation) in the session', async () => {
    const dir = tempDir('bg-permission-set-console-');
    for (const c of SESSIONS)
      writeRecords(dir, c.account, c.region, c.tag, [...sessionRecords(c), ...consoleSignIns(c)]);
    for (const fast of [false, true]) {
      const ss = await read(setOnly, fast, dir);
      expect(ss.map((s) => [s.principal, s.wayIn, s.actions.map((a) => a.eventName).slice(0, 3)])).toEqual(
        SESSIONS.map((c) => [
          c.roleArn,
          'AssumeRoleWithSAML',
          ['AssumeRoleWithSAML', 'ConsoleLogin', 'ConsoleLogin'],
        ]),
      );
      expect(ss.map((s) => s.counts.total)).toEqual([7, 7]);
    }
  });

  it('does not report the sessions without the permission set (they are found by it alone)', async () => {
    expect(await read({ roleArns: ['BreakGlass'], userNames: [] }, false)).toEqual([]);
  });

  it('matches role names with the anchored LIKE exactly as intended (DuckDB evaluates it)', async () => {
    const { roleNameSql } = await import('../../src/report/plan.js');
    const names = {
      'AWSReservedSSO_devops-break-glass_7c2f1e0a9b3d4c5e': true,
      'Ops-AWSReservedSSO_devops-break-glass_7c2f1e0a9b3d4c5e': false,
      'AWSReservedSSO_devops-break-glassX_7c2f1e0a9b3d4c5e': false,
      'AWSReservedSSO_devops-break-glass_more_7c2f1e0a9b3d4c5e': false,
      'AWSReservedSSO_devops-break-glass_7c2f1e0a9b3d4c5': false,
      'AWSReservedSSO_devops-break-glass_7c2f1e0a9b3d4c5e0': false,
      'AWSReservedSSOXdevops-break-glass_7c2f1e0a9b3d4c5e': false,
      BreakGlass: true,
    };
    const store = await TrailStore.open();
    try {
      const values = Object.keys(names)
        .map((n) => `('${n}')`)
        .join(', ');
      const r = await store.query(
        `SELECT name, ${roleNameSql('name', ['BreakGlass'], [SET])} AS hit FROM (VALUES ${values}) t(name) ORDER BY name`,
      );
      expect(Object.fromEntries(r.rows.map((x) => [x['name'], x['hit']]))).toEqual(names);
    } finally {
      await store.close();
    }
  });

  it('asks Athena for the set’s roles with the anchored LIKE, in the ways in and in the calls', async () => {
    const sql: string[] = [];
    const port: AthenaPort = {
      start: (q) => Promise.resolve(String(sql.push(q.sql))),
      state: () => Promise.resolve({ state: 'SUCCEEDED' }),
      results: () => Promise.resolve({ rows: [['event_time']] }),
    };
    const trail = new AthenaTrail(port, {
      database: 'security',
      table: 'org_trail',
      outputLocation: 's3://athena-results/bg/',
      accounts: ['333333333333', '444444444444'],
    });
    await collectSessionRecords(trail, setOnly);
    const like = `LIKE 'AWSReservedSSO\\_devops-break-glass\\_${'_'.repeat(16)}' ESCAPE '\\'`;
    expect(sql).toHaveLength(2);
    expect(sql[0]).toContain(
      String.raw`regexp_extract(errormessage, 'on resource: (arn:[^ ]+)', 1)), '[^/]+$') ${like}`,
    );
    expect(sql[1]).toContain(
      String.raw`regexp_extract(useridentity.sessioncontext.sessionissuer.arn, '[^/]+$') ${like}`,
    );
    // The escaped prefix, then exactly one wildcard per suffix character.
    expect(/devops-break-glass\\_(_+)'/.exec(sql[0]!)?.[1]).toHaveLength(16);
  });

  it('breakglass report --config with the organization example reports both sessions (exit 1)', async () => {
    const out = tempDir('bg-permission-set-out-');
    const io = captureIO();
    expect(
      await runCli(
        ['report', '--config', EXAMPLE, '--trail', root, '--out', out, '--format', 'json,md,html'],
        io,
      ),
    ).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      principals: SessionPrincipals;
      sessions: Session[];
    };
    expect(report.principals.permissionSets).toEqual([SET]);
    expect(summary(report.sessions)).toEqual(expected);
    // The summaries name the set by its roles' name.
    const label = `AWSReservedSSO_${SET}_… (permission set ${SET})`;
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`\`${label}\``);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(label);
  });
});
