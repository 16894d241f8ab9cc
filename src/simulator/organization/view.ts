import type { CheckResult } from '../check-types.js';
import { ADDED_LATER, ORGANIZATION_FAMILY } from './checks.js';
import type { OrganizationPlan } from './types.js';

/** One account × Region cell: wired like the representative, a gap, or no instance (and none needed). */
export type OrgCell = 'ok' | 'gap' | 'none';

export type AccountRole = 'representative' | 'member' | 'added-later' | 'management' | 'not-targeted';

export interface AccountRow {
  readonly id: string;
  readonly name?: string;
  readonly ou?: string;
  readonly role: AccountRole;
  /** By Region (the view's `regions`); absent for accounts no StackSet targets. */
  readonly regions: Readonly<Record<string, OrgCell>>;
  /** Identity Center assignments of the permission set in this account, when there are any. */
  readonly permissionSet?: OrgCell;
  readonly gaps: number;
}

export interface OrganizationView {
  readonly id?: string;
  readonly source?: string;
  readonly stackSets: readonly {
    readonly name: string;
    readonly stack: string;
    readonly permissionModel: string;
    readonly autoDeployment: boolean;
    readonly regions: readonly string[];
    readonly accounts: number;
    readonly instances: number;
  }[];
  /** Per distinct member template: the account every way in is replayed on. */
  readonly representatives: readonly string[];
  readonly regions: readonly string[];
  readonly accounts: readonly AccountRow[];
  readonly summary: {
    /** Accounts a StackSet deploys to (the made-up added-later account not counted). */
    readonly members: number;
    readonly membersWithGaps: number;
    readonly instances: number;
    readonly templates: number;
    readonly notTargeted: number;
    readonly gaps: number;
  };
}

/** The per-account matrix of an organization, from the plan and the organization checks' results. */
export function organizationView(
  plan: OrganizationPlan,
  checks: readonly CheckResult[],
  regionOrder: readonly string[],
): OrganizationView {
  const mine = checks.filter((c) => c.family === ORGANIZATION_FAMILY && c.account !== undefined);
  const assignments = mine.filter((c) => c.name.endsWith(': permission-set assignment'));
  const wiring = mine.filter((c) => !assignments.includes(c));
  const regions = regionOrder.filter((r) => wiring.some((c) => c.region === r));
  const members = new Set(plan.stackSets.flatMap((s) => s.instances.map((i) => i.account)));
  const reps = new Set(plan.templates.map((t) => t.representative));
  const known = new Map(plan.accounts.map((a) => [a.id, a]));
  const ids = [...new Set([...plan.accounts.map((a) => a.id), ...mine.map((c) => c.account as string)])];
  const roleOf = (id: string): AccountRole =>
    id === ADDED_LATER
      ? 'added-later'
      : reps.has(id)
        ? 'representative'
        : members.has(id)
          ? 'member'
          : id === plan.org?.managementAccount
            ? 'management'
            : 'not-targeted';
  const cell = (cs: readonly CheckResult[]): OrgCell =>
    cs.length === 0 ? 'none' : cs.every((c) => c.ok) ? 'ok' : 'gap';
  const order: Record<AccountRole, number> = {
    representative: 0,
    member: 1,
    'added-later': 2,
    management: 3,
    'not-targeted': 4,
  };
  const rows: AccountRow[] = ids
    .map((id) => {
      const a = known.get(id);
      const own = wiring.filter((c) => c.account === id);
      const assigned = assignments.filter((c) => c.account === id);
      return {
        id,
        ...(a?.name ? { name: a.name } : {}),
        ...(a?.ou ? { ou: a.ou } : {}),
        role: roleOf(id),
        regions: Object.fromEntries(regions.map((r) => [r, cell(own.filter((c) => c.region === r))])),
        ...(assigned.length > 0 ? { permissionSet: cell(assigned) } : {}),
        gaps: [...own, ...assigned].filter((c) => !c.ok).length,
      };
    })
    .sort((x, y) => order[x.role] - order[y.role] || x.id.localeCompare(y.id));
  const memberRows = rows.filter((r) => r.role === 'representative' || r.role === 'member');
  return {
    ...(plan.org ? { id: plan.org.id, source: plan.org.source } : {}),
    stackSets: plan.stackSets.map((s) => ({
      name: s.spec.name,
      stack: s.spec.stackName,
      permissionModel: s.spec.permissionModel,
      autoDeployment: s.spec.autoDeployment,
      regions: [...new Set(s.instances.map((i) => i.region))].sort(),
      accounts: new Set(s.instances.map((i) => i.account)).size,
      instances: s.instances.length,
    })),
    representatives: [...reps].filter((r) => r !== ''),
    regions,
    accounts: rows,
    summary: {
      members: memberRows.length,
      membersWithGaps: memberRows.filter((r) => r.gaps > 0).length,
      instances: plan.stackSets.reduce((n, s) => n + s.instances.length, 0),
      templates: plan.templates.length,
      notTargeted: rows.filter((r) => r.role === 'management' || r.role === 'not-targeted').length,
      gaps: mine.filter((c) => !c.ok).length,
    },
  };
}

