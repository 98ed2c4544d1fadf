// The top costs in a V8 CPU profile (`node --cpu-prof`): self time by function and by file, and
// the operator's own functions by inclusive time (what they and everything they call cost), so a
// benchmark can say where the operator's CPU seconds went without opening DevTools.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { repoRoot } from '../paths.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Cost {
  what: string;
  selfMs: number;
  share: number;
}

export interface ProfileTop {
  /** Main-thread samples other than (idle), in ms of wall clock. */
  totalMs: number;
  idleMs: number;
  byFunction: Cost[];
  byFile: Cost[];
  /** Functions in the operator's build (dist/), by time with everything below them on the stack. */
  ownInclusive: Cost[];
}

/** A file as a reader finds it: repo-relative, node_modules shortened to the package; V8's and
 * native frames by their own names ((garbage collector), writev...). */
function fileOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return path.startsWith('/') ? relative(repoRoot, path) : path;
}

export function profileTop(file: string, top = 20): ProfileTop {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // Each sample's time is the delta to the next; samples name the node that was on top of the stack.
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0)));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode): { key: string; file: string } => {
    const name = n.callFrame.functionName || '(anonymous)';
    const file = fileOf(n.callFrame.url, name);
    return { key: n.callFrame.url ? `${name} ${file}:${n.callFrame.lineNumber + 1}` : name, file };
  };
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  const own = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    if (n.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const { key, file: f } = keyOf(n);
    fn.set(key, (fn.get(key) ?? 0) + us);
    // Each of the operator's functions on this stack once (recursion counted once).
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame && fileOf(frame.callFrame.url, '').startsWith('dist/')) onStack.add(keyOf(frame).key);
    }
    for (const k of onStack) own.set(k, (own.get(k) ?? 0) + us);
    files.set(f, (files.get(f) ?? 0) + us);
    total += us;
  }
  const rank = (m: Map<string, number>): Cost[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([what, us]) => ({ what, selfMs: Math.round(us / 1000), share: Math.round((1000 * us) / total) / 10 }));
  return { totalMs: Math.round(total / 1000), idleMs: Math.round(idle / 1000), byFunction: rank(fn), byFile: rank(files), ownInclusive: rank(own) };
}

export function printProfileTop(t: ProfileTop): string {
  const rows = (cs: Cost[]): string => cs.map((c) => `  ${String(c.selfMs).padStart(7)} ms ${c.share.toFixed(1).padStart(5)}%  ${c.what}`).join('\n');
  return `busy ${t.totalMs} ms of main-thread samples (idle ${t.idleMs} ms left out; wall-clock sampling, so a loaded machine stretches both)\n top self time by file/package:\n${rows(t.byFile)}\n top self time by function:\n${rows(t.byFunction)}\n the operator's functions by inclusive time:\n${rows(t.ownInclusive)}`;
}

// `tsx bench/ack/profile-top.ts <file.cpuprofile> [top]`
if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [top]');
  console.log(printProfileTop(profileTop(file, Number(top ?? 20))));
}
