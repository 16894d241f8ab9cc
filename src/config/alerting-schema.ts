/**
 * Config-file form of `BreakGlassAlertingOptions` (src/constructs/alerting-props.ts): the same prop
 * names; CDK objects become strings (ARNs / names / day counts). Created by the foundation work as a
 * placeholder; owned by the alerting work from here on.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { z } from 'zod';
import {
  ALERT_PLACEHOLDERS,
  DATA_EVENT_SERVICES,
  type BreakGlassAlertingOptions,
  unknownPlaceholders,
} from '../constructs/alerting-props.js';
import type { BreakGlassDrillOptions } from '../constructs/drill-options.js';
import { isKnownRegion, unknownRegionMessage } from '../engines/regions.js';

/** Every value `logs.RetentionDays` allows (days; 9999 = never expire). */
export const RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays).filter(
  (v): v is number => typeof v === 'number',
);

const secretRef = z
  .string()
  .min(1)
  .describe('Secrets Manager secret: full ARN (arn:aws:secretsmanager:…) or secret name');

const arn = (service: string) =>
  z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:${service}:`),
      `must be an ARN of service '${service}' (arn:aws:${service}:…)`,
    );

/** Alerting/logging fields shared by `role` and `users` (same names as `BreakGlassAlertingOptions`). */
export const alertingSchema = z.object({
  loginAlertEmails: z.array(z.email()).optional().describe('Email addresses subscribed to the alert topic'),
  tamperAlerts: z
    .boolean()
    .optional()
    .describe(
      'Alert when the alerting, a trail, a break-glass principal or the Regions are changed; default true',
    ),
  tamperAlertEmails: z
    .array(z.email())
    .optional()
    .describe('Email addresses subscribed to the tamper topic; default the loginAlertEmails'),
  message: z
    .string()
    .superRefine((m, ctx) => {
      const unknown = unknownPlaceholders(m);
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder ${unknown.map((u) => `<${u}>`).join(', ')}; valid placeholders are ${ALERT_PLACEHOLDERS.map((p) => `<${p}>`).join(', ')}`,
        });
      }
    })
    .optional()
    .describe(`Custom alert text with <placeholder> fields: ${ALERT_PLACEHOLDERS.join(', ')}`),
  createLoginLogGroup: z.boolean().optional().describe('Also log every way-in event to CloudWatch Logs'),
  logActions: z
    .union([z.boolean(), z.enum(['read', 'write'])])
    .optional()
    .describe("Log API calls of break-glass sessions: true, false, 'read' or 'write'"),
  logServices: z
    .array(z.string().regex(/^[a-z0-9-]+$/))
    .optional()
    .describe('Only log these service prefixes'),
  retention: z
    .number()
    .int()
    .refine((n) => RETENTION_DAYS.includes(n), {
      message: `must be one of ${RETENTION_DAYS.join(', ')} (days; 9999 = never expire)`,
    })
    .optional()
    .describe('Retention of every log group, in days'),
  regions: z
    .array(
      z.string().refine((r) => r === '*' || isKnownRegion(r), {
        error: (iss) => `${unknownRegionMessage(String(iss.input))}, or '*' for every Region`,
      }),
    )
    .min(1)
    .optional()
    .describe("Regions where ways in are watched and the role may be assumed; ['*'] = every region"),
  eventBus: arn('events').optional().describe('ARN of an existing central event bus'),
  slack: z
    .object({
      channel: z
        .string()
        .regex(
          /^(#[\w.-]+|[CGD][A-Z0-9]{6,})$/,
          "must be a channel id like 'C0123456789' or a name like '#incidents'",
        ),
      tokenSecret: secretRef,
      tokenSecretJsonField: z.string().optional(),
    })
    .strict()
    .optional()
    .describe('Slack alerts (bot token read from Secrets Manager at deploy time)'),
  webhooks: z
    .array(
      z
        .object({
          url: z.string().regex(/^https:\/\//, 'must start with https://'),
          headerName: z.string().optional(),
          secret: secretRef,
          rateLimitPerSecond: z.number().int().positive().optional(),
        })
        .strict(),
    )
    .optional()
    .describe('Generic webhooks (EventBridge API destinations)'),
  alertTopics: z
    .array(arn('sns'))
    .optional()
    .describe('ARNs of existing SNS topics that also receive alerts'),
  alertQueues: z
    .array(arn('sqs'))
    .optional()
    .describe('ARNs of existing SQS queues that also receive alerts'),
  alertFunctions: z
    .array(arn('lambda'))
    .optional()
    .describe('ARNs of existing Lambda functions that also receive alerts'),
  createTrail: z.boolean().optional().describe('Create a multi-region CloudTrail trail'),
  dataEvents: z
    .array(
      z.enum(DATA_EVENT_SERVICES, {
        error: (iss) =>
          `'${String(iss.input)}' is not a service with data events here; use ${DATA_EVENT_SERVICES.map((s) => `'${s}'`).join(', ')}`,
      }),
    )
    .optional()
    .describe(
      `Also record these services' data events on the created trail (needs createTrail): ${DATA_EVENT_SERVICES.join(', ')}`,
    ),
  dataEventsPrincipals: z
    .enum(['break-glass', 'all'])
    .optional()
    .describe("Whose data events dataEvents records: 'break-glass' sessions and users (default) or 'all'"),
  drill: z
    .union([
      z.literal(true),
      z
        .object({
          schedule: z
            .string()
            .regex(/^(rate|cron|at)\(.+\)$/, "must be a schedule expression like 'rate(1 day)'")
            .optional()
            .describe("EventBridge Scheduler expression; default 'rate(1 day)'"),
          window: z
            .number()
            .int()
            .min(2)
            .max(168)
            .optional()
            .describe('Hours without a drill before the missing-drill alarm fires; default 26'),
          operators: z
            .array(arn('iam'))
            .optional()
            .describe('ARNs of IAM roles or users that may also run a drill (breakglass doctor --drill)'),
        })
        .strict(),
    ])
    .optional()
    .describe(
      'Scheduled drill: a denied AssumeRole each day in every Region, logged not paged, alarmed when missing',
    ),
  deniedAttempts: z
    .enum(['summary', 'each'])
    .optional()
    .describe(
      "Denied attempts: 'summary' (one alert per burst, details in a log group; default) or 'each' (page every one)",
    ),
});

