import { expect } from "chai";
import fc from "fast-check";
import { resolveDetections } from "../core/detection";
import { forwardingRules, ForwardingScope } from "../core/org/forwarding";
import { hubBusPolicy, hubBusPolicyProblems } from "../core/org/busPolicy";
import {
  assumeMemberRoleStatement,
  memberRoleArn,
  memberRoleName,
  memberTrustPolicy,
} from "../core/org/memberRoles";
import {
  accountSpokeTemplate,
  CFN_LIMITS,
  forwardRuleLogicalId,
  HEARTBEAT_RULE_NAME,
  memberRoleLogicalId,
  regionalSpokeTemplate,
  templateBody,
} from "../core/org/spokeTemplate";
import { remediationStatements } from "../remediations/registry";
import { REMEDIATION_IDS, RemediationId } from "../core/types";
import { cfnLint, findCfnLint } from "../scripts/cfnLint";

const DETECTIONS = resolveDetections({ ruleNamePrefix: "asw-hub" });
const REGIONAL = regionalSpokeTemplate(DETECTIONS);
const ACCOUNT = accountSpokeTemplate(REMEDIATION_IDS);
const ORG = "o-abcdefghij";
const HUB = "222222222222";

/** Resolves the `Fn::Sub` strings of a template fragment with `values` (what CloudFormation does). */
function resolveSubs(value: unknown, values: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveSubs(v, values));
  if (typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o["Fn::Sub"] === "string") {
      return (o["Fn::Sub"] as string).replace(/\$\{([^}]+)\}/g, (_, k: string) => {
        if (values[k] === undefined) throw new Error(`unresolved \${${k}}`);
        return values[k];
      });
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveSubs(v, values)]));
  }
  return value;
}

const MEMBER = {
  "AWS::Partition": "aws",
  "AWS::AccountId": "111111111111",
  "AWS::Region": "eu-west-1",
  HubAccountId: HUB,
  OrganizationId: ORG,
  ExternalId: "asw-test",
};

