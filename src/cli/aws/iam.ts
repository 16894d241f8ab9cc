/** IAM port over AWS SDK v3: role, inline policies, trust policy, tags, MFA devices. */
import {
  DeleteRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListMFADevicesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { asPolicyDocument, type PolicyDocument } from '../../engines/access/index.js';
import { awsErrorName } from './errors.js';
import type { AwsTarget, IamPort } from './ports.js';

export function makeIamClient(t: AwsTarget): IAMClient {
  return new IAMClient({
    ...(t.region ? { region: t.region } : {}),
    ...(t.profile ? { profile: t.profile } : {}),
  });
}

/** IAM returns policy documents URL-encoded (RFC 3986) in GetRole / GetRolePolicy. */
function decodePolicy(text: string | undefined, field: string): PolicyDocument {
  if (!text) return { Version: '2012-10-17', Statement: [] };
  const json = text.trim().startsWith('{') ? text : decodeURIComponent(text);
  return asPolicyDocument(JSON.parse(json), field);
}

export function sdkIamPort(client: IAMClient): IamPort {
  return {
    async mfaDevices(userName) {
      const r = await client.send(new ListMFADevicesCommand({ UserName: userName }));
      return (r.MFADevices ?? []).map((d) => d.SerialNumber ?? '').filter(Boolean);
    },
    async getRole(roleName) {
      const r = await client.send(new GetRoleCommand({ RoleName: roleName }));
      const role = r.Role;
      if (!role?.Arn || !role.RoleName) throw new Error('IAM GetRole returned no role');
      const tags: Record<string, string> = {};
      let marker: string | undefined;
      do {
        const page = await client.send(new ListRoleTagsCommand({ RoleName: roleName, Marker: marker }));
        for (const t of page.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      return {
        arn: role.Arn,
        name: role.RoleName,
        maxSessionDuration: role.MaxSessionDuration ?? 3600,
        trustPolicy: decodePolicy(role.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument'),
        tags,
      };
    },
    async getRolePolicy(roleName, policyName) {
      try {
        const r = await client.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
        return decodePolicy(r.PolicyDocument, policyName);
      } catch (e) {
        if (awsErrorName(e) === 'NoSuchEntityException' || awsErrorName(e) === 'NoSuchEntity')
          return undefined;
        throw e;
      }
    },
    async putRolePolicy(roleName, policyName, doc) {
      await client.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: policyName,
          PolicyDocument: JSON.stringify(doc),
        }),
      );
    },
    async deleteRolePolicy(roleName, policyName) {
      try {
        await client.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
        return true;
      } catch (e) {
        if (awsErrorName(e) === 'NoSuchEntityException' || awsErrorName(e) === 'NoSuchEntity') return false;
        throw e;
      }
    },
    async updateAssumeRolePolicy(roleName, doc) {
      await client.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(doc) }),
      );
    },
    async tagRole(roleName, tags) {
      await client.send(
        new TagRoleCommand({
          RoleName: roleName,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    },
    async untagRole(roleName, keys) {
      if (keys.length === 0) return;
      await client.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: [...keys] }));
    },
  };
}