const SYMBOL: Readonly<Record<OrgCell, string>> = { ok: '✓', gap: '✗', none: '·' };

export const ORGANIZATION_LEGEND = [
  '★ every way in replayed on this account (its role matrix above); the others are checked against it:',
  '✓ wired like it: a stack instance there, the central bus policy admits the account, the central rules take its events',
  '✗ a gap (listed below)   · no stack instance, and the break-glass role cannot be used there',
].join('\n');

function label(r: AccountRow): string {
  if (r.role === 'added-later') return 'an account added later (auto-deployment)';
  return `${r.id}${r.name ? ` ${r.name}` : ''}${r.role === 'representative' ? ' ★' : ''}`;
}

/** Accounts as rows (there can be hundreds), Regions as columns; then who is not a target and why. */
export function renderOrganization(view: OrganizationView): string {
  const targeted = view.accounts.filter((r) => r.role !== 'management' && r.role !== 'not-targeted');
  const withPs = view.accounts.some((r) => r.permissionSet !== undefined);
  const cols = [...view.regions, ...(withPs ? ['permission set'] : [])];
  const labels = targeted.map(label);
  const first = Math.max('account'.length, ...labels.map((l) => [...l].length));
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length));
  const lines = [
    `organization ${view.id ?? '(id unknown)'}: ${view.stackSets.map((s) => `StackSet ${s.name} (${s.permissionModel}${s.autoDeployment ? ', auto-deployment' : ''}) ${s.accounts} account(s) × ${s.regions.length} Region(s)`).join('; ')}`,
    [pad('account', first), ...cols].join('  ').trimEnd(),
    ['─'.repeat(first), ...cols.map((c) => '─'.repeat(c.length))].join('  '),
  ];
  targeted.forEach((r, i) => {
    const cells = [
      ...view.regions.map((reg, j) => pad(SYMBOL[r.regions[reg] ?? 'none'], cols[j]?.length ?? 1)),
      ...(withPs ? [SYMBOL[r.permissionSet ?? 'none']] : []),
    ];
    lines.push([pad(labels[i] ?? r.id, first), ...cells].join('  ').trimEnd());
  });
  const others = view.accounts.filter((r) => r.role === 'management' || r.role === 'not-targeted');
  if (others.length > 0)
    lines.push(
      `not a StackSet target: ${others
        .map((r) =>
          r.role === 'management'
            ? `${r.id} (management account: service-managed StackSets never deploy there)`
            : `${r.id}${r.name ? ` (${r.name})` : ''}${r.permissionSet === 'gap' ? ' ✗ permission set assigned here' : ''}`,
        )
        .join(', ')}`,
    );
  lines.push('', ORGANIZATION_LEGEND);
  return lines.join('\n');
}

/** The one-line count under the matrix. */
export function organizationSummaryLine(view: OrganizationView): string {
  const s = view.summary;
  const others = s.members - view.representatives.length;
  return `Organization ${view.id ?? ''}: ${s.members} member account(s), ${s.membersWithGaps} with gap(s); ${s.instances} stack instance(s) of ${s.templates} template(s) in ${view.regions.length} Region(s); every way in replayed on ${view.representatives.join(', ') || 'no account'}, ${Math.max(0, others)} other account(s) checked against it${s.notTargeted > 0 ? `; ${s.notTargeted} account(s) not targeted` : ''}`;
}
