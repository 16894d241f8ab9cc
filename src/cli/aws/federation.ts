/**
 * The AWS federation endpoint (plain HTTPS, not an SDK API): GetSigninToken for role-session
 * credentials, then a console login URL with that token.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html
 *
 * `SessionDuration` (900-43,200 s) is accepted only for credentials an IAM user got from AssumeRole
 * with long-term credentials; for chained sessions the endpoint rejects it, so callers omit it then.
 * The sign-in token is valid for 15 minutes.
 */
import { AwsCallError } from './errors.js';
import type { FederationPort, SessionCredentials } from './ports.js';

export const FEDERATION_URL = 'https://signin.aws.amazon.com/federation';

export function federationPort(baseUrl = FEDERATION_URL, fetchImpl: typeof fetch = fetch): FederationPort {
  return {
    async signinToken(creds: SessionCredentials, sessionDurationSeconds?: number) {
      const params = new URLSearchParams({
        Action: 'getSigninToken',
        ...(sessionDurationSeconds !== undefined ? { SessionDuration: String(sessionDurationSeconds) } : {}),
        Session: JSON.stringify({
          sessionId: creds.accessKeyId,
          sessionKey: creds.secretAccessKey,
          sessionToken: creds.sessionToken,
        }),
      });
      let res: Response;
      try {
        // GET as the guide shows; the URL carries the credentials and is never printed or logged.
        res = await fetchImpl(`${baseUrl}?${params.toString()}`, { method: 'GET' });
      } catch (e) {
        throw new AwsCallError(
          `console: the federation endpoint ${baseUrl} could not be reached (${e instanceof Error ? e.message : String(e)}); check the network or proxy`,
          { cause: e },
        );
      }
      const text = await res.text();
      let token: unknown;
      try {
        token = (JSON.parse(text) as Record<string, unknown>)['SigninToken'];
      } catch {
        token = undefined;
      }
      if (!res.ok || typeof token !== 'string' || token === '') {
        throw new AwsCallError(
          `console: the federation endpoint refused the session (HTTP ${res.status}); sessions chained from another role cannot set a console duration, and the role session must not be revoked`,
        );
      }
      return token;
    },
    loginUrl(token, destination, issuer) {
      const q = new URLSearchParams({
        Action: 'login',
        Issuer: issuer,
        Destination: destination,
        SigninToken: token,
      });
      return `${baseUrl}?${q.toString()}`;
    },
  };
}
