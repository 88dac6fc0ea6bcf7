/**
 * The event pattern of the EventBridge archive: one pattern that matches every event that any
 * detection matches (the union of the catalog's patterns), within EventBridge's 2048-character
 * limit. No Pulumi.
 *
 * The exact union (an `$or` of every detection's pattern) is far longer than 2048 characters, so
 * the builder generalizes, in stages, until the pattern fits:
 * 1. the exact patterns, merged where they differ in one field only;
 * 2. the routing fields only (source, detail-type, and the conditions of `detail` two levels
 *    deep at most, such as eventSource, eventName, errorCode, userIdentity.type): conditions on
 *    the call's payload (request parameters, response elements) are dropped, and an `$or` whose
 *    every branch names its eventNames becomes the list of those names; then, while the
 *    pattern is too long, the group (one service, after merging) with the longest list of
 *    eventNames loses that list (and its eventSource, which the source implies): every
 *    successful call of that service is archived;
 * 3. source and detail-type only;
 * 4. detail-type only.
 * Every step only removes conditions (or replaces an `$or` by a condition each of its branches
 * implies), so each stage matches at least what the one before matched: the archive never
 * misses an event a detection matches (tests/archivePattern.test.ts checks it on every real
 * record and sample). Merging two patterns that differ in one field into one with the union of
 * that field's values is exact.
 */
import { EventPattern, MAX_PATTERN_LENGTH, validatePattern } from "./eventPattern";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** How far a stage generalized the union (for the README and the stack's outputs). */
export enum ArchivePatternStage {
  Exact = "exact",
  RoutingFields = "routing-fields",
  SourcesAndTypes = "sources-and-detail-types",
  DetailTypes = "detail-types",
}

export interface ArchivePattern {
  readonly pattern: EventPattern;
  readonly stage: ArchivePatternStage;
}

/** `{a: {b: [..]}}` as `[["a.b", [..]]]`; `$or` is a leaf (its value is a list as well). */
function flatten(pattern: Json, prefix = ""): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const [key, value] of Object.entries(pattern)) {
    const path = prefix ? `${prefix}\u0000${key}` : key;
    if (Array.isArray(value)) out.set(path, value);
    else if (isObject(value)) for (const [p, v] of flatten(value, path)) out.set(p, v);
  }
  return out;
}

function unflatten(flat: Map<string, unknown[]>): Json {
  const out: Json = {};
  for (const [path, value] of [...flat.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const keys = path.split("\u0000");
    let node = out;
    for (const key of keys.slice(0, -1)) {
      node[key] = isObject(node[key]) ? node[key] : {};
      node = node[key] as Json;
    }
    node[keys[keys.length - 1]] = value;
  }
  return out;
}

/** The values of two lists, each once (by JSON text), strings sorted first, in a stable order. */
function union(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const v of [...a, ...b]) seen.set(JSON.stringify(v), v);
  return [...seen.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([, v]) => v);
}

/**
 * A flattened pattern with the JSON text of each field's list and of each of its values computed
 * once (merging compares every pair of patterns many times).
 */
interface Flat {
  readonly fields: Map<string, unknown[]>;
  readonly texts: Map<string, string>;
  readonly values: Map<string, Set<string>>;
}

function indexed(fields: Map<string, unknown[]>): Flat {
  const texts = new Map<string, string>();
  const values = new Map<string, Set<string>>();
  for (const [path, list] of fields) {
    texts.set(path, JSON.stringify(list));
    values.set(path, new Set(list.map((v) => JSON.stringify(v))));
  }
  return { fields, texts, values };
}

/** Whether every event `specific` matches is matched by `general` (checked field by field). */
function subsumes(general: Flat, specific: Flat): boolean {
  if (general.fields.size > specific.fields.size) return false;
  for (const [path, text] of general.texts) {
    const other = specific.texts.get(path);
    if (other === undefined) return false;
    if (path.endsWith("$or")) {
      if (other !== text) return false;
      continue;
    }
    const allowed = general.values.get(path)!;
    for (const v of specific.values.get(path)!) if (!allowed.has(v)) return false;
  }
  return true;
}

