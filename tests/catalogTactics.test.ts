import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../core/catalog";
import { toEventBridgeEvent } from "../core/cloudtrailEvent";
import { matchesPattern } from "../core/eventPattern";
import { EVENT_SAMPLES, PANTHER_DIR, VARIANTS } from "./helpers/detectionSamples";
import { TACTIC_SAMPLES } from "./helpers/tacticSamples";
import { CREDENTIAL_ACCESS } from "../core/catalog/credentialAccess";
import { DEFENSE_EVASION } from "../core/catalog/defenseEvasion";
import { DISCOVERY } from "../core/catalog/discovery";
import { EXECUTION } from "../core/catalog/execution";
import { EXFILTRATION } from "../core/catalog/exfiltration";
import { IMPACT } from "../core/catalog/impact";
import { LATERAL_MOVEMENT } from "../core/catalog/lateralMovement";
import { PERSISTENCE } from "../core/catalog/persistence";

/** The detections of the tactic files. */
const TACTICS = [
  ...CREDENTIAL_ACCESS,
  ...EXECUTION,
  ...PERSISTENCE,
  ...LATERAL_MOVEMENT,
  ...DEFENSE_EVASION,
  ...EXFILTRATION,
  ...IMPACT,
  ...DISCOVERY,
];

type Json = Record<string, unknown>;

/** Every Panther record that is a CloudTrail record, with Panther's own verdict. */
function pantherRecords(): { key: string; expected: boolean; record: Json }[] {
  const out: { key: string; expected: boolean; record: Json }[] = [];
  for (const file of fs.readdirSync(PANTHER_DIR).filter((f) => f.endsWith(".json"))) {
    const document = JSON.parse(fs.readFileSync(path.join(PANTHER_DIR, file), "utf8"));
    for (const test of document.tests as {
      name: string;
      pantherExpected: boolean;
      event: Json;
    }[]) {
      if (typeof test.event.eventSource !== "string") continue;
      out.push({ key: `${file}/${test.name}`, expected: test.pantherExpected, record: test.event });
    }
  }
  return out;
}

const firing = (event: unknown): string[] =>
  CATALOG.filter((d) => matchesPattern(d.eventPattern, event)).map((d) => d.id);

/** Every event the tests know: Panther records, variants, tactic samples, non-CloudTrail events. */
const EVENTS: unknown[] = [
  ...pantherRecords().map((r) => toEventBridgeEvent(r.record)),
  ...VARIANTS.map((s) => toEventBridgeEvent(s.record)),
  ...TACTIC_SAMPLES.flatMap((s) => [s.positive, s.negative].map((r) => toEventBridgeEvent(r))),
  ...EVENT_SAMPLES.map((s) => s.event),
];

const TACTIC_FILES = [
  "credentialAccess",
  "execution",
  "persistence",
  "lateralMovement",
  "defenseEvasion",
  "exfiltration",
  "impact",
  "discovery",
];

describe("catalog by tactic (core/catalog/*.ts)", () => {
  it("holds about 100 detections, at least 70 of them in the tactic files", () => {
    // 40 foundation + the tactic files + the AWS Config compliance detections (config's).
    expect(CATALOG.length).to.be.within(95, 140);
    expect(TACTICS.length).to.equal(TACTIC_SAMPLES.length);
    expect(TACTIC_SAMPLES.length).to.be.at.least(70);
  });

  it("has one sample per tactic-file detection, and no sample for an unknown id", () => {
    const ids = TACTIC_SAMPLES.map((s) => s.id);
    expect(new Set(ids).size).to.equal(ids.length);
    const catalogIds = new Set(CATALOG.map((d) => d.id));
    expect(ids.filter((id) => !catalogIds.has(id))).to.deep.equal([]);
    // Every detection of the tactic files has its sample, and every one is in the catalog.
    expect(TACTICS.map((d) => d.id)).to.have.members(ids);
    for (const file of TACTIC_FILES) {
      const source = path.join(__dirname, "..", "core", "catalog", `${file}.ts`);
      expect(fs.existsSync(source), file).to.equal(true);
    }
  });

  for (const sample of TACTIC_SAMPLES) {
    it(`${sample.id}: fires on its positive record, not on its negative one`, () => {
      expect(firing(toEventBridgeEvent(sample.positive))).to.include(sample.id);
      expect(firing(toEventBridgeEvent(sample.negative))).not.to.include(sample.id);
    });
  }

  it("every detection names a MITRE ATT&CK technique (shown in its alert and the README table)", () => {
    const missing = CATALOG.filter((d) => (d.references.mitre ?? []).length === 0).map((d) => d.id);
    expect(missing).to.deep.equal([]);
  });

  it("every detection fires on a known record and stays silent on one of its own source", () => {
    const problems: string[] = [];
    for (const detection of CATALOG) {
      const sources = (detection.eventPattern.source as string[] | undefined) ?? [];
      const own = EVENTS.filter(
        (e) => sources.length === 0 || sources.includes((e as { source: string }).source),
      );
      if (!own.some((e) => matchesPattern(detection.eventPattern, e))) {
        problems.push(`${detection.id}: no positive record`);
      }
      if (own.every((e) => matchesPattern(detection.eventPattern, e))) {
        problems.push(`${detection.id}: no negative record of its source`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});

describe("noise budget", () => {
  const records = pantherRecords();

  it("no detection fires on a benign record: a successful read by a non-root principal that Panther does not flag", () => {
    const benign = records.filter(
      ({ expected, record }) =>
        expected === false &&
        !record.errorCode &&
        (record.userIdentity as Json | undefined)?.type !== "Root" &&
        /^(Get|List|Describe|Head|Lookup)/.test(String(record.eventName)),
    );
    expect(benign.length).to.be.at.least(40);
    const noisy = benign
      .map(({ key, record }) => [key, firing(toEventBridgeEvent(record))] as const)
      .filter(([, ids]) => ids.length > 0);
    expect(noisy).to.deep.equal([]);
  });

  it("no detection fires on more than a quarter of the varied records", () => {
    const events = records.map((r) => toEventBridgeEvent(r.record));
    expect(events.length).to.be.at.least(400);
    const broad: string[] = [];
    for (const detection of CATALOG) {
      const hits = events.filter((e) => matchesPattern(detection.eventPattern, e)).length;
      if (hits > events.length / 4) broad.push(`${detection.id}: ${hits} of ${events.length}`);
    }
    expect(broad).to.deep.equal([]);
    // The broadest one (denied calls of every service) stays well under the limit.
    const most = Math.max(
      ...CATALOG.map((d) => events.filter((e) => matchesPattern(d.eventPattern, e)).length),
    );
    expect(most).to.be.below(events.length / 8);
  });
});
