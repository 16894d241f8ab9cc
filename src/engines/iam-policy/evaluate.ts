import { keyAppliesToAction } from './action-keys.js';
import { evaluateClause } from './conditions.js';
import { RequestContext } from './context.js';
import { PolicyError } from './errors.js';
import type { ContextValue, Decision, PolicyDocument, PolicyStatement, RequestPrincipal } from './model.js';
import { parsePolicyDocument } from './parse.js';
import { matchPrincipal, principalAccount, splitArn, type PrincipalMatch } from './principal.js';
import { substitute } from './variables.js';
import { compileTokens, globMatches, wildcardMatch } from './wildcard.js';

/**
 * Policy evaluation: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * An explicit Deny in any matching statement wins; otherwise a matching Allow allows; otherwise the
 * request is implicitly denied.
 */

export interface PolicyRequest {
  readonly action: string;
  readonly resource: string;
  readonly principal?: RequestPrincipal;
  readonly context: Readonly<Record<string, ContextValue>>;
}

/** Why a statement did or did not apply to a request. */
export interface StatementResult {
  readonly statement: PolicyStatement;
  readonly applies: boolean;
  readonly principalMatch: PrincipalMatch | 'NotPrincipal' | 'NoPrincipalElement';
  /** Empty when the statement applies; otherwise the first element that did not match. */
  readonly why: string;
}

export interface PolicyEvaluation {
  readonly decision: Decision;
  readonly statements: readonly StatementResult[];
}

export function describeStatement(s: PolicyStatement): string {
  return `${s.path}${s.sid ? ` (Sid "${s.sid}")` : ''}`;
}

function resourceMatches(
  pattern: string,
  resource: string,
  ctx: RequestContext,
  variables: boolean,
): boolean {
  const s = substitute(pattern, ctx, { variables, wildcards: true });
  if (s.error) return false;
  return globMatches(compileTokens(s.tokens), resource);
}

function evaluateStatement(
  st: PolicyStatement,
  req: PolicyRequest,
  ctx: RequestContext,
  variables: boolean,
): StatementResult {
  const no = (principalMatch: StatementResult['principalMatch'], why: string): StatementResult => ({
    statement: st,
    applies: false,
    principalMatch,
    why,
  });
  // Actions are case-insensitive, with wildcards.
  if (st.action && !st.action.some((a) => wildcardMatch(a, req.action, true)))
    return no('NoPrincipalElement', `Action does not include ${req.action}`);
  if (st.notAction && st.notAction.some((a) => wildcardMatch(a, req.action, true)))
    return no('NoPrincipalElement', `NotAction excludes ${req.action}`);
  // Resource is absent in trust policies: the role itself is the resource.
  if (st.resource && !st.resource.some((r) => resourceMatches(r, req.resource, ctx, variables)))
    return no('NoPrincipalElement', `Resource does not include ${req.resource}`);
  if (st.notResource && st.notResource.some((r) => resourceMatches(r, req.resource, ctx, variables)))
    return no('NoPrincipalElement', `NotResource excludes ${req.resource}`);
  let principalMatch: StatementResult['principalMatch'] = 'NoPrincipalElement';
  if (st.principal) {
    principalMatch = req.principal ? matchPrincipal(st.principal, req.principal) : 'None';
    if (principalMatch === 'None')
      return no('None', `Principal does not name ${req.principal ? req.principal.id : 'an unknown caller'}`);
  } else if (st.notPrincipal) {
    if (req.principal && matchPrincipal(st.notPrincipal, req.principal) !== 'None')
      return no('None', `NotPrincipal excludes ${req.principal.id}`);
    principalMatch = 'NotPrincipal';
  }
  for (const clause of st.conditions) {
    const r = evaluateClause(clause, ctx, variables);
    if (!r.matches) return no(principalMatch, `condition not met: ${r.why}`);
  }
  return { statement: st, applies: true, principalMatch, why: '' };
}

