import { expect } from "chai";
import { parseOrganizationConfig } from "../core/org/orgConfig";

const ORG = {
  organizationId: "o-a1b2c3d4e5",
  organizationalUnitIds: ["r-a1b2"],
  regions: ["us-east-1", "eu-west-1"],
  externalId: "asw-test",
  managementAccount: { accountId: "111111111111", watched: false },
};

function problems(organization: unknown, spokeRegions?: unknown): string[] {
  const values: Record<string, unknown> = { organization, spokeRegions };
  return parseOrganizationConfig((k) => values[k], "eu-west-1").problems;
}

describe("organization configuration (core/org/orgConfig.ts)", () => {
  it("reads a hub with its defaults", () => {
    const out = parseOrganizationConfig(
      (k) => (k === "organization" ? ORG : undefined),
      "eu-west-1",
    );
    expect(out.problems).to.deep.equal([]);
    expect(out.organization).to.deep.equal({
      ...ORG,
      organizationalUnitPaths: [],
      admittedAccounts: [],
      excludedAccounts: [],
      callAs: "DELEGATED_ADMIN",
      deployStackSets: true,
      expectedAccounts: 0,
      managementAccount: { accountId: "111111111111", roleArn: undefined, watched: false },
      trailLogGroupName: undefined,
    });
  });

  it("no organization: a single account, with its spoke regions", () => {
    const out = parseOrganizationConfig(
      (k) => (k === "spokeRegions" ? ["us-east-1"] : undefined),
      "eu-west-1",
    );
    expect(out).to.deep.equal({ spokeRegions: ["us-east-1"], problems: [] });
  });

  const cases: [string, unknown, unknown, string[]][] = [
    [
      "a role of another account for the management account",
      {
        ...ORG,
        managementAccount: {
          accountId: "111111111111",
          roleArn: "arn:aws:iam::222222222222:role/x",
        },
      },
      undefined,
      [
        'organization.managementAccount.roleArn: "arn:aws:iam::222222222222:role/x" is not a role ARN of account 111111111111',
      ],
    ],
    [
      "watched without a role",
      { ...ORG, managementAccount: { accountId: "111111111111", watched: true } },
      undefined,
      ["organization.managementAccount.roleArn: required to watch the management account"],
    ],
    [
      "a role but watched false",
      {
        ...ORG,
        managementAccount: {
          accountId: "111111111111",
          roleArn: "arn:aws:iam::111111111111:role/x",
          watched: false,
        },
      },
      undefined,
      ["organization.managementAccount: roleArn is set but watched is false; remove one"],
    ],
    [
      "unknown keys, bad values",
      {
        ...ORG,
        regionz: [],
        callAs: "ME",
        expectedAccounts: -1,
        trailLogGroupName: "a b",
        externalId: "",
      },
      undefined,
      [
        "organization.regionz: unknown setting; known: organizationId, organizationalUnitIds, organizationalUnitPaths, admittedAccounts, excludedAccounts, regions, externalId, callAs, deployStackSets, expectedAccounts, managementAccount, trailLogGroupName",
        "organization.externalId: set it (2-1224 characters of letters, digits and +=,.@:/-_)",
        'organization.callAs: expected SELF or DELEGATED_ADMIN, got "ME"',
        "organization.expectedAccounts: expected a whole number >= 0, got -1",
        'organization.trailLogGroupName: "a b" is not a log group name',
      ],
    ],
    [
      "a hub with spokeRegions",
      ORG,
      ["us-east-1"],
      ["spokeRegions: a hub lists its regions in organization.regions"],
    ],
    [
      "no OUs, no regions",
      { ...ORG, organizationalUnitIds: [], regions: [] },
      undefined,
      [
        "organization.organizationalUnitIds: name the OUs (ou-...) or the root (r-...) to deploy the spokes to",
        "organization.regions: list the regions the spokes cover",
      ],
    ],
  ];
  for (const [title, organization, spokeRegions, expected] of cases) {
    it(`refuses ${title}`, () =>
      expect(problems(organization, spokeRegions)).to.deep.equal(expected));
  }
});
