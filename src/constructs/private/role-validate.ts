/**
 * Eager prop validation shared by BreakGlassRole, BreakGlassUser and BreakGlassDeployer. Every
 * check skips unresolved Tokens and throws `BreakGlassValidationError` naming the prop, quoting the
 * value and saying what is allowed.
 */
import { Duration, Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ALL_REGIONS, expandRegions } from '../../engines/regions.js';
import { BreakGlassValidationError } from '../errors.js';

/** IAM user names: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html */
export const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
/** Role session names: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html */
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** Role names (no path): https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
export const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** Permission-set names: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class Validator {
  constructor(private readonly scope: Construct) {}

  fail(prop: string, detail: string): never {
    throw new BreakGlassValidationError(this.scope.node.path, prop, detail);
  }

  /** Names must match `re`; duplicates are an error (`caseInsensitive` for IAM entity names). */
  names(
    prop: string,
    values: readonly string[] | undefined,
    re: RegExp,
    what: string,
    caseInsensitive: boolean,
  ): void {
    const seen = new Map<string, string>();
    (values ?? []).forEach((v, i) => {
      if (Token.isUnresolved(v)) return;
      if (!re.test(v)) {
        this.fail(
          `${prop}[${i}]`,
          `${JSON.stringify(v)} is not a valid ${what}; use 1-64 letters, digits and + = , . @ _ - (got ${JSON.stringify(v)})`,
        );
      }
      const key = caseInsensitive ? v.toLowerCase() : v;
      const prev = seen.get(key);
      if (prev !== undefined) {
        this.fail(
          `${prop}[${i}]`,
          `duplicate ${what} ${JSON.stringify(v)} (same as ${JSON.stringify(prev)}); list each once`,
        );
      }
      seen.set(key, v);
    });
  }

  account(prop: string, value: string | undefined): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!ACCOUNT_ID.test(value)) {
      this.fail(prop, `account id must be 12 digits, e.g. '111122223333' (got ${JSON.stringify(value)})`);
    }
  }

  emails(prop: string, values: readonly string[] | undefined): void {
    (values ?? []).forEach((v, i) => {
      if (Token.isUnresolved(v)) return;
      if (!EMAIL.test(v))
        this.fail(`${prop}[${i}]`, `not an email address; use name@example.com (got ${JSON.stringify(v)})`);
    });
  }

  /** Validates and expands `regions` (`['*']` → every region). */
  regions(prop: string, values: readonly string[] | undefined): string[] {
    const list = values ?? ['*'];
    if (list.length === 0) this.fail(prop, "empty list; use ['*'] for every region or list Region codes");
    list.forEach((r, i) => {
      if (Token.isUnresolved(r)) this.fail(`${prop}[${i}]`, 'must be a literal Region code, not a Token');
      if (r !== '*' && !ALL_REGIONS.includes(r)) {
        this.fail(
          `${prop}[${i}]`,
          `unknown Region ${JSON.stringify(r)}; use '*' or a Region of the aws partition such as 'eu-west-1' (got ${JSON.stringify(r)})`,
        );
      }
    });
    return expandRegions(list);
  }

  /** Regional stacks need a concrete region on the stack. */
  concreteRegionFor(regions: readonly string[]): void {
    const stack = Stack.of(this.scope);
    if (Token.isUnresolved(stack.region) && regions.length > 0) {
      this.fail(
        'regions',
        `stack ${stack.stackName} is environment-agnostic but ${regions.length} Region(s) are covered and each needs its own regional stack; set env: { account, region } on the stack`,
      );
    }
  }

  sessionDuration(prop: string, d: Duration | undefined): void {
    if (d === undefined || Token.isUnresolved(d.toSeconds())) return;
    const s = d.toSeconds();
    if (s < 3600 || s > 43200) {
      this.fail(prop, `must be between 1 and 12 hours (IAM MaxSessionDuration 3600-43200 s) (got ${s} s)`);
    }
  }
}
