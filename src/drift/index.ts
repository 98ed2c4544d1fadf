// Drift reports: the reconcilers' plans, shown as a table, JSON (drift.ecs.operator.dev/v1) or Markdown.
export { buildDriftReport, differencesOf, driftExitCode, type ObjectIdentity, type ObjectResult } from './report.js';
export { renderDriftReport, type DriftReportFormat, type RenderOptions } from './render.js';
export { colorEnabled } from './render-table.js';
export {
  DRIFT_REPORT_API_VERSION,
  DRIFT_REPORT_KIND,
  DriftReportSchema,
  OBJECT_STATUSES,
  type DriftDifference,
  type DriftReport,
  type ObjectReport,
  type ObjectStatus,
} from './schema.js';
