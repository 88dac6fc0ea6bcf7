/**
 * A local, exact evaluator of Amazon EventBridge event patterns: the tests use it to check the
 * detections' patterns on real CloudTrail records, and the CLI to explain why a pattern does or
 * does not match an event. Plain data, no Pulumi, no dependencies.
 *
 * Semantics follow the EventBridge User Guide pages "Amazon EventBridge event patterns",
 * "Content filtering in Amazon EventBridge event patterns", "Comparison operators for use in
 * event patterns in Amazon EventBridge", "Arrays in Amazon EventBridge event patterns" and
 * "Matching null values and empty strings in Amazon EventBridge event patterns":
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 *
 * - Every field of a pattern must match (AND); a leaf is an array of matchers, any of which may
 *   match (OR); `$or` (a list of at least two sub-patterns, at any level) matches when one does.
 * - The event is flattened: arrays are "crushed out", so a pattern path collects every value
 *   reachable through arrays (`ipPermissions.items[].ipRanges.items[].cidrIp` is the path
 *   `ipPermissions.items.ipRanges.items.cidrIp`), and a leaf matches when ANY value matches.
 *   Only scalars (string, number, boolean, null) are leaf values; an object is not a leaf.
 * - A missing field has no value: it is not null, and only `{"exists": false}` matches it
 *   (`anything-but` does not). `null` matches JSON null only, `""` the empty string only.
 * - Exact values compare type and value: "5" is not 5, true is not "true". Numbers compare as the
 *   parsed JavaScript numbers (see the note on `matchesExact`).
 */

/** An EventBridge event pattern, as given to `aws.cloudwatch.EventRule` (`eventPattern`). */
export type EventPattern = Record<string, unknown>;

/** EventBridge quota "Event pattern: 2048 characters maximum" (Amazon EventBridge quotas). */
export const MAX_PATTERN_LENGTH = 2048;
/**
 * Bound on the numbers a `numeric` matcher may name: -5.0e9 to +5.0e9 inclusive, as EventBridge's
 * matching engine (aws/event-ruler) documents; older User Guide versions said 1.0e9.
 */
export const NUMERIC_LIMIT = 5e9;

const OPERATORS = [
  "prefix",
  "suffix",
  "equals-ignore-case",
  "wildcard",
  "anything-but",
  "numeric",
  "cidr",
  "exists",
] as const;
const NUMERIC_OPERATORS = ["=", "<", "<=", ">", ">="];

type Leaf = string | number | boolean | null;
type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * The problems that make `pattern` an invalid EventBridge event pattern, each naming its path
 * (`detail.eventName: value must be an array`); empty when the pattern is valid.
 */
export function validatePattern(pattern: unknown): string[] {
  if (!isObject(pattern)) return ["pattern: must be a JSON object"];
  const errors: string[] = [];
  const text = JSON.stringify(pattern);
  if (text.length > MAX_PATTERN_LENGTH) {
    errors.push(`pattern: is ${text.length} characters long, the maximum is ${MAX_PATTERN_LENGTH}`);
  }
  validateObject(pattern, "", errors);
  return errors;
}

function validateObject(pattern: JsonObject, path: string, errors: string[]): void {
  if (Object.keys(pattern).length === 0) {
    errors.push(`${path === "" ? "pattern" : path}: must not be an empty object`);
  }
  for (const [key, value] of Object.entries(pattern)) {
    const here = join(path, key);
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
        errors.push(`${here}: must be a list of at least 2 objects`);
      } else {
        value.forEach((sub, i) => validateObject(sub, `${here}[${i}]`, errors));
      }
    } else if (Array.isArray(value)) {
      if (value.length === 0) errors.push(`${here}: array must not be empty`);
      for (const matcher of value) {
        const problem = matcherProblem(matcher);
        if (problem !== undefined) errors.push(`${here}: ${problem}`);
      }
    } else if (isObject(value)) {
      validateObject(value, here, errors);
    } else {
      errors.push(`${here}: value must be an array`);
    }
  }
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

