// The value formats of compose and ecs-params, to the units ECS stores.

const MIB = 1024 * 1024;
const BINARY_UNITS: Record<string, number> = { '': 1, k: 1024, m: MIB, g: 1024 * MIB, t: 1024 * 1024 * MIB, p: 1024 * 1024 * 1024 * MIB };

/**
 * A compose memory size (mem_limit, mem_reservation, shm_size) in MiB, rounded down as ecs-cli's
 * ConvertToMemoryInMB does. An integer is bytes; a string takes docker's RAMInBytes units, which
 * are binary (512m, 1g, 1.5GB, 1024k).
 */
export function composeMemoryMiB(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? Math.floor(value / MIB) : undefined;
  const m = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(value.trim());
  if (!m) return undefined;
  const factor = BINARY_UNITS[(m[2] ?? '').toLowerCase()] as number;
  return Math.floor((Number(m[1]) * factor) / MIB);
}

/**
 * ecs-params task_size mem_limit in MiB. ecs-cli passed the string to RegisterTaskDefinition,
 * which reads a number as MiB and "N GB" as N x 1024 MiB and stores MiB.
 */
export function taskMemoryMiB(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(GB|GiB|MB|MiB)?$/i.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] && /^g/i.test(m[2]) ? 1024 : 1);
  return Number.isInteger(n) ? n : undefined;
}

/** ecs-params task_size cpu_limit in CPU units: a number of units, or "N vCPU" (N x 1024), as RegisterTaskDefinition reads it. */
export function taskCpuUnits(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(vCPU)?$/i.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? 1024 : 1);
  return Number.isInteger(n) ? n : undefined;
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration (1m30s, 2.5s, 10s) in whole seconds, as ecs-cli's ConvertToTimeInSeconds truncates it; a bare integer is seconds. */
export function durationSeconds(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return Number(text);
  if (text === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    part.lastIndex = at;
    const m = part.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    at = part.lastIndex;
  }
  return at === 0 ? undefined : Math.floor(total + 1e-9);
}

/** A command line split into words as compose splits a string `command` or `entrypoint` (shell quoting, no expansion). */
export function shellWords(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) word = (word ?? '') + text[++i];
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word = word ?? '';
    } else if (c === '\\' && i + 1 < text.length) {
      word = (word ?? '') + text[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
