/** STS port over AWS SDK v3: GetCallerIdentity and AssumeRole (with source identity, session tags, MFA). */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRequest, AwsTarget, SessionCredentials, StsPort } from './ports.js';

export function makeStsClient(t: AwsTarget): STSClient {
  return new STSClient({
    ...(t.region ? { region: t.region } : {}),
    ...(t.profile ? { profile: t.profile } : {}),
  });
}

export function sdkStsPort(client: STSClient): StsPort {
  return {
    async callerIdentity() {
      const r = await client.send(new GetCallerIdentityCommand({}));
      if (!r.Arn || !r.UserId || !r.Account)
        throw new Error('STS GetCallerIdentity returned no Arn/UserId/Account');
      return { arn: r.Arn, userId: r.UserId, account: r.Account };
    },
    async assumeRole(req: AssumeRequest) {
      const r = await client.send(
        new AssumeRoleCommand({
          RoleArn: req.roleArn,
          RoleSessionName: req.sessionName,
          SourceIdentity: req.sourceIdentity,
          DurationSeconds: req.durationSeconds,
          Tags: Object.entries(req.tags).map(([Key, Value]) => ({ Key, Value })),
          ...(req.mfa ? { SerialNumber: req.mfa.serialNumber, TokenCode: req.mfa.tokenCode } : {}),
        }),
      );
      const c = r.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new Error('STS AssumeRole returned no credentials');
      }
      const credentials: SessionCredentials = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(c.Expiration).toISOString(),
      };
      return { credentials, assumedRoleArn: r.AssumedRoleUser?.Arn ?? '' };
    },
  };
}
