import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors.js';
import { type BreakGlassConfig, configSchema } from './schema.js';

/** `['role', 'usernames', 0]` → `role.usernames[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Where a field is in the file: its line and its text as written (YAML may have changed the value). */
export type Locate = (path: readonly PropertyKey[]) => { line?: number; text?: string };

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, locate: Locate): ConfigIssue[] {
  const at = (path: readonly PropertyKey[]) => {
    const line = locate(path).line;
    return line === undefined ? {} : { line };
  };
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      path: formatPath([...issue.path, k]),
      message: `unknown field; check the spelling against \`breakglass schema\` (got ${show(valueAt(raw, [...issue.path, k]))})`,
      ...at([...issue.path, k]),
    }));
  }
  const value = valueAt(raw, issue.path);
  const where = { path: formatPath(issue.path), ...at(issue.path) };
  if (value === undefined && issue.code === 'invalid_type') {
    return [{ ...where, message: `required; expected ${issue.expected}` }];
  }
  const written = locate(issue.path).text;
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof value === 'number') {
    // account: 011122223333 — YAML reads a number and drops the leading zero.
    const text = written ?? String(value);
    return [
      {
        ...where,
        message: `expected a string; quote it: '${text}' — YAML reads ${text} as a number${/^0\d/.test(text) ? ' and drops the leading zero' : ''} (got ${show(value)})`,
      },
    ];
  }
  return [{ ...where, message: `${issue.message} (got ${show(value)})` }];
}

/**
 * Validates already-parsed config data (`source` names it in errors); every problem is reported at once.
 * `locate` (from `loadConfigFile`) adds the line of each field.
 */
export function parseConfig(raw: unknown, source: string, locate: Locate = () => ({})): BreakGlassConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    source,
    result.error.issues.flatMap((i) => describeIssue(i, raw, locate)),
  );
}

/** Fields of a parsed YAML document → their line and written text. */
function locator(doc: Document, lines: LineCounter): Locate {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const text = n === path.length && 'source' in node ? node.source : undefined;
        return { line: lines.linePos(node.range[0]).line, ...(typeof text === 'string' ? { text } : {}) };
      }
    }
    return {};
  };
}

/** The line a quoted scalar that is never closed opens on (YAML reports the end of the file). */
export function unclosedQuoteLine(text: string): number | undefined {
  let quote: string | undefined;
  let openLine = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (let j = 0; j < line.length; j++) {
      const c = line[j]!;
      const prev = j === 0 ? ' ' : line[j - 1]!;
      if (quote === undefined) {
        if (c === '#' && /\s/.test(prev)) break;
        if ((c === "'" || c === '"') && /[\s:,[{-]/.test(prev)) {
          quote = c;
          openLine = i + 1;
        }
      } else if (quote === '"' && c === '\\') j++;
      else if (c === quote) {
        if (quote === "'" && line[j + 1] === "'") j++;
        else quote = undefined;
      }
    }
  }
  return quote === undefined ? undefined : openLine;
}

/** Reads and validates a YAML or JSON config file. */
export function loadConfigFile(path: string): BreakGlassConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(
      path,
      [{ path: '', message: `cannot read the config file (${code}); pass an existing file with --config` }],
      {
        cause: e,
      },
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    const unclosed = unclosedQuoteLine(text);
    throw new ConfigError(
      path,
      doc.errors.map((e) => {
        const what = (e.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/, '');
        if (e.code === 'MISSING_CHAR' && /closing .?quote/i.test(what) && unclosed !== undefined)
          return {
            path: `line ${unclosed}`,
            message: `a quoted value opened here is never closed; add the closing quote`,
          };
        const line = e.linePos?.[0].line;
        return {
          path: line === undefined ? '' : `line ${line}`,
          message: `${what}; fix the YAML/JSON syntax`,
        };
      }),
    );
  }
  return parseConfig(doc.toJS(), path, locator(doc, lines));
}
