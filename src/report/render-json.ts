import type { Report } from './build.js';

/** `report.json`: the whole report model, stable key order, two-space indent. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(
    {
      title: report.title,
      generatedAt: report.generatedAt,
      principals: report.principals,
      window: report.window,
      inputs: report.inputs,
      sessions: report.sessions,
    },
    null,
    2,
  )}\n`;
}
