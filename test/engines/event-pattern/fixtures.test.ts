import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PatternError,
  compilePattern,
  matchesPattern,
  validatePattern,
} from '../../../src/engines/event-pattern/index.js';

interface MatchCase {
  name: string;
  pattern: unknown;
  event: unknown;
  expected: boolean;
}
interface InvalidCase {
  name: string;
  pattern: unknown;
  error: string;
}

const dir = join(import.meta.dirname, 'fixtures');
const matchFiles = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'invalid.json');

function load<T>(file: string): T[] {
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T[];
}

describe('event-pattern fixtures', () => {
  it('has at least 300 match cases and 30 invalid patterns', () => {
    const total = matchFiles.reduce((n, f) => n + load<MatchCase>(f).length, 0);
    expect(total).toBeGreaterThanOrEqual(300);
    expect(load<InvalidCase>('invalid.json').length).toBeGreaterThanOrEqual(30);
  });

  for (const file of matchFiles) {
    describe(file, () => {
      for (const c of load<MatchCase>(file)) {
        it(`${c.name} → ${c.expected}`, () => {
          expect(compilePattern(c.pattern).matches(c.event)).toBe(c.expected);
          // The JSON-string form (what PutRule takes) behaves the same.
          expect(matchesPattern(JSON.stringify(c.pattern), c.event)).toBe(c.expected);
        });
      }
    });
  }

  describe('invalid.json', () => {
    for (const c of load<InvalidCase>('invalid.json')) {
      it(c.name, () => {
        let thrown: unknown;
        try {
          validatePattern(c.pattern);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(PatternError);
        const err = thrown as PatternError;
        expect(err.message).toContain(c.error);
        expect(err.exitCode).toBe(2);
        // the message starts with the path
        expect(err.message.startsWith(`${err.path || '<root>'}: `)).toBe(true);
        expect(() => compilePattern(c.pattern)).toThrow(PatternError);
      });
    }
  });
});
