import { tempDir } from '../temp.js';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../src/cli/commands/schema.js';
import { runCli } from '../../src/cli/program.js';
import { configJsonSchema, parseConfig } from '../../src/config/index.js';
import { captureIO } from './capture.js';

const SCHEMA_FILE = resolve(import.meta.dirname, '../../schema/breakglass.config.schema.json');

describe('breakglass schema', () => {
  it('prints the JSON Schema of the config file', async () => {
    const io = captureIO();
    expect(await runCli(['schema'], io)).toBe(0);
    const printed = JSON.parse(io.stdout.join('\n')) as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(printed).toEqual(configJsonSchema());
    expect(Object.keys(printed.properties)).toEqual(
      expect.arrayContaining(['account', 'region', 'role', 'users', 'memberAccounts']),
    );
    expect(printed.required).toEqual(expect.arrayContaining(['account', 'region']));
  });

  it('schema/breakglass.config.schema.json is up to date (regenerate: npx tsx src/cli/bin.ts schema --out schema/breakglass.config.schema.json)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await schemaText());
  });

  it('writes the schema with --out', async () => {
    const dir = tempDir('bgschema-');
    const io = captureIO(dir);
    expect(await runCli(['schema', '--out', 'x.json'], io)).toBe(0);
    expect(readFileSync(join(dir, 'x.json'), 'utf8')).toBe(await schemaText());
    expect(io.stdout).toEqual([]);
  });

  it('describes the role fields with the construct prop names', () => {
    const role = (configJsonSchema() as { properties: { role: { properties: Record<string, unknown> } } })
      .properties.role.properties;
    for (const k of [
      'usernames',
      'federatedUsernames',
      'requireMfa',
      'requireSourceIdentity',
      'requireReason',
      'regions',
    ]) {
      expect(role, k).toHaveProperty(k);
    }
    // and the schema's shape agrees with the validator on a real value
    expect(() =>
      parseConfig({ account: '111122223333', region: 'eu-west-1', role: { usernames: ['a'] } }, 'x'),
    ).not.toThrow();
  });
});
