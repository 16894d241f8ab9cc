/**
 * Hidden input for the MFA code on a terminal: raw mode, nothing echoed, Backspace edits, Enter
 * ends, Ctrl-C / Ctrl-D cancel (the terminal is restored in every case).
 */
import type { ReadStream } from 'node:tty';
import { BreakGlassError } from '../engines/errors.js';

/** The person pressed Ctrl-C (or Ctrl-D) at a prompt: nothing was done. Exit 130 as for SIGINT. */
export class PromptCancelled extends BreakGlassError {
  override readonly name = 'PromptCancelled';
  override readonly exitCode: number = 130;
}

export interface HiddenPromptIO {
  readonly input: Pick<ReadStream, 'on' | 'off' | 'resume' | 'pause' | 'setRawMode' | 'isTTY'>;
  readonly write: (text: string) => void;
}

export function readHidden(question: string, io: HiddenPromptIO, what = 'prompt'): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    const input = io.input;
    const done = (err: Error | undefined) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      io.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\u0003' || ch === '\u0004') {
          done(new PromptCancelled(`${what}: cancelled; nothing was done`));
          return;
        }
        if (ch === '\r' || ch === '\n') {
          done(undefined);
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    io.write(question);
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}
