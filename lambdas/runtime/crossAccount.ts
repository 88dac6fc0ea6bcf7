/**
 * Acting in a member account of an organization, from the hub: the account check, the loop guard
 * for member-role sessions, and the credentials of the remediation's member role in the event's
 * account (STS AssumeRole with the external id), cached per account.
 *
 * Serialized into each hub remediation Lambda by Pulumi, like the rest of lambdas/runtime/: no Pulumi, no
 * top-level import with runtime effect (the STS client is `require`d inside a function).
 */

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/** The hub settings of a remediation (AutoRemediator `crossAccount`, plain data). */
export interface CrossAccountSettings {
  /** `asw-member-<remediation>`: the role assumed in the event's account. */
  memberRoleName: string;
  /** Named in AssumeRole; the member role's trust requires it. */
  externalId: string;
  /** `o-...`: the organization whose accounts are acted on. */
  organizationId: string;
  /** Accounts of the organization whose events are never acted on. */
  excludedAccounts: string[];
}

/** Temporary credentials as the AWS SDK v3 takes them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The problems of the settings, empty when valid (checked at cold start). */
export function crossAccountProblems(s: unknown): string[] {
  if (typeof s !== "object" || s === null) return ["crossAccount must be an object"];
  const c = s as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof c.memberRoleName !== "string" || !/^[\w+=,.@-]{1,64}$/.test(c.memberRoleName)) {
    problems.push(
      `crossAccount.memberRoleName must be a role name (got ${String(c.memberRoleName)})`,
    );
  }
  if (typeof c.externalId !== "string" || !/^[\w+=,.@:/-]{2,1224}$/.test(c.externalId)) {
    problems.push("crossAccount.externalId must be 2-1224 characters of [\\w+=,.@:/-]");
  }
  if (typeof c.organizationId !== "string" || !/^o-[a-z0-9]{10,32}$/.test(c.organizationId)) {
    problems.push(`crossAccount.organizationId must be o-... (got ${String(c.organizationId)})`);
  }
  if (
    !Array.isArray(c.excludedAccounts) ||
    !c.excludedAccounts.every((a) => typeof a === "string" && /^\d{12}$/.test(a))
  ) {
    problems.push("crossAccount.excludedAccounts must be a list of 12-digit account ids");
  }
  return problems;
}

/**
 * Why the hub must not act on an event of `account` (undefined: it may). The account must be a
 * 12-digit id, the one CloudTrail recorded (`recipientAccountId`, when present), and not
 * excluded. Membership of the organization is enforced by IAM: the function may assume member
 * roles only in the organization (`aws:ResourceOrgID`), and only the organization may put
 * events on the hub bus (`aws:PrincipalOrgID`).
 */
export function accountRefusal(
  account: string,
  recipientAccountId: string | undefined,
  settings: Pick<CrossAccountSettings, "excludedAccounts">,
): string | undefined {
  if (!/^\d{12}$/.test(account)) return `the event's account "${account}" is not an account id`;
  if (recipientAccountId !== undefined && recipientAccountId !== account) {
    return `the event's account ${account} is not the account CloudTrail recorded (${recipientAccountId})`;
  }
  if (settings.excludedAccounts.includes(account)) {
    return `account ${account} is excluded from remediation`;
  }
  return undefined;
}

/**
 * True when the change was made by a session of this remediation's member role in the event's
 * own account (`arn:<p>:sts::<account>:assumed-role/<memberRoleName>/<session>`, or the role as
 * the session issuer): the hub's own action, seen again in the member account's CloudTrail. A
 * role of that name in any other account is someone else's (anyone can create one and be
 * granted access to a member's resource), so its changes are remediated like any other.
 */
export function causedByMemberRole(
  facts: { principal: string; issuerArn?: string; account: string },
  memberRoleName: string,
): boolean {
  if (!/^\d{12}$/.test(facts.account)) return false;
  const name = memberRoleName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const account = facts.account;
  return (
    new RegExp(`^arn:aws[a-z-]*:sts::${account}:assumed-role/${name}/`).test(facts.principal) ||
    new RegExp(`^arn:aws[a-z-]*:iam::${account}:role/(?:.*/)?${name}$`).test(facts.issuerArn ?? "")
  );
}

/**
 * A credentials source for member accounts: `credentialsFor(account)` returns the member role's
 * credentials in `account`, from a per-container cache while they have more than five minutes
 * left, else from one AssumeRole (concurrent callers for the same account share it). The STS
 * client retries throttling adaptively, so that a storm across many accounts slows down rather
 * than fails. An AssumeRole that is denied fails with a message that says what to check (the
 * member role missing in that account, or its trust). STS is called in the region of the event
 * (its regional endpoint): no dependency on us-east-1.
 */
export function memberCredentials(
  settings: CrossAccountSettings,
  remediation: string,
  partition = "aws",
): (account: string, region: string) => Promise<Credentials> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sts: typeof import("@aws-sdk/client-sts") = require("@aws-sdk/client-sts");
  const clients: Record<string, InstanceType<typeof sts.STSClient>> = {};
  const cache: Record<string, Promise<Credentials>> = {};
  const marginMs = 5 * 60_000;
  return async (account, region) => {
    const cached = cache[account];
    if (cached) {
      const creds = await cached.catch(() => undefined);
      if (creds && creds.expiration.getTime() - Date.now() > marginMs) return creds;
    }
    const roleArn = `arn:${partition}:iam::${account}:role/${settings.memberRoleName}`;
    const client = (clients[region] ??= new sts.STSClient({
      region,
      maxAttempts: 6,
      retryMode: "adaptive",
    }));
    const pending = client
      .send(
        new sts.AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: `asw-${remediation}`.slice(0, 64),
          ExternalId: settings.externalId,
          DurationSeconds: 3600,
        }),
      )
      .then((out) => {
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
          throw new Error(`AssumeRole ${roleArn} returned no credentials`);
        }
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration ?? new Date(Date.now() + 3600_000),
        };
      })
      .catch((err: { name?: string; message?: string }) => {
        delete cache[account];
        const name = err?.name ?? "Error";
        const hint =
          name === "AccessDenied" || name === "AccessDeniedException"
            ? `: the member role is missing in account ${account} or does not trust this function; check the spoke account StackSet instance there (aws cloudformation list-stack-instances --stack-set-name <hub>-spoke-account --call-as DELEGATED_ADMIN), or deploy the account template`
            : "";
        throw Object.assign(
          new Error(`cannot assume ${roleArn} (${name}: ${err?.message ?? ""})${hint}`),
          { name },
        );
      });
    cache[account] = pending;
    return pending;
  };
}