/**
 * What merging does with the pair (a, b): drop b (a subsumes it), merge them on one differing
 * field (its path), or nothing. A pure function of the two patterns, remembered per pair: each
 * merge restarts the scan, which then meets the same pairs again.
 */
type PairVerdict = { readonly drop: true } | { readonly mergeOn: string } | null;
const verdicts = new WeakMap<Flat, WeakMap<Flat, PairVerdict>>();

function pairVerdict(a: Flat, b: Flat): PairVerdict {
  let known = verdicts.get(a);
  if (known === undefined) {
    known = new WeakMap();
    verdicts.set(a, known);
  }
  let verdict = known.get(b);
  if (verdict !== undefined) return verdict;
  verdict = null;
  if (subsumes(a, b)) verdict = { drop: true };
  else if (a.fields.size === b.fields.size) {
    let differing: string | undefined;
    let count = 0;
    for (const [k, text] of a.texts) {
      if (b.texts.get(k) !== text && ++count === 1) differing = k;
      if (count > 1) break;
    }
    if (count === 1 && b.fields.has(differing!)) verdict = { mergeOn: differing! };
  }
  known.set(b, verdict);
  return verdict;
}

/**
 * Patterns that differ in one field only become one, with the union of that field's values;
 * patterns that another one covers are dropped. The result matches exactly what the input did.
 */
export function mergePatterns(patterns: readonly EventPattern[]): EventPattern[] {
  let flats = patterns.map((p) => indexed(flatten(p)));
  for (let changed = true; changed;) {
    changed = false;
    outer: for (let i = 0; i < flats.length; i++) {
      for (let j = 0; j < flats.length; j++) {
        if (i === j) continue;
        const [a, b] = [flats[i], flats[j]];
        const verdict = pairVerdict(a, b);
        if (verdict === null) continue;
        if ("drop" in verdict) {
          flats = flats.filter((_, k) => k !== j);
        } else {
          const key = verdict.mergeOn;
          const merged = new Map(a.fields);
          merged.set(key, union(a.fields.get(key)!, b.fields.get(key)!));
          flats = [...flats.filter((_, k) => k !== i && k !== j), indexed(merged)];
        }
        changed = true;
        break outer;
      }
    }
  }
  return flats
    .map((f) => {
      const pattern = unflatten(f.fields);
      return { pattern, text: JSON.stringify(pattern) };
    })
    .sort((x, y) => x.text.localeCompare(y.text))
    .map(({ pattern }) => pattern);
}

const isPlainList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");

/** The fields of a CloudTrail record that hold the call's own payload, not who or what. */
const PAYLOAD_FIELDS = ["requestParameters", "responseElements", "additionalEventData"];

const isMatcherList = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;

/**
 * The routing fields of a pattern: source, detail-type and the conditions of `detail` two
 * levels deep at most, except on the call's payload (request parameters, response elements); an `$or` of `detail` whose branches all list eventNames becomes
 * their union. Matches at least what `pattern` matches.
 */
export function routingFields(pattern: EventPattern): EventPattern {
  const out: Json = {};
  for (const key of ["source", "detail-type"]) {
    if (isPlainList(pattern[key])) out[key] = pattern[key];
  }
  const detail = pattern.detail;
  if (isObject(detail)) {
    const kept: Json = {};
    for (const [key, value] of Object.entries(detail)) {
      if (PAYLOAD_FIELDS.includes(key) || key === "$or") continue;
      if (isMatcherList(value)) kept[key] = value;
      else if (isObject(value)) {
        const inner = Object.fromEntries(Object.entries(value).filter(([, v]) => isMatcherList(v)));
        if (Object.keys(inner).length > 0) kept[key] = inner;
      }
    }
    const branches = detail.$or;
    if (
      kept.eventName === undefined &&
      Array.isArray(branches) &&
      branches.every((b) => isObject(b) && isPlainList(b.eventName))
    ) {
      kept.eventName = union(
        [],
        branches.flatMap((b) => (b as Json).eventName as string[]),
      ) as string[];
    }
    if (Object.keys(kept).length > 0) out.detail = kept;
  }
  return out;
}

