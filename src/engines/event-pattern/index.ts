// EventBridge event-pattern engine: validation and matching with EventBridge semantics.
export { PatternError } from './errors.js';
export {
  type CompiledPattern,
  compilePattern,
  compilePatternCached,
  matchesPattern,
  validatePattern,
} from './compile.js';
export { type CompiledRuleSet, compileRuleSet } from './ruleset.js';
export { type FailedCondition, describeMismatch, explainMismatch } from './explain.js';
export { MatchLimitError } from './errors.js';