/** Evaluates a parsed policy against one request, statement by statement. */
export function evaluatePolicy(doc: PolicyDocument, req: PolicyRequest): PolicyEvaluation {
  const ctx = new RequestContext(req.context);
  const variables = doc.version === '2012-10-17';
  const statements = doc.statements.map((st) => evaluateStatement(st, req, ctx, variables));
  const applies = statements.filter((s) => s.applies);
  const decision: Decision = applies.some((s) => s.statement.effect === 'Deny')
    ? 'ExplicitDeny'
    : applies.some((s) => s.statement.effect === 'Allow')
      ? 'Allow'
      : 'ImplicitDeny';
  return { decision, statements };
}

/**
 * Generic evaluation of one policy (identity or resource-based) against one request.
 * A statement with a Principal element applies only when `req.principal` is given and named by it;
 * a statement without Resource/NotResource applies to every resource (as in trust policies).
 */
export function evaluatePolicyStatements(policy: unknown, req: PolicyRequest): Decision {
  return evaluatePolicy(parsePolicyDocument(policy), req).decision;
}

// ---------------------------------------------------------------------------------------------
// Trust policies

export type AssumeRoleAction = 'sts:AssumeRole' | 'sts:AssumeRoleWithSAML' | 'sts:AssumeRoleWithWebIdentity';

export interface AssumeRoleRequest {
  readonly action: AssumeRoleAction;
  /** Caller ARN (user ARN, session ARN `arn:aws:sts::A:assumed-role/R/S`), SAML/OIDC provider, or service. */
  readonly principal: RequestPrincipal;
  /** The role being assumed (the resource). */
  readonly roleArn: string;
  readonly context: Readonly<Record<string, ContextValue>>;
  /** Set → `sts:SetSourceIdentity` must also be allowed. */
  readonly sourceIdentity?: string;
  /** Set (non-empty) → `sts:TagSession` must also be allowed. */
  readonly sessionTags?: Readonly<Record<string, string>>;
}

export interface TrustEvaluation {
  readonly decision: Decision;
  readonly reasons: readonly string[];
  /** Decision per action evaluated: the assume action, plus sts:SetSourceIdentity / sts:TagSession when needed. */
  readonly perAction: Readonly<Record<string, Decision>>;
  /**
   * True when the assume action is allowed only through an account-level principal (`arn:…:root`,
   * an account id) or `*`: the caller then also needs an identity policy allowing the action.
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
   */
  readonly requiresIdentityPolicy: boolean;
  /** Per action, the context keys left out because that action does not support them (see action-keys.ts). */
  readonly ignoredContextKeys: Readonly<Record<string, readonly string[]>>;
}

/**
 * The request context the trust policy is evaluated with: `context`, plus what the request implies
 * when the caller did not set it — `aws:RequestTag/<k>` and `aws:TagKeys` from `sessionTags`,
 * `sts:SourceIdentity` from `sourceIdentity`, and `aws:PrincipalAccount`, `aws:PrincipalType` (and
 * `aws:PrincipalArn` for users and account roots) from an AWS principal. A session's `aws:PrincipalArn` is the role ARN with
 * its path, which a session ARN does not carry, so it is not derived.
 */
export function trustRequestContext(request: AssumeRoleRequest): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  const has = new RequestContext(request.context);
  const add = (k: string, v: ContextValue) => {
    if (!has.has(k)) out[k] = v;
  };
  if (request.principal.type === 'AWS') {
    const account = principalAccount(request.principal.id);
    if (account) add('aws:PrincipalAccount', account);
    const arn = splitArn(request.principal.id);
    if (arn && arn.service === 'iam' && (arn.resource === 'root' || arn.resource.startsWith('user/')))
      add('aws:PrincipalArn', request.principal.id);
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltype
    const type = !arn
      ? undefined
      : arn.resource === 'root'
        ? 'Account'
        : arn.resource.startsWith('user/')
          ? 'User'
          : arn.resource.startsWith('assumed-role/')
            ? 'AssumedRole'
            : arn.resource.startsWith('federated-user/')
              ? 'FederatedUser'
              : undefined;
    if (type) add('aws:PrincipalType', type);
  }
  if (request.sessionTags && Object.keys(request.sessionTags).length > 0) {
    for (const [k, v] of Object.entries(request.sessionTags)) add(`aws:RequestTag/${k}`, v);
    add('aws:TagKeys', Object.keys(request.sessionTags));
  }
  if (request.sourceIdentity !== undefined) add('sts:SourceIdentity', request.sourceIdentity);
  return { ...request.context, ...out };
}

