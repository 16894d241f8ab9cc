import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
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

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => ({
      path: formatPath([...issue.path, k]),
      message: `unknown field; check the spelling against \`breakglass schema\` (got ${show(valueAt(raw, [...issue.path, k]))})`,
    }));
  }
  const value = valueAt(raw, issue.path);
  if (value === undefined && issue.code === 'invalid_type') {
    return [{ path: formatPath(issue.path), message: `required; expected ${issue.expected}` }];
  }
  return [{ path: formatPath(issue.path), message: `${issue.message} (got ${show(value)})` }];
}

/** Validates already-parsed config data (`source` names it in errors). */
export function parseConfig(raw: unknown, source: string): BreakGlassConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    source,
    result.error.issues.flatMap((i) => describeIssue(i, raw)),
  );
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
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      path,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}` : '',
        message: `${e.message.split('\n')[0] ?? 'invalid YAML'}; fix the YAML/JSON syntax`,
      })),
    );
  }
  return parseConfig(doc.toJS(), path);
}
