import { readFileSync } from 'node:fs';
import { SimulatorInputError } from '../errors.js';
import { isObject, str } from '../json.js';
import type { OrgAccount, OrgMap } from './types.js';

const ACCOUNT_ID = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
/** `arn:aws:organizations::<management account>:account/<org id>/<account id>` (Organizations ARN format). */
const ACCOUNT_ARN = /^arn:[^:]+:organizations::(\d{12}):account\/(o-[a-z0-9]{10,32})\/(\d{12})$/;

/** What the `--organization` flag accepts, for the one-line error. */
export const ORGANIZATION_EXPORT_HELP =
  'the JSON printed by \'aws organizations list-accounts\' ({"Accounts": [...]}), each account optionally with "ParentId" (its OU, for StackSets that target OUs)';

const fail = (file: string, what: string): never => {
  throw new SimulatorInputError(`--organization ${file}: ${what}; expected ${ORGANIZATION_EXPORT_HELP}`);
};

/**
 * Reads an Organizations export: the output of `aws organizations list-accounts` — the organization id
 * and the management account come from each account's ARN — optionally merged with
 * `aws organizations describe-organization` (`Organization.Id`, `Organization.MasterAccountId`), and
 * with `ParentId` per account (its OU, from `aws organizations list-accounts-for-parent`).
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 */
export function parseOrganizationExport(json: unknown, file: string): OrgMap {
  if (!isObject(json) || !Array.isArray(json['Accounts'])) return fail(file, 'no "Accounts" list');
  const organization = isObject(json['Organization']) ? json['Organization'] : {};
  let id = str(organization['Id']);
  let management = str(organization['MasterAccountId']);
  const accounts: OrgAccount[] = [];
  json['Accounts'].forEach((a: unknown, i) => {
    const where = `Accounts[${i}]`;
    if (!isObject(a)) return fail(file, `${where} is not an object`);
    const accountId = str(a['Id']);
    if (!accountId || !ACCOUNT_ID.test(accountId))
      return fail(file, `${where}.Id must be a 12-digit account id (got ${JSON.stringify(a['Id'])})`);
    const arn = ACCOUNT_ARN.exec(str(a['Arn']) ?? '');
    if (arn) {
      management ??= arn[1];
      id ??= arn[2];
      if (arn[2] !== id)
        return fail(file, `${where}.Arn names organization ${arn[2]}, another account names ${id}`);
    }
    const ou = str(a['ParentId']);
    const name = str(a['Name']);
    accounts.push({ id: accountId, ...(ou ? { ou } : {}), ...(name ? { name } : {}) });
  });
  if (!id || !ORG_ID.test(id))
    return fail(file, 'no organization id (o-…): neither an account "Arn" nor "Organization.Id" names it');
  return { id, ...(management ? { managementAccount: management } : {}), accounts, source: file };
}

/** Reads and parses `--organization FILE`. */
export function readOrganizationExport(file: string): OrgMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SimulatorInputError(
      `--organization ${file}: cannot read the file; check the path (${(e as Error).message})`,
      { cause: e },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    throw new SimulatorInputError(
      `--organization ${file}: not valid JSON (${(e as Error).message}); expected ${ORGANIZATION_EXPORT_HELP}`,
      { cause: e },
    );
  }
  return parseOrganizationExport(json, file);
}

/**
 * The org map of a breakglass config: `organization.accounts` (id, ou, name), plus the security account
 * (`account`), the users' account, the management account and the delegated administrator — all in the
 * organization. Read defensively: the config was validated when it was loaded. Absent when the config
 * has no `organization` section.
 */
export function orgMapFromConfig(config: unknown, file: string): OrgMap | undefined {
  if (!isObject(config) || !isObject(config['organization'])) return undefined;
  const org = config['organization'];
  const id = str(org['id']);
  if (!id) return undefined;
  const accounts = new Map<string, OrgAccount>();
  const add = (a: OrgAccount) => {
    if (ACCOUNT_ID.test(a.id) && !accounts.has(a.id)) accounts.set(a.id, a);
  };
  for (const a of Array.isArray(org['accounts']) ? org['accounts'] : []) {
    if (!isObject(a)) continue;
    const accountId = str(a['id']);
    if (!accountId) continue;
    const ou = str(a['ou']);
    const name = str(a['name']);
    add({ id: accountId, ...(ou ? { ou } : {}), ...(name ? { name } : {}) });
  }
  const users = isObject(config['users']) ? str(config['users']['account']) : undefined;
  const management = str(org['managementAccount']);
  for (const [accountId, name] of [
    [str(config['account']), 'security'],
    [users, 'security'],
    [management, 'management'],
    [str(org['delegatedAdmin']), 'delegated administrator'],
  ] as const) {
    if (accountId) add({ id: accountId, name });
  }
  return {
    id,
    ...(management ? { managementAccount: management } : {}),
    accounts: [...accounts.values()],
    source: `${file} (organization.accounts)`,
  };
}
