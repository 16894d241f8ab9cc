/** Normalized, validated IAM policy document (see `parsePolicyDocument`). */

/** A request context value: single-valued keys are strings/booleans/numbers, multivalued keys are lists. */
export type ContextValue = string | boolean | number | readonly string[];

export type Effect = 'Allow' | 'Deny';
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** The principals named by a Principal/NotPrincipal element. `wildcard` is `"Principal": "*"`. */
export interface PrincipalSet {
  readonly wildcard: boolean;
  readonly aws: readonly string[];
  readonly federated: readonly string[];
  readonly service: readonly string[];
  readonly canonicalUser: readonly string[];
}

export type BaseOperator =
  | 'StringEquals'
  | 'StringNotEquals'
  | 'StringEqualsIgnoreCase'
  | 'StringNotEqualsIgnoreCase'
  | 'StringLike'
  | 'StringNotLike'
  | 'NumericEquals'
  | 'NumericNotEquals'
  | 'NumericLessThan'
  | 'NumericLessThanEquals'
  | 'NumericGreaterThan'
  | 'NumericGreaterThanEquals'
  | 'DateEquals'
  | 'DateNotEquals'
  | 'DateLessThan'
  | 'DateLessThanEquals'
  | 'DateGreaterThan'
  | 'DateGreaterThanEquals'
  | 'Bool'
  | 'BinaryEquals'
  | 'IpAddress'
  | 'NotIpAddress'
  | 'ArnEquals'
  | 'ArnLike'
  | 'ArnNotEquals'
  | 'ArnNotLike'
  | 'Null';

/** One `operator: { key: values }` pair of a Condition block. */
export interface ConditionClause {
  /** The operator as written, e.g. `ForAllValues:StringEqualsIfExists`. */
  readonly operator: string;
  readonly base: BaseOperator;
  readonly set?: 'ForAllValues' | 'ForAnyValue';
  readonly ifExists: boolean;
  /** The condition key as written (matched case-insensitively). */
  readonly key: string;
  /** Policy values, stringified (`true` → `"true"`, `3` → `"3"`). */
  readonly values: readonly string[];
}

export interface PolicyStatement {
  /** Position in the Statement array (0 when Statement is a single object). */
  readonly index: number;
  /** JSON path of the statement, e.g. `Statement[2]` (or `Statement` when not a list). */
  readonly path: string;
  readonly sid?: string;
  readonly effect: Effect;
  readonly principal?: PrincipalSet;
  readonly notPrincipal?: PrincipalSet;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
  /** `2012-10-17` enables policy variables; `2008-10-17` or absent treats `${…}` literally. */
  readonly version?: string;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

/** A principal making a request: caller ARN, SAML/OIDC provider, or service principal. */
export interface RequestPrincipal {
  readonly type: 'AWS' | 'Federated' | 'Service';
  readonly id: string;
}
