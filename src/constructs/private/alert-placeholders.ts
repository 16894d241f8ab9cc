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
  /**
   * Plain text (SNS email body): the template is a JSON string and values are inserted as they are
   * (EventBridge does not escape values placed inside quotes). Fine for email, where nothing parses
   * the text; never use this for a JSON body.
   */
  static text(message: string, fields: FieldMap): PlaceholderInput {
    const inputPathsMap: Record<string, string> = {};
    let template = JSON.stringify(message);
    for (const name of placeholdersIn(template)) {
      const field = fields[name as Placeholder] as Field | undefined;
      if (field === undefined) continue;
      if ('path' in field) inputPathsMap[name] = field.path;
      else template = template.split(`<${name}>`).join(JSON.stringify(field.literal).slice(1, -1));
    }
    return new PlaceholderInput(template, inputPathsMap);
  }

  /** A JSON body built by `./alert-bodies.ts`: every event value already sits outside quotes. */
  static jsonBody(body: { template: string; inputPathsMap: Record<string, string> }): PlaceholderInput {
    return new PlaceholderInput(body.template, body.inputPathsMap);
  }

  private constructor(
    private readonly template: string,
    private readonly inputPathsMap: Record<string, string>,
  ) {
    super();
  }

  override bind(_rule: unknown): events.RuleTargetInputProperties {
    return { inputTemplate: this.template, inputPathsMap: { ...this.inputPathsMap } };
  }
}
