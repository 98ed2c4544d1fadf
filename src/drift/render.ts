// One entry point for the three formats `ecs-operator drift --output` offers.
import { renderMarkdown, type MarkdownOptions } from './render-markdown.js';
import { renderTable, type TableOptions } from './render-table.js';
import type { DriftReport } from './schema.js';

export type DriftReportFormat = 'table' | 'json' | 'markdown';

export type RenderOptions = TableOptions & MarkdownOptions;

/** The report as text ending in a newline. JSON is the full report in the documented schema; the others cut long values. */
export function renderDriftReport(report: DriftReport, format: DriftReportFormat, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(report, opts);
    case 'table':
      return renderTable(report, opts);
  }
}
