import { BreakGlassError } from '../../engines/errors.js';

/** An AWS call failed for a reason the user can fix (credentials, permissions, input): one line, exit 2. */
export class AwsCallError extends BreakGlassError {
  override readonly name = 'AwsCallError';
}

/** The error name an SDK v3 exception carries (`AccessDenied`, `NoSuchEntity`, `CredentialsProviderError`, …). */
export function awsErrorName(e: unknown): string {
  return e instanceof Error ? e.name : '';
}

/** The first line of an error's message. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

/**
 * Maps the errors every AWS call can end with to one-line user errors (`what` names the call);
 * returns undefined for anything else (left to the caller or treated as a bug).
 */
export function commonAwsError(e: unknown, what: string): AwsCallError | undefined {
  const name = awsErrorName(e);
  if (CREDENTIAL_ERRORS.has(name)) {
    return new AwsCallError(
      `${what}: no valid AWS credentials (${name}: ${firstLine(e)}); sign in first (aws sso login / aws configure) or pass --profile`,
      { cause: e },
    );
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || name === 'UnauthorizedOperation') {
    return new AwsCallError(
      `${what}: access denied (${firstLine(e)}); the README lists the IAM actions this command needs`,
      { cause: e },
    );
  }
  if (/Region is missing/i.test(firstLine(e))) {
    return new AwsCallError(`${what}: ${firstLine(e)}; pass --region (e.g. --region eu-west-1)`, {
      cause: e,
    });
  }
  if (name === 'ThrottlingException' || name === 'Throttling') {
    return new AwsCallError(
      `${what}: AWS throttled the call (${firstLine(e)}); wait a few seconds and retry`,
      {
        cause: e,
      },
    );
  }
  return undefined;
}
