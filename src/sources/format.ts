// One-line forms of locations, errors and notes, in the `file:line:column: message` shape that
// editors and CI annotations link to. Messages quote manifest values, so control characters are
// escaped before they reach a terminal.
import { printable } from '../drift/values.js';
import type { SourceError, SourceLocation, SourceNote } from './types.js';

/** `web.yaml:12:3`, or `web.json (document 1)` when no line is known; `items[2]` for a List item. */
export function formatLocation(loc: SourceLocation): string {
  let out = loc.file;
  if (loc.line !== undefined) out += `:${loc.line}${loc.column !== undefined ? `:${loc.column}` : ''}`;
  else if (loc.document !== undefined) out += ` (document ${loc.document})`;
  if (loc.item !== undefined) out += ` items[${loc.item}]`;
  return out;
}

/** `web.yaml:12:3: EcsService web: spec.desiredCount: must be of type integer` */
export function formatSourceIssue(issue: SourceError | SourceNote): string {
  const parts = [formatLocation(issue)];
  if (issue.object) parts.push(issue.object);
  if (issue.path) parts.push(issue.path);
  parts.push(issue.message);
  return printable(parts.join(': '));
}
