// The terminal report: an overview of every object, then the differences of each object that is
// not in sync, then the verdict. Aligned columns; colors only when asked for (a TTY).
import type { DriftReport, ObjectReport, ObjectStatus } from './schema.js';
import { compactValue, printable, width } from './values.js';
import { counts, headline, outcomeOf, type Outcome } from './wording.js';

export interface TableOptions {
  /** ANSI colors; the caller decides (see colorEnabled). Default off. */
  color?: boolean;
  /** Longest desired/actual value shown before it is cut with an ellipsis (default 40). */
  maxValueWidth?: number;
}

type Paint = (text: string) => string;

const ANSI = (code: number): Paint => (text) => `\u001b[${code}m${text}\u001b[0m`;
const plain: Paint = (text) => text;

interface Palette {
  bold: Paint;
  status: Record<ObjectStatus, Paint>;
  outcome: Record<Outcome, Paint>;
}

function palette(color: boolean): Palette {
  if (!color) {
    return { bold: plain, status: { InSync: plain, Drifted: plain, Missing: plain, Error: plain }, outcome: { InSync: plain, Drift: plain, Error: plain, Empty: plain } };
  }
  const [bold, red, green, yellow] = [ANSI(1), ANSI(31), ANSI(32), ANSI(33)];
  return {
    bold,
    status: { InSync: green, Drifted: yellow, Missing: yellow, Error: red },
    outcome: { InSync: green, Drift: yellow, Error: red, Empty: plain },
  };
}

/** Honors NO_COLOR and FORCE_COLOR (https://no-color.org), else colors only on a TTY. */
export function colorEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/**
 * Rows as aligned columns. Widths are measured on the plain text, and paint (per cell) applies after
 * padding so that escape codes never shift a column. The last column is not padded.
 */
function columns(rows: string[][], indent: string, paint: (row: number, col: number) => Paint = () => plain): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return rows.map((row, r) =>
    indent +
    row
      .map((cell, c) => {
        const pad = c === row.length - 1 ? '' : ' '.repeat((widths[c] ?? 0) - width(cell) + 2);
        return paint(r, c)(cell) + pad;
      })
      .join(''),
  );
}

export function renderTable(report: DriftReport, opts: TableOptions = {}): string {
  const p = palette(opts.color ?? false);
  const maxValue = opts.maxValueWidth ?? 40;
  const lines: string[] = [];
  if (report.objects.length > 0) {
    const header = ['KIND', 'NAMESPACE', 'NAME', 'REGION', 'CLUSTER', 'STATUS', 'DIFFERENCES'];
    const rows = report.objects.map((o) => [o.kind, o.namespace, o.name, o.region ?? '-', o.cluster ?? '-', o.status, String(o.differences.length)].map(printable));
    lines.push(...columns([header, ...rows], '', (r, c) => (r === 0 ? p.bold : c === 5 ? p.status[(report.objects[r - 1] as ObjectReport).status] : plain)));
    lines.push('');
  }
  for (const o of report.objects) {
    if (o.status === 'InSync') continue;
    lines.push(`${p.bold(printable(`${o.kind} ${o.namespace}/${o.name}`))}: ${p.status[o.status](o.status)}${context(o)}`);
    if (o.error) {
      lines.push(`  error: ${printable(o.error.message)}${o.error.reason ? ` (${printable(o.error.reason)})` : ''}`);
    } else {
      const header = ['RESOURCE', 'ID', 'ACTION', 'PATH', 'DESIRED', 'ACTUAL'];
      const rows = o.differences.map((d) => [d.resource, d.id, d.action, d.path ?? '-', compactValue(d.desired, maxValue), compactValue(d.actual, maxValue)].map((cell, i) => (i < 4 ? printable(cell) : cell)));
      lines.push(...columns([header, ...rows], '  ', (r) => (r === 0 ? p.bold : plain)));
    }
    lines.push('');
  }
  const { verdict, detail } = headline(report.summary);
  const countsText = report.objects.length > 0 ? ` (${counts(report.summary)})` : '';
  lines.push(`${p.outcome[outcomeOf(report.summary)](verdict)}: ${detail}${countsText}.`);
  return `${lines.join('\n')}\n`;
}

function context(o: ObjectReport): string {
  const parts = [o.cluster && `cluster ${o.cluster}`, o.region && `region ${o.region}`, o.source && `from ${o.source}`].filter(Boolean);
  return parts.length > 0 ? printable(` (${parts.join(', ')})`) : '';
}
