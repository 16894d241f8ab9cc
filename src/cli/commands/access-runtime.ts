/**
 * What the access commands reach outside the process, in one place: the AWS ports, the clock,
 * waiting, the terminal prompt, child processes, random ids and the environment. `bin.ts` runs with
 * the real one; tests swap parts of it with {@link setAccessRuntime}.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import type { AccessPorts } from '../aws/ports.js';
import { readHidden } from '../prompt.js';

export interface AccessRuntime {
  readonly ports: AccessPorts;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** True when a person can be asked (stdin and stderr are terminals, or there is a controlling terminal). */
  readonly canPrompt: () => boolean;
  /** Hidden input on the terminal; rejects with PromptCancelled on Ctrl-C. */
  readonly promptHidden: (question: string, what: string) => Promise<string>;
  /** Runs a command with extra environment, stdio inherited; resolves to its exit code. */
  readonly exec: (
    command: string,
    args: readonly string[],
    env: Readonly<Record<string, string>>,
  ) => Promise<number>;
  readonly randomId: () => string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function realExec(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 2 : 1)));
  });
}

/** The real runtime; the AWS SDK is imported here, when an access command runs (not for --help). */
/**
 * The terminal to ask on: stdin/stderr when both are terminals, else the controlling terminal
 * (`/dev/tty`) — the AWS CLI runs a `credential_process` with stderr captured, so the prompt must go
 * to the terminal itself. Undefined when there is no terminal at all.
 */
function openTerminal(): { input: ReadStream; write: (s: string) => void; close: () => void } | undefined {
  if (process.stdin.isTTY && process.stderr.isTTY) {
    return {
      input: process.stdin as ReadStream,
      write: (s) => process.stderr.write(s),
      close: () => undefined,
    };
  }
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return undefined;
  }
  const input = new ReadStream(fd);
  return {
    input,
    write: (s) => writeSync(fd, s),
    close: () => input.destroy(),
  };
}

function terminalAvailable(): boolean {
  if (process.stdin.isTTY && process.stderr.isTTY) return true;
  try {
    closeSync(openSync('/dev/tty', 'r+'));
    return true;
  } catch {
    return false;
  }
}

export async function realAccessRuntime(): Promise<AccessRuntime> {
  const { sdkAccessPorts } = await import('../aws/sdk-ports.js');
  return {
    ports: sdkAccessPorts(),
    now: () => new Date(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    canPrompt: terminalAvailable,
    promptHidden: async (question, what) => {
      const t = openTerminal();
      if (!t) throw new Error('no terminal to prompt on');
      try {
        return await readHidden(question, { input: t.input, write: t.write }, what);
      } finally {
        t.close();
      }
    },
    exec: realExec,
    randomId: () => randomBytes(5).readUIntBE(0, 5).toString(36).padStart(8, '0'),
    env: process.env,
  };
}

let current: AccessRuntime | undefined;

/** The runtime the access commands use. */
export async function accessRuntime(): Promise<AccessRuntime> {
  current ??= await realAccessRuntime();
  return current;
}

/** Test seam: replaces parts of the runtime; returns a function that restores the previous one. */
export async function setAccessRuntime(parts: Partial<AccessRuntime>): Promise<() => void> {
  const previous = current;
  current = { ...(previous ?? (await realAccessRuntime())), ...parts };
  return () => {
    current = previous;
  };
}
