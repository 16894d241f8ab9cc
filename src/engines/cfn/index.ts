export { TemplateError } from './errors.js';
export { Unresolved, isUnresolved, unresolvedIn } from './unresolved.js';
export { deterministicPhysicalName } from './names.js';
export {
  type StackContext,
  type ResolvedResource,
  type ResolvedTemplate,
  resolveTemplate,
  partitionOf,
} from './resolve.js';
export { resolveStacks } from './stacks.js';
export { RESOURCE_TYPES } from './resource-types.js';