describe("spoke templates (core/org/spokeTemplate.ts)", () => {
  it("regional: one rule per forwarding rule, with its exact pattern, to the hub bus through the role", () => {
    const rules = forwardingRules(DETECTIONS);
    for (const rule of rules) {
      const resource = REGIONAL.Resources[forwardRuleLogicalId(rule.key)];
      expect(resource.Type).to.equal("AWS::Events::Rule");
      expect(resource.Properties.Name).to.equal(`asw-spoke-${rule.key}`);
      expect(resource.Properties.EventPattern).to.deep.equal(rule.eventPattern);
      expect(resource.Condition).to.equal(
        rule.scope === ForwardingScope.GlobalRegion ? "InGlobalRegion" : undefined,
      );
      expect(resource.Properties.Targets).to.deep.equal([
        {
          Id: "hub",
          Arn: { Ref: "HubEventBusArn" },
          RoleArn: { "Fn::GetAtt": ["ForwarderRole", "Arn"] },
          DeadLetterConfig: { Arn: { "Fn::GetAtt": ["ForwardDeadLetterQueue", "Arn"] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
      ]);
    }
    const ruleResources = Object.values(REGIONAL.Resources).filter(
      (r) => r.Type === "AWS::Events::Rule",
    );
    expect(ruleResources).to.have.length(rules.length + 1);
    expect(REGIONAL.Conditions).to.deep.equal({
      InGlobalRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] },
    });
  });

  it("regional: an hourly heartbeat to the hub bus", () => {
    expect(REGIONAL.Resources.Heartbeat.Properties).to.deep.include({
      Name: HEARTBEAT_RULE_NAME,
      ScheduleExpression: "rate(1 hour)",
      State: "ENABLED",
    });
    expect(REGIONAL.Resources.Heartbeat.Properties.Targets).to.deep.equal([
      {
        Id: "hub",
        Arn: { Ref: "HubEventBusArn" },
        RoleArn: { "Fn::GetAtt": ["ForwarderRole", "Arn"] },
      },
    ]);
  });

  it("regional: the forwarder role may only put events on the hub bus, and only the spoke's rules may use it", () => {
    const role = REGIONAL.Resources.ForwarderRole.Properties;
    expect(role.Policies).to.deep.equal([
      {
        PolicyName: "put-events-on-hub-bus",
        PolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "events:PutEvents", Resource: { Ref: "HubEventBusArn" } },
          ],
        },
      },
    ]);
    expect(resolveSubs(role.AssumeRolePolicyDocument, MEMBER)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "111111111111" },
            ArnLike: { "aws:SourceArn": "arn:aws:events:eu-west-1:111111111111:rule/asw-spoke-*" },
          },
        },
      ],
    });
  });

  it("account: one member role per remediation, its permissions the single-account role's own statements, for the spokes' regions", () => {
    for (const id of REMEDIATION_IDS) {
      const role = ACCOUNT.Resources[memberRoleLogicalId(id)];
      expect(role.Type).to.equal("AWS::IAM::Role");
      expect(role.Properties.RoleName).to.equal(memberRoleName(id));
      const policies = resolveSubs(role.Properties.Policies, MEMBER);
      // The single-account role's statements for one region, widened to the spokes' regions:
      // ARNs in any region, and every Allow but IAM's (global) bound to the Regions parameter
      // by aws:RequestedRegion (D12: ARN-scoped actions too).
      const single = JSON.parse(
        JSON.stringify(
          remediationStatements(id, {
            partition: "aws",
            account: "111111111111",
            region: "eu-west-1",
          }),
        ).replace(/:eu-west-1:/g, ":*:"),
      ) as { Effect: string; Action: string[]; Condition?: Record<string, object> }[];
      const regions = { Ref: "Regions" };
      const expected = single.map((st) =>
        st.Effect === "Allow" && !st.Action.every((a) => a.startsWith("iam:"))
          ? {
              ...st,
              Condition: {
                ...st.Condition,
                StringEquals: { ...st.Condition?.StringEquals, "aws:RequestedRegion": regions },
              },
            }
          : st,
      );
      expect(policies).to.deep.equal([
        { PolicyName: id, PolicyDocument: { Version: "2012-10-17", Statement: expected } },
      ]);
      expect(resolveSubs(role.Properties.AssumeRolePolicyDocument, MEMBER)).to.deep.equal(
        memberTrustPolicy(id, {
          partition: "aws",
          hubAccount: HUB,
          organizationId: ORG,
          externalId: "asw-test",
        }),
      );
    }
    expect(Object.keys(ACCOUNT.Resources)).to.have.length(REMEDIATION_IDS.length);
  });

  it("the member trust admits only the hub function role of the same remediation, in the organization, with the external id", () => {
    expect(
      memberTrustPolicy(RemediationId.RevokeWorldIngress, {
        partition: "aws",
        hubAccount: HUB,
        organizationId: ORG,
        externalId: "asw-test",
      }),
    ).to.deep.equal({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "HubRemediationFunctionOnly",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::222222222222:root" },
          Action: "sts:AssumeRole",
          Condition: {
            ArnEquals: {
              "aws:PrincipalArn": "arn:aws:iam::222222222222:role/asw-hub-revoke-world-ingress",
            },
            StringEquals: { "aws:PrincipalOrgID": ORG, "sts:ExternalId": "asw-test" },
          },
        },
      ],
    });
    expect(memberRoleArn("aws", "111111111111", RemediationId.UnshareSnapshot)).to.equal(
      "arn:aws:iam::111111111111:role/asw-member-unshare-snapshot",
    );
    expect(
      assumeMemberRoleStatement(RemediationId.UnshareSnapshot, {
        partition: "aws",
        organizationId: ORG,
      }),
    ).to.deep.equal({
      Sid: "AssumeMemberRole",
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: "arn:aws:iam::*:role/asw-member-unshare-snapshot",
      Condition: { StringEquals: { "aws:ResourceOrgID": ORG } },
    });
  });

  it("no statement allows a '*' action, and every name fits IAM's and EventBridge's 64 characters", () => {
    const allows: Record<string, unknown>[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null) {
        const o = v as Record<string, unknown>;
        if (o.Effect === "Allow") allows.push(o);
        Object.values(o).forEach(walk);
      }
    };
    walk([REGIONAL, ACCOUNT]);
    expect(allows.length).to.be.greaterThan(REMEDIATION_IDS.length);
    for (const statement of allows) {
      for (const action of [statement.Action].flat() as string[]) {
        expect(action, JSON.stringify(statement)).to.not.match(/^\*$|:\*$/);
      }
    }
    for (const r of [...Object.values(REGIONAL.Resources), ...Object.values(ACCOUNT.Resources)]) {
      const name = (r.Properties.Name ?? r.Properties.RoleName) as string | undefined;
      if (name) expect(name.length, name).to.be.at.most(64);
    }
  });

  it("both templates are within CloudFormation's inline template body and resource limits", () => {
    for (const t of [REGIONAL, ACCOUNT]) {
      const { bytes } = templateBody(t);
      expect(bytes).to.be.at.most(CFN_LIMITS.templateBodyBytes);
      expect(Object.keys(t.Resources).length).to.be.at.most(CFN_LIMITS.resources);
    }
  });

  it("cfn-lint finds nothing in either template (when cfn-lint is installed; .ci/run installs it)", function () {
    const command = findCfnLint();
    if (!command) {
      // .ci/run installs cfn-lint, so CI always runs this test; a bare machine says why it did not.
      this.skip();
    }
    this.timeout(120_000);
    const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    for (const t of [REGIONAL, ACCOUNT]) {
      const result = cfnLint(command!, templateBody(t).body, regions);
      expect(result.findings, result.findings.join("\n")).to.deep.equal([]);
      expect(result.exitCode).to.equal(0);
    }
    // And it does report a broken template (the test can fail).
    const broken = {
      ...ACCOUNT,
      Resources: { X: { Type: "AWS::IAM::Role", Properties: { Bogus: 1 } } },
    };
    expect(cfnLint(command!, JSON.stringify(broken), regions).exitCode).to.not.equal(0);
  });
});

