// The sentences every format opens or closes with, so that the table and the Markdown comment say
// the same thing in the same words.
import type { DriftReport } from './schema.js';

type Summary = DriftReport['summary'];

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export type Outcome = 'InSync' | 'Drift' | 'Error' | 'Empty';

export function outcomeOf(summary: Summary): Outcome {
  if (summary.objects === 0) return 'Empty';
  if (summary.errors > 0) return 'Error';
  return summary.drifted + summary.missing > 0 ? 'Drift' : 'InSync';
}

/** The verdict and the sentence after it: `Drift detected` / `2 of 3 objects differ from their manifests`. */
export function headline(summary: Summary): { verdict: string; detail: string } {
  const { objects, errors, drifted, missing } = summary;
  switch (outcomeOf(summary)) {
    case 'Empty':
      return { verdict: 'Nothing to compare', detail: 'no objects were given' };
    case 'Error':
      return { verdict: 'Drift check failed', detail: `${errors} of ${plural(objects, 'object', 'objects')} could not be checked` };
    case 'Drift':
      return { verdict: 'Drift detected', detail: `${drifted + missing} of ${plural(objects, 'object differs', 'objects differ')} from ${objects === 1 ? 'its manifest' : 'their manifests'}` };
    case 'InSync':
      return { verdict: 'No drift', detail: objects === 1 ? 'the object matches its manifest' : `all ${objects} objects match their manifests` };
  }
}

export function counts(summary: Summary): string {
  return `${summary.inSync} in sync, ${summary.drifted} drifted, ${summary.missing} missing, ${plural(summary.errors, 'error', 'errors')}`;
}
