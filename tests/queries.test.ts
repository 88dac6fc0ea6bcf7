import { expect } from "chai";
import { INCIDENT_FIELDS } from "../core/incidentRecord";
import {
  INCIDENT_LIST_FIELDS,
  LATEST_INCIDENTS_QUERY,
  logGroupsOf,
  QueryLogGroups,
  queryDefinitionName,
  SAVED_QUERIES,
  withSources,
} from "../core/queries";

describe("saved Logs Insights queries", () => {
  it("the five questions of the incident history, each over its log groups", () => {
    expect(SAVED_QUERIES.map((q) => [q.id, q.logGroups])).to.deep.equal([
      ["incidents-by-outcome", QueryLogGroups.Incidents],
      ["incident-by-event-id", QueryLogGroups.Incidents],
      ["who-did-what-to-resource", QueryLogGroups.All],
      ["console-sign-ins-by-mfa", QueryLogGroups.Trail],
      ["denied-calls-by-principal", QueryLogGroups.Trail],
    ]);
  });

  it("incident queries name only fields of the incident record schema", () => {
    const known = new Set(INCIDENT_FIELDS.map((f) => f.name));
    expect(INCIDENT_LIST_FIELDS.filter((f) => !known.has(f))).to.deep.equal([]);
    const byOutcome = SAVED_QUERIES.find((q) => q.id === "incidents-by-outcome")!.queryString;
    expect(byOutcome).to.equal(
      'filter type = "incident"\n| stats count(*) as incidents by remediation, outcome\n| sort incidents desc',
    );
    expect(LATEST_INCIDENTS_QUERY).to.include(`fields ${INCIDENT_LIST_FIELDS.join(", ")}`);
  });

  it("trail queries read CloudTrail's own field names", () => {
    const mfa = SAVED_QUERIES.find((q) => q.id === "console-sign-ins-by-mfa")!.queryString;
    expect(mfa).to.include('filter eventName = "ConsoleLogin"');
    expect(mfa).to.include("additionalEventData.MFAUsed");
    const denied = SAVED_QUERIES.find((q) => q.id === "denied-calls-by-principal")!.queryString;
    expect(denied).to.include("by userIdentity.arn as who");
  });

  it("log groups by query kind, with or without a trail", () => {
    const incidents = ["a", "b"];
    expect(logGroupsOf({ logGroups: QueryLogGroups.Incidents }, incidents, "t")).to.deep.equal(
      incidents,
    );
    expect(logGroupsOf({ logGroups: QueryLogGroups.Trail }, incidents, "t")).to.deep.equal(["t"]);
    expect(logGroupsOf({ logGroups: QueryLogGroups.All }, incidents, "t")).to.deep.equal([
      "a",
      "b",
      "t",
    ]);
    expect(logGroupsOf({ logGroups: QueryLogGroups.All }, incidents, undefined)).to.deep.equal(
      incidents,
    );
  });

  it("names and SOURCE prefixes", () => {
    expect(queryDefinitionName("aws-security-watch/dev", SAVED_QUERIES[0])).to.equal(
      "aws-security-watch/dev/Incidents by remediation and outcome",
    );
    expect(withSources("fields x", ["/aws/lambda/a", "b"])).to.equal(
      "SOURCE '/aws/lambda/a' | SOURCE 'b' | fields x",
    );
  });
});
