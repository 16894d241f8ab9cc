/**
 * The object paths a set of conditions walks, as a trie, and a one-pass check for dotted event keys
 * along them. A rule set runs the check once per event: when no object on any of its paths holds a
 * key like `"detail.state"` that continues a path, every plain-path answer is final and the matchers
 * skip looking for dotted routes (which costs a property lookup per level per condition).
 */
export interface PathTrie {
  readonly children: Map<string, PathTrie>;
  /** Children that have children of their own: only through them can a dotted key continue a path. */
  readonly deep: [string, PathTrie][];
}

export function emptyTrie(): PathTrie {
  return { children: new Map(), deep: [] };
}

/** Adds a condition's path (its segments; the last one names the leaf). */
export function addPath(trie: PathTrie, segments: readonly string[]): void {
  let t = trie;
  segments.forEach((s, i) => {
    let next = t.children.get(s);
    if (!next) {
      next = emptyTrie();
      t.children.set(s, next);
    }
    if (i < segments.length - 1 && !t.deep.some(([name]) => name === s)) t.deep.push([s, next]);
    t = next;
  });
}

/**
 * True when an object reached along the trie holds a key with a dot whose first part is a child
 * that continues a path (`"detail.state"` where the trie has detail → state). Objects whose children
 * are all leaves cannot hold such a key and are not scanned; arrays are not entered (paths that
 * cross an array use the full matcher, which always sees dotted keys).
 */
export function hasDottedKeyOnPaths(event: unknown, trie: PathTrie): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event) || trie.deep.length === 0)
    return false;
  const o = event as Record<string, unknown>;
  const deep = trie.deep;
  // `for…in` walks the keys without allocating a key array; most keys hold no dot at all, and one
  // native scan settles those without comparing names.
  for (const k in o) {
    if (k.indexOf('.') < 0) continue;
    for (let d = 0; d < deep.length; d++) {
      const name = (deep[d] as [string, PathTrie])[0];
      if (k.length > name.length && k.charCodeAt(name.length) === 46 && k.startsWith(name)) return true;
    }
  }
  for (let d = 0; d < deep.length; d++) {
    const [name, child] = deep[d] as [string, PathTrie];
    if (child.deep.length > 0 && hasDottedKeyOnPaths(o[name], child)) return true;
  }
  return false;
}
