import { z } from 'zod';
import { configSchema } from './schema.js';

/** JSON Schema (draft 2020-12) of `breakglass.config.yaml`, for editors (`# yaml-language-server: $schema=…`). */
export function configJsonSchema(): object {
  return {
    ...z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/breakglass/breakglass/schema/breakglass.config.schema.json',
    title: 'breakglass config',
    description:
      'Break-glass role (role), its member-account copies (memberAccounts) and security-account users (users). Field names are the construct prop names.',
  };
}