/** Why one element of a pattern leaf array is invalid, or undefined. */
function matcherProblem(matcher: unknown): string | undefined {
  if (isLeaf(matcher)) return undefined;
  if (!isObject(matcher)) {
    return "values must be strings, numbers, booleans, null or operator objects";
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    return `an operator object must have exactly one key, found ${keys.length}`;
  }
  const op = keys[0];
  const operand = matcher[op];
  switch (op) {
    case "prefix":
    case "suffix":
      return typeof operand === "string" || isIgnoreCase(operand)
        ? undefined
        : `${op} must be a string or {"equals-ignore-case": string}`;
    case "equals-ignore-case":
      return typeof operand === "string" ? undefined : "equals-ignore-case must be a string";
    case "wildcard":
      return typeof operand === "string" ? wildcardProblem(operand) : "wildcard must be a string";
    case "anything-but":
      return anythingButProblem(operand);
    case "numeric":
      return numericProblem(operand);
    case "cidr":
      return typeof operand === "string" && parseCidr(operand) !== undefined
        ? undefined
        : `cidr ${JSON.stringify(operand)} is not a valid IPv4 or IPv6 CIDR block`;
    case "exists":
      return typeof operand === "boolean" ? undefined : "exists must be true or false";
    default:
      return `unknown operator ${JSON.stringify(op)} (expected one of ${OPERATORS.join(", ")})`;
  }
}

