// The report as a pull request comment: the verdict on the first line, a table per object that is
// not in sync, the objects in sync folded away. GitHub caps a comment at 65,536 characters, so a
// huge report stops early and says where the rest is.
import type { DriftReport, ObjectReport } from './schema.js';
import { ABSENT, compactValue, printable } from './values.js';
import { counts, headline } from './wording.js';

export interface MarkdownOptions {
  /** Longest desired/actual value shown before it is cut with an ellipsis (default 60). */
  maxValueWidth?: number;
  /** Longest output in characters (default 60,000, under GitHub's comment limit). */
  maxLength?: number;
}

/** Inline code that survives any content: a longer backtick fence when the text holds backticks. */
function code(text: string): string {
  const safe = printable(text);
  const longest = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || safe.startsWith('`') || safe.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${safe}${pad}${fence}`;
}

/** A table cell: pipes escaped (also inside code spans, which GitHub's tables require). */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Plain text with Markdown and HTML meaning taken away. */
function text(value: string): string {
  return printable(value).replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);
}

/** A fenced block for free text such as an AWS error message. */
function block(value: string): string {
  const longest = Math.max(0, ...(value.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lines = value.split(/\r\n?|\n/).map(printable);
  return `${fence}text\n${lines.join('\n')}\n${fence}`;
}

function value(v: unknown, max: number): string {
  return v === undefined ? `_${ABSENT}_` : cell(code(compactValue(v, max)));
}

function section(o: ObjectReport, maxValue: number): string {
  const out = [`#### ${o.kind} ${code(`${o.namespace}/${o.name}`)}: ${o.status}`, ''];
  const where = [o.cluster && `cluster ${code(o.cluster)}`, o.region && `region ${code(o.region)}`, o.source && `manifest ${code(o.source)}`].filter(Boolean);
  if (where.length > 0) out.push(`${where.join(', ')}`.replace(/^./, (c) => c.toUpperCase()) + '.', '');
  if (o.error) {
    out.push(block(o.error.reason ? `${o.error.reason}: ${o.error.message}` : o.error.message));
  } else {
    out.push('| Resource | ID | Action | Path | Desired | Actual |', '| --- | --- | --- | --- | --- | --- |');
    for (const d of o.differences) {
      out.push(`| ${cell(text(d.resource))} | ${cell(code(d.id))} | ${cell(text(d.action))} | ${d.path ? cell(code(d.path)) : '-'} | ${value(d.desired, maxValue)} | ${value(d.actual, maxValue)} |`);
    }
  }
  return out.join('\n');
}

export function renderMarkdown(report: DriftReport, opts: MarkdownOptions = {}): string {
  const maxValue = opts.maxValueWidth ?? 60;
  const maxLength = opts.maxLength ?? 60_000;
  const { verdict, detail } = headline(report.summary);
  const countsText = report.objects.length > 0 ? ` (${counts(report.summary)})` : '';
  const head = `**${verdict}**: ${detail}${countsText}.`;
  const footer = `<sub>ecs-operator drift, ${report.generatedAt}</sub>`;

  const parts = [head];
  let used = head.length + footer.length + 200;
  const notInSync = report.objects.filter((o) => o.status !== 'InSync');
  const inSync = report.objects.filter((o) => o.status === 'InSync');
  let shown = 0;
  for (const o of notInSync) {
    const s = section(o, maxValue);
    if (used + s.length > maxLength) break;
    parts.push(s);
    used += s.length + 2;
    shown++;
  }
  if (shown < notInSync.length) {
    parts.push(`_${notInSync.length - shown} more objects that are not in sync are not shown: the JSON report (\`--output json\`) has them all._`);
  }
  if (inSync.length > 0) {
    const list = inSync.map((o) => `- ${o.kind} ${code(`${o.namespace}/${o.name}`)}`).join('\n');
    const summary = `<details><summary>${inSync.length === 1 ? '1 object' : `${inSync.length} objects`} in sync</summary>`;
    parts.push(used + list.length > maxLength ? `${summary}\n\nNot listed: the report is too long.\n\n</details>` : `${summary}\n\n${list}\n\n</details>`);
  }
  parts.push(footer);
  return `${parts.join('\n\n')}\n`;
}
