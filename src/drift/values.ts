// How desired and actual values, and any text that came from AWS or a manifest, are shown in the
// table and Markdown reports: one line, bounded length, nothing a terminal would execute.
import stringWidth from 'string-width';

/** Shown for a value that is absent (the manifest does not ask for it, or AWS does not have it). */
export const ABSENT = '(none)';

/** One line of JSON, at most `max` characters. */
export function compactValue(value: unknown, max: number): string {
  if (value === undefined) return ABSENT;
  return truncateMiddle(printable(JSON.stringify(value) ?? String(value)), max);
}

/**
 * Cuts the middle out of long text. Values that differ usually differ at the end (an ARN's
 * target group, a revision number), so the end is kept as well as the start.
 */
export function truncateMiddle(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const keep = Math.max(max - 1, 1);
  const head = Math.ceil(keep * 0.6);
  const tail = keep - head;
  return `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(-tail).join('') : ''}`;
}

// C0 and C1 control characters can move a terminal's cursor or change its colors (ESC, CSI);
// line and paragraph separators break a table row.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text on one line with control characters shown as escapes. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Width in terminal columns: a CJK character or an emoji takes two, a combining mark none. Values
 * (tags, container names, environment) are not always ASCII, and a table aligned by code points
 * is misaligned by every wide one.
 */
export function width(text: string): number {
  return stringWidth(text);
}
