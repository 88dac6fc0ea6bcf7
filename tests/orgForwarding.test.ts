import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import fc from "fast-check";
import { toEventBridgeEvent } from "../core/cloudtrailEvent";
import { Detection, resolveDetections } from "../core/detection";
import { matchesPattern, MAX_PATTERN_LENGTH, validatePattern } from "../core/eventPattern";
import {
  centralOnlyDetections,
  ForwardingRule,
  forwardingRules,
  ForwardingScope,
  GLOBAL_REGION,
  rulesInRegion,
} from "../core/org/forwarding";
import { EVENT_SAMPLES, PANTHER_DIR, VARIANTS } from "./helpers/detectionSamples";

const DETECTIONS = resolveDetections({ ruleNamePrefix: "asw-hub" });
const RULES = forwardingRules(DETECTIONS);
const GLOBAL_SOURCES = [
  "aws.account",
  "aws.health",
  "aws.iam",
  "aws.organizations",
  "aws.signin",
  "aws.sts",
];
/** Not forwarded by the spokes: the hub's CIS metric-filter alarms cover them. */
const CENTRAL_ONLY = centralOnlyDetections(DETECTIONS).map((d) => d.id);
const OTHER_REGION = "eu-west-1";

type Json = Record<string, unknown>;

/** Where AWS delivers the event to EventBridge: us-east-1 for a global service, else its region. */
function deliveryRegion(event: Json): string {
  return GLOBAL_SOURCES.includes(String(event.source)) ? GLOBAL_REGION : String(event.region);
}

function forwardedBy(rules: ForwardingRule[], event: Json): string[] {
  return rules.filter((r) => matchesPattern(r.eventPattern, event)).map((r) => r.key);
}

/** The forwarded detections that fire on `event`. */
function firing(event: Json): Detection[] {
  return DETECTIONS.filter(
    (d) => !CENTRAL_ONLY.includes(d.id) && matchesPattern(d.eventPattern, event),
  );
}

/** Every real and hand-made event the catalog tests use, as EventBridge delivers it. */
function sampleEvents(): { name: string; event: Json }[] {
  const out: { name: string; event: Json }[] = [];
  for (const file of fs.readdirSync(PANTHER_DIR).filter((f) => f.endsWith(".json"))) {
    const doc = JSON.parse(fs.readFileSync(path.join(PANTHER_DIR, file), "utf8")) as {
      tests: { name: string; event: Json }[];
    };
    for (const t of doc.tests) {
      if (typeof t.event?.eventName !== "string" || typeof t.event?.eventSource !== "string") {
        continue;
      }
      out.push({
        name: `${file}: ${t.name}`,
        event: toEventBridgeEvent(t.event as never) as never,
      });
    }
  }
  for (const v of VARIANTS) {
    out.push({ name: v.name, event: toEventBridgeEvent(v.record as never) as never });
  }
  for (const s of EVENT_SAMPLES) out.push({ name: s.name, event: s.event });
  return out;
}

