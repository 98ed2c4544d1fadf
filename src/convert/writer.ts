// The converted manifests as YAML a user commits: a header saying where they came from, and each
// translation note as a comment above the manifest it is about.
import { dump } from 'js-yaml';
import type { Translation } from './translate.js';

export interface WriteContext {
  /** The files converted, as the user named them. */
  sources: string[];
}

function comment(text: string): string {
  // Notes quote user values: a newline must not end the comment.
  return `# ${text.replace(/\r?\n/g, ' ')}`;
}

function document(manifest: object, notes: string[]): string {
  const lines = notes.length > 0 ? ['# How it was translated:', ...notes.map((n) => comment(`- ${n}`))] : [];
  return [...lines, dump(manifest, { lineWidth: -1, noRefs: true }).trimEnd()].join('\n');
}

export function writeManifests(t: Translation, ctx: WriteContext): string {
  const header = [
    comment(`Converted by ecs-operator convert from ${ctx.sources.join(' and ')}:`),
    comment('the task definition and service that `ecs-cli compose service up` would have created.'),
  ].join('\n');
  return `${header}\n${document(t.taskDefinition, t.notes.taskDefinition)}\n---\n${document(t.service, t.notes.service)}\n`;
}
