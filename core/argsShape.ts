/**
 * The first validation pass of every component: the shape of its arguments, checked at run time.
 * TypeScript checks it at compile time for TypeScript programs only; a JavaScript program, or a
 * Python, Go, C#, Java or YAML program through the component provider, can pass anything. So each
 * component describes its arguments here (which are required, which are strings, lists, maps or
 * objects, and what a valid value is) and reports every mismatch in one line that names the
 * field and says what is expected, before any other check and before anything is created.
 *
 * A value that is an Output (or a Promise) has no shape yet: it is accepted, except where the
 * component must know it when it is built (`known`, e.g. a map whose keys name children).
 * No Pulumi import: `isPending` recognises an Output by its marker.
 */

/** What a field holds. */
export enum ShapeKind {
  String = "string",
  Number = "number",
  Boolean = "boolean",
  /** A list (JSON array) of items described by `items`. */
  List = "list",
  /** A map (JSON object keyed by a label or id) of values described by `values`. */
  Map = "map",
  /** An object with the fields described by `fields`. */
  Object = "object",
  /** Anything (free-form JSON). */
  Any = "any",
}

/** The expected shape of one field. */
export interface FieldShape {
  readonly kind: ShapeKind;
  /** Completes "<field> must be ..." and "<field> is required (...)". */
  readonly expected: string;
  readonly required?: boolean;
  /** Must be known when the component is built: an Output is an error. */
  readonly known?: boolean;
  /** Shape of each list item. */
  readonly items?: FieldShape;
  /** Shape of each map value. */
  readonly values?: FieldShape;
  /** Shapes of an object's fields. */
  readonly fields?: Readonly<Record<string, FieldShape>>;
}

/** An Output or a Promise: a value the component cannot look into when it is built. */
export function isPending(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const marked = value as { __pulumiOutput?: unknown; then?: unknown };
  return marked.__pulumiOutput === true || typeof marked.then === "function";
}

/** How a wrong value is named in a message: one phrase, never one line per character. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  switch (typeof value) {
    case "string": {
      const text = value.length > 40 ? `${value.slice(0, 40)}...` : value;
      return `the string ${JSON.stringify(text)}`;
    }
    case "number":
    case "boolean":
      return `the ${typeof value} ${String(value)}`;
    case "function":
      return "a function";
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every mismatch of `value` at `path` against `shape`, one line each. */
export function shapeProblems(path: string, value: unknown, shape: FieldShape): string[] {
  if (value === undefined || value === null) {
    return shape.required ? [`${path} is required (${shape.expected})`] : [];
  }
  if (isPending(value)) {
    return shape.known
      ? [
          `${path} must be known when the component is built (${shape.expected}), got an output: pass the value itself`,
        ]
      : [];
  }
  const wrong = (): string[] => [`${path} must be ${shape.expected}, got ${describeValue(value)}`];
  switch (shape.kind) {
    case ShapeKind.Any:
      return [];
    case ShapeKind.String:
      return typeof value === "string" ? [] : wrong();
    case ShapeKind.Number:
      return typeof value === "number" && Number.isFinite(value) ? [] : wrong();
    case ShapeKind.Boolean:
      return typeof value === "boolean" ? [] : wrong();
    case ShapeKind.List:
      if (!Array.isArray(value)) return wrong();
      return shape.items
        ? value.flatMap((item, i) => shapeProblems(`${path}[${i}]`, item, shape.items!))
        : [];
    case ShapeKind.Map:
      if (Array.isArray(value)) {
        return [
          `${path} must be ${shape.expected}, got a list: a map is keyed by a stable label or id, not by position`,
        ];
      }
      if (!isPlainObject(value)) return wrong();
      return shape.values
        ? Object.entries(value).flatMap(([key, v]) =>
            shapeProblems(`${path}.${key}`, v, shape.values!),
          )
        : [];
    case ShapeKind.Object: {
      if (!isPlainObject(value)) return wrong();
      return Object.entries(shape.fields ?? {}).flatMap(([key, fieldShape]) =>
        shapeProblems(path ? `${path}.${key}` : key, value[key], fieldShape),
      );
    }
  }
}

/**
 * Every mismatch of a component's arguments, each line prefixed by the component and its name:
 * `AutoRemediator "remediate": resolutionTopicArn is required (...)`.
 */
export function argsProblems(
  component: string,
  name: string,
  args: unknown,
  fields: Readonly<Record<string, FieldShape>>,
): string[] {
  const prefix = `${component} ${JSON.stringify(name)}: `;
  if (args !== undefined && args !== null && !isPlainObject(args) && !isPending(args)) {
    return [`${prefix}the arguments must be an object, got ${describeValue(args)}`];
  }
  const given = isPlainObject(args) ? args : {};
  return Object.entries(fields)
    .flatMap(([key, shape]) => shapeProblems(key, given[key], shape))
    .map((problem) => prefix + problem);
}

// Shorthands for the component shape tables.
export const str = (expected: string, required = false): FieldShape => ({
  kind: ShapeKind.String,
  expected,
  required,
});
export const num = (expected: string): FieldShape => ({ kind: ShapeKind.Number, expected });
export const bool = (expected = "true or false"): FieldShape => ({
  kind: ShapeKind.Boolean,
  expected,
});
// Lists, maps and objects must be known when the component is built (`known`), as their
// TypeScript types say (`T[]`, `Record<string, T>`, an interface: their items may be Inputs, not
// the whole); a field typed `pulumi.Input<Record<...>>` passes `{ known: false }`.
export const list = (
  expected: string,
  items?: FieldShape,
  options: { required?: boolean; known?: boolean } = {},
): FieldShape => ({ kind: ShapeKind.List, expected, items, known: true, ...options });
export const map = (
  expected: string,
  values?: FieldShape,
  options: { required?: boolean; known?: boolean } = {},
): FieldShape => ({ kind: ShapeKind.Map, expected, values, known: true, ...options });
export const obj = (
  expected: string,
  fields: Readonly<Record<string, FieldShape>>,
  options: { required?: boolean; known?: boolean } = {},
): FieldShape => ({ kind: ShapeKind.Object, expected, fields, known: true, ...options });
