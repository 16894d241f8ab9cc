/**
 * The JSON path subset EventBridge input transformers accept: `$`, dot notation, array indices and
 * wildcards (`$.detail.resources[0].arn`, `$.detail.items[*].id`, `$.detail.*`). Keys may contain
 * letters, digits, `-`, `_`, `/`, `:` and `@`.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export type PathStep = { readonly key: string } | { readonly index: number } | { readonly wildcard: true };

function isKeyChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 45 || // -
    c === 95 || // _
    c === 47 || // /
    c === 58 || // :
    c === 64 // @
  );
}

/** Parses a path; returns an error message (without location prefix) instead of throwing. */
export function parseJsonPath(path: string): PathStep[] | string {
  if (!path.startsWith('$'))
    return `must start with '$' (e.g. "$.detail.eventName"); received ${JSON.stringify(path)}`;
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      if (path[i] === '*') {
        steps.push({ wildcard: true });
        i++;
        continue;
      }
      const start = i;
      while (i < path.length && isKeyChar(path.charCodeAt(i))) i++;
      if (i === start) {
        return `expected a field name after '.' at position ${start}; received ${JSON.stringify(path)}`;
      }
      steps.push({ key: path.slice(start, i) });
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return `unclosed '[' at position ${i}; received ${JSON.stringify(path)}`;
      const inner = path.slice(i + 1, close);
      if (inner === '*') steps.push({ wildcard: true });
      else if (/^\d{1,9}$/.test(inner)) steps.push({ index: Number(inner) });
      else {
        return `only array indices ([0]) and wildcards ([*]) may appear in brackets (use dot notation for fields); received ${JSON.stringify(path)}`;
      }
      i = close + 1;
    } else {
      return `unexpected ${JSON.stringify(c)} at position ${i}; use dot notation ($.a.b) and [n] indices; received ${JSON.stringify(path)}`;
    }
  }
  return steps;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Evaluates a parsed path. Without wildcards: the value or undefined. With wildcards: an array of matches. */
export function evaluateJsonPath(steps: readonly PathStep[], root: unknown): unknown {
  const wild = steps.some((s) => 'wildcard' in s);
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if ('key' in step) {
        if (
          typeof node === 'object' &&
          node !== null &&
          !Array.isArray(node) &&
          hasOwn.call(node, step.key)
        ) {
          next.push((node as Record<string, unknown>)[step.key]);
        }
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]);
      } else if (Array.isArray(node)) {
        next.push(...node);
      } else if (typeof node === 'object' && node !== null) {
        next.push(...Object.values(node));
      }
    }
    current = next;
  }
  if (wild) return current;
  return current[0];
}
