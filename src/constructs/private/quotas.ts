/**
 * Service quotas that make a deployment fail (or, for the forwarding pattern, fail halfway through a
 * multi-Region rollout), checked at synthesis so the error names the construct instead of a
 * CloudFormation event. Each number is the documented default; "adjustable" ones can be raised with
 * Service Quotas.
 */
import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * IAM "Role trust policy length": 2,048 characters by default, adjustable up to 4,096. IAM does not
 * count whitespace. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const TRUST_POLICY_QUOTA = { default: 2048, max: 4096 } as const;

/** SQS queue policy: 8,192 bytes, 20 statements. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html */
export const SQS_POLICY_QUOTA = { bytes: 8192, statements: 20 } as const;

/** SNS topic policy: 30 KB, 100 statements. https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html#sns-policy-quotas */
export const SNS_POLICY_QUOTA = { bytes: 30 * 1024, statements: 100 } as const;

/** KMS key policy: 32 KB. https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html */
export const KMS_KEY_POLICY_BYTES = 32 * 1024;

/**
 * EventBridge: 5 targets per rule; event pattern 2,048 characters (adjustable, "Event pattern size").
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export const TARGETS_PER_RULE = 5;
export const EVENT_PATTERN_CHARS = 2048;

/** InputTemplate: 1-8,192 characters. https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html */
export const INPUT_TEMPLATE_CHARS = 8192;

/** CloudFormation: 500 resources per stack. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html */
export const RESOURCES_PER_STACK = 500;

/** Length of a policy document as IAM counts it: compact JSON without whitespace. */
export function iamPolicyLength(doc: unknown): number {
  return JSON.stringify(doc).replace(/\s/g, '').length;
}

/** UTF-8 byte length of a document as compact JSON. */
function bytes(doc: unknown): number {
  return Buffer.byteLength(JSON.stringify(doc), 'utf8');
}

/**
 * Replaces intrinsic functions with strings about as wide as their values: a resolved ARN is longer
 * than its `Fn::GetAtt`, so sizes are estimated high (a reference counts as 128 characters).
 */
export function estimate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(estimate);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]?.startsWith('Fn::'))) {
      if (o['Ref'] === 'AWS::Partition') return 'aws';
      if (o['Ref'] === 'AWS::AccountId') return '111122223333';
      if (o['Ref'] === 'AWS::Region') return 'ap-southeast-7';
      const join = o['Fn::Join'] as [string, unknown[]] | undefined;
      if (join && Array.isArray(join[1])) {
        return join[1]
          .map((p) => {
            const v = estimate(p);
            return typeof v === 'string' ? v : JSON.stringify(v);
          })
          .join(join[0]);
      }
      return 'x'.repeat(128);
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, estimate(v)]));
  }
  return value;
}

function statementCount(doc: unknown): number {
  const st = (doc as { Statement?: unknown } | undefined)?.Statement;
  return Array.isArray(st) ? st.length : st === undefined ? 0 : 1;
}

/** One quota problem: where, and the sentence to show. */
export interface QuotaFinding {
  readonly scope: IConstruct;
  readonly message: string;
}

