import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InputTransformerError,
  type InputTransformer,
  type RuleContext,
  renderInput,
  renderInputPath,
  renderTargetInput,
  validateInputTransformer,
} from '../../../src/engines/input-transformer/index.js';

const dir = join(import.meta.dirname, 'fixtures');
const load = <T>(f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T[];

const ctx: RuleContext = {
  ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
  ruleName: 'example',
  ingestionTime: '2015-11-11T21:29:55Z',
};

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.sts',
  account: '111122223333',
  time: '2026-11-21T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventName: 'AssumeRole',
    requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/BreakGlass' },
  },
};

describe('renderInput fixtures', () => {
  for (const c of load<{ name: string; transformer: InputTransformer; event: unknown; expected: string }>(
    'render.json',
  )) {
    it(c.name, () => {
      expect(renderInput(c.transformer, c.event, ctx)).toBe(c.expected);
    });
  }
});

describe('validateInputTransformer fixtures', () => {
  for (const c of load<{ name: string; transformer: unknown; error: string }>('invalid.json')) {
    it(c.name, () => {
      let thrown: unknown;
      try {
        validateInputTransformer(c.transformer);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InputTransformerError);
      expect((thrown as Error).message).toContain(c.error);
      expect((thrown as InputTransformerError).exitCode).toBe(2);
    });
  }
});

describe('renderInput', () => {
  it('accepts the API spelling InputPathsMap/InputTemplate', () => {
    const t = {
      InputPathsMap: { r: '$.detail.requestParameters.roleArn' },
      InputTemplate: '"<r>"',
    } as unknown;
    expect(renderInput(t as InputTransformer, event, ctx)).toBe(
      '"arn:aws:iam::111122223333:role/BreakGlass"',
    );
  });

  it('renders a Slack-style alert message with the rule name and account', () => {
    const t: InputTransformer = {
      inputPathsMap: { who: '$.detail.requestParameters.roleArn', region: '$.region', account: '$.account' },
      inputTemplate:
        '{"text": "Break-glass <who> assumed in <account>/<region> (rule <aws.events.rule-name>)"}',
    };
    expect(JSON.parse(renderInput(t, event, ctx))).toEqual({
      text: 'Break-glass arn:aws:iam::111122223333:role/BreakGlass assumed in 111122223333/eu-west-1 (rule example)',
    });
  });

  it('rejects an invalid transformer at render time too', () => {
    expect(() => renderInput({ inputTemplate: '<nope>' }, event, ctx)).toThrow(/invalid placeholder <nope>/);
  });
});

describe('renderInputPath', () => {
  it('selects a sub-object as minified JSON', () => {
    expect(renderInputPath('$.detail.requestParameters', event)).toBe(
      '{"roleArn":"arn:aws:iam::111122223333:role/BreakGlass"}',
    );
  });
  it('selects a string as a JSON string (with quotes)', () => {
    expect(renderInputPath('$.detail.eventName', event)).toBe('"AssumeRole"');
  });
  it('selects the whole event with $', () => {
    expect(renderInputPath('$', event)).toBe(JSON.stringify(event));
  });
  it('selects nothing for a path that is not in the event', () => {
    expect(renderInputPath('$.detail.nothing', event)).toBe('');
  });
  it('rejects an invalid path', () => {
    expect(() => renderInputPath('detail', event)).toThrow(
      /InputPath: invalid JSON path: must start with '\$'/,
    );
  });
});

describe('renderTargetInput', () => {
  it('passes the whole event as JSON when nothing is configured', () => {
    expect(renderTargetInput({}, event, ctx)).toBe(JSON.stringify(event));
  });
  it('passes constant Input verbatim', () => {
    expect(renderTargetInput({ Input: '{"fixed": 1}' }, event, ctx)).toBe('{"fixed": 1}');
  });
  it('uses InputPath', () => {
    expect(renderTargetInput({ InputPath: '$.region' }, event, ctx)).toBe('"eu-west-1"');
  });
  it('uses InputTransformer', () => {
    expect(
      renderTargetInput(
        { InputTransformer: { inputPathsMap: { n: '$.detail.eventName' }, inputTemplate: '"<n>"' } },
        event,
        ctx,
      ),
    ).toBe('"AssumeRole"');
  });
  it('rejects more than one of Input, InputPath, InputTransformer', () => {
    expect(() => renderTargetInput({ Input: '1', InputPath: '$' }, event, ctx)).toThrow(
      /only one of Input, InputPath, or InputTransformer may be provided; received Input, InputPath/,
    );
  });
  it('rejects a constant Input that is not JSON', () => {
    expect(() => renderTargetInput({ Input: 'not json' }, event, ctx)).toThrow(
      /Input: must be valid JSON text; received "not json"/,
    );
  });
});
