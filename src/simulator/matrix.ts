import type { ScenarioResult, VerifyResult, WayIn } from './verify.js';
import { WAYS_IN } from './verify.js';

/** One cell of the coverage matrix. */
export type Cell =
  | 'alerted'
  | 'summarised'
  | 'blocked'
  | 'missed'
  | 'unlogged-by-choice'
  | 'unrecorded'
  | 'session-alerted'
  | 'none';

export const CELL_SYMBOL: Readonly<Record<Cell, string>> = {
  alerted: '✓',
  summarised: 'Σ',
  blocked: '⊘',
  missed: '✗',
  'unlogged-by-choice': '○',
  unrecorded: '◌',
  'session-alerted': '↑',
  none: '·',
};

/** What each symbol means, printed under every matrix. */
export const LEGEND = [
  '✓ alerted (Read/Write/DataRead: logged)   ✗ missed (a gap)   ○ not logged, by configuration (logActions)',
  '⊘ blocked by the trust policy (alerted, or in a Region nobody watches)',
  '◌ not recorded by CloudTrail: no trail selects these data events (dataEvents)',
  'Σ alerted; the denied attempts there are summarised: one alert per burst (deniedAttempts)',
  '↑ console sign-in not watched in this Region; the session was alerted when it began, and the Region lock denies its calls here',
].join('\n');

/**
 * A cell is `missed` when any scenario in it is a gap; `unlogged-by-choice` when its calls are left out
 * of the action log by configuration; `unrecorded` when its data events are recorded by no trail (and
 * none asks for them); `blocked` when every attempt there was denied by the trust policy;
 * `summarised` when an attempt there reached people only through a summary alarm; `alerted` otherwise.
 */
export function cellOf(scenarios: readonly ScenarioResult[]): Cell {
  if (scenarios.length === 0) return 'none';
  if (scenarios.some((s) => !s.ok)) return 'missed';
  if (scenarios.some((s) => s.notRecorded)) return 'unrecorded';
  if (scenarios.some((s) => s.sessionLocked)) return 'session-alerted';
  if (scenarios.some((s) => s.notLoggedByConfiguration)) return 'unlogged-by-choice';
  const decided = scenarios.filter((s) => s.trust !== 'n/a');
  if (decided.length > 0 && decided.every((s) => s.trust !== 'Allow')) return 'blocked';
  if (scenarios.some(summarisedOnly)) return 'summarised';
  return 'alerted';
}

/** Alerted, and only through a summary alarm (no delivery tells a person about this event by itself). */
export function summarisedOnly(s: ScenarioResult): boolean {
  const told = s.deliveries.filter((d) => d.humanFacing);
  return told.length > 0 && told.every((d) => d.summarisedBy !== undefined);
}

export interface Matrix {
  /** The role or user ARN the matrix is about (absent: every principal of the result, merged). */
  readonly principal?: string;
  readonly waysIn: readonly WayIn[];
  readonly regions: readonly string[];
  /** cells[wayIn][region] */
  readonly cells: Readonly<Record<string, Readonly<Record<string, Cell>>>>;
}

/** One matrix over the result's scenarios, or only those about `principal` (a role or user ARN). */
export function buildMatrix(result: VerifyResult, principal?: string): Matrix {
  const scenarios =
    principal === undefined ? result.scenarios : result.scenarios.filter((s) => s.target === principal);
  const present = WAYS_IN.filter((w) => scenarios.some((s) => s.wayIn === w));
  const cells: Record<string, Record<string, Cell>> = {};
  for (const w of present) {
    cells[w] = {};
    for (const r of result.regions) {
      cells[w][r] = cellOf(scenarios.filter((s) => s.wayIn === w && s.region === r));
    }
  }
  return {
    ...(principal !== undefined ? { principal } : {}),
    waysIn: present,
    regions: result.regions,
    cells,
  };
}

/** One matrix per break-glass role and user: a merged one would hide whose door is open. */
export function buildMatrices(result: VerifyResult): Matrix[] {
  return [...result.roles, ...result.users].map((p) => buildMatrix(result, p));
}

const SHORT: Readonly<Record<WayIn, string>> = {
  AssumeRole: 'AssumeRole',
  AssumeRoleWithSAML: 'SAML',
  AssumeRoleWithWebIdentity: 'WebId',
  SwitchRole: 'SwitchRole',
  GetSigninToken: 'SigninTok',
  RoleChaining: 'Chaining',
  ConsoleLogin: 'Console',
  GetFederationToken: 'FedToken',
  ReadAction: 'Read',
  WriteAction: 'Write',
  DataRead: 'DataRead',
  Request: 'Request',
  Approve: 'Approve',
  Revoke: 'Revoke',
};

/** Regions as rows (there are many), ways in as columns; the legend under it unless `legend: false`. */
export function renderMatrix(m: Matrix, opts: { readonly legend?: boolean } = {}): string {
  const cols = m.waysIn.map((w) => SHORT[w]);
  const regionWidth = Math.max(6, ...m.regions.map((r) => r.length));
  const widths = cols.map((c) => Math.max(c.length, 1));
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length));
  const lines = [
    [pad('region', regionWidth), ...cols.map((c, i) => pad(c, widths[i] ?? 1))].join('  ').trimEnd(),
    ['─'.repeat(regionWidth), ...widths.map((w) => '─'.repeat(w))].join('  '),
  ];
  for (const r of m.regions) {
    lines.push(
      [
        pad(r, regionWidth),
        ...m.waysIn.map((w, i) => pad(CELL_SYMBOL[m.cells[w]?.[r] ?? 'none'], widths[i] ?? 1)),
      ]
        .join('  ')
        .trimEnd(),
    );
  }
  if (opts.legend !== false) lines.push('', LEGEND);
  return lines.join('\n');
}
