/**
 * The organization part of the stack configuration (`aws-security-watch:organization` and
 * `aws-security-watch:spokeRegions`), read and validated like the rest of core/stackConfig.ts:
 * every problem with its config path. Plain data, no Pulumi.
 */
import { hubBusPolicyProblems } from "./busPolicy";

/** How the hub covers the management account, which service-managed StackSets skip. */
export interface ManagementAccountConfig {
  readonly accountId: string;
  /**
   * A role in the management account that the hub stack assumes to deploy its spoke with
   * explicit providers (CloudFormation stacks); unset: the management account is not watched,
   * which the configuration must say with `watched: false`.
   */
  readonly roleArn?: string;
  readonly watched: boolean;
}

export interface OrganizationConfig {
  readonly organizationId: string;
  readonly organizationalUnitIds: string[];
  readonly organizationalUnitPaths: string[];
  readonly admittedAccounts: string[];
  readonly excludedAccounts: string[];
  readonly regions: string[];
  readonly externalId: string;
  readonly callAs: "SELF" | "DELEGATED_ADMIN";
  readonly deployStackSets: boolean;
  readonly expectedAccounts: number;
  readonly managementAccount: ManagementAccountConfig;
  /**
   * The hub's copy of the organization trail's log group (a CloudWatch Logs centralization rule
   * copies it from the management account): the CIS alarms run on it.
   */
  readonly trailLogGroupName?: string;
}

type Raw = Record<string, unknown>;

const KNOWN = [
  "organizationId",
  "organizationalUnitIds",
  "organizationalUnitPaths",
  "admittedAccounts",
  "excludedAccounts",
  "regions",
  "externalId",
  "callAs",
  "deployStackSets",
  "expectedAccounts",
  "managementAccount",
  "trailLogGroupName",
];
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

const isMap = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

function strings(value: unknown, path: string, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    problems.push(`${path}: expected a list of strings, got ${JSON.stringify(value)}`);
    return [];
  }
  return value as string[];
}

/**
 * Reads `organization` (undefined when absent: a single-account stack) and `spokeRegions`.
 * @returns the settings and the problems found (empty when valid)
 */