describe("organization forwarding rules (core/org/forwarding.ts)", () => {
  it("global sources are derived from the catalog: the sources whose every detection is global", () => {
    const global = RULES.filter((r) => r.scope === ForwardingScope.GlobalRegion).map(
      (r) => (r.eventPattern.source as string[])[0],
    );
    expect([...new Set(global)].sort()).to.deep.equal(GLOBAL_SOURCES);
  });

  it("every pattern is valid, within EventBridge's 2,048 characters, and every key unique", () => {
    for (const rule of RULES) {
      expect(validatePattern(rule.eventPattern), rule.key).to.deep.equal([]);
      expect(JSON.stringify(rule.eventPattern).length).to.be.at.most(MAX_PATTERN_LENGTH);
    }
    expect(new Set(RULES.map((r) => r.key)).size).to.equal(RULES.length);
    for (const rule of RULES) expect(rule.key).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("us-east-1 holds every rule; other regions only the every-region rules", () => {
    expect(rulesInRegion(RULES, GLOBAL_REGION)).to.deep.equal(RULES);
    expect(rulesInRegion(RULES, OTHER_REGION).map((r) => r.key)).to.deep.equal(
      RULES.filter((r) => r.scope === ForwardingScope.EveryRegion).map((r) => r.key),
    );
  });

  it("rules of detections that need read-only events match them too", () => {
    const readOnly = DETECTIONS.filter((d) => d.includeReadOnlyEvents).map((d) => d.id);
    expect(readOnly.length).to.be.greaterThan(0);
    for (const rule of RULES) {
      if (rule.detectionIds.some((id) => readOnly.includes(id))) {
        expect(rule.includeReadOnlyEvents, rule.key).to.equal(true);
      }
    }
  });

  it("on every real and sample event: a detected event is forwarded exactly once, from the region AWS delivers it to", () => {
    const samples = sampleEvents();
    expect(samples.length).to.be.greaterThan(150);
    let detected = 0;
    for (const { name, event } of samples) {
      const region = deliveryRegion(event);
      const here = forwardedBy(rulesInRegion(RULES, region), event);
      expect(here.length, `${name}: forwarded by ${here.join(", ")}`).to.be.at.most(1);
      if (firing(event).length > 0) {
        detected++;
        expect(here, `${name}: detected by ${firing(event).map((d) => d.id)}`).to.have.length(1);
      }
      if (GLOBAL_SOURCES.includes(String(event.source))) {
        // The same global event seen in another region (it is not delivered there) is not forwarded.
        const elsewhere = { ...event, region: OTHER_REGION };
        expect(forwardedBy(rulesInRegion(RULES, OTHER_REGION), elsewhere), name).to.deep.equal([]);
      }
    }
    expect(detected).to.be.greaterThan(100);
  });

  it("property: any CloudTrail-like event is forwarded at most once, and exactly once when a detection matches", () => {
    const sources = [
      ...new Set(RULES.flatMap((r) => (r.eventPattern.source as unknown[]) ?? [])),
    ].filter((s): s is string => typeof s === "string");
    const names = [
      ...new Set(
        RULES.flatMap((r) => {
          const detail = r.eventPattern.detail as Json | undefined;
          const list = detail?.eventName;
          return Array.isArray(list) ? list.filter((n) => typeof n === "string") : [];
        }),
      ),
    ] as string[];
    const event = fc
      .record({
        source: fc.constantFrom(...sources, "aws.lambda", "aws.dynamodb"),
        eventName: fc.oneof(fc.constantFrom(...names), fc.constantFrom("HeadBucket", "Invoke")),
        detailType: fc.constantFrom(
          "AWS API Call via CloudTrail",
          "AWS Console Sign In via CloudTrail",
          "AWS Service Event via CloudTrail",
        ),
        errorCode: fc.constantFrom(
          undefined,
          "AccessDenied",
          "Client.UnauthorizedOperation",
          "Throttling",
        ),
        identity: fc.constantFrom("IAMUser", "Root", "AssumedRole"),
        region: fc.constantFrom(GLOBAL_REGION, OTHER_REGION),
      })
      .map((e) => {
        const region = GLOBAL_SOURCES.includes(e.source) ? GLOBAL_REGION : e.region;
        return {
          version: "0",
          id: "1",
          "detail-type": e.detailType,
          source: e.source,
          account: "111111111111",
          region,
          time: "2026-01-01T00:00:00Z",
          resources: [],
          detail: {
            eventSource: `${e.source.slice(4)}.amazonaws.com`,
            eventName: e.eventName,
            eventType: e.detailType.includes("Service") ? "AwsServiceEvent" : "AwsApiCall",
            userIdentity: { type: e.identity },
            sourceIPAddress: "203.0.113.9",
            awsRegion: region,
            ...(e.errorCode ? { errorCode: e.errorCode } : {}),
          },
        } as Json;
      });
    fc.assert(
      fc.property(event, (e) => {
        const forwarded = forwardedBy(rulesInRegion(RULES, String(e.region)), e);
        expect(forwarded.length).to.be.at.most(1);
        if (firing(e).length > 0) expect(forwarded).to.have.length(1);
      }),
      { numRuns: 2000 },
    );
  });

  it("a detection whose source is not a list of strings is refused with its value", () => {
    const bad = { ...DETECTIONS[0], eventPattern: { source: [{ prefix: "aws." }] } } as Detection;
    expect(() => forwardingRules([bad])).to.throw(
      'forwarding: "source" must be a list of strings, got [{"prefix":"aws."}]',
    );
  });

  it("leaves out exactly the source-less detections (CIS 4.1 and 4.3, which the hub's metric-filter alarms cover)", () => {
    expect(CENTRAL_ONLY).to.deep.equal(["unauthorized-api-calls", "root-usage"]);
    for (const rule of RULES) {
      expect(
        rule.detectionIds.filter((id) => CENTRAL_ONLY.includes(id)),
        rule.key,
      ).to.deep.equal([]);
      expect(rule.eventPattern.source, rule.key).to.be.an("array");
    }
    const cis = ["CIS 4.1", "CIS 4.3"];
    for (const id of CENTRAL_ONLY) {
      const d = DETECTIONS.find((x) => x.id === id)!;
      expect(d.remediation, id).to.equal(undefined);
      expect(
        d.references.cis?.some((c) => cis.includes(c)),
        id,
      ).to.equal(true);
    }
  });
});
