// A figure the benchmark prints: a value, or why it could not be measured in this run (a feature
// that is not there yet, a scenario that was not asked for), so a missing piece reads as "n/a: why"
// in the table instead of a crash or a silent zero.
export type Figure<T> = { value: T } | { na: string };

/** The reason of a figure the scenario does not measure; such rows are left out of the report. */
export const NOT_ASKED = 'not asked for';

export const na = (why: string): { na: string } => ({ na: why });
export const of = <T>(value: T): { value: T } => ({ value });

export function isValue<T>(f: Figure<T>): f is { value: T } {
  return 'value' in f;
}

/** Runs a measurement; a thrown error becomes its n/a reason, so one broken figure does not lose the others. */
export async function measure<T>(what: string, fn: () => Promise<Figure<T>>): Promise<Figure<T>> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    console.error(`bench: ${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return na(`${what} failed: ${message}`);
  }
}

export function show<T>(f: Figure<T>, format: (v: T) => string = String): string {
  return isValue(f) ? format(f.value) : `n/a: ${f.na}`;
}
