import {
  InputTransformerError,
  renderTargetInput,
  type InputTransformer,
  type RuleContext,
} from '../../engines/input-transformer/index.js';
import { CliUsageError } from '../errors.js';
import { EXIT_OK } from '../io.js';
import type { CommandModule } from '../command.js';
import { readJsonFlag } from './test-pattern.js';

interface RenderInputFlags {
  readonly transformer: string;
  readonly event: string;
  readonly ruleArn?: string;
  readonly ruleName?: string;
  readonly ingestionTime?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function field(event: unknown, key: string): string | undefined {
  return isObject(event) && typeof event[key] === 'string' ? event[key] : undefined;
}

/** An ISO 8601 timestamp (what EventBridge puts in `<aws.events.event.ingestion-time>`), else a usage error. */
function parseIngestionTime(v: string): string {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
  if (!iso.test(v) || Number.isNaN(Date.parse(v)))
    throw new CliUsageError(
      `--ingestion-time: ${JSON.stringify(v)} is not an ISO 8601 timestamp; use e.g. --ingestion-time 2026-01-31T12:00:00Z`,
    );
  return v;
}

/** The rule context: flags, else derived from the event (its Region, account and time). */
function contextFor(flags: RenderInputFlags, event: unknown): RuleContext {
  const ruleName = flags.ruleName ?? flags.ruleArn?.split('/').pop() ?? 'test-rule';
  const region = field(event, 'region') ?? 'us-east-1';
  const account = field(event, 'account') ?? '123456789012';
  return {
    ruleName,
    ruleArn: flags.ruleArn ?? `arn:aws:events:${region}:${account}:rule/${ruleName}`,
    ingestionTime:
      (flags.ingestionTime !== undefined ? parseIngestionTime(flags.ingestionTime) : undefined) ??
      field(event, 'time') ??
      '1970-01-01T00:00:00Z',
  };
}

/** `breakglass render-input`: the exact payload a rule target receives for an event. */
export const renderInputCommand: CommandModule = {
  register(program, run) {
    program
      .command('render-input')
      .description('render what a rule target receives for an event (input transformer, InputPath or Input)')
      .requiredOption(
        '--transformer <json|@file>',
        'an InputTransformer {inputPathsMap, inputTemplate}, or a target {Input|InputPath|InputTransformer}',
      )
      .requiredOption('--event <json|@file>', 'the EventBridge event (inline JSON or @file)')
      .option('--rule-arn <arn>', 'value of <aws.events.rule-arn> (default: derived from the event)')
      .option('--rule-name <name>', 'value of <aws.events.rule-name> (default: test-rule)')
      .option(
        '--ingestion-time <iso8601>',
        "value of <aws.events.event.ingestion-time> (default: the event's time)",
      )
      .addHelpText(
        'after',
        `
Example:
  breakglass render-input --event @event.json \\
    --transformer '{"inputPathsMap":{"who":"$.detail.userIdentity.arn"},"inputTemplate":"\\"<who> used break-glass\\""}'`,
      )
      .action(
        run((io, flags: RenderInputFlags) => {
          const spec = readJsonFlag(io, '--transformer', flags.transformer);
          const event = readJsonFlag(io, '--event', flags.event);
          if (!isObject(spec)) {
            throw new CliUsageError(
              `--transformer: expected a JSON object {"inputPathsMap": {...}, "inputTemplate": "..."}; received ${JSON.stringify(spec)}`,
            );
          }
          const isTarget = 'Input' in spec || 'InputPath' in spec || 'InputTransformer' in spec;
          const target = isTarget
            ? (spec as { Input?: string; InputPath?: string; InputTransformer?: InputTransformer })
            : { InputTransformer: spec as unknown as InputTransformer };
          try {
            io.out(renderTargetInput(target, event, contextFor(flags, event)));
          } catch (e) {
            if (e instanceof InputTransformerError)
              throw new CliUsageError(`--transformer: ${e.message}`, { cause: e });
            throw e;
          }
          return EXIT_OK;
        }),
      );
  },
};
