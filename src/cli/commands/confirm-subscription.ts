/**
 * `breakglass confirm-subscription <link-or-token>`: confirms an email subscription to an alert
 * topic the way that keeps it safe — a signed ConfirmSubscription with
 * `AuthenticateOnUnsubscribe=true` — instead of the unauthenticated click on the email's link
 * (after which anyone who learns the subscription ARN, printed in every alert email, can
 * unsubscribe it).
 */
import type { CommandModule } from '../command.js';
import { AwsCallError } from '../aws/errors.js';
import { CliUsageError } from '../errors.js';
import { EXIT_OK, type CliIO } from '../io.js';
import { needsHelp } from './access-common.js';

interface ConfirmFlags {
  topicArn?: string;
  profile?: string;
  endpointUrl?: string;
  json?: boolean;
}

export const CONFIRM_IAM_ACTIONS = ['sns:ConfirmSubscription on the topic'];

const TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):([\w-]{1,256}(?:\.fifo)?)$/;
/** Public SNS endpoints: https://docs.aws.amazon.com/general/latest/gr/sns.html */
const SNS_HOST = /^sns\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
/** Tokens are long hexadecimal strings in practice; accept any URL-safe text without spaces. */
const TOKEN = /^[\w.~%+/=-]{16,2048}$/;

export interface Confirmation {
  readonly topicArn: string;
  readonly token: string;
  readonly region: string;
}

function topicRegion(arn: string, flag: string): string {
  const m = TOPIC_ARN.exec(arn);
  if (!m) {
    throw new CliUsageError(
      `${flag}: ${JSON.stringify(arn)} is not an SNS topic ARN; expected arn:aws:sns:eu-west-1:111122223333:TopicName`,
    );
  }
  return m[2] as string;
}

/**
 * The topic, token and Region of a confirmation link (`https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription&TopicArn=…&Token=…`
 * or the email's `…/confirmation.html?TopicArn=…&Token=…`) or of a bare token with `--topic-arn`.
 */
export function parseConfirmation(input: string, topicArnFlag?: string): Confirmation {
  const text = input.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new CliUsageError(
        `<link-or-token>: ${JSON.stringify(text.slice(0, 80))} is not a valid URL; paste the whole link from the email`,
      );
    }
    const host = SNS_HOST.exec(url.hostname);
    if (url.protocol !== 'https:' || !host) {
      throw new CliUsageError(
        `<link-or-token>: ${url.protocol}//${url.hostname} is not an Amazon SNS endpoint (https://sns.<region>.amazonaws.com); do not confirm it`,
      );
    }
    const action = url.searchParams.get('Action');
    if (action !== null && action !== 'ConfirmSubscription') {
      throw new CliUsageError(
        `<link-or-token>: the link's Action is ${JSON.stringify(action)}, not ConfirmSubscription; paste the confirmation link`,
      );
    }
    const topicArn = url.searchParams.get('TopicArn');
    const token = url.searchParams.get('Token');
    if (!topicArn || !token) {
      throw new CliUsageError(
        '<link-or-token>: the link has no TopicArn or Token parameter; paste the whole confirmation link from the email',
      );
    }
    const region = topicRegion(topicArn, '<link-or-token> TopicArn');
    if (region !== host[1]) {
      throw new CliUsageError(
        `<link-or-token>: the link's host is in ${host[1]} but its topic is in ${region}; do not confirm it`,
      );
    }
    if (topicArnFlag !== undefined && topicArnFlag !== topicArn) {
      throw new CliUsageError(
        `--topic-arn: ${topicArnFlag} differs from the link's topic ${topicArn}; leave --topic-arn out with a link`,
      );
    }
    return { topicArn, token, region };
  }
  if (topicArnFlag === undefined) {
    throw new CliUsageError(
      '--topic-arn: required with a bare token (or paste the whole confirmation link instead)',
    );
  }
  if (!TOKEN.test(text)) {
    throw new CliUsageError(
      '<link-or-token>: not a confirmation token (expected the long Token value of the link, without spaces)',
    );
  }
  return { topicArn: topicArnFlag, token: text, region: topicRegion(topicArnFlag, '--topic-arn') };
}

async function confirm(io: CliIO, input: string, o: ConfirmFlags): Promise<number> {
  const c = parseConfirmation(input, o.topicArn);
  const { confirmSubscription } = await import('../aws/sns-confirm.js');
  const { awsErrorName, commonAwsError, firstLine } = await import('../aws/errors.js');
  let arn: string;
  try {
    arn = await confirmSubscription(
      {
        region: c.region,
        ...(o.profile ? { profile: o.profile } : {}),
        ...(o.endpointUrl ? { endpoint: o.endpointUrl } : {}),
      },
      c.topicArn,
      c.token,
    );
  } catch (e) {
    const known = commonAwsError(e, 'confirm-subscription');
    if (known) throw known;
    const name = awsErrorName(e);
    if (name === 'AuthorizationErrorException' || name === 'AuthorizationError')
      throw new AwsCallError(
        `confirm-subscription: not authorized (${firstLine(e)}); your credentials need sns:ConfirmSubscription on ${c.topicArn}`,
        { cause: e },
      );
    if (name === 'InvalidParameterException' || name === 'InvalidParameter')
      throw new AwsCallError(
        `confirm-subscription: SNS refused the token (${firstLine(e)}); tokens expire after 3 days — ask for a new confirmation email`,
        { cause: e },
      );
    if (name === 'NotFoundException' || name === 'NotFound')
      throw new AwsCallError(
        `confirm-subscription: no topic ${c.topicArn} (${firstLine(e)}); check the link`,
        { cause: e },
      );
    throw e;
  }
  if (o.json)
    io.out(
      JSON.stringify(
        { subscriptionArn: arn, topicArn: c.topicArn, authenticateOnUnsubscribe: true },
        null,
        2,
      ),
    );
  else
    io.out(
      `confirmed ${arn}: only the topic owner and the subscription owner can unsubscribe it, with signed requests`,
    );
  return EXIT_OK;
}

export const confirmSubscriptionCommand: CommandModule = {
  register(program, run) {
    const cmd = program
      .command('confirm-subscription')
      .description(
        'Confirm an alert email subscription with authenticated unsubscribe (paste the link from the email instead of clicking it)',
      )
      .argument(
        '<link-or-token>',
        'the confirmation link from the email, or just its Token value with --topic-arn',
      )
      .option('--topic-arn <arn>', 'topic of a bare token')
      .option('--profile <name>', 'AWS profile to sign the request with')
      .option('--endpoint-url <url>', 'SNS endpoint override (for example a VPC endpoint)')
      .option('--json', 'machine-readable output');
    needsHelp(cmd, CONFIRM_IAM_ACTIONS).action(
      run((io, input: string, o: ConfirmFlags) => confirm(io, input, o)),
    );
  },
};
