import type { ScenarioResult, VerifyResult, WayIn } from './verify.js';
import { WAYS_IN } from './verify.js';

/** One cell of the coverage matrix. */
export type Cell = 'alerted' | 'blocked' | 'missed' | 'none';

export const CELL_SYMBOL: Readonly<Record<Cell, string>> = {
  alerted: '✓',
  blocked: '⊘',
  missed: '✗',
  none: '·',
};

/**
 * A cell is `missed` when any scenario in it is a gap; `blocked` when every attempt there was denied by
 * the trust policy (and alerted); `alerted` otherwise.
 */
export function cellOf(scenarios: readonly ScenarioResult[]): Cell {
  if (scenarios.length === 0) return 'none';
  if (scenarios.some((s) => !s.ok)) return 'missed';
  const decided = scenarios.filter((s) => s.trust !== 'n/a');
  if (decided.length > 0 && decided.every((s) => s.trust !== 'Allow')) return 'blocked';
  return 'alerted';
}

export interface Matrix {
  readonly waysIn: readonly WayIn[];
  readonly regions: readonly string[];
  /** cells[wayIn][region] */
  readonly cells: Readonly<Record<string, Readonly<Record<string, Cell>>>>;
}

export function buildMatrix(result: VerifyResult): Matrix {
  const present = WAYS_IN.filter((w) => result.scenarios.some((s) => s.wayIn === w));
  const cells: Record<string, Record<string, Cell>> = {};
  for (const w of present) {
    cells[w] = {};
    for (const r of result.regions) {
      cells[w][r] = cellOf(result.scenarios.filter((s) => s.wayIn === w && s.region === r));
    }
  }
  return { waysIn: present, regions: result.regions, cells };
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
};

/** Regions as rows (there are many), ways in as columns. */
export function renderMatrix(m: Matrix): string {
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
  lines.push(
    '',
    `✓ alerted   ⊘ blocked by the trust policy and alerted   ✗ missed (a gap)   Read/Write: ✓ = logged`,
  );
  return lines.join('\n');
}
