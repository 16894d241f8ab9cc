import { AccessInputError } from './errors.js';

/**
 * Who is calling, from STS GetCallerIdentity (`Arn`, `UserId`, `Account`).
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 */
export interface CallerIdentity {
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

/** The person behind a caller identity: an IAM user, or a role session (Identity Center, SAML, …). */
export interface Person {
  readonly kind: 'iam-user' | 'role-session';
  readonly partition: string;
  readonly account: string;
  /** IAM user name, or the role session name (Identity Center sets it to the user name). */
  readonly name: string;
  /** `aws:userid`: the user's unique id, or `<role-id>:<session name>`. */
  readonly userId: string;
  /** The caller ARN as STS reports it. */
  readonly arn: string;
  /** Values `aws:PrincipalArn` may take for this person (patterns for role sessions: the role path is not in the session ARN). */
  readonly principalArnPatterns: readonly string[];
  /** Name of the role the session belongs to (role sessions only). */
  readonly roleName?: string;
}

/** Role session names and source identities: 2-64 of `[\w+=,.@-]` (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * The person from a GetCallerIdentity answer. IAM user ARNs are `arn:<p>:iam::<acct>:user[/path]/<name>`;
 * role sessions are `arn:<p>:sts::<acct>:assumed-role/<role>/<session>`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
 * The root user cannot assume roles and is rejected.
 */
export function personOf(caller: CallerIdentity): Person {
  const user = /^arn:(aws[a-z-]*):iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(caller.arn);
  if (user) {
    const [, partition, account, name] = user as unknown as [string, string, string, string];
    return {
      kind: 'iam-user',
      partition,
      account,
      name,
      userId: caller.userId,
      arn: caller.arn,
      principalArnPatterns: [caller.arn],
    };
  }
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/([^/]+)$/.exec(caller.arn);
  if (session) {
    const [, partition, account, roleName, name] = session as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const role = `arn:${partition}:iam::${account}:role`;
    return {
      kind: 'role-session',
      partition,
      account,
      name,
      userId: caller.userId,
      arn: caller.arn,
      principalArnPatterns: [`${role}/${roleName}`, `${role}/*/${roleName}`],
      roleName,
    };
  }
  if (/:root$/.test(caller.arn)) {
    throw new AccessInputError(
      'credentials',
      "these are the account root user's credentials, which cannot assume roles; use your own IAM user or Identity Center sign-in",
    );
  }
  throw new AccessInputError(
    'credentials',
    `the caller ${JSON.stringify(caller.arn)} is neither an IAM user nor a role session; use your own IAM user or Identity Center sign-in`,
  );
}

/**
 * The source identity and role session name for a person: their name when STS accepts it
 * (the break-glass trust policy binds the source identity to `${aws:username}` or the session name).
 */
export function sourceIdentityOf(person: Person): string {
  if (!SESSION_NAME.test(person.name)) {
    throw new AccessInputError(
      'credentials',
      `your name ${JSON.stringify(person.name)} cannot be a source identity (2-64 of letters, digits and + = , . @ _ -); ask an administrator to rename the user`,
    );
  }
  return person.name;
}

/** True when two callers may be the same person: the same unique id, or the same name (in any account, any case). */
export function samePerson(a: Pick<Person, 'userId' | 'name'>, b: Pick<Person, 'userId' | 'name'>): boolean {
  return a.userId === b.userId || a.name.toLowerCase() === b.name.toLowerCase();
}
