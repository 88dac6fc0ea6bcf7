/**
 * A configuration described once, as data: what each key holds, its default and what a valid
 * value is. From one description come the checks (every problem in one pass, each with the key
 * the user wrote), the defaults applied (`resolveSpec`) and the JSON Schema editors use
 * (`specJsonSchema`). SecurityWatch describes its arguments, which are the keys of
 * `Pulumi.<stack>.yaml`, with it. No Pulumi import: a value that is an Output (or a Promise) has
 * no shape yet and is accepted as it is (core/argsShape.ts `isPending`).
 */
import { describeValue, isPending, ShapeKind } from "./argsShape";
import { StringRule } from "./validation";

export { ShapeKind };

/** What one key holds. */
export interface KeySpec {
  readonly kind: ShapeKind;
  /** What the key is for: the schema's description (first sentence) and the docs. */
  readonly description: string;
  /** Completes "expected ..." in a message; by default the kind's phrase. */
  readonly expected?: string;
  /** The value when the key is absent (plain JSON). */
  readonly default?: unknown;
  /** A whole number (numbers). */
  readonly integer?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  /** The values allowed (strings or numbers). */
  readonly allowed?: readonly (string | number)[];
  /** A rule every string must pass (core/validation.ts). */
  readonly rule?: StringRule;
  /** A regular expression every string matches (also the schema's `pattern`). */
  readonly pattern?: string;
  readonly items?: KeySpec;
  readonly values?: KeySpec;
  /** The keys a map may have, and what one is called in a message ("remediation"). */
  readonly keys?: readonly string[];
  readonly keyNoun?: string;
  /** Says where the known keys are listed, instead of listing them (the catalog's 133 ids). */
  readonly keysHint?: string;
  readonly fields?: Readonly<Record<string, KeySpec>>;
  /** The key must be set. */
  readonly required?: boolean;
  /** An object whose absence means "off" (`chat.slack`): not filled in with its fields' defaults. */
  readonly optional?: boolean;
  /**
   * A check of its own (kind `Any`: a shape the owner describes, e.g. a remediation spec's
   * setting): the problem, starting with `path`, or undefined when the value is valid.
   */
  readonly check?: (value: unknown, path: string) => string | undefined;
}

const EXPECTED: Record<ShapeKind, string> = {
  [ShapeKind.String]: "a string",
  [ShapeKind.Number]: "a number",
  [ShapeKind.Boolean]: "true or false",
  [ShapeKind.List]: "a list",
  [ShapeKind.Map]: "a map",
  [ShapeKind.Object]: "a map",
  [ShapeKind.Any]: "anything",
};

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** ` (did you mean "alerts"?)` when one known key is within two edits of `key`, else "". */
export function didYouMean(key: string, known: readonly string[]): string {
  const close = known.filter((k) => distance(key.toLowerCase(), k.toLowerCase()) <= 2);
  return close.length === 1 ? ` (did you mean "${close[0]}"?)` : "";
}