export type AlertingConfig = z.infer<typeof alertingSchema>;

function secret(scope: Construct, id: string, ref: string): secretsmanager.ISecret {
  return ref.startsWith('arn:')
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, ref)
    : secretsmanager.Secret.fromSecretNameV2(scope, id, ref);
}

function drillOptions(cfg: AlertingConfig['drill']): BreakGlassDrillOptions | undefined {
  if (cfg === undefined) return undefined;
  if (cfg === true) return {};
  return {
    schedule: cfg.schedule,
    window: cfg.window === undefined ? undefined : Duration.hours(cfg.window),
    operators: cfg.operators?.map((a) => new iam.ArnPrincipal(a)),
  };
}

/**
 * Turns the config form into construct props. Imported resources are created under a child
 * construct `AlertingImports` of `scope`.
 */
export function toAlertingOptions(scope: Construct, cfg: AlertingConfig): BreakGlassAlertingOptions {
  const imports = new Construct(scope, 'AlertingImports');
  return {
    loginAlertEmails: cfg.loginAlertEmails,
    tamperAlerts: cfg.tamperAlerts,
    tamperAlertEmails: cfg.tamperAlertEmails,
    message: cfg.message,
    createLoginLogGroup: cfg.createLoginLogGroup,
    logActions: cfg.logActions,
    logServices: cfg.logServices,
    retention: cfg.retention as logs.RetentionDays | undefined,
    regions: cfg.regions,
    eventBus: cfg.eventBus ? events.EventBus.fromEventBusArn(imports, 'EventBus', cfg.eventBus) : undefined,
    slack: cfg.slack
      ? {
          channel: cfg.slack.channel,
          tokenSecret: secret(imports, 'SlackToken', cfg.slack.tokenSecret),
          tokenSecretJsonField: cfg.slack.tokenSecretJsonField,
        }
      : undefined,
    webhooks: cfg.webhooks?.map((w, i) => ({
      url: w.url,
      headerName: w.headerName,
      secret: secret(imports, `Webhook${i}Secret`, w.secret),
      rateLimitPerSecond: w.rateLimitPerSecond,
    })),
    alertTopics: cfg.alertTopics?.map((a, i) => sns.Topic.fromTopicArn(imports, `Topic${i}`, a)),
    alertQueues: cfg.alertQueues?.map((a, i) => sqs.Queue.fromQueueArn(imports, `Queue${i}`, a)),
    alertFunctions: cfg.alertFunctions?.map((a, i) =>
      lambda.Function.fromFunctionArn(imports, `Function${i}`, a),
    ),
    createTrail: cfg.createTrail,
    dataEvents: cfg.dataEvents,
    dataEventsPrincipals: cfg.dataEventsPrincipals,
    drill: drillOptions(cfg.drill),
    deniedAttempts: cfg.deniedAttempts,
  };
}
