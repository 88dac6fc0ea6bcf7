import { expect } from "chai";
import fc from "fast-check";
import {
  EventPattern,
  explainMatch,
  matchesPattern,
  MAX_PATTERN_LENGTH,
  NUMERIC_LIMIT,
  validatePattern,
} from "../core/eventPattern";

type Scalar = string | number | boolean | null;

// "$or" is the pattern keyword and "__proto__" cannot be a plain pattern key: keep both out.
const key = fc.string({ maxLength: 6 }).filter((k) => k !== "$or" && k !== "__proto__");
const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const { json } = fc.letrec<{ json: unknown; array: unknown[]; object: Record<string, unknown> }>(
  (tie) => ({
    json: fc.oneof({ depthSize: "small" }, scalar, tie("array"), tie("object")),
    array: fc.array(tie("json"), { maxLength: 3 }),
    object: fc.dictionary(key, tie("json"), { maxKeys: 4 }),
  }),
);
const event = fc.dictionary(key, json, { maxKeys: 5 });

/** Every leaf of an event: its dotted path (arrays crushed out) and its scalar value. */
function leaves(value: unknown, path: string[] = []): { path: string[]; value: Scalar }[] {
  if (Array.isArray(value)) return value.flatMap((element) => leaves(element, path));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [{ path, value: value as Scalar }];
}

/**
 * The pattern `{path: [values]}` made of some leaves. A path cannot be both a leaf and an object
 * in one pattern, so a leaf whose path is a prefix of another chosen path (or the reverse) is
 * left out.
 */
function patternOf(chosen: { path: string[]; value: Scalar }[]): EventPattern {
  const pattern: EventPattern = {};
  const used: string[][] = [];
  const isPrefix = (a: string[], b: string[]) =>
    a.length < b.length && a.every((part, i) => part === b[i]);
  for (const leaf of chosen) {
    if (leaf.path.length === 0) continue;
    if (used.some((p) => isPrefix(p, leaf.path) || isPrefix(leaf.path, p))) continue;
    used.push(leaf.path);
    let node = pattern;
    for (const part of leaf.path.slice(0, -1)) {
      node[part] = (node[part] as EventPattern | undefined) ?? {};
      node = node[part] as EventPattern;
    }
    const last = leaf.path[leaf.path.length - 1];
    node[last] = [...((node[last] as Scalar[] | undefined) ?? []), leaf.value];
  }
  return pattern;
}

