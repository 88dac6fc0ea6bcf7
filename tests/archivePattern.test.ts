import { expect } from "chai";
import * as fc from "fast-check";
import {
  archivePattern,
  ArchivePatternStage,
  mergePatterns,
  routingFields,
} from "../core/archivePattern";
import { CATALOG } from "../core/catalog";
import { matchesPattern, MAX_PATTERN_LENGTH, validatePattern } from "../core/eventPattern";
import { allEvents } from "./helpers/allEvents";

const EVENTS = allEvents();
const catalogPatterns = CATALOG.map((d) => d.eventPattern);

describe("archive pattern (the union of the catalog's patterns)", () => {
  const { pattern, stage } = archivePattern(catalogPatterns);

  it("is a valid EventBridge pattern within 2048 characters", () => {
    expect(validatePattern(pattern)).to.deep.equal([]);
    expect(JSON.stringify(pattern).length).to.be.at.most(MAX_PATTERN_LENGTH);
  });

  it("matches every event that any detection of the catalog matches (real records, variants, samples)", () => {
    let firing = 0;
    const missed: string[] = [];
    for (const { name, event } of EVENTS) {
      if (!CATALOG.some((d) => matchesPattern(d.eventPattern, event))) continue;
      firing += 1;
      if (!matchesPattern(pattern, event)) missed.push(name);
    }
    expect(firing).to.be.at.least(CATALOG.length);
    expect(missed).to.deep.equal([]);
  });

  it("is narrower than the whole bus: it lets events that no detection watches go", () => {
    const ignored = [
      { source: "aws.ec2", "detail-type": "EC2 Instance State-change Notification", detail: {} },
      { source: "my.app", "detail-type": "Order Placed", detail: { eventName: "StopLogging" } },
    ];
    for (const event of ignored)
      expect(matchesPattern(pattern, event), event.source).to.equal(false);
    expect(stage).to.not.equal(ArchivePatternStage.DetailTypes);
  });

  it("the exact union when it fits, and each detection's own pattern alone gives that pattern", () => {
    const small = catalogPatterns.slice(0, 1);
    expect(archivePattern(small)).to.deep.equal({
      pattern: catalogPatterns[0],
      stage: ArchivePatternStage.Exact,
    });
  });

  it("generalizes further as the limit shrinks, never losing an event", () => {
    const firingEvents = EVENTS.filter(({ event }) =>
      CATALOG.some((d) => matchesPattern(d.eventPattern, event)),
    );
    for (const limit of [1500, 800, 300, 160]) {
      const smaller = archivePattern(catalogPatterns, limit);
      expect(JSON.stringify(smaller.pattern).length, `limit ${limit}`).to.be.at.most(limit);
      for (const { name, event } of firingEvents) {
        expect(matchesPattern(smaller.pattern, event), `${limit}: ${name}`).to.equal(true);
      }
    }
    expect(() => archivePattern(catalogPatterns, 20)).to.throw(
      "archivePattern: even the detail-types of the detections do not fit in 20 characters",
    );
    expect(() => archivePattern([])).to.throw("no detection pattern");
  });

  it("routing fields match at least what the pattern matches (every catalog entry, every event)", () => {
    for (const d of CATALOG) {
      const general = routingFields(d.eventPattern);
      for (const { name, event } of EVENTS) {
        if (matchesPattern(d.eventPattern, event)) {
          expect(matchesPattern(general, event), `${d.id}: ${name}`).to.equal(true);
        }
      }
    }
  });

  it("merging is exact: an event matches the merged list iff it matches one of the inputs", () => {
    const sources = fc.constantFrom("aws.ec2", "aws.iam", "aws.s3");
    const names = fc.constantFrom("A", "B", "C", "D");
    const pattern = fc.record({
      source: fc.array(sources, { minLength: 1, maxLength: 2 }),
      detail: fc.record({ eventName: fc.array(names, { minLength: 1, maxLength: 2 }) }),
    });
    const event = fc.record({ source: sources, detail: fc.record({ eventName: names }) });
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 5 }), event, (patterns, e) => {
        const merged = mergePatterns(patterns);
        expect(merged.length).to.be.at.most(patterns.length);
        expect(merged.some((p) => matchesPattern(p, e))).to.equal(
          patterns.some((p) => matchesPattern(p, e)),
        );
      }),
    );
  });
});
