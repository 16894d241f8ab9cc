import * as events from 'aws-cdk-lib/aws-events';
import { ALERT_PLACEHOLDERS, type AlertPlaceholder, placeholdersIn } from '../alerting-props.js';

export const PLACEHOLDERS = ALERT_PLACEHOLDERS;
export type Placeholder = AlertPlaceholder;

/** Where a placeholder's value comes from: a JSON path into the event, or a fixed text. */
export type Field = { readonly path: string } | { readonly literal: string };

export type FieldMap = Readonly<Record<Placeholder, Field>>;

export { placeholdersIn, unknownPlaceholders } from '../alerting-props.js';

/** The alert text used when `message` is not set. */
export const DEFAULT_MESSAGE = [
  'Break-glass access: <wayIn> - <result>',
  'Who: <username> (<principal>)',
  'Role: <roleArn>',
  'Session: <sessionName>  Source identity: <sourceIdentity>  MFA: <mfa>',
  'Account: <account>  Region: <region>  Time: <eventTime>',
  'Source IP: <ip>  User agent: <userAgent>',
  'Event: <eventName> <eventId> (request <requestId>)  Error: <errorCode>',
].join('\n');

/**
 * An EventBridge input transformer whose `InputPathsMap` keys are the placeholder names and whose
 * `InputTemplate` is the caller's template; literal fields are written into the template.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export class PlaceholderInput extends events.RuleTargetInput {
  /** Plain text (SNS email body): the template is a JSON string. */
  static text(message: string, fields: FieldMap): PlaceholderInput {
    return new PlaceholderInput(JSON.stringify(message), fields);
  }

  /** A JSON document whose string values may contain placeholders. */
  static json(doc: unknown, fields: FieldMap): PlaceholderInput {
    return new PlaceholderInput(JSON.stringify(doc), fields);
  }

  private constructor(
    private readonly template: string,
    private readonly fields: FieldMap,
  ) {
    super();
  }

  override bind(_rule: unknown): events.RuleTargetInputProperties {
    const used = placeholdersIn(this.template).filter((n): n is Placeholder =>
      (PLACEHOLDERS as readonly string[]).includes(n),
    );
    const inputPathsMap: Record<string, string> = {};
    let template = this.template;
    for (const name of used) {
      const field = this.fields[name];
      if ('path' in field) inputPathsMap[name] = field.path;
      else template = template.split(`<${name}>`).join(JSON.stringify(field.literal).slice(1, -1));
    }
    return { inputTemplate: template, inputPathsMap };
  }
}

/** Block Kit message for Slack `chat.postMessage`. https://api.slack.com/methods/chat.postMessage */
export function slackMessage(channel: string): unknown {
  const field = (title: string, value: string) => ({ type: 'mrkdwn', text: `*${title}*\n${value}` });
  return {
    channel,
    text: 'Break-glass access: <wayIn> - <result> by <username> in <account>/<region>',
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: 'Break-glass access: <wayIn> - <result>' },
      },
      {
        type: 'section',
        fields: [
          field('Who', '<username>'),
          field('Way in', '<wayIn>'),
          field('Role', '<roleArn>'),
          field('Account / Region', '<account> / <region>'),
          field('Time', '<eventTime>'),
          field('Result', '<result> <errorCode>'),
          field('Source IP', '<ip>'),
          field('MFA', '<mfa>'),
          field('Source identity', '<sourceIdentity>'),
          field('Session', '<sessionName>'),
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: 'event <eventName> <eventId> - <principal> - <userAgent>' }],
      },
    ],
  };
}

/** Structured JSON body for generic webhooks: every placeholder under its own key. */
export function webhookBody(): unknown {
  return Object.fromEntries(PLACEHOLDERS.map((p) => [p, `<${p}>`]));
}
