// Post-incident report: trail ingestion, DuckDB store, session queries, renderers. Re-exports by name only.
export { ReportError } from './errors.js';
export {
  type Report,
  type ReportInputs,
  type SkippedInput,
  type Progress,
  type IngestOptions,
  type SessionsOptions,
  ingestTrail,
  sessionsFrom,
  hasFindings,
} from './build.js';
export { TrailStore, EVENTS_DDL, type StoreOptions } from './store.js';
export {
  LocalTrailSource,
  dateOfPath,
  isTrailFileName,
  type TrailSource,
  type TrailObject,
  type LocalCopy,
} from './sources.js';
export {
  partsOfKey,
  type KeyParts,
  type TrailLayout,
  type TrailScope,
  type PruneCounts,
  type PruneReason,
} from './layout.js';
export { collectSessionRecords, type CallSelector, type SessionRecordSource } from './plan.js';
export { AthenaTrail, athenaDdl, type AthenaPort, type AthenaOptions, type DdlOptions } from './athena.js';
export { renderHtml } from './render-html.js';
export { renderMarkdown } from './render-md.js';
export { renderJson } from './render-json.js';
export { resolveAccessLevels, classifierOf } from './access-levels.js';
export { principalsFromApp, principalsFromConfig, principalsOfConfig } from './principals.js';
