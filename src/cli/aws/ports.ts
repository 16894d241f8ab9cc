/**
 * The small ports the break-glass access commands (assume, console, revoke, status, request,
 * approve) use. The SDK v3 adapters next to this file implement them; tests replace the SDK clients
 * with aws-sdk-client-mock and the federation endpoint with a loopback server.
 */
import type { CallerIdentity, PolicyDocument, ScheduledCall } from '../../engines/access/index.js';

/** Where an SDK client points: `--profile` and `--region` (both optional: the SDK's chain decides). */
export interface AwsTarget {
  readonly profile?: string;
  readonly region?: string;
}

/** Temporary credentials of a role session. Secret: print only where the user asked for them. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** ISO 8601. */
  readonly expiration: string;
}

export interface AssumeRequest {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly sourceIdentity: string;
  readonly durationSeconds: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly mfa?: { readonly serialNumber: string; readonly tokenCode: string };
}

export interface StsPort {
  callerIdentity(): Promise<CallerIdentity>;
  assumeRole(req: AssumeRequest): Promise<{ credentials: SessionCredentials; assumedRoleArn: string }>;
}

export interface RoleInfo {
  readonly arn: string;
  readonly name: string;
  readonly maxSessionDuration: number;
  readonly trustPolicy: PolicyDocument;
  readonly tags: Readonly<Record<string, string>>;
}

export interface IamPort {
  /** Serial numbers (ARNs) of the MFA devices of an IAM user. */
  mfaDevices(userName: string): Promise<string[]>;
  getRole(roleName: string): Promise<RoleInfo>;
  /** An inline policy of a role, or undefined if it has none by that name. */
  getRolePolicy(roleName: string, policyName: string): Promise<PolicyDocument | undefined>;
  putRolePolicy(roleName: string, policyName: string, doc: PolicyDocument): Promise<void>;
  /** False when there was no such policy. */
  deleteRolePolicy(roleName: string, policyName: string): Promise<boolean>;
  updateAssumeRolePolicy(roleName: string, doc: PolicyDocument): Promise<void>;
  tagRole(roleName: string, tags: Readonly<Record<string, string>>): Promise<void>;
  untagRole(roleName: string, keys: readonly string[]): Promise<void>;
}

export interface CloudTrailPort {
  /** CloudTrail records (parsed `CloudTrailEvent` JSON) about a resource, newest first. */
  eventsForResource(resourceName: string, start: Date, end: Date): AsyncIterable<unknown>;
}

export interface SchedulerPort {
  /** Creates a one-shot schedule that deletes itself after it ran; `roleArn` is the execution role. */
  createOneShot(call: ScheduledCall, roleArn: string): Promise<void>;
}

export interface FederationPort {
  /** GetSigninToken of the AWS federation endpoint. */
  signinToken(creds: SessionCredentials, sessionDurationSeconds?: number): Promise<string>;
  /** The console sign-in URL for a token. */
  loginUrl(token: string, destination: string, issuer: string): string;
}

/** Everything the access commands reach outside the process. */
export interface AccessPorts {
  sts(target: AwsTarget): StsPort;
  iam(target: AwsTarget): IamPort;
  cloudTrail(target: AwsTarget & { readonly region: string }): CloudTrailPort;
  scheduler(target: AwsTarget): SchedulerPort;
  federation(): FederationPort;
}