function isIgnoreCase(operand: unknown): operand is { "equals-ignore-case": string } {
  return (
    isObject(operand) &&
    Object.keys(operand).length === 1 &&
    typeof operand["equals-ignore-case"] === "string"
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string");
}

function anythingButProblem(operand: unknown): string | undefined {
  if (typeof operand === "string" || (typeof operand === "number" && isFinite(operand))) {
    return undefined;
  }
  if (Array.isArray(operand)) {
    const numbers = operand.every((v) => typeof v === "number" && isFinite(v));
    return operand.length > 0 && (numbers || isStringList(operand))
      ? undefined
      : "anything-but list must be non-empty and contain only strings or only numbers";
  }
  if (isObject(operand) && Object.keys(operand).length === 1) {
    const [op] = Object.keys(operand);
    const inner = operand[op];
    switch (op) {
      case "prefix":
      case "suffix":
        // "Anything-but matching only works with a single prefix, not a list."
        return typeof inner === "string" ? undefined : `anything-but ${op} must be a string`;
      case "equals-ignore-case":
      case "wildcard":
        if (typeof inner !== "string" && !isStringList(inner)) {
          return `anything-but ${op} must be a string or a non-empty list of strings`;
        }
        if (op === "wildcard") {
          return ([] as string[])
            .concat(inner)
            .map(wildcardProblem)
            .find((p) => p);
        }
        return undefined;
      default:
        return `unknown anything-but operator ${JSON.stringify(op)} (expected prefix, suffix, equals-ignore-case or wildcard)`;
    }
  }
  return "anything-but must be a string, a number, a list of strings or of numbers, or one of {prefix}, {suffix}, {equals-ignore-case}, {wildcard}";
}

function numericProblem(operand: unknown): string | undefined {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    return "numeric must be [operator, number] or [lower operator, number, upper operator, number]";
  }
  for (let i = 0; i < operand.length; i += 2) {
    const [op, value] = [operand[i], operand[i + 1]];
    if (typeof op !== "string" || !NUMERIC_OPERATORS.includes(op)) {
      return `numeric operator ${JSON.stringify(op)} is not one of ${NUMERIC_OPERATORS.join(", ")}`;
    }
    if (typeof value !== "number" || !(Math.abs(value) <= NUMERIC_LIMIT)) {
      return `numeric value ${JSON.stringify(value)} must be a number between -5e9 and 5e9`;
    }
  }
  if (operand.length === 4) {
    if (![">", ">="].includes(operand[0]) || !["<", "<="].includes(operand[2])) {
      return 'numeric range must be [">" or ">=", lower, "<" or "<=", upper]';
    }
    if (!(operand[1] < operand[3])) {
      return "numeric range lower bound must be less than its upper bound";
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Wildcards: `*` matches any run of characters (also none), `\*` a literal `*`, `\\` a `\`.

/** The literal pieces between the wildcards, or a problem. */
function parseWildcard(pattern: string): string[] | string {
  const pieces: string[] = [""];
  let previousWasStar = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next !== "*" && next !== "\\") return 'wildcard may only escape "*" or "\\"';
      pieces[pieces.length - 1] += next;
      i++;
      previousWasStar = false;
    } else if (c === "*") {
      if (previousWasStar) return 'wildcard must not contain consecutive "*"';
      pieces.push("");
      previousWasStar = true;
    } else {
      pieces[pieces.length - 1] += c;
      previousWasStar = false;
    }
  }
  return pieces;
}

function wildcardProblem(pattern: string): string | undefined {
  const parsed = parseWildcard(pattern);
  return typeof parsed === "string" ? parsed : undefined;
}

function matchesWildcard(pattern: string, value: string): boolean {
  const pieces = parseWildcard(pattern) as string[];
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (pieces.length === 1) return value === first;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  // Leftmost placement of each middle piece is optimal: it leaves the most room for the rest.
  let position = first.length;
  const end = value.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const index = value.indexOf(piece, position);
    if (index < 0 || index + piece.length > end) return false;
    position = index + piece.length;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// IP addresses and CIDR blocks (IPv4 and IPv6)

interface Address {
  bits: 32 | 128;
  value: bigint;
}

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => DECIMAL_OCTET.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  // An IPv4 tail (::ffff:192.0.2.1) counts as two groups.
  const lastGroup = all[all.length - 1];
  let ipv4Tail: bigint | undefined;
  if (lastGroup !== undefined && lastGroup.includes(".")) {
    ipv4Tail = parseIpv4(lastGroup);
    if (ipv4Tail === undefined) return undefined;
    (tail.length > 0 ? tail : head).pop();
  }
  const hexGroups = [...head, ...tail];
  if (!hexGroups.every((g) => HEX_GROUP.test(g))) return undefined;
  const width = hexGroups.length + (ipv4Tail === undefined ? 0 : 2);
  if (halves.length === 2 ? width > 7 : width !== 8) return undefined;
  const zeros = Array<string>(8 - width).fill("0");
  let value = [...head, ...zeros, ...tail].reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
  if (ipv4Tail !== undefined) value = (value << 32n) | ipv4Tail;
  return value;
}

function parseIp(text: string): Address | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = text.includes(":") ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

function parseCidr(text: string): { address: Address; length: number } | undefined {
  const parts = text.split("/");
  if (parts.length !== 2 || !/^(0|[1-9][0-9]{0,2})$/.test(parts[1])) return undefined;
  const address = parseIp(parts[0]);
  const length = Number(parts[1]);
  return address !== undefined && length <= address.bits ? { address, length } : undefined;
}

function inCidr(cidr: string, value: string): boolean {
  const block = parseCidr(cidr);
  const address = parseIp(value);
  if (block === undefined || address === undefined || address.bits !== block.address.bits) {
    return false;
  }
  const shift = BigInt(address.bits - block.length);
  return address.value >> shift === block.address.value >> shift;
}

// ---------------------------------------------------------------------------------------------
// Matching

/**
 * Exact match of one event value. Numbers compare numerically on the parsed values: the
 * "Amazon EventBridge event patterns" page says EventBridge compares the string representation
 * (300, 300.0 and 3.0e2 are not equal), but once JSON is parsed 300 and 300.0 are the same
 * number, so this matcher treats them as equal. Write numbers in patterns as events carry them.
 */
function matchesExact(expected: Leaf, value: Leaf): boolean {
  return expected === value;
}

function lower(text: string): string {
  return text.toLowerCase();
}

function matchesAffix(
  op: "prefix" | "suffix",
  operand: string | { "equals-ignore-case": string },
  value: Leaf,
): boolean {
  if (typeof value !== "string") return false;
  const ignoreCase = typeof operand !== "string";
  const affix = ignoreCase ? lower(operand["equals-ignore-case"]) : operand;
  const subject = ignoreCase ? lower(value) : value;
  return op === "prefix" ? subject.startsWith(affix) : subject.endsWith(affix);
}

function matchesNumeric(comparisons: unknown[], value: Leaf): boolean {
  if (typeof value !== "number") return false;
  for (let i = 0; i < comparisons.length; i += 2) {
    const bound = comparisons[i + 1] as number;
    const ok = {
      "=": value === bound,
      "<": value < bound,
      "<=": value <= bound,
      ">": value > bound,
      ">=": value >= bound,
    }[comparisons[i] as string];
    if (!ok) return false;
  }
  return true;
}

/** Whether `value` is one of the values that `anything-but` excludes. */
function excludedByAnythingBut(operand: unknown, value: Leaf): boolean {
  if (Array.isArray(operand)) return operand.some((v) => v === value);
  if (!isObject(operand)) return operand === value;
  // The nested forms are string conditions: a number, boolean or null is never excluded.
  if (typeof value !== "string") return false;
  const [op] = Object.keys(operand);
  const inner = operand[op];
  const list = ([] as string[]).concat(inner as string | string[]);
  switch (op) {
    case "prefix":
      return value.startsWith(inner as string);
    case "suffix":
      return value.endsWith(inner as string);
    case "equals-ignore-case":
      return list.some((v) => lower(v) === lower(value));
    default: // wildcard
      return list.some((v) => matchesWildcard(v, value));
  }
}

/** Whether one matcher of a leaf array matches the (flattened) values at that path. */
function matchesLeaf(matcher: unknown, values: Leaf[]): boolean {
  if (!isObject(matcher)) return values.some((v) => matchesExact(matcher as Leaf, v));
  const [op] = Object.keys(matcher);
  const operand = matcher[op];
  switch (op) {
    case "exists":
      return operand ? values.length > 0 : values.length === 0;
    case "anything-but":
      // A missing field has no value, so anything-but does not match it.
      return values.some((v) => !excludedByAnythingBut(operand, v));
    case "prefix":
    case "suffix":
      return values.some((v) => matchesAffix(op, operand as string, v));
    case "equals-ignore-case":
      return values.some((v) => typeof v === "string" && lower(v) === lower(operand as string));
    case "wildcard":
      return values.some((v) => typeof v === "string" && matchesWildcard(operand as string, v));
    case "numeric":
      return values.some((v) => matchesNumeric(operand as unknown[], v));
    default: // cidr
      return values.some((v) => typeof v === "string" && inCidr(operand as string, v));
  }
}

function pushFlattened(value: unknown, out: unknown[]): void {
  if (Array.isArray(value)) value.forEach((element) => pushFlattened(element, out));
  else out.push(value);
}

/** Every value found under `key` in any of `nodes`, with arrays flattened. */
function valuesAt(nodes: unknown[], key: string): unknown[] {
  const out: unknown[] = [];
  for (const node of nodes) {
    if (isObject(node) && Object.prototype.hasOwnProperty.call(node, key)) {
      pushFlattened(node[key], out);
    }
  }
  return out;
}

/**
 * Evaluates a (valid) pattern object against the event nodes found at `path`, recording the
 * paths of the fields that do not match in `failed`.
 */
function evaluate(pattern: JsonObject, nodes: unknown[], path: string, failed: string[]): boolean {
  let matched = true;
  for (const [key, spec] of Object.entries(pattern)) {
    const here = join(path, key);
    if (key === "$or") {
      const branchFailures: string[] = [];
      const any = (spec as JsonObject[]).some((sub, i) =>
        evaluate(sub, nodes, `${here}[${i}]`, branchFailures),
      );
      if (!any) {
        matched = false;
        failed.push(...branchFailures);
      }
    } else if (Array.isArray(spec)) {
      const leaves = valuesAt(nodes, key).filter((v): v is Leaf => !isObject(v));
      if (!spec.some((matcher) => matchesLeaf(matcher, leaves))) {
        matched = false;
        failed.push(here);
      }
    } else {
      const children = valuesAt(nodes, key).filter(isObject);
      if (!evaluate(spec as JsonObject, children, here, failed)) matched = false;
    }
  }
  return matched;
}

function assertValid(pattern: unknown): asserts pattern is EventPattern {
  const errors = validatePattern(pattern);
  if (errors.length > 0) throw new Error(`Invalid event pattern: ${errors.join("; ")}`);
}

/**
 * Why `event` does or does not match `pattern`: `failedPaths` lists the pattern fields that did
 * not match (dotted paths, `$or` branches as `detail.$or[1].eventName`); empty when matched.
 * Throws an Error listing the validation problems if the pattern is invalid.
 */
export function explainMatch(
  pattern: EventPattern,
  event: unknown,
): { matched: boolean; failedPaths: string[] } {
  assertValid(pattern);
  const failedPaths: string[] = [];
  const matched = evaluate(pattern, [event], "", failedPaths);
  return { matched, failedPaths: matched ? [] : failedPaths };
}

/**
 * Whether EventBridge would deliver `event` to a rule with `pattern`. Throws an Error listing the
 * validation problems if the pattern is invalid.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return explainMatch(pattern, event).matched;
}
