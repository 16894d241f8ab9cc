/** IAM JSON policy shapes the access builders produce (plain data, serialisable as is). */
export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: { readonly AWS: string | string[] } | string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: Statement[];
}

/** Narrows parsed JSON (e.g. a trust policy IAM returned) to a policy document. */
export function asPolicyDocument(raw: unknown, field: string): PolicyDocument {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TypeError(`${field}: not a policy document`);
  }
  const o = raw as Record<string, unknown>;
  const st = o['Statement'];
  const statements = Array.isArray(st) ? st : st && typeof st === 'object' ? [st] : [];
  return { Version: '2012-10-17', Statement: statements as Statement[] };
}
