/**
 * `doctor --drill`, the one exception to doctor's read-only rule: it assumes the drill role with
 * the caller's credentials and, as the drill role, makes one sts:AssumeRole on the break-glass role,
 * which the trust policy denies. That denied attempt travels the real path (CloudTrail → default
 * bus → the rules → the drill log group) like the scheduled drill.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { DrillAws } from './doctor-ports.js';
import { awsErrorName } from './errors.js';
import type { AwsTarget } from './ports.js';
import { clientOptions } from './read-only.js';

const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

export function sdkDrillAws(target: AwsTarget, now: () => number = Date.now): DrillAws {
  return {
    async attempt(region, drillRoleArn, targetRoleArn, sessionName) {
      const sts = new STSClient(clientOptions({ ...target, region }));
      const r = await sts.send(
        new AssumeRoleCommand({ RoleArn: drillRoleArn, RoleSessionName: sessionName, DurationSeconds: 900 }),
      );
      const c = r.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw new Error('STS AssumeRole returned no credentials for the drill role');
      const asDrill = new STSClient({
        region,
        credentials: {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
        },
      });
      const at = now();
      try {
        await asDrill.send(
          new AssumeRoleCommand({
            RoleArn: targetRoleArn,
            RoleSessionName: sessionName,
            DurationSeconds: 900,
          }),
        );
        return { outcome: 'allowed', at };
      } catch (e) {
        if (DENIED.has(awsErrorName(e))) return { outcome: 'denied', at };
        throw e;
      } finally {
        asDrill.destroy();
        sts.destroy();
      }
    },
  };
}
