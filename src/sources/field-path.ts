// Field paths in the notation validateManifest reports errors in (spec.containerDefinitions[0].image),
// so that a position found while parsing can be looked up by the path of an error.

/** Appends a mapping key or a sequence index; all-digit segments are written as [n], as the validator writes them. */
export function childPath(parent: string, segment: string | number): string {
  const s = String(segment);
  if (/^[0-9]+$/.test(s)) return `${parent}[${s}]`;
  return parent ? `${parent}.${s}` : s;
}

/** The path itself, then each enclosing path up to the document root (''). */
export function* enclosingPaths(path: string): Generator<string> {
  let p = path;
  for (;;) {
    yield p;
    if (p === '') return;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
}

/** `inner` (a path inside the value at `outer`) as a path from the document root. */
export function joinPaths(outer: string, inner: string): string {
  if (!outer) return inner;
  if (!inner) return outer;
  return inner.startsWith('[') ? `${outer}${inner}` : `${outer}.${inner}`;
}

/** `path` relative to `outer`, or undefined when it is not inside it. */
export function relativePath(outer: string, path: string): string | undefined {
  if (!outer) return path;
  if (path === outer) return '';
  if (path.startsWith(`${outer}.`)) return path.slice(outer.length + 1);
  if (path.startsWith(`${outer}[`)) return path.slice(outer.length);
  return undefined;
}
