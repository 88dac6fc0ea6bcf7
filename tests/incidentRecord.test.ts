import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
  countByOutcome,
  INCIDENT_FIELDS,
  INCIDENT_OUTCOMES,
  INCIDENT_SCHEMA_VERSION,
  IncidentFieldType,
  incidentSchemaTable,
  parseDuration,
  parseIncidentLines,
  recordsSince,
} from "../core/incidentRecord";
import { PINNED_INCIDENT_FIELDS } from "./helpers/incidentSchema";

const ROOT = path.resolve(__dirname, "..");
const DRILL_RUN = path.join(ROOT, "tests", "fixtures", "incidents", "drill-run.jsonl");

describe("incident record schema (version 1)", () => {
  it("is pinned: these fields, in this order", () => {
    expect(INCIDENT_SCHEMA_VERSION).to.equal(1);
    expect(INCIDENT_FIELDS.map((f) => f.name)).to.deep.equal(PINNED_INCIDENT_FIELDS);
  });

  it("the records the serialized handlers wrote in the drill have exactly these fields, of these types", () => {
    const records = parseIncidentLines(fs.readFileSync(DRILL_RUN, "utf8").split("\n"));
    expect(records).to.have.length(10);
    for (const record of records) {
      expect(Object.keys(record)).to.deep.equal(PINNED_INCIDENT_FIELDS);
      expect(record.schemaVersion).to.equal(INCIDENT_SCHEMA_VERSION);
      expect(INCIDENT_OUTCOMES).to.include(record.outcome);
      for (const field of INCIDENT_FIELDS) {
        const value = record[field.name];
        if (field.type === IncidentFieldType.Strings) {
          expect(value, field.name).to.be.an("array");
          expect(
            (value as unknown[]).every((v) => typeof v === "string"),
            field.name,
          ).to.equal(true);
        } else {
          expect(typeof value, field.name).to.equal(field.type);
        }
      }
      // What an auditor asks is filled in on a remediated event.
      for (const name of [
        "eventId",
        "principal",
        "sourceIp",
        "detection",
        "stateBefore",
        "stateAfter",
      ]) {
        expect(record[name], name).to.be.a("string").that.is.not.equal("");
      }
      expect(record.attackIds).to.not.deep.equal([]);
    }
  });

  it("docs/operations.md documents it as it is (its generated block)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "operations.md"), "utf8");
    const match = doc.match(/<!-- generated:incident-schema -->\n([\s\S]*?)\n<!-- \/generated -->/);
    expect(match, "incident-schema block").to.not.equal(null);
    expect(match![1]).to.equal(incidentSchemaTable());
  });

  it("reads incident lines among other log lines, with or without CloudWatch's prefix", () => {
    const lines = [
      '{"type":"incident","eventId":"a"}',
      '2026-11-30T10:00:00.000Z\tabc\tINFO\t{"type":"incident","eventId":"b"}',
      '{"_aws":{"Timestamp":1},"remediation":"x","Remediations":1}',
      '{"type":"rejected","eventId":"c"}',
      "START RequestId: 1 Version: $LATEST",
      '{"type":"incident", broken',
      "[1,2]",
    ];
    expect(parseIncidentLines(lines).map((r) => r.eventId)).to.deep.equal(["a", "b"]);
  });

  it("durations, windows and counts", () => {
    expect([parseDuration("7d"), parseDuration("12h"), parseDuration("30m")]).to.deep.equal([
      604_800_000, 43_200_000, 1_800_000,
    ]);
    for (const bad of ["0d", "7", "1w", "-1d", ""])
      expect(() => parseDuration(bad), bad).to.throw("is not a duration");
    const records = [
      {
        type: "incident" as const,
        eventTime: "2026-11-30T10:00:00Z",
        remediation: "a",
        outcome: "remediated",
      },
      {
        type: "incident" as const,
        eventTime: "2026-11-20T10:00:00Z",
        remediation: "a",
        outcome: "remediated",
      },
      { type: "incident" as const, eventTime: "not a time", remediation: "b", outcome: "failed" },
    ];
    expect(
      recordsSince(records, new Date("2026-11-29T00:00:00Z")).map((r) => r.eventTime),
    ).to.deep.equal(["2026-11-30T10:00:00Z", "not a time"]);
    expect(countByOutcome(records)).to.deep.equal([
      { remediation: "a", outcome: "remediated", incidents: 2 },
      { remediation: "b", outcome: "failed", incidents: 1 },
    ]);
  });
});