export function parseOrganizationConfig(
  get: (key: string) => unknown,
  homeRegion: string | undefined,
): { organization?: OrganizationConfig; spokeRegions: string[]; problems: string[] } {
  const problems: string[] = [];
  const spokeRegions = strings(get("spokeRegions"), "spokeRegions", problems);
  for (const region of spokeRegions) {
    if (!REGION.test(region)) problems.push(`spokeRegions: "${region}" is not a region name`);
    if (region === homeRegion) {
      problems.push(`spokeRegions: "${region}" is the stack's own region; list the other regions`);
    }
  }
  const raw = get("organization");
  if (raw === undefined || raw === null) return { spokeRegions, problems };
  if (!isMap(raw)) {
    problems.push(`organization: expected a map, got ${JSON.stringify(raw)}`);
    return { spokeRegions, problems };
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN.includes(key))
      problems.push(`organization.${key}: unknown setting; known: ${KNOWN.join(", ")}`);
  }
  if (spokeRegions.length > 0) {
    problems.push("spokeRegions: a hub lists its regions in organization.regions");
  }
  const organizationId = typeof raw.organizationId === "string" ? raw.organizationId : "";
  const organizationalUnitIds = strings(
    raw.organizationalUnitIds,
    "organization.organizationalUnitIds",
    problems,
  );
  const organizationalUnitPaths = strings(
    raw.organizationalUnitPaths,
    "organization.organizationalUnitPaths",
    problems,
  );
  const admittedAccounts = strings(raw.admittedAccounts, "organization.admittedAccounts", problems);
  const excludedAccounts = strings(raw.excludedAccounts, "organization.excludedAccounts", problems);
  problems.push(
    ...hubBusPolicyProblems({
      organizationId,
      organizationalUnitPaths,
      accounts: admittedAccounts,
      excludedAccounts,
    }).map((p) => `organization.${p}`),
  );
  if (organizationalUnitIds.length === 0) {
    problems.push(
      "organization.organizationalUnitIds: name the OUs (ou-...) or the root (r-...) to deploy the spokes to",
    );
  }
  const regions = strings(raw.regions, "organization.regions", problems);
  if (regions.length === 0)
    problems.push("organization.regions: list the regions the spokes cover");
  for (const region of regions) {
    if (!REGION.test(region))
      problems.push(`organization.regions: "${region}" is not a region name`);
  }
  const externalId = typeof raw.externalId === "string" ? raw.externalId : "";
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    problems.push(
      "organization.externalId: set it (2-1224 characters of letters, digits and +=,.@:/-_)",
    );
  }
  const callAs = raw.callAs ?? "DELEGATED_ADMIN";
  if (callAs !== "SELF" && callAs !== "DELEGATED_ADMIN") {
    problems.push(
      `organization.callAs: expected SELF or DELEGATED_ADMIN, got ${JSON.stringify(callAs)}`,
    );
  }
  const deployStackSets = raw.deployStackSets ?? true;
  if (typeof deployStackSets !== "boolean") {
    problems.push(
      `organization.deployStackSets: expected true or false, got ${JSON.stringify(deployStackSets)}`,
    );
  }
  const expectedAccounts = raw.expectedAccounts ?? 0;
  if (
    typeof expectedAccounts !== "number" ||
    !Number.isInteger(expectedAccounts) ||
    expectedAccounts < 0
  ) {
    problems.push(
      `organization.expectedAccounts: expected a whole number >= 0, got ${JSON.stringify(expectedAccounts)}`,
    );
  }

  const trailLogGroupName = raw.trailLogGroupName;
  if (
    trailLogGroupName !== undefined &&
    (typeof trailLogGroupName !== "string" || !/^[\w#/.-]{1,512}$/.test(trailLogGroupName))
  ) {
    problems.push(
      `organization.trailLogGroupName: ${JSON.stringify(trailLogGroupName)} is not a log group name`,
    );
  }

  // Service-managed StackSets skip the management account: the configuration says what to do.
  const m = raw.managementAccount;
  let managementAccount: ManagementAccountConfig = { accountId: "", watched: false };
  if (!isMap(m)) {
    problems.push(
      "organization.managementAccount: service-managed StackSets skip the management account; set accountId and roleArn (the hub deploys its spoke with explicit providers) or watched: false",
    );
  } else {
    const accountId = typeof m.accountId === "string" ? m.accountId : "";
    if (!/^\d{12}$/.test(accountId)) {
      problems.push("organization.managementAccount.accountId: the 12-digit management account id");
    }
    const roleArn = typeof m.roleArn === "string" ? m.roleArn : undefined;
    const watched = m.watched ?? roleArn !== undefined;
    const match = roleArn === undefined ? null : ROLE_ARN.exec(roleArn);
    if (roleArn !== undefined && (match === null || match[1] !== accountId)) {
      problems.push(
        `organization.managementAccount.roleArn: "${roleArn}" is not a role ARN of account ${accountId}`,
      );
    }
    if (watched === true && roleArn === undefined) {
      problems.push(
        "organization.managementAccount.roleArn: required to watch the management account",
      );
    }
    if (watched === false && roleArn !== undefined) {
      problems.push(
        "organization.managementAccount: roleArn is set but watched is false; remove one",
      );
    }
    if (typeof watched !== "boolean") {
      problems.push(
        `organization.managementAccount.watched: expected true or false, got ${JSON.stringify(watched)}`,
      );
    }
    for (const key of Object.keys(m)) {
      if (!["accountId", "roleArn", "watched"].includes(key)) {
        problems.push(
          `organization.managementAccount.${key}: unknown setting; known: accountId, roleArn, watched`,
        );
      }
    }
    managementAccount = { accountId, roleArn, watched: watched === true };
  }
  return {
    spokeRegions,
    problems,
    organization: {
      organizationId,
      organizationalUnitIds,
      organizationalUnitPaths,
      admittedAccounts,
      excludedAccounts,
      regions,
      externalId,
      callAs: callAs as "SELF" | "DELEGATED_ADMIN",
      deployStackSets: deployStackSets === true,
      expectedAccounts: typeof expectedAccounts === "number" ? expectedAccounts : 0,
      managementAccount,
      trailLogGroupName: typeof trailLogGroupName === "string" ? trailLogGroupName : undefined,
    },
  };
}
