/**
 * After deploy: the dead-letter queues of our rule targets and subscriptions are empty (SQS
 * GetQueueAttributes). A message there is an alert that was never delivered.
 */
import { finding, mapLimit, type DoctorCheck, type Finding } from './model.js';

export function judgeQueue(region: string, url: string, depth: number | undefined): Finding {
  const name = url.split('/').pop() ?? url;
  if (depth === undefined)
    return finding('dlq', 'problem', region, name, 'queue is missing; deploy the stack again');
  if (depth > 0)
    return finding(
      'dlq',
      'problem',
      region,
      name,
      `${depth} undelivered alert(s) waiting: read them (aws sqs receive-message --queue-url ${url}), fix the target, then purge`,
    );
  return finding('dlq', 'ok', region, name, 'empty');
}

/** Queue ARNs used as a dead-letter queue somewhere in a stack's resolved properties. */
function deadLetterArns(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 32 || !v || typeof v !== 'object') return;
  if (Array.isArray(v)) return v.forEach((x) => deadLetterArns(x, out, depth + 1));
  const o = v as Record<string, unknown>;
  const dl = o['DeadLetterConfig'] as Record<string, unknown> | undefined;
  if (typeof dl?.['Arn'] === 'string') out.add(dl['Arn']);
  const rp = o['RedrivePolicy'];
  const target =
    rp && typeof rp === 'object' ? (rp as Record<string, unknown>)['deadLetterTargetArn'] : undefined;
  if (typeof target === 'string') out.add(target);
  Object.values(o).forEach((x) => deadLetterArns(x, out, depth + 1));
}

export const dlqCheck: DoctorCheck = {
  id: 'dlq',
  phase: 'after-deploy',
  summary: 'dead-letter queues are empty (sqs:GetQueueAttributes)',
  async run(ctx) {
    const queues: { region: string; url: string }[] = [];
    for (const s of ctx.stacks) {
      const d = ctx.deployed.get(s.stackName);
      if (!d) continue;
      const arns = new Set<string>();
      for (const r of s.resources) deadLetterArns(r.properties, arns);
      for (const r of s.resources) {
        if (r.type !== 'AWS::SQS::Queue' || typeof r.arn !== 'string' || !arns.has(r.arn)) continue;
        const url = d.resources.find((x) => x.logicalId === r.logicalId)?.physicalId;
        if (url) queues.push({ region: s.region, url });
      }
    }
    if (queues.length === 0)
      return [
        finding(
          'dlq',
          'skipped',
          'global',
          'dead-letter queues',
          'no deployed dead-letter queue: not in this deployment',
        ),
      ];
    return mapLimit(queues, 8, async (q) =>
      judgeQueue(q.region, q.url, await ctx.aws.queueDepth(q.region, q.url)),
    );
  },
};