/**
 * Evaluates a role trust policy for an AssumeRole* request: the assume action itself, plus
 * `sts:SetSourceIdentity` when a source identity is set and `sts:TagSession` when session tags are
 * passed — every one of them must be allowed.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms
 */
export function evaluateTrustPolicy(policy: unknown, request: AssumeRoleRequest): TrustEvaluation {
  const doc = parsePolicyDocument(policy);
  doc.statements.forEach((st) => {
    if (!st.principal && !st.notPrincipal)
      throw new PolicyError(st.path, 'a trust policy statement needs a Principal (or NotPrincipal) element');
    // IAM rejects trust policies with a Resource ("Has prohibited field Resource"): the role is the resource.
    if (st.resource || st.notResource)
      throw new PolicyError(
        st.path,
        `a trust policy statement cannot have ${st.resource ? 'Resource' : 'NotResource'}; the role itself is the resource, remove the element`,
      );
  });
  const context = trustRequestContext(request);
  const actions: string[] = [request.action];
  if (request.sourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  if (request.sessionTags && Object.keys(request.sessionTags).length > 0) actions.push('sts:TagSession');
  const perAction: Record<string, Decision> = {};
  const reasons: string[] = [];
  let requiresIdentityPolicy = false;
  const ignoredContextKeys: Record<string, string[]> = {};
  for (const action of actions) {
    const actionContext: Record<string, ContextValue> = {};
    const ignored: string[] = [];
    for (const [k, v] of Object.entries(context)) {
      if (keyAppliesToAction(action, k)) actionContext[k] = v;
      else ignored.push(k);
    }
    if (ignored.length) ignoredContextKeys[action] = ignored;
    const ev = evaluatePolicy(doc, {
      action,
      resource: request.roleArn,
      principal: request.principal,
      context: actionContext,
    });
    perAction[action] = ev.decision;
    const deciding = ev.statements.filter(
      (s) => s.applies && s.statement.effect === (ev.decision === 'ExplicitDeny' ? 'Deny' : 'Allow'),
    );
    if (ev.decision === 'ImplicitDeny') {
      const tried = ev.statements.filter((s) => s.statement.effect === 'Allow');
      reasons.push(
        tried.length === 0
          ? `${action}: ImplicitDeny: no Allow statement`
          : `${action}: ImplicitDeny: ${tried.map((s) => `${describeStatement(s.statement)}: ${s.why}`).join('; ')}`,
      );
    } else {
      reasons.push(
        `${action}: ${ev.decision} by ${deciding.map((s) => describeStatement(s.statement)).join(', ')}`,
      );
    }
    if (action === request.action && ev.decision === 'Allow')
      requiresIdentityPolicy = !deciding.some(
        (s) =>
          s.principalMatch === 'Exact' ||
          s.principalMatch === 'Session' ||
          s.principalMatch === 'NotPrincipal',
      );
  }
  const decisions = Object.values(perAction);
  const decision: Decision = decisions.includes('ExplicitDeny')
    ? 'ExplicitDeny'
    : decisions.every((d) => d === 'Allow')
      ? 'Allow'
      : 'ImplicitDeny';
  return { decision, reasons, perAction, requiresIdentityPolicy, ignoredContextKeys };
}
