import type { RequestContext } from './context.js';
import { singleString } from './context.js';
import { ANY_CHAR, ANY_RUN, type GlobToken } from './wildcard.js';

/**
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`, `${*}`, `${?}`, `${$}`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 * - only in policies with `"Version": "2012-10-17"`; older versions treat `${…}` literally;
 * - a variable whose key is missing (and has no default) or is multivalued makes the value unusable:
 *   it matches nothing (and a negated operator on it is not satisfied either);
 * - substituted text is literal: a `*` inside a user name is not a wildcard.
 */
export interface Substituted {
  /** Tokens: literal characters, and (when `wildcards`) `*`/`?` wildcards from the policy text. */
  readonly tokens: readonly GlobToken[];
  /** Set when a variable could not be resolved. */
  readonly error?: string;
}

export function substitute(
  text: string,
  ctx: RequestContext,
  opts: { readonly variables: boolean; readonly wildcards: boolean },
): Substituted {
  const tokens: GlobToken[] = [];
  const lit = (s: string) => {
    for (const ch of s) tokens.push(ch);
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (opts.variables && ch === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i + 2);
      if (end >= 0) {
        const inner = text.slice(i + 2, end);
        i = end + 1;
        if (inner === '*' || inner === '?' || inner === '$') {
          lit(inner);
          continue;
        }
        const comma = inner.indexOf(',');
        const name = (comma >= 0 ? inner.slice(0, comma) : inner).trim();
        let fallback: string | undefined;
        if (comma >= 0) {
          const d = inner.slice(comma + 1).trim();
          if (d.length >= 2 && d.startsWith("'") && d.endsWith("'")) fallback = d.slice(1, -1);
        }
        const raw = ctx.get(name);
        const value = singleString(raw);
        if (value !== undefined && value !== '') lit(value);
        else if (fallback !== undefined) lit(fallback);
        else
          return {
            tokens,
            error:
              raw === undefined
                ? `policy variable \${${name}} has no value in the request`
                : `policy variable \${${name}} is multivalued`,
          };
        continue;
      }
    }
    if (opts.wildcards && ch === '*') tokens.push(ANY_RUN);
    else if (opts.wildcards && ch === '?') tokens.push(ANY_CHAR);
    else tokens.push(ch);
    i++;
  }
  return { tokens };
}

/** The substituted text when it contains no wildcard tokens (always the case with wildcards off). */
export function tokensToString(tokens: readonly GlobToken[]): string {
  return tokens.map((t) => (t === ANY_RUN ? '*' : t === ANY_CHAR ? '?' : t)).join('');
}
