/**
 * CloudFormation's own offline validator (`@aws/cloudformation-validate`, AWS's resource-provider schemas
 * and cfn-lint rules compiled to WebAssembly) run over the templates verify reads: what it calls an error,
 * CloudFormation would reject at deploy time.
 *
 * The package ships inside aws-cdk-lib (a peer dependency, present wherever verify runs), so it is loaded
 * from aws-cdk-lib's location, lazily: the engine takes a second or two to build, and only verify needs it.
 * One engine validates every template and is freed after. `startCfnValidation` builds it on a worker
 * thread so that cost overlaps synthesis.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { BreakGlassError } from '../engines/errors.js';

/** The validator could not be loaded (no aws-cdk-lib, or one without the bundled validator). */
export class CfnValidatorUnavailableError extends BreakGlassError {
  override readonly name = 'CfnValidatorUnavailableError';
}

/** One template to validate: `name` labels the findings (the stack name); `body` is JSON text or parsed JSON. */
export interface TemplateToValidate {
  readonly name: string;
  readonly body: string | unknown;
  /** Account and Region the stack deploys to (resolves `AWS::AccountId` / `AWS::Region`; Region-specific schemas). */
  readonly account?: string;
  readonly region?: string;
}

/** One finding of the validator, error (CloudFormation would reject the template) or warning. */
export interface CfnFinding {
  readonly stack: string;
  readonly severity: 'error' | 'warning';
  /** The validator's rule id, e.g. `E3012` (property type), `F3012` (schema, fatal). */
  readonly ruleId: string;
  readonly message: string;
  /** Logical id of the resource the finding is about, when it is about one. */
  readonly resource?: string;
  /** Property path inside the resource (e.g. `Properties.VisibilityTimeout`), when given. */
  readonly path?: string;
}

/** The subset of the validator's API used here (its types live in a nested package TypeScript cannot name). */
interface RawDiagnostic {
  readonly ruleId: string;
  readonly severity: string;
  readonly message: string;
  readonly entity?: { readonly logicalId: string; readonly entityType: string };
  readonly propertyPath?: string;
}
interface ValidatorEngine {
  validateTemplate(template: unknown, config: object): { diagnostics: RawDiagnostic[] };
  free(): void;
}
interface ValidatorModule {
  CompositeEngine: new () => ValidatorEngine;
  TemplateContent: new (content: string, name: string) => unknown;
  version(): string;
}

/**
 * Rules aws-cdk-lib's own CloudFormationValidatePlugin turns off for CDK output (obsolete DependsOn, a
 * Sub with no variable, metadata-context and hard-coded-ARN best practices): every CDK template trips them.
 */
const IGNORED_RULES = ['W3005', 'W1020', 'I4010', 'W4011', 'W4012', 'W9002', 'W9013', 'W1103'];
const UNKNOWN = /^unknown-/;

/** Where the validator's `index.js` is: resolved from aws-cdk-lib's package, which bundles it. */
export function validatorModulePath(): string {
  try {
    const cdkPackage = createRequire(import.meta.url).resolve('aws-cdk-lib/package.json');
    return createRequire(cdkPackage).resolve('@aws/cloudformation-validate');
  } catch (e) {
    throw new CfnValidatorUnavailableError(
      `CloudFormation's validator (@aws/cloudformation-validate, bundled in aws-cdk-lib ≥ 2.270) was not found; install aws-cdk-lib next to breakglass to check templates as CloudFormation would`,
      { cause: e },
    );
  }
}

let loaded: ValidatorModule | undefined;
function loadValidator(): ValidatorModule {
  if (loaded === undefined) {
    const path = validatorModulePath();
    try {
      loaded = createRequire(import.meta.url)(path) as ValidatorModule;
    } catch (e) {
      throw new CfnValidatorUnavailableError(
        `CloudFormation's validator at ${path} could not be loaded (${(e as Error).message})`,
        { cause: e },
      );
    }
  }
  return loaded;
}

/** The version of the bundled validator (e.g. `1.14.0`). */
export function validatorVersion(): string {
  return loadValidator().version();
}

interface WireTemplate {
  readonly name: string;
  readonly text: string;
  readonly config: object;
}

function toWire(t: TemplateToValidate): WireTemplate {
  const pseudo: Record<string, string> = {};
  if (t.account && !UNKNOWN.test(t.account)) pseudo['accountId'] = t.account;
  if (t.region && !UNKNOWN.test(t.region)) pseudo['region'] = t.region;
  return {
    name: t.name,
    text: typeof t.body === 'string' ? t.body : JSON.stringify(t.body),
    config: {
      detailLevel: 'STANDARD',
      severityLevel: 'WARN',
      exclude: { ids: IGNORED_RULES },
      pseudoParameterOverrides: pseudo,
    },
  };
}

