import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BREAK_GLASS_ROLE,
  INSTANCE_ROLE,
  consoleSwitch,
  mistyped,
  oddRecords,
  stolenInstanceCredentials,
} from './cases.js';
import {
  CHAINED_ROLE,
  STRATUS_ROLE,
  everyPrincipalIn,
  sharedRecords,
  writeLogTree,
  writeTrailTree,
} from './helpers.js';
import { buildReport } from './pipeline.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Every test trail, with the principals to look for. */
function trails(): Array<{
  name: string;
  root: string;
  principals: { roleArns: string[]; userNames: string[] };
}> {
  const tree = writeTrailTree();
  const shared = [...sharedRecords('stratus-red-team'), ...sharedRecords('awsdocs-examples')];
  const sharedRoot = writeLogTree(shared, 'bg-shared-');
  const handRoot = writeLogTree(
    [...stolenInstanceCredentials(), ...consoleSwitch(), ...oddRecords()],
    'bg-hand-',
  );
  // A corrupt trail: one mistyped record inside a log file, a JSON Lines file with an invalid line,
  // plus the bad files of the tree (truncated gzip, invalid JSON, not CloudTrail).
  const corruptRoot = writeLogTree(oddRecords(), 'bg-corrupt-');
  const [wayIn, ...rest] = stolenInstanceCredentials();
  writeFileSync(
    join(corruptRoot, 'AWSLogs', 'mixed.json.gz'),
    gzipSync(JSON.stringify({ Records: [wayIn, mistyped(), ...rest] })),
  );
  writeFileSync(
    join(corruptRoot, 'AWSLogs', 'lines.jsonl'),
    [...consoleSwitch().map((r) => JSON.stringify(r)), '{"eventTime": ', JSON.stringify(mistyped())].join(
      '\n',
    ) + '\n',
  );
  roots.push(tree.root, sharedRoot, handRoot, corruptRoot);
  const hand = { roleArns: [INSTANCE_ROLE, BREAK_GLASS_ROLE], userNames: ['bob', 'carol'] };
  return [
    {
      name: 'test tree with bad files',
      root: tree.root,
      principals: { roleArns: [CHAINED_ROLE, STRATUS_ROLE], userNames: [] },
    },
    {
      name: 'shared real records (every principal in them)',
      root: sharedRoot,
      principals: everyPrincipalIn(shared),
    },
    { name: 'hand-built cases', root: handRoot, principals: hand },
    { name: 'corrupt records', root: corruptRoot, principals: hand },
  ];
}

describe('report: the default run and --db give the same JSON, byte for byte', () => {
  for (const t of trails()) {
    it(
      t.name,
      async () => {
        const fast = await buildReport(t.root, t.principals, 'fast');
        const db = await buildReport(t.root, t.principals, 'db');
        expect(fast.report.sessions.length).toBeGreaterThan(0);
        expect(fast.json).toBe(db.json);
      },
      60_000,
    );
  }
});