describe("hub bus policy (core/org/busPolicy.ts)", () => {
  const bus = "arn:aws:events:eu-west-1:222222222222:event-bus/asw-hub";
  const base = {
    eventBusArn: bus,
    organizationId: ORG,
    organizationalUnitPaths: [],
    accounts: [],
    excludedAccounts: [],
  };

  it("admits the whole organization by aws:PrincipalOrgID", () => {
    expect(hubBusPolicy(base).Statement).to.deep.equal([
      {
        Sid: "OrganizationPutsEvents",
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: bus,
        Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
      },
    ]);
  });

  it("narrows to OUs and accounts, and denies excluded accounts", () => {
    const path = `${ORG}/r-ab12/ou-ab12-abcdefgh/`;
    const policy = hubBusPolicy({
      ...base,
      organizationalUnitPaths: [path],
      accounts: ["333333333333"],
      excludedAccounts: ["444444444444"],
    });
    expect(policy.Statement.map((s) => [s.Sid, s.Effect, s.Condition])).to.deep.equal([
      [
        "OrganizationalUnitsPutEvents",
        "Allow",
        {
          StringEquals: { "aws:PrincipalOrgID": ORG },
          "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": [`${path}*`] },
        },
      ],
      [
        "AccountsPutEvents",
        "Allow",
        { StringEquals: { "aws:PrincipalOrgID": ORG, "aws:PrincipalAccount": ["333333333333"] } },
      ],
      [
        "ExcludedAccountsNever",
        "Deny",
        { StringEquals: { "aws:PrincipalAccount": ["444444444444"] } },
      ],
    ]);
  });

  it("reports each malformed field", () => {
    expect(
      hubBusPolicyProblems({
        organizationId: "org-1",
        organizationalUnitPaths: ["ou-ab12-abcdefgh", "o-zzzzzzzzzz/r-ab12/"],
        accounts: ["12"],
        excludedAccounts: ["x"],
      }),
    ).to.deep.equal([
      'organizationId: "org-1" is not an organization id (o-...)',
      'organizationalUnitPaths: "ou-ab12-abcdefgh" is not an organization path like o-abcdefghij/r-ab12/ou-ab12-abcdefgh/',
      'organizationalUnitPaths: "o-zzzzzzzzzz/r-ab12/" is not in org-1',
      'accounts: "12" is not a 12-digit account id',
      'excludedAccounts: "x" is not a 12-digit account id',
    ]);
  });

  it("property: every policy allows only events:PutEvents on the bus, always conditioned on the organization", () => {
    const account = fc.stringMatching(/^\d{12}$/);
    fc.assert(
      fc.property(
        fc.array(account, { maxLength: 3 }),
        fc.array(account, { maxLength: 3 }),
        (accounts, excluded) => {
          const policy = hubBusPolicy({ ...base, accounts, excludedAccounts: excluded });
          for (const s of policy.Statement) {
            expect(s.Action).to.equal("events:PutEvents");
            expect(s.Resource).to.equal(bus);
            if (s.Effect === "Allow")
              expect(s.Condition.StringEquals["aws:PrincipalOrgID"]).to.equal(ORG);
          }
          expect(policy.Statement.some((s) => s.Effect === "Allow")).to.equal(true);
        },
      ),
    );
  });
});