describe("event pattern properties", () => {
  it("an event matches any pattern made of its own leaf values", () => {
    const withLeaves = event.filter((e) => leaves(e).length > 0);
    const withSubset = withLeaves.chain((e) =>
      fc.tuple(fc.constant(e), fc.subarray(leaves(e), { minLength: 1 })),
    );
    fc.assert(
      fc.property(withSubset, ([e, chosen]) => {
        const pattern = patternOf(chosen);
        fc.pre(Object.keys(pattern).length > 0);
        fc.pre(JSON.stringify(pattern).length <= MAX_PATTERN_LENGTH);
        expect(validatePattern(pattern)).to.deep.equal([]);
        expect(explainMatch(pattern, e)).to.deep.equal({ matched: true, failedPaths: [] });
      }),
      { numRuns: 300 },
    );
  });

  it("anything-but [v] and [v] are exact complements on a present scalar leaf", () => {
    const excluded = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }));
    const present = (v: string | number) =>
      fc.oneof(
        fc.constant<Scalar>(v),
        fc.string({ maxLength: 4 }),
        fc.integer({ min: -3, max: 3 }),
        scalar,
      );
    fc.assert(
      fc.property(
        excluded.chain((v) => fc.tuple(fc.constant(v), present(v))),
        ([v, leaf]) => {
          const e = { detail: { field: leaf } };
          const exact = matchesPattern({ detail: { field: [v] } }, e);
          const anythingBut = matchesPattern({ detail: { field: [{ "anything-but": [v] }] } }, e);
          expect(exact && anythingBut).to.equal(false);
          expect(exact || anythingBut).to.equal(true);
          expect(exact).to.equal(leaf === v);
        },
      ),
    );
  });

  it('prefix "", suffix "" and wildcard "*" match every string leaf', () => {
    fc.assert(
      fc.property(event, (e) => {
        for (const leaf of leaves(e)) {
          if (typeof leaf.value !== "string" || leaf.path.length === 0) continue;
          for (const matcher of [{ prefix: "" }, { suffix: "" }, { wildcard: "*" }]) {
            const pattern = patternOf([{ path: leaf.path, value: null }]);
            // Replace the [null] placeholder by the matcher under test.
            let node = pattern;
            for (const part of leaf.path.slice(0, -1)) node = node[part] as EventPattern;
            node[leaf.path[leaf.path.length - 1]] = [matcher];
            expect(matchesPattern(pattern, e), JSON.stringify(pattern)).to.equal(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("numeric comparisons agree with direct comparison", () => {
    const bound = fc.double({ min: -NUMERIC_LIMIT, max: NUMERIC_LIMIT, noNaN: true });
    const value = fc.oneof(
      fc.double({ min: -2 * NUMERIC_LIMIT, max: 2 * NUMERIC_LIMIT, noNaN: true }),
      fc.integer({ min: -5, max: 5 }),
    );
    fc.assert(
      fc.property(bound, bound, value, (a, b, x) => {
        fc.pre(a < b);
        const e = { detail: { n: x } };
        expect(matchesPattern({ detail: { n: [{ numeric: [">=", a, "<", b] }] } }, e)).to.equal(
          x >= a && x < b,
        );
        expect(matchesPattern({ detail: { n: [{ numeric: [">", a, "<=", b] }] } }, e)).to.equal(
          x > a && x <= b,
        );
        const single: [string, (p: number, q: number) => boolean][] = [
          ["=", (p, q) => p === q],
          ["<", (p, q) => p < q],
          ["<=", (p, q) => p <= q],
          [">", (p, q) => p > q],
          [">=", (p, q) => p >= q],
        ];
        for (const [op, compare] of single) {
          expect(matchesPattern({ detail: { n: [{ numeric: [op, a] }] } }, e)).to.equal(
            compare(x, a),
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary JSON for a valid pattern, and explainMatch agrees", () => {
    // A small key alphabet so that patterns and events share paths.
    const k = fc.constantFrom("a", "b", "c");
    const matcher = fc.oneof(
      scalar,
      fc.record({
        prefix: fc.oneof(fc.string(), fc.record({ "equals-ignore-case": fc.string() })),
      }),
      fc.record({ suffix: fc.string() }),
      fc.record({ "equals-ignore-case": fc.string() }),
      fc.record({ wildcard: fc.constantFrom("*", "a*", "*b*c", "\\**", "x\\\\y*") }),
      fc.record({
        "anything-but": fc.oneof(
          fc.string(),
          fc.integer(),
          fc.array(fc.string(), { minLength: 1 }),
          fc.array(fc.integer(), { minLength: 1 }),
          fc.record({ prefix: fc.string() }),
          fc.record({ suffix: fc.string() }),
          fc.record({ "equals-ignore-case": fc.string() }),
          fc.record({ wildcard: fc.constantFrom("*/lib/*", "a*") }),
        ),
      }),
      fc.record({ numeric: fc.constantFrom([">", 0], ["=", 1.5], [">=", -1, "<", 10]) }),
      fc.record({ cidr: fc.constantFrom("10.0.0.0/8", "0.0.0.0/0", "::/0", "2001:db8::/32") }),
      fc.record({ exists: fc.boolean() }),
    );
    const { pattern } = fc.letrec<{ pattern: EventPattern; node: unknown }>((tie) => ({
      pattern: fc.oneof(
        { depthSize: "small" },
        fc.dictionary(k, tie("node"), { minKeys: 1, maxKeys: 3 }),
        fc
          .tuple(
            fc.array(tie("pattern"), { minLength: 2, maxLength: 3 }),
            fc.dictionary(k, tie("node"), { maxKeys: 2 }),
          )
          .map(([branches, rest]) => ({ ...rest, $or: branches })),
      ),
      node: fc.oneof(
        { depthSize: "small" },
        fc.array(matcher, { minLength: 1, maxLength: 3 }),
        tie("pattern"),
      ),
    }));
    const { anyJson } = fc.letrec<{ anyJson: unknown }>((tie) => ({
      anyJson: fc.oneof(
        { depthSize: "small" },
        scalar,
        fc.array(tie("anyJson"), { maxLength: 3 }),
        fc.dictionary(fc.oneof(k, key), tie("anyJson"), { maxKeys: 4 }),
      ),
    }));
    const outcomes = { matched: 0, unmatched: 0 };
    fc.assert(
      fc.property(pattern, anyJson, (p, e) => {
        fc.pre(JSON.stringify(p).length <= MAX_PATTERN_LENGTH);
        expect(validatePattern(p)).to.deep.equal([]);
        const matched = matchesPattern(p, e);
        const explained = explainMatch(p, e);
        expect(explained.matched).to.equal(matched);
        expect(explained.failedPaths.length === 0).to.equal(matched);
        outcomes[matched ? "matched" : "unmatched"]++;
      }),
      { numRuns: 500 },
    );
    // Both outcomes occur, so the property exercises real matching, not only the trivial case.
    expect(outcomes.matched).to.be.greaterThan(0);
    expect(outcomes.unmatched).to.be.greaterThan(0);
  });
});
