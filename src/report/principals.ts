/**
 * Break-glass principals from our own artefacts: the config file (via `loadConfigFile` of
 * src/config) and a synthesized cloud assembly (roles tagged `breakglass:role=true` and users tagged
 * `breakglass:user=true` that have an explicit name).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TAG_BREAKGLASS_ROLE, TAG_BREAKGLASS_USER } from '../engines/conventions.js';
import type { SessionPrincipals } from '../engines/cloudtrail/sessions.js';
import { ReportError } from './errors.js';

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Principals of a break-glass config (src/config schema): the role `role.roleName` (or the existing
 * `role.role`) in `account` and every `memberAccounts` — or, with `organization:`, by bare name in
 * every account —, `users.assumableRoles`, and the IAM users of
 * `users.usernames` in `users.account`, and `organization.permissionSet.name` (every Identity Center
 * role of that permission set, in every account). `role.usernames` are the people allowed to assume
 * the role, not break-glass principals: their sessions are found through the role.
 */
export function principalsOfConfig(config: unknown): SessionPrincipals {
  const c = rec(config) ?? {};
  // With `organization:` the role is the member role a StackSet puts in every account of its targets,
  // accounts added later included: its bare name, which matches in every account.
  const accounts = rec(c['organization'])
    ? []
    : [c['account'], ...strings(c['memberAccounts'])].filter((a): a is string => typeof a === 'string');
  const roles = new Set<string>();
  const users = new Set<string>();
  const role = rec(c['role']);
  if (role) {
    const existing = typeof role['role'] === 'string' ? role['role'] : undefined;
    const name = typeof role['roleName'] === 'string' ? role['roleName'] : existing;
    if (name && ROLE_ARN.test(name)) roles.add(name);
    else if (name)
      for (const a of accounts.length > 0 ? accounts : [''])
        roles.add(a ? `arn:aws:iam::${a}:role/${name}` : name);
    else
      throw new ReportError(
        '--config: role has no roleName, so its generated name is only known after deployment; set role.roleName, or pass --app cdk.out / --role-arn',
      );
  }
  const u = rec(c['users']);
  if (u) {
    const acct = typeof u['account'] === 'string' ? u['account'] : undefined;
    for (const n of strings(u['usernames'])) users.add(acct ? `arn:aws:iam::${acct}:user/${n}` : n);
    for (const r of strings(u['assumableRoles'])) if (ROLE_ARN.test(r)) roles.add(r);
  }
  const set = rec(rec(c['organization'])?.['permissionSet'])?.['name'];
  return {
    roleArns: [...roles].sort(),
    userNames: [...users].sort(),
    ...(typeof set === 'string' ? { permissionSets: [set] } : {}),
  };
}

export async function principalsFromConfig(path: string): Promise<SessionPrincipals> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import('../config/index.js')) as Record<string, unknown>;
  } catch (e) {
    throw new ReportError(`--config: cannot load the config module (${String(e)}); pass --role-arn instead`, {
      cause: e,
    });
  }
  const load = mod['loadConfigFile'];
  if (typeof load !== 'function')
    throw new ReportError(
      '--config: this build has no config loader yet; pass --role-arn ARN / --user NAME instead',
    );
  // loadConfigFile throws its own BreakGlassError (field path + fix) on a bad file.
  const config: unknown = await (load as (p: string) => unknown)(path);
  const p = principalsOfConfig(config);
  if (p.roleArns.length === 0 && p.userNames.length === 0 && !p.permissionSets?.length)
    throw new ReportError(
      `--config: ${JSON.stringify(path)} names no break-glass role, user or permission set; add role.roleName, users.usernames or organization.permissionSet`,
    );
  return p;
}

interface Manifest {
  artifacts?: Record<string, { type?: string; environment?: string; properties?: { templateFile?: string } }>;
}

function tagged(props: Record<string, unknown>, key: string): boolean {
  const tags = props['Tags'];
  return (
    Array.isArray(tags) &&
    tags.some(
      (t) =>
        typeof t === 'object' &&
        t !== null &&
        (t as Record<string, unknown>)['Key'] === key &&
        String((t as Record<string, unknown>)['Value']) === 'true',
    )
  );
}

export async function principalsFromApp(dir: string): Promise<SessionPrincipals> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  } catch (e) {
    throw new ReportError(
      `--app: ${JSON.stringify(dir)} is not a cloud assembly (no readable manifest.json); run cdk synth first`,
      {
        cause: e,
      },
    );
  }
  const roles = new Set<string>();
  const users = new Set<string>();
  const stacks = Object.values(manifest.artifacts ?? {}).filter((a) => a.type === 'aws:cloudformation:stack');
  const files =
    stacks.length > 0
      ? stacks
      : (await readdir(dir))
          .filter((f) => f.endsWith('.template.json'))
          .map((f) => ({ properties: { templateFile: f }, environment: undefined }));
  for (const a of files) {
    const file = a.properties?.templateFile;
    if (!file) continue;
    const account = /^aws:\/\/(\d{12})\//.exec(a.environment ?? '')?.[1];
    const template = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
      Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
    };
    for (const r of Object.values(template.Resources ?? {})) {
      const props = r.Properties ?? {};
      if (
        r.Type === 'AWS::IAM::Role' &&
        tagged(props, TAG_BREAKGLASS_ROLE) &&
        typeof props['RoleName'] === 'string'
      ) {
        const name = props['RoleName'];
        const path = typeof props['Path'] === 'string' ? props['Path'] : '/';
        roles.add(account ? `arn:aws:iam::${account}:role${path}${name}` : name);
      }
      if (
        r.Type === 'AWS::IAM::User' &&
        tagged(props, TAG_BREAKGLASS_USER) &&
        typeof props['UserName'] === 'string'
      )
        users.add(props['UserName']);
    }
  }
  if (roles.size === 0 && users.size === 0)
    throw new ReportError(
      `--app: no role tagged ${TAG_BREAKGLASS_ROLE}=true with an explicit RoleName in ${JSON.stringify(dir)}; pass --role-arn`,
    );
  return { roleArns: [...roles].sort(), userNames: [...users].sort() };
}
