import { expect } from "chai";
import { securityWatchProblems, watchSettings } from "../components/securityWatch";

const ORG = {
  organizationId: "o-a1b2c3d4e5",
  organizationalUnitIds: ["r-a1b2"],
  regions: ["us-east-1", "eu-west-1"],
  externalId: "asw-test",
  managementAccount: { accountId: "111111111111", watched: false },
};

function problems(organization: unknown, spokeRegions?: unknown): string[] {
  return securityWatchProblems({ homeRegion: "eu-west-1", organization, spokeRegions });
}

describe("organization configuration (SecurityWatch hub mode)", () => {
  it("reads a hub with its defaults", () => {
    expect(problems(ORG)).to.deep.equal([]);
    expect(watchSettings({ organization: ORG }).organization).to.deep.equal({
      ...ORG,
      organizationalUnitPaths: [],
      admittedAccounts: [],
      excludedAccounts: [],
      callAs: "DELEGATED_ADMIN",
      deployStackSets: true,
      expectedAccounts: 0,
    });
  });

  it("no organization: a single account, with its spoke regions", () => {
    expect(problems(undefined, ["us-east-1"])).to.deep.equal([]);
    const settings = watchSettings({ spokeRegions: ["us-east-1"] });
    expect([settings.organization, settings.spokeRegions]).to.deep.equal([
      undefined,
      ["us-east-1"],
    ]);
    expect(problems(undefined, ["eu-west-1"])).to.deep.equal([
      'spokeRegions: "eu-west-1" is the stack\'s own region; list the other regions',
    ]);
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
        'organization.externalId: "" is not an external id (2-1224 characters of letters, digits and +=,.@:/-_)',
        'organization.regionz: unknown setting (did you mean "regions"?); known: organizationId, organizationalUnitIds, organizationalUnitPaths, admittedAccounts, excludedAccounts, regions, externalId, callAs, deployStackSets, expectedAccounts, managementAccount, trailLogGroupName',
        'organization.callAs: expected one of SELF, DELEGATED_ADMIN, got the string "ME"',
        "organization.expectedAccounts: -1 is not a whole number from 0 to 100000",
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
    [
      "a management account that is not said",
      { ...ORG, managementAccount: undefined },
      undefined,
      [
        "organization.managementAccount: required (service-managed StackSets skip the management account; set accountId and roleArn (the hub deploys its spoke with explicit providers) or watched: false)",
      ],
    ],
    [
      "an organization id written as a YAML number",
      { ...ORG, organizationId: 123456789012 },
      undefined,
      [
        "organization.organizationId: expected an organization id (o-...), got the number 123456789012 (YAML reads it as a number: quote it)",
      ],
    ],
  ];
  for (const [title, organization, spokeRegions, expected] of cases) {
    it(`refuses ${title}`, () =>
      expect(problems(organization, spokeRegions)).to.deep.equal(expected));
  }
});
