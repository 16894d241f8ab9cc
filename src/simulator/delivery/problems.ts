import type { SystemModel } from '../model.js';
import { replayEvent, type ReplayResult } from '../replay.js';
import { alarmProblems } from './alarms.js';
import { describeFailure } from './hop.js';

/**
 * Every broken hop of one replayed event, as gap messages: deliveries a hop stopped (each names its
 * hop), dead-letter queues that would not take a failed delivery, and alarms on the path that can
 * never fire or tell nobody.
 */
export function hopProblems(model: SystemModel, result: ReplayResult): string[] {
  const out = new Set<string>();
  for (const m of result.misses) if (m.hop) out.add(m.reason);
  for (const p of result.problems) out.add(describeFailure(p));
  for (const p of alarmProblems(model, result.rules, replayEvent)) out.add(describeFailure(p));
  return [...out];
}
