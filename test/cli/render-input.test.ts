import { tempDir } from '../temp.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

function capture(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), isTTY: false, cwd };
}

const EVENT = {
  version: '0',
  id: 'e-1',
  'detail-type': 'AWS Console Sign In via CloudTrail',
  source: 'aws.signin',
  account: '111122223333',
  time: '2026-11-21T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventName: 'ConsoleLogin',
    userIdentity: { arn: 'arn:aws:iam::111122223333:user/breakglass-alice' },
  },
};
const TRANSFORMER = {
  inputPathsMap: { who: '$.detail.userIdentity.arn', region: '$.region' },
  inputTemplate:
    '{"text": "<who> signed in to the console in <region> (<aws.events.rule-name>, <aws.events.event.ingestion-time>)"}',
};

let dir: string;
beforeAll(() => {
  dir = tempDir('bg-render-input-');
  writeFileSync(join(dir, 'event.json'), JSON.stringify(EVENT));
  writeFileSync(join(dir, 'transformer.json'), JSON.stringify(TRANSFORMER));
});

describe('breakglass render-input', () => {
  it('prints the rendered payload, deriving the rule context from the event', async () => {
    const io = capture(dir);
    expect(
      await runCli(['render-input', '--transformer', '@transformer.json', '--event', '@event.json'], io),
    ).toBe(0);
    expect(io.stdout).toEqual([
      '{"text":"arn:aws:iam::111122223333:user/breakglass-alice signed in to the console in eu-west-1 (test-rule, 2026-11-21T10:00:00Z)"}',
    ]);
  });

  it('takes the rule name and ingestion time from flags', async () => {
    const io = capture(dir);
    const code = await runCli(
      [
        'render-input',
        '--transformer',
        '{"inputTemplate":"\\"<aws.events.rule-arn> <aws.events.rule-name> <aws.events.event.ingestion-time>\\""}',
        '--event',
        '@event.json',
        '--rule-arn',
        'arn:aws:events:eu-west-1:111122223333:rule/bg-login',
        '--ingestion-time',
        '2026-11-21T10:00:01Z',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout).toEqual([
      '"arn:aws:events:eu-west-1:111122223333:rule/bg-login bg-login 2026-11-21T10:00:01Z"',
    ]);
  });

  it('renders a whole target (InputPath)', async () => {
    const io = capture(dir);
    expect(
      await runCli(
        ['render-input', '--transformer', '{"InputPath":"$.detail.eventName"}', '--event', '@event.json'],
        io,
      ),
    ).toBe(0);
    expect(io.stdout).toEqual(['"ConsoleLogin"']);
  });

  it('rejects an invalid transformer with exit 2, naming the flag and the field', async () => {
    const io = capture(dir);
    const code = await runCli(
      ['render-input', '--transformer', '{"inputTemplate":"<nope>"}', '--event', '@event.json'],
      io,
    );
    expect(code).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toMatch(
      /^error: --transformer: inputTemplate: contains invalid placeholder <nope>/,
    );
  });

  it('rejects a transformer that is not an object', async () => {
    const io = capture(dir);
    expect(await runCli(['render-input', '--transformer', '[1]', '--event', '@event.json'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--transformer: expected a JSON object .*received \[1\]/);
  });

  it('rejects event JSON that does not parse, naming the file', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"a":');
    const io = capture(dir);
    expect(
      await runCli(['render-input', '--transformer', '@transformer.json', '--event', '@broken.json'], io),
    ).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/^error: --event broken\.json: not valid JSON/);
  });
});