function toFindings(stack: string, diagnostics: readonly RawDiagnostic[]): CfnFinding[] {
  const out: CfnFinding[] = [];
  for (const d of diagnostics) {
    const severity =
      d.severity === 'FATAL' || d.severity === 'ERROR'
        ? 'error'
        : d.severity === 'WARN'
          ? 'warning'
          : undefined;
    if (severity === undefined) continue;
    out.push({
      stack,
      severity,
      ruleId: d.ruleId,
      message: d.message,
      ...(d.entity?.entityType === 'Resource' ? { resource: d.entity.logicalId } : {}),
      ...(d.propertyPath ? { path: d.propertyPath } : {}),
    });
  }
  return out;
}

/**
 * Validates templates on this thread with one engine (built here, freed after). Throws
 * `CfnValidatorUnavailableError` when the validator cannot be loaded.
 */
export function validateTemplates(templates: readonly TemplateToValidate[]): CfnFinding[] {
  const m = loadValidator();
  const engine = new m.CompositeEngine();
  try {
    return templates.flatMap((t) => {
      const w = toWire(t);
      const report = engine.validateTemplate(new m.TemplateContent(w.text, w.name), w.config);
      return toFindings(t.name, report.diagnostics);
    });
  } finally {
    engine.free();
  }
}

/**
 * The worker: loads the validator and builds the engine at once (while the main thread synthesizes), then
 * validates the one batch of templates it is sent and exits. Plain CommonJS given as eval code, so it runs
 * the same from the sources (tests) and the build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let m, engine, failure;
try {
  m = require(workerData.modulePath);
  engine = new m.CompositeEngine();
} catch (e) {
  failure = String(e && e.message ? e.message : e);
}
parentPort.once('message', (templates) => {
  if (failure !== undefined) { parentPort.postMessage({ failure }); return; }
  try {
    const reports = templates.map((t) => {
      const r = engine.validateTemplate(new m.TemplateContent(t.text, t.name), t.config);
      return r.diagnostics.map((d) => ({
        ruleId: d.ruleId, severity: d.severity, message: d.message,
        entity: d.entity && { logicalId: d.entity.logicalId, entityType: d.entity.entityType },
        propertyPath: d.propertyPath,
      }));
    });
    parentPort.postMessage({ reports });
  } catch (e) {
    parentPort.postMessage({ failure: String(e && e.message ? e.message : e) });
  } finally {
    engine.free();
  }
});
`;

/** A validation started ahead of time on a worker thread (see `startCfnValidation`). */
export interface PendingCfnValidation {
  /** Sends the templates (once) and resolves to the findings; rejects with `CfnValidatorUnavailableError`. */
  validate(templates: readonly TemplateToValidate[]): Promise<CfnFinding[]>;
  /** Stops the worker without validating (e.g. when reading the templates failed). */
  cancel(): void;
}

/**
 * Starts a worker that loads the validator and builds its engine now, so that the one to two seconds this
 * takes run on the other core while the caller synthesizes and replays.
 */
export function startCfnValidation(): PendingCfnValidation {
  let modulePath: string;
  try {
    modulePath = validatorModulePath();
  } catch (e) {
    return { validate: () => Promise.reject(e as Error), cancel: () => undefined };
  }
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath } });
  } catch (e) {
    const error = new CfnValidatorUnavailableError(
      `CloudFormation's validator could not start a worker thread (${(e as Error).message})`,
      { cause: e },
    );
    return { validate: () => Promise.reject(error), cancel: () => undefined };
  }
  worker.unref();
  return {
    validate(templates) {
      const wire = templates.map(toWire);
      return new Promise<CfnFinding[]>((resolve, reject) => {
        worker.once('message', (reply: { failure?: string; reports?: RawDiagnostic[][] }) => {
          void worker.terminate();
          if (reply.failure !== undefined || reply.reports === undefined) {
            reject(
              new CfnValidatorUnavailableError(
                `CloudFormation's validator at ${modulePath} failed: ${reply.failure ?? 'no reply'}`,
              ),
            );
            return;
          }
          resolve(reply.reports.flatMap((diags, i) => toFindings(templates[i]!.name, diags)));
        });
        worker.once('error', (e) =>
          reject(
            new CfnValidatorUnavailableError(`CloudFormation's validator failed: ${e.message}`, { cause: e }),
          ),
        );
        worker.ref();
        worker.postMessage(wire);
      });
    },
    cancel() {
      void worker.terminate();
    },
  };
}