function withoutDetailField(pattern: EventPattern, field: string): EventPattern {
  if (!isObject(pattern.detail)) return pattern;
  const { [field]: _dropped, ...rest } = pattern.detail;
  void _dropped;
  const { detail: _d, ...top } = pattern;
  void _d;
  return Object.keys(rest).length > 0 ? { ...top, detail: rest } : top;
}

function only(pattern: EventPattern, keys: string[]): EventPattern {
  return Object.fromEntries(Object.entries(pattern).filter(([k]) => keys.includes(k)));
}

/** One pattern: the single one, or an `$or` of them. */
function combine(patterns: EventPattern[]): EventPattern {
  return patterns.length === 1 ? patterns[0] : { $or: patterns };
}

/**
 * The archive pattern for `patterns` (the enabled detections'): the most exact stage that is a
 * valid pattern of at most `maxLength` characters.
 * @throws Error when no pattern is given, or even the detail-types alone do not fit
 */
export function archivePattern(
  patterns: readonly EventPattern[],
  maxLength: number = MAX_PATTERN_LENGTH,
): ArchivePattern {
  const key = `${maxLength}\u0000${JSON.stringify(patterns)}`;
  let known = computed.get(key);
  if (known === undefined) {
    known = computeArchivePattern(patterns, maxLength);
    computed.set(key, known);
  }
  // A copy: the caller may hand it to a resource, which may hold on to it.
  return structuredClone(known);
}

/**
 * The archive patterns already computed in this process, by their input's text: a program (or a
 * test process) that builds the same catalog's archive several times computes it once.
 */
const computed = new Map<string, ArchivePattern>();

function computeArchivePattern(
  patterns: readonly EventPattern[],
  maxLength: number,
): ArchivePattern {
  if (patterns.length === 0) {
    throw new Error("archivePattern: no detection pattern to archive the events of");
  }
  const routing = mergePatterns(patterns.map(routingFields));
  const fits = (candidate: EventPattern) =>
    JSON.stringify(candidate).length <= maxLength && validatePattern(candidate).length === 0;

  const exact = combine(mergePatterns(patterns));
  if (fits(exact)) return { pattern: exact, stage: ArchivePatternStage.Exact };

  // Routing fields; while too long, the group with the longest list of eventNames loses it, and
  // its eventSource (which its source implies), so that it merges with the other such groups
  // into one pattern over their sources.
  let partial = routing;
  for (;;) {
    const pattern = combine(partial);
    if (fits(pattern)) return { pattern, stage: ArchivePatternStage.RoutingFields };
    const named = partial
      .map((p, i) => [i, JSON.stringify((p.detail as Json | undefined)?.eventName ?? "").length])
      .filter(([, length]) => length > 2)
      .sort((a, b) => b[1] - a[1]);
    if (named.length === 0) break;
    const [largest] = named[0];
    partial = mergePatterns(
      partial.map((p, i) =>
        i === largest ? withoutDetailField(withoutDetailField(p, "eventName"), "eventSource") : p,
      ),
    );
  }
  const stages: [ArchivePatternStage, EventPattern[]][] = [
    [ArchivePatternStage.SourcesAndTypes, routing.map((p) => only(p, ["source", "detail-type"]))],
    [ArchivePatternStage.DetailTypes, routing.map((p) => only(p, ["detail-type"]))],
  ];
  for (const [stage, candidates] of stages) {
    const pattern = combine(mergePatterns(candidates));
    if (fits(pattern)) return { pattern, stage };
  }
  throw new Error(
    `archivePattern: even the detail-types of the detections do not fit in ${maxLength} characters`,
  );
}
