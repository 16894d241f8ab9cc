/**
 * Event-pattern matching cost, as a ratio to JSON.parse of the same event.
 *
 *   npm run build && node --import tsx bench/patterns.bench.ts
 *
 * Loads the real CloudTrail records in test/report/fixtures/shared/*.jsonl, turns them into the EventBridge
 * events AWS delivers (toEventBridgeEvent), compiles a realistic break-glass rule set, and measures,
 * in the same process after a warm-up, the median over 41 interleaved rounds of
 *   (time to test every rule against every event) / (time to JSON.parse every event's text).
 * Target: < 0.25. Printed, never asserted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The shipped build (dist/, made by `npm run bench`), not the sources through tsx: what users run.
const built = async <T>(path: string): Promise<T> =>
  (await import(new URL(`../dist/${path}`, import.meta.url).href)) as T;
const { isCloudTrailRecord, toEventBridgeEvent } = await built<
  typeof import('../src/engines/cloudtrail/index.js')
>('engines/cloudtrail/index.js');
const { compilePattern, compileRuleSet } = await built<
  typeof import('../src/engines/event-pattern/index.js')
>('engines/event-pattern/index.js');

const TARGET = 0.25;
const ROUNDS = 41;
// The shared real CloudTrail records, as copied into the test fixtures (with their provenance).
const dataDir = resolve(import.meta.dirname, '../test/report/fixtures/shared');

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/BreakGlassAdmin`;
const ROLES = [ROLE, `arn:aws:iam::${ACCOUNT}:role/BreakGlassReadOnly`];
const USERS = ['breakglass-alice', 'breakglass-bob'];
const API = 'AWS API Call via CloudTrail';
const SIGNIN = 'AWS Console Sign In via CloudTrail';

/** A break-glass deployment's rules: every way in, failures, and action logging. */
const RULES: Record<string, unknown> = {
  assumeRole: {
    source: ['aws.sts'],
    'detail-type': [API],
    detail: { eventName: ['AssumeRole'], requestParameters: { roleArn: ROLES } },
  },
  assumeRoleSaml: {
    source: ['aws.sts'],
    'detail-type': [API],
    detail: { eventName: ['AssumeRoleWithSAML'], requestParameters: { roleArn: ROLES } },
  },
  assumeRoleWebIdentity: {
    source: ['aws.sts'],
    'detail-type': [API],
    detail: { eventName: ['AssumeRoleWithWebIdentity'], requestParameters: { roleArn: ROLES } },
  },
  assumeRoleDenied: {
    source: ['aws.sts'],
    detail: {
      eventName: [{ prefix: 'AssumeRole' }],
      errorCode: [{ exists: true }],
      requestParameters: { roleArn: ROLES },
    },
  },
  consoleLoginUser: {
    source: ['aws.signin'],
    'detail-type': [SIGNIN],
    detail: { eventName: ['ConsoleLogin'], userIdentity: { type: ['IAMUser'], userName: USERS } },
  },
  consoleLoginFailure: {
    source: ['aws.signin'],
    detail: { eventName: ['ConsoleLogin'], responseElements: { ConsoleLogin: ['Failure'] } },
  },
  consoleLoginRoot: {
    source: ['aws.signin'],
    detail: { eventName: ['ConsoleLogin'], userIdentity: { type: ['Root'] } },
  },
  consoleLoginNoMfa: {
    source: ['aws.signin'],
    detail: {
      eventName: ['ConsoleLogin'],
      additionalEventData: { MFAUsed: [{ 'equals-ignore-case': 'no' }] },
    },
  },
  switchRole: {
    source: ['aws.signin'],
    'detail-type': [SIGNIN],
    detail: {
      eventName: ['SwitchRole'],
      additionalEventData: { SwitchTo: [{ prefix: `arn:aws:iam::${ACCOUNT}:role/BreakGlass` }] },
    },
  },
  getSigninToken: { source: ['aws.signin'], detail: { eventName: ['GetSigninToken'] } },
  getFederationToken: { source: ['aws.sts'], detail: { eventName: ['GetFederationToken'] } },
  getSessionTokenBreakGlassUser: {
    source: ['aws.sts'],
    detail: { eventName: ['GetSessionToken'], userIdentity: { userName: USERS } },
  },
  actionsBySessionIssuer: { detail: { userIdentity: { sessionContext: { sessionIssuer: { arn: ROLES } } } } },
  actionsByAssumedRoleArn: {
    detail: { userIdentity: { arn: [{ wildcard: `arn:aws:sts::${ACCOUNT}:assumed-role/BreakGlass*/*` }] } },
  },
  actionsByUser: {
    detail: { userIdentity: { type: ['IAMUser'], userName: [{ 'equals-ignore-case': 'breakglass-alice' }] } },
  },
  deniedBySession: {
    detail: {
      errorCode: [{ prefix: 'AccessDenied' }, { prefix: 'Client.Unauthorized' }],
      userIdentity: { sessionContext: { sessionIssuer: { arn: ROLES } } },
    },
  },
  iamPersistence: {
    source: ['aws.iam'],
    detail: {
      eventName: [
        'CreateAccessKey',
        'CreateLoginProfile',
        'UpdateLoginProfile',
        'AttachRolePolicy',
        'PutRolePolicy',
        'UpdateAssumeRolePolicy',
        'CreateUser',
      ],
    },
  },
  trailTampering: {
    source: ['aws.cloudtrail'],
    detail: { eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'] },
  },
  kmsDestruction: { source: ['aws.kms'], detail: { eventName: ['ScheduleKeyDeletion', 'DisableKey'] } },
  s3PolicyChanges: {
    source: ['aws.s3'],
    detail: { eventName: [{ suffix: 'BucketPolicy' }, 'PutBucketAcl', 'PutPublicAccessBlock'] },
  },
  leaveOrganization: { source: ['aws.organizations'], detail: { eventName: ['LeaveOrganization'] } },
  unusualRegion: {
    source: ['aws.sts'],
    region: [{ 'anything-but': ['us-east-1', 'eu-west-1'] }],
    detail: { requestParameters: { roleArn: ROLES } },
  },
  outsideCorporateNetwork: {
    detail: {
      userIdentity: { sessionContext: { sessionIssuer: { arn: ROLES } } },
      sourceIPAddress: [{ 'anything-but': { prefix: '10.' } }],
    },
  },
  sourceIdentitySet: { detail: { userIdentity: { sessionContext: { sourceIdentity: [{ exists: true }] } } } },
  ec2Exposure: {
    source: ['aws.ec2'],
    detail: {
      $or: [
        { eventName: ['AuthorizeSecurityGroupIngress'] },
        { eventName: ['ModifyInstanceAttribute'], errorCode: [{ exists: false }] },
      ],
    },
  },
  largeSessions: {
    source: ['aws.sts'],
    detail: { requestParameters: { durationSeconds: [{ numeric: ['>', 3600] }] } },
  },
};

function loadRecords(): unknown[] {
  let files: string[];
  try {
    files = readdirSync(dataDir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    console.error(`patterns bench: no data at ${dataDir}; skipping`);
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(join(dataDir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const records = loadRecords().filter(isCloudTrailRecord);
if (records.length === 0) process.exit(0);
const events = records.map(toEventBridgeEvent);
const texts = events.map((e) => JSON.stringify(e));
const rules = Object.values(RULES).map((p) => compilePattern(p));
// All rules at once, as a bus matches them: an index on exact eventName/eventSource/source values
// picks the candidates, which are then tested in full (same result as testing each rule).
const ruleSet = compileRuleSet(Object.values(RULES));
const avgBytes = texts.reduce((n, t) => n + t.length, 0) / texts.length;

// Each sample parses (or matches) every event REPS times: well above timer resolution, short enough
// that a parse sample and the match sample right after it see the same machine load.
const REPS = Math.max(1, Math.ceil(5_000 / events.length));
let sink = 0;

function timeParse(): number {
  const t0 = performance.now();
  for (let r = 0; r < REPS; r++) for (const t of texts) sink += (JSON.parse(t) as { id: string }).id.length;
  return performance.now() - t0;
}
function timeMatch(): number {
  const t0 = performance.now();
  for (let r = 0; r < REPS; r++) for (const e of events) sink += ruleSet.matching(e).length;
  return performance.now() - t0;
}

function timeMatchOneByOne(): number {
  const t0 = performance.now();
  for (let r = 0; r < REPS; r++)
    for (const e of events) for (const rule of rules) if (rule.matches(e)) sink++;
  return performance.now() - t0;
}

// warm-up (JIT both paths)
for (let i = 0; i < 5; i++) {
  timeParse();
  timeMatch();
}
const parse: number[] = [];
const match: number[] = [];
const ratios: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  (globalThis as { gc?: () => void }).gc?.();
  // alternate the order so neither side always runs first
  const p1 = i % 2 === 0 ? timeParse() : NaN;
  const m = timeMatch();
  const p = i % 2 === 0 ? p1 : timeParse();
  parse.push(p);
  match.push(m);
  ratios.push(m / p);
}
const perEvent = (ms: number) => (ms * 1e6) / (REPS * events.length);
const ratio = median(ratios);
const matched = events.map((e) => rules.filter((r) => r.matches(e)).length);
if (events.some((e, i) => ruleSet.matching(e).length !== matched[i]))
  throw new Error('rule set and one-by-one disagree');
const oneByOne = median(Array.from({ length: 11 }, () => timeMatchOneByOne()));

console.log(`events: ${events.length} (from ${dataDir}), mean ${avgBytes.toFixed(0)} bytes of JSON`);
console.log(
  `rules: ${rules.length}; events matched by at least one rule: ${matched.filter((n) => n > 0).length}`,
);
console.log(`JSON.parse per event: ${perEvent(median(parse)).toFixed(0)} ns (median of ${ROUNDS} rounds)`);
console.log(
  `all ${rules.length} rules per event: ${perEvent(median(match)).toFixed(0)} ns (median of ${ROUNDS} rounds)`,
);
console.log(
  `(each rule tested one by one instead: ${perEvent(oneByOne).toFixed(0)} ns per event, ratio ${(oneByOne / median(parse)).toFixed(3)})`,
);
console.log(
  `ratio match/parse (median of per-round ratios): ${ratio.toFixed(3)} (target < ${TARGET}): ${ratio < TARGET ? 'MEETS target' : 'MISSES target'}`,
);
if (sink === -1) console.log(sink);
