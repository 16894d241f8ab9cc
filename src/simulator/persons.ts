import type { RoleModel, SystemModel } from './model.js';
import { isObject } from './json.js';

/** Someone the trust policy names: an IAM user, or a federated (IAM Identity Center / SAML) person. */
export type Person =
  | { readonly kind: 'iam-user'; readonly name: string; readonly arn: string; readonly account: string }
  | {
      readonly kind: 'sso';
      readonly name: string;
      /** The AWSReservedSSO_* role the person's session comes from. */
      readonly roleArn: string;
      readonly account: string;
      /** The one permission set the trust policy names for them (absent: any). */
      readonly permissionSet?: string;
    };

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Turns an ARN pattern with `*`/`?` into one concrete ARN that the pattern matches. */
export function instantiatePattern(pattern: string, region: string): string {
  return pattern
    .replace(/sso\.amazonaws\.com\/?\*\/?/, `sso.amazonaws.com/${region}/`)
    .replace(/\/\/+/g, '/')
    .replace(/AWSReservedSSO_\*_(\*|\?{16})/g, 'AWSReservedSSO_BreakGlass_0123456789abcdef')
    .replace(/AWSReservedSSO_([^*/?]+)_(\*|\?{16})/g, 'AWSReservedSSO_$1_0123456789abcdef')
    .replace(/\*/g, 'example')
    .replace(/\?/g, 'x');
}

/**
 * The people a role's trust policy lets in, read from the policy itself so that any template (ours or
 * anyone's) can be verified: user ARNs in `Principal`, `aws:PrincipalArn`, `aws:username`, and federated
 * people via `aws:userid` (`*:<session name>`) together with an `AWSReservedSSO_*` role pattern.
 */
export function personsOf(role: RoleModel, model: SystemModel): Person[] {
  const out: Person[] = [];
  const seen = new Set<string>();
  const add = (p: Person) => {
    const key = `${p.kind}:${p.account}:${p.name}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  const doc = role.trustPolicy;
  const statements = isObject(doc) ? asList(doc['Statement']) : [];
  for (const st of statements) {
    if (!isObject(st) || st['Effect'] !== 'Allow') continue;
    const principal = st['Principal'];
    const aws = isObject(principal) ? asList(principal['AWS']) : [];
    const conds = isObject(st['Condition']) ? st['Condition'] : {};
    const values = (key: string): string[] => {
      const vals: string[] = [];
      for (const [op, block] of Object.entries(conds)) {
        if (
          !isObject(block) ||
          /^(Null|Bool)/.test(op) ||
          op.startsWith('StringNot') ||
          op.startsWith('ArnNot')
        )
          continue;
        for (const [k, v] of Object.entries(block)) {
          if (k.toLowerCase() === key.toLowerCase())
            vals.push(...asList(v).filter((x): x is string => typeof x === 'string'));
        }
      }
      return vals;
    };
    const userArns = [
      ...aws.filter((a): a is string => typeof a === 'string' && /:user\//.test(a)),
      ...values('aws:PrincipalArn').filter((a) => /:user\//.test(a) && !/[*?]/.test(a)),
    ];
    for (const arn of userArns) {
      const name = arn.split('/').pop() ?? arn;
      add({ kind: 'iam-user', name, arn, account: arn.split(':')[4] ?? role.account });
    }
    for (const name of values('aws:username').filter((n) => !/[*?$]/.test(n))) {
      add({
        kind: 'iam-user',
        name,
        arn: `arn:aws:iam::${role.account}:user/${name}`,
        account: role.account,
      });
    }
    const ssoPatterns = values('aws:PrincipalArn').filter((a) => /:role\//.test(a));
    const sessionNames = values('aws:userid')
      .map((u) => /^\*:(.+)$/.exec(u)?.[1])
      .filter((n): n is string => typeof n === 'string' && !/[*?]/.test(n));
    for (const name of sessionNames) {
      const pattern =
        ssoPatterns[0] ??
        `arn:aws:iam::${role.account}:role/aws-reserved/sso.amazonaws.com*/AWSReservedSSO_*_${'?'.repeat(16)}`;
      const roleArn = instantiatePattern(pattern, 'us-east-1');
      const permissionSet = /AWSReservedSSO_([^*?/]+)_/.exec(pattern)?.[1];
      add({
        kind: 'sso',
        name,
        roleArn,
        account: roleArn.split(':')[4] ?? role.account,
        ...(permissionSet ? { permissionSet } : {}),
      });
    }
  }
  // Break-glass users of the assembly that the policy names by account only still count as named people.
  for (const u of model.users.values()) {
    if (u.breakGlass && out.every((p) => p.name !== u.name)) {
      const trustsAccount = statements.some((st) => {
        if (!isObject(st) || st['Effect'] !== 'Allow') return false;
        const aws = isObject(st['Principal']) ? asList(st['Principal']['AWS']) : [];
        return aws.some((a) => a === u.account || a === `arn:aws:iam::${u.account}:root` || a === u.arn);
      });
      if (trustsAccount) add({ kind: 'iam-user', name: u.name, arn: u.arn, account: u.account });
    }
  }
  return out;
}

/**
 * A stranger for a role: an IAM user of the role's account whose name ends with the first named person's
 * name (`alice` → `malice`), which catches suffix matching as well as missing conditions.
 */
export function strangerFor(role: RoleModel, persons: readonly Person[]): Person {
  const base = persons[0]?.name ?? 'operator';
  const name = `m${base}`.replace(/[^\w+=,.@-]/g, '');
  return { kind: 'iam-user', name, arn: `arn:aws:iam::${role.account}:user/${name}`, account: role.account };
}

/**
 * The same person coming from a look-alike Identity Center role: a permission set whose name ends with
 * theirs (`Ops-AWSReservedSSO_<set>` gives `AWSReservedSSO_Ops-AWSReservedSSO_<set>_<suffix>`), which
 * a trust policy with a leading `*` before `AWSReservedSSO_` lets in. Only for a named permission set.
 */
export function lookAlikeOf(person: Person): Person | undefined {
  if (person.kind !== 'sso' || person.permissionSet === undefined) return undefined;
  const roleArn = person.roleArn.replace(
    /\/AWSReservedSSO_([^/]+)$/,
    '/AWSReservedSSO_Ops-AWSReservedSSO_$1',
  );
  return { ...person, roleArn, permissionSet: `Ops-AWSReservedSSO_${person.permissionSet}` };
}