/** `root` + `key`: `aws-security-watch:` + `trail` is `aws-security-watch:trail`. */
function child(path: string, key: string, root: boolean): string {
  return root ? `${path}${key}` : `${path}.${key}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function got(value: unknown): string {
  const text = describeValue(value);
  // A YAML number where a string is expected (`organizationId: 123456789012`): say how to write it.
  return typeof value === "number" ? `${text} (YAML reads it as a number: quote it)` : text;
}

function scalarProblems(path: string, value: unknown, spec: KeySpec): string[] {
  const expected = spec.expected ?? EXPECTED[spec.kind];
  switch (spec.kind) {
    case ShapeKind.Boolean:
      return typeof value === "boolean"
        ? []
        : [`${path}: expected true or false, got ${got(value)}`];
    case ShapeKind.Number: {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        return [`${path}: expected ${expected}, got ${describeValue(value)}`];
      }
      if (spec.allowed && !spec.allowed.includes(value)) {
        return [`${path}: ${value} is not ${expected}`];
      }
      const low = spec.minimum ?? -Infinity;
      const high = spec.maximum ?? Infinity;
      if ((spec.integer && !Number.isInteger(value)) || value < low || value > high) {
        return [`${path}: ${value} is not ${expected}`];
      }
      return [];
    }
    case ShapeKind.String: {
      if (typeof value !== "string") return [`${path}: expected ${expected}, got ${got(value)}`];
      if (spec.allowed && !spec.allowed.includes(value)) {
        // A long list (the catalog's ids) is named by `expected`, a short one in full.
        return spec.expected
          ? [`${path}: ${JSON.stringify(value)} is not ${expected}`]
          : [`${path}: expected one of ${spec.allowed.join(", ")}, got ${describeValue(value)}`];
      }
      if (spec.pattern !== undefined && !new RegExp(spec.pattern).test(value)) {
        return [`${path}: ${JSON.stringify(value)} is not ${expected}`];
      }
      if (spec.rule && !spec.rule.test(value)) {
        return [`${path}: ${JSON.stringify(value)} is not ${spec.rule.expected}`];
      }
      return [];
    }
    default:
      return [];
  }
}

/**
 * Every problem of `value` against `spec`, one line each, each starting with the key's path.
 * @param path the key as the user wrote it (`aws-security-watch:trail`)
 * @param root `path` is a prefix (`aws-security-watch:`) its keys are appended to without a dot
 */
export function specProblems(path: string, value: unknown, spec: KeySpec, root = false): string[] {
  if (value === undefined || value === null) {
    return spec.required ? [`${path}: required (${spec.expected ?? spec.description})`] : [];
  }
  if (isPending(value)) return [];
  const where = root ? path.replace(/[:.]$/, "") || "the arguments" : path;
  switch (spec.kind) {
    case ShapeKind.Any: {
      const problem = spec.check?.(value, path);
      return problem === undefined ? [] : [problem];
    }
    case ShapeKind.List:
      if (!Array.isArray(value)) return [`${where}: expected a list, got ${describeValue(value)}`];
      return spec.items
        ? value.flatMap((item, i) => specProblems(`${path}[${i}]`, item, spec.items!))
        : [];
    case ShapeKind.Map:
    case ShapeKind.Object: {
      if (!isMap(value)) {
        return [`${where}: expected ${spec.expected ?? "a map"}, got ${describeValue(value)}`];
      }
      const problems: string[] = [];
      for (const [key, field] of Object.entries(spec.fields ?? {})) {
        if (field.required && value[key] === undefined) {
          problems.push(...specProblems(child(path, key, root), undefined, field));
        }
      }
      for (const [key, v] of Object.entries(value)) {
        if (v === undefined) continue; // an absent key (a required one is reported above)
        const at = child(path, key, root);
        if (spec.kind === ShapeKind.Object) {
          const field = spec.fields?.[key];
          if (!field) {
            const known = Object.keys(spec.fields ?? {});
            problems.push(
              `${at}: unknown ${spec.keyNoun ?? "setting"}${didYouMean(key, known)}; known: ${known.join(", ")}`,
            );
            continue;
          }
          problems.push(...specProblems(at, v, field));
        } else {
          if (spec.keys && !spec.keys.includes(key)) {
            const known = spec.keysHint ?? `known: ${spec.keys.join(", ")}`;
            const noun = spec.keyNoun ?? "key";
            problems.push(`${at}: unknown ${noun}${didYouMean(key, spec.keys)}; ${known}`);
            continue;
          }
          if (spec.values) problems.push(...specProblems(at, v, spec.values));
        }
      }
      return problems;
    }
    default:
      return scalarProblems(path, value, spec);
  }
}

/**
 * `value` with the defaults of `spec` filled in, recursively: an absent object with fields
 * becomes its fields' defaults; an absent key without a default stays absent. Never mutates
 * `value`. Call it on a value without problems.
 */
export function resolveSpec(value: unknown, spec: KeySpec): unknown {
  if (isPending(value)) return value;
  if (value === undefined || value === null) {
    if (spec.default !== undefined) return structuredClone(spec.default);
    if (spec.kind === ShapeKind.Object && spec.fields && !spec.optional) {
      return resolveSpec({}, spec);
    }
    return undefined;
  }
  if (spec.kind === ShapeKind.Object && spec.fields && isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(spec.fields)) {
      const resolved = resolveSpec(value[key], field);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  if (spec.kind === ShapeKind.Map && spec.values && isMap(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, resolveSpec(v, spec.values!)]),
    );
  }
  return value;
}

/** The JSON Schema (draft-07) of a spec: what editors complete and check. */
export function specJsonSchema(spec: KeySpec): Record<string, unknown> {
  const out: Record<string, unknown> = { description: spec.description };
  if (spec.default !== undefined) out.default = spec.default;
  switch (spec.kind) {
    case ShapeKind.Boolean:
      out.type = "boolean";
      break;
    case ShapeKind.Number:
      out.type = spec.integer ? "integer" : "number";
      if (spec.minimum !== undefined) out.minimum = spec.minimum;
      if (spec.maximum !== undefined) out.maximum = spec.maximum;
      if (spec.allowed) out.enum = spec.allowed;
      break;
    case ShapeKind.String:
      out.type = "string";
      if (spec.allowed) out.enum = spec.allowed;
      if (spec.pattern !== undefined) out.pattern = spec.pattern;
      break;
    case ShapeKind.List:
      out.type = "array";
      if (spec.items) out.items = specJsonSchema(spec.items);
      break;
    case ShapeKind.Map:
      out.type = "object";
      if (spec.keys) out.propertyNames = { enum: spec.keys };
      if (spec.values) out.additionalProperties = specJsonSchema(spec.values);
      break;
    case ShapeKind.Object:
      out.type = "object";
      out.properties = Object.fromEntries(
        Object.entries(spec.fields ?? {}).map(([key, field]) => [key, specJsonSchema(field)]),
      );
      {
        const required = Object.entries(spec.fields ?? {})
          .filter(([, field]) => field.required)
          .map(([key]) => key);
        if (required.length > 0) out.required = required;
      }
      out.additionalProperties = false;
      break;
    case ShapeKind.Any:
      break;
  }
  return out;
}

// Shorthands for spec tables.
export const flag = (description: string, dflt?: boolean): KeySpec => ({
  kind: ShapeKind.Boolean,
  description,
  default: dflt,
});
export const whole = (
  description: string,
  minimum: number,
  maximum: number,
  dflt?: number,
): KeySpec => ({
  kind: ShapeKind.Number,
  description,
  integer: true,
  minimum,
  maximum,
  default: dflt,
  expected: `a whole number from ${minimum} to ${maximum}`,
});
export const text = (
  description: string,
  options: Partial<Omit<KeySpec, "kind" | "description">> = {},
): KeySpec => ({ kind: ShapeKind.String, description, ...options });
export const oneOf = (description: string, allowed: readonly string[], dflt?: string): KeySpec => ({
  kind: ShapeKind.String,
  description,
  allowed,
  default: dflt,
});
export const listOf = (description: string, items: KeySpec, dflt?: unknown[]): KeySpec => ({
  kind: ShapeKind.List,
  description,
  items,
  default: dflt,
});
export const mapOf = (
  description: string,
  values: KeySpec,
  options: {
    keys?: readonly string[];
    keyNoun?: string;
    keysHint?: string;
    default?: unknown;
  } = {},
): KeySpec => ({ kind: ShapeKind.Map, description, values, ...options });
export const group = (
  description: string,
  fields: Readonly<Record<string, KeySpec>>,
  options: { default?: unknown; expected?: string; optional?: boolean; keyNoun?: string } = {},
): KeySpec => ({ kind: ShapeKind.Object, description, fields, ...options });
