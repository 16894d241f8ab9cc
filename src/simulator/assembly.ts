import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SimulatorInputError } from './errors.js';
import { isObject } from './json.js';

/** One CloudFormation stack to model: its template and where it deploys. */
export interface StackInput {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: unknown;
  /** Stacks this one depends on (by name), as the cloud assembly manifest says. */
  readonly dependencies: readonly string[];
  /** Where the template came from (for messages). */
  readonly source: string;
  /** The AWS Organizations id (`o-…`) of the stack's account, when known: `aws:PrincipalOrgID` of its calls. */
  readonly organizationId?: string;
}

const UNKNOWN_ACCOUNT = 'unknown-account';
const UNKNOWN_REGION = 'unknown-region';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SimulatorInputError(`${path}: cannot read ${what}; check the path (${(e as Error).message})`, {
      cause: e,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new SimulatorInputError(`${path}: ${what} is not valid JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
}

/** Parses `aws://account/region`; CDK writes `unknown-account` / `unknown-region` for env-agnostic stacks. */
export function parseEnvironment(env: unknown): { account: string; region: string } {
  const m = typeof env === 'string' ? /^aws:\/\/([^/]+)\/(.+)$/.exec(env) : null;
  return { account: m?.[1] ?? UNKNOWN_ACCOUNT, region: m?.[2] ?? UNKNOWN_REGION };
}

/**
 * Reads every CloudFormation stack of a cloud assembly directory (`manifest.json` + templates), including
 * nested assemblies (CDK Stages).
 */
export function loadCloudAssembly(dir: string): StackInput[] {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new SimulatorInputError(
      `--app ${dir}: not a directory; pass a cloud assembly (the cdk.out folder)`,
    );
  }
  const manifestPath = join(root, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new SimulatorInputError(
      `--app ${dir}: no manifest.json; pass a synthesized cloud assembly (run 'cdk synth' or 'breakglass synth' first)`,
    );
  }
  const manifest = readJson(manifestPath, 'cloud assembly manifest');
  const artifacts = isObject(manifest) && isObject(manifest['artifacts']) ? manifest['artifacts'] : {};
  const stacks: StackInput[] = [];
  for (const [id, art] of Object.entries(artifacts)) {
    if (!isObject(art)) continue;
    const props = isObject(art['properties']) ? art['properties'] : {};
    if (art['type'] === 'aws:cloudformation:stack') {
      const templateFile = props['templateFile'];
      if (typeof templateFile !== 'string') continue;
      const { account, region } = parseEnvironment(art['environment']);
      const stackName = typeof props['stackName'] === 'string' ? props['stackName'] : id;
      const deps = Array.isArray(art['dependencies'])
        ? art['dependencies'].filter((d): d is string => typeof d === 'string')
        : [];
      stacks.push({
        stackName,
        account,
        region,
        template: readJson(join(root, templateFile), `template of stack ${stackName}`),
        dependencies: deps.filter(
          (d) => isObject(artifacts[d]) && artifacts[d]['type'] === 'aws:cloudformation:stack',
        ),
        source: join(root, templateFile),
      });
    } else if (art['type'] === 'cdk:cloud-assembly' && typeof props['directoryName'] === 'string') {
      stacks.push(...loadCloudAssembly(join(root, props['directoryName'])));
    }
  }
  if (stacks.length === 0) {
    throw new SimulatorInputError(`--app ${dir}: the cloud assembly has no CloudFormation stacks`);
  }
  return stacks;
}

/** Reads one plain template file (`--template FILE --account ID --region R`). JSON or YAML-free JSON only. */
export function loadTemplateFile(
  path: string,
  account: string,
  region: string,
  stackName?: string,
): StackInput {
  const template = readJson(path, 'CloudFormation template');
  if (!isObject(template) || !isObject(template['Resources'])) {
    throw new SimulatorInputError(
      `--template ${path}: not a CloudFormation template (no "Resources" object)`,
    );
  }
  return {
    stackName: stackName ?? (path.split('/').pop() ?? 'Template').replace(/\.(template\.)?json$/, ''),
    account,
    region,
    template,
    dependencies: [],
    source: path,
  };
}
