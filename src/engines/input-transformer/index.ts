// EventBridge input transformation: what a rule's target receives.
export { InputTransformerError } from './errors.js';
export {
  type InputTransformer,
  type RuleContext,
  renderInput,
  renderInputPath,
  renderTargetInput,
  validateInputTransformer,
} from './transform.js';