/** Checks every resource of `stack` against the quotas above. */
export function findQuotaProblems(stack: Stack): QuotaFinding[] {
  const out: QuotaFinding[] = [];
  const resolve = (v: unknown) => estimate(stack.resolve(v));
  const resources = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));
  if (resources.length > RESOURCES_PER_STACK) {
    out.push({
      scope: stack,
      message: `stack ${stack.stackName} has ${resources.length} resources; CloudFormation allows ${RESOURCES_PER_STACK} per stack: split the principals across stacks`,
    });
  }
  for (const r of resources) {
    if (r instanceof sqs.CfnQueuePolicy) {
      const doc = resolve(r.policyDocument);
      const n = statementCount(doc);
      const b = bytes(doc);
      if (n > SQS_POLICY_QUOTA.statements || b > SQS_POLICY_QUOTA.bytes) {
        out.push({
          scope: r,
          message: `queue policy has ${n} statements and about ${b} bytes; SQS allows ${SQS_POLICY_QUOTA.statements} statements and ${SQS_POLICY_QUOTA.bytes} bytes`,
        });
      }
    } else if (r instanceof sns.CfnTopicPolicy) {
      const doc = resolve(r.policyDocument);
      const n = statementCount(doc);
      const b = bytes(doc);
      if (n > SNS_POLICY_QUOTA.statements || b > SNS_POLICY_QUOTA.bytes) {
        out.push({
          scope: r,
          message: `topic policy has ${n} statements and about ${b} bytes; SNS allows ${SNS_POLICY_QUOTA.statements} statements and ${SNS_POLICY_QUOTA.bytes} bytes`,
        });
      }
    } else if (r instanceof kms.CfnKey) {
      const b = bytes(resolve(r.keyPolicy));
      if (b > KMS_KEY_POLICY_BYTES) {
        out.push({
          scope: r,
          message: `key policy is about ${b} bytes; KMS allows ${KMS_KEY_POLICY_BYTES}`,
        });
      }
    } else if (r instanceof events.CfnRule) {
      out.push(...ruleProblems(r, resolve));
    }
  }
  return out;
}

function ruleProblems(r: events.CfnRule, resolve: (v: unknown) => unknown): QuotaFinding[] {
  const out: QuotaFinding[] = [];
  const targets = resolve(r.targets);
  const list = Array.isArray(targets) ? (targets as Record<string, unknown>[]) : [];
  if (list.length > TARGETS_PER_RULE) {
    out.push({
      scope: r,
      message: `rule has ${list.length} targets; EventBridge allows ${TARGETS_PER_RULE} per rule: send alerts to fewer channels (e.g. subscribe more addresses to the alert topic)`,
    });
  }
  const pattern = patternChecked.has(r) ? resolve(r.eventPattern) : undefined;
  if (pattern !== undefined) {
    const size = (typeof pattern === 'string' ? pattern : JSON.stringify(pattern)).length;
    if (size > EVENT_PATTERN_CHARS) {
      out.push({
        scope: r,
        message: `event pattern is ${size} characters; EventBridge's default "Event pattern size" quota is ${EVENT_PATTERN_CHARS}: raise it or split the principals across monitoring constructs`,
      });
    }
  }
  list.forEach((t, i) => {
    const it = (t['inputTransformer'] ?? t['InputTransformer']) as Record<string, unknown> | undefined;
    const template = it?.['inputTemplate'] ?? it?.['InputTemplate'];
    if (
      typeof template === 'string' &&
      !Token.isUnresolved(template) &&
      template.length > INPUT_TEMPLATE_CHARS
    ) {
      out.push({
        scope: r,
        message: `target ${i} input template is ${template.length} characters; EventBridge allows ${INPUT_TEMPLATE_CHARS}: shorten the alert message`,
      });
    }
  });
  return out;
}

const checked = new WeakSet<Stack>();
/** Rules whose pattern size is checked here (forwarding rules have their own, adjustable-quota warning). */
const patternChecked = new WeakSet<events.CfnRule>();

/** Checks the event pattern size of `rule` with the other quotas. */
export function checkPatternSize(rule: events.Rule): void {
  patternChecked.add(rule.node.defaultChild as events.CfnRule);
}

/**
 * Adds (once per stack) a validation reporting every quota problem of the stack as an error
 * annotation (`cdk deploy` refuses to deploy an assembly with errors; `breakglass synth` prints them).
 */
export function checkQuotasAtSynth(stack: Stack): void {
  if (checked.has(stack)) return;
  checked.add(stack);
  stack.node.addValidation({
    validate: () => {
      for (const f of findQuotaProblems(stack)) Annotations.of(f.scope).addError(`breakglass: ${f.message}`);
      return [];
    },
  });
}
