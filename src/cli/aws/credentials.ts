/**
 * Writes a session into the AWS shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default
 * `~/.aws/credentials`) as one profile, replacing that profile's section and keeping every other
 * line. The file is created with mode 0600.
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SessionCredentials } from './ports.js';

export function credentialsFilePath(env: Readonly<Record<string, string | undefined>>): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] || join(env['HOME'] || homedir(), '.aws', 'credentials');
}

/** The file text with `[profile]` set to these credentials. */
export function withProfile(text: string, profile: string, c: SessionCredentials): string {
  const section = [
    `[${profile}]`,
    `aws_access_key_id = ${c.accessKeyId}`,
    `aws_secret_access_key = ${c.secretAccessKey}`,
    `aws_session_token = ${c.sessionToken}`,
    `# written by breakglass; expires ${c.expiration}`,
  ];
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let skipping = false;
  let replaced = false;
  for (const line of lines) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      skipping = header[1]?.trim() === profile;
      if (skipping && !replaced) {
        out.push(...section);
        replaced = true;
      }
      if (skipping) continue;
    }
    if (!skipping) out.push(line);
  }
  if (!replaced) {
    if (out.length > 0 && out[out.length - 1] !== '') out.push('');
    out.push(...section);
  }
  return out.join('\n') + '\n';
}

export function writeProfile(file: string, profile: string, c: SessionCredentials): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, withProfile(text, profile, c), { mode: 0o600 });
  chmodSync(file, 0o600);
}
