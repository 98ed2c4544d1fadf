// What the operator process costs the machine: peak resident memory (the kernel's high-water mark,
// VmHWM), V8 heap in use (from its /metrics) and CPU seconds (user + system, from /proc).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { of, type Figure } from '../figure.js';
import type { Replica } from '../replicas.js';
import { round, samples } from '../stats.js';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ), as the system says. */
const USER_HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

export interface Resources {
  /** Highest of the replicas. */
  peakRssMb: number;
  heapUsedMb: number;
  /** Summed over replicas. */
  cpuSeconds: number;
}

export function peakRssMb(pid: number): number {
  const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

export function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
  // utime and stime are the 14th and 15th fields of the line, 12th and 13th after "state".
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** Read from the live replicas (call before stopping them). */
export function resources(replicas: readonly Replica[], metricsTexts: readonly string[]): Figure<Resources> {
  const live = replicas.filter((r) => !r.killed);
  const heaps = metricsTexts.flatMap((t) => samples(t, 'nodejs_heap_size_used_bytes').map((s) => s.value));
  return of({
    peakRssMb: Math.max(...live.map((r) => peakRssMb(r.process.pid))),
    heapUsedMb: Math.round(Math.max(...heaps) / 2 ** 20),
    cpuSeconds: round(live.reduce((n, r) => n + cpuSeconds(r.process.pid), 0), 1),
  });
}
