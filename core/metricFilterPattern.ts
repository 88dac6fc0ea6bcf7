/**
 * A parser, validator and evaluator for CloudWatch Logs JSON filter patterns (the `{ ... }` form
 * that metric filters on a CloudTrail log group use). Plain functions, no Pulumi.
 *
 * Supported syntax (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * - `{ $.a.b = "text" }`, `{ $.a = text }`, `{ $.list[0].id = 2 }` (quoted or bare values),
 * - operators `=`, `!=` (strings and numbers), `<`, `<=`, `>`, `>=` (numbers),
 * - `*` wildcards in string values (`"*UnauthorizedOperation"`, `AccessDenied*`, `123.123.*`),
 * - regular expressions between `%` (`{ $.eventName = %Put.*% }`),
 * - `IS NULL`, `IS TRUE`, `IS FALSE`, `EXISTS`, `NOT EXISTS`,
 * - `&&` and `||` (`&&` binds tighter), and parentheses.
 *
 * Only JSON patterns are accepted: the log group holds CloudTrail records, one JSON object per
 * event, and a term or space-delimited pattern on it is almost always a mistake.
 *
 * Evaluation semantics (used to replay CloudTrail records in tests): a comparison (`=`, `!=`,
 * `<`, ...) on a selector that is absent from the record is false; `NOT EXISTS` is true only
 * when it is absent; `IS NULL` is true only when it is present with the JSON value null.
 */

/** The most characters CloudWatch Logs accepts in a filter pattern (PutMetricFilter). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** A value on the right of a comparison. */
export type PatternValue =
  | { readonly kind: "string"; readonly text: string; readonly quoted: boolean }
  | { readonly kind: "number"; readonly value: number; readonly text: string }
  | { readonly kind: "regex"; readonly source: string };

/** One step of a selector: a property name or an array index. */
export type SelectorStep = string | number;

export type PatternNode =
  | { readonly type: "and"; readonly operands: readonly PatternNode[] }
  | { readonly type: "or"; readonly operands: readonly PatternNode[] }
  | {
      readonly type: "comparison";
      readonly selector: readonly SelectorStep[];
      readonly selectorText: string;
      readonly operator: ComparisonOperator;
      readonly value: PatternValue;
    }
  | {
      readonly type: "check";
      readonly selector: readonly SelectorStep[];
      readonly selectorText: string;
      readonly check: "IS NULL" | "IS TRUE" | "IS FALSE" | "EXISTS" | "NOT EXISTS";
    };

/** A pattern that cannot be parsed; `position` is the 0-based offset of the problem. */
export class MetricFilterPatternError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
    readonly pattern: string,
  ) {
    super(`Invalid metric filter pattern: ${reason} at position ${position} of ${pattern}`);
    this.name = "MetricFilterPatternError";
  }
}

const SELECTOR_NAME = /^[A-Za-z0-9_@-]+/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): PatternNode {
    this.skipSpace();
    this.expect("{", "a JSON filter pattern must start with {");
    const node = this.parseOr();
    this.skipSpace();
    this.expect("}", "expected && or || or a closing }");
    this.skipSpace();
    if (this.pos < this.text.length) {
      this.fail("unexpected text after the closing }");
    }
    return node;
  }

  private parseOr(): PatternNode {
    const operands = [this.parseAnd()];
    for (;;) {
      this.skipSpace();
      if (!this.text.startsWith("||", this.pos)) break;
      this.pos += 2;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0] : { type: "or", operands };
  }

  private parseAnd(): PatternNode {
    const operands = [this.parsePrimary()];
    for (;;) {
      this.skipSpace();
      if (!this.text.startsWith("&&", this.pos)) break;
      this.pos += 2;
      operands.push(this.parsePrimary());
    }
    return operands.length === 1 ? operands[0] : { type: "and", operands };
  }

  private parsePrimary(): PatternNode {
    this.skipSpace();
    if (this.peek() === "(") {
      this.pos++;
      const inner = this.parseOr();
      this.skipSpace();
      this.expect(")", "expected && or || or a closing )");
      return inner;
    }
    if (this.peek() === "$") {
      return this.parseCondition();
    }
    if (this.pos >= this.text.length) this.fail("unexpected end of pattern, expected a condition");
    return this.fail(
      `expected a selector starting with $. or a (, found ${JSON.stringify(this.peek())}`,
    );
  }

  private parseCondition(): PatternNode {
    const start = this.pos;
    const selector = this.parseSelector();
    const selectorText = this.text.slice(start, this.pos);
    this.skipSpace();
    for (const check of ["IS NULL", "IS TRUE", "IS FALSE", "NOT EXISTS", "EXISTS"] as const) {
      if (this.matchKeywords(check)) {
        return { type: "check", selector, selectorText, check };
      }
    }
    const operator = this.parseOperator();
    this.skipSpace();
    const value = this.parseValue(operator);
    return { type: "comparison", selector, selectorText, operator, value };
  }

  /** Matches space-separated keywords followed by a delimiter; consumes them on success. */
  private matchKeywords(phrase: string): boolean {
    const words = phrase.split(" ");
    let at = this.pos;
    for (let i = 0; i < words.length; i++) {
      if (i > 0) {
        const spaces = /^\s+/.exec(this.text.slice(at));
        if (!spaces) return false;
        at += spaces[0].length;
      }
      if (!this.text.startsWith(words[i], at)) return false;
      at += words[i].length;
    }
    const next = this.text.charAt(at);
    if (next !== "" && !/[\s)}&|]/.test(next)) return false;
    this.pos = at;
    return true;
  }

  private parseSelector(): SelectorStep[] {
    this.expect("$", "expected a selector starting with $");
    const steps: SelectorStep[] = [];
    for (;;) {
      const c = this.peek();
      if (c === ".") {
        this.pos++;
        const name = SELECTOR_NAME.exec(this.text.slice(this.pos));
        if (!name) this.fail("expected a property name after . in the selector");
        steps.push(name[0]);
        this.pos += name[0].length;
      } else if (c === "[") {
        this.pos++;
        const index = /^\d+/.exec(this.text.slice(this.pos));
        if (!index) this.fail("expected an array index in [] in the selector");
        this.pos += index[0].length;
        this.expect("]", "expected ] after the array index");
        steps.push(Number(index[0]));
      } else {
        break;
      }
    }
    if (steps.length === 0) this.fail("expected . or [ after $ in the selector");
    return steps;
  }

  private parseOperator(): ComparisonOperator {
    for (const op of ["!=", "<=", ">=", "=", "<", ">"] as const) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    if (this.pos >= this.text.length) this.fail("unexpected end of pattern, expected an operator");
    return this.fail(
      "expected an operator (=, !=, <, <=, >, >=) or IS NULL, IS TRUE, IS FALSE, EXISTS, NOT EXISTS",
    );
  }

  private parseValue(operator: ComparisonOperator): PatternValue {
    const c = this.peek();
    let value: PatternValue;
    if (c === '"') {
      value = { kind: "string", text: this.parseQuoted(), quoted: true };
    } else if (c === "%") {
      const end = this.text.indexOf("%", this.pos + 1);
      if (end < 0) this.fail("unterminated regular expression, expected a closing %");
      const source = this.text.slice(this.pos + 1, end);
      if (source.length === 0) this.fail("empty regular expression between %");
      try {
        new RegExp(source);
      } catch {
        this.fail(`invalid regular expression %${source}%`);
      }
      this.pos = end + 1;
      value = { kind: "regex", source };
    } else {
      const token = /^[^\s)}&|"=<>][^\s)}&|"]*/.exec(this.text.slice(this.pos));
      if (!token) {
        if (this.pos >= this.text.length) this.fail("unexpected end of pattern, expected a value");
        this.fail("expected a value after the operator");
      }
      this.pos += token[0].length;
      value = NUMBER.test(token[0])
        ? { kind: "number", value: Number(token[0]), text: token[0] }
        : { kind: "string", text: token[0], quoted: false };
    }
    if (operator !== "=" && operator !== "!=" && value.kind !== "number") {
      this.fail(`operator ${operator} needs a number`);
    }
    return value;
  }

  private parseQuoted(): string {
    const start = this.pos;
    this.pos++;
    let out = "";
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === "\\" && this.pos + 1 < this.text.length) {
        out += this.text[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (c === '"') {
        this.pos++;
        return out;
      }
      out += c;
      this.pos++;
    }
    this.pos = start;
    return this.fail("unterminated quoted string");
  }

  private peek(): string {
    return this.text.charAt(this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private expect(token: string, reason: string): void {
    if (!this.text.startsWith(token, this.pos)) {
      this.fail(this.pos >= this.text.length ? `unexpected end of pattern, ${reason}` : reason);
    }
    this.pos += token.length;
  }

  private fail(reason: string): never {
    throw new MetricFilterPatternError(reason, this.pos, this.text);
  }
}

/**
 * Parses a JSON metric filter pattern; throws {@link MetricFilterPatternError} with the reason
 * and position when it is malformed or longer than {@link MAX_FILTER_PATTERN_LENGTH}.
 */
export function parseFilterPattern(pattern: string): PatternNode {
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new MetricFilterPatternError(
      `pattern is ${pattern.length} characters long, CloudWatch Logs allows at most ${MAX_FILTER_PATTERN_LENGTH}`,
      MAX_FILTER_PATTERN_LENGTH,
      pattern,
    );
  }
  return new Parser(pattern).parse();
}

/** The reason a pattern is invalid, or undefined when it parses. */
export function filterPatternError(pattern: string): string | undefined {
  try {
    parseFilterPattern(pattern);
    return undefined;
  } catch (e) {
    if (e instanceof MetricFilterPatternError) return e.message;
    throw e;
  }
}

const ABSENT = Symbol("absent");

function select(record: unknown, steps: readonly SelectorStep[]): unknown {
  let current: unknown = record;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(current) || step >= current.length) return ABSENT;
      current = current[step];
    } else {
      if (current === null || typeof current !== "object" || Array.isArray(current)) return ABSENT;
      if (!Object.prototype.hasOwnProperty.call(current, step)) return ABSENT;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}

function globToRegExp(text: string): RegExp {
  const escaped = text
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "s");
}

function equals(actual: unknown, value: PatternValue): boolean {
  if (actual === null || typeof actual === "object") return false;
  if (value.kind === "regex") return new RegExp(value.source).test(String(actual));
  if (value.kind === "number") {
    if (typeof actual === "number") return actual === value.value;
    return String(actual) === value.text;
  }
  return value.text.includes("*")
    ? globToRegExp(value.text).test(String(actual))
    : String(actual) === value.text;
}

function evaluateNode(node: PatternNode, record: unknown): boolean {
  switch (node.type) {
    case "and":
      return node.operands.every((n) => evaluateNode(n, record));
    case "or":
      return node.operands.some((n) => evaluateNode(n, record));
    case "check": {
      const actual = select(record, node.selector);
      switch (node.check) {
        case "EXISTS":
          return actual !== ABSENT;
        case "NOT EXISTS":
          return actual === ABSENT;
        case "IS NULL":
          return actual === null;
        case "IS TRUE":
          return actual === true;
        case "IS FALSE":
          return actual === false;
      }
      return false;
    }
    case "comparison": {
      const actual = select(record, node.selector);
      if (actual === ABSENT) return false;
      const { operator, value } = node;
      if (operator === "=") return equals(actual, value);
      if (operator === "!=") return !equals(actual, value);
      if (typeof actual !== "number" || value.kind !== "number") return false;
      if (operator === "<") return actual < value.value;
      if (operator === "<=") return actual <= value.value;
      if (operator === ">") return actual > value.value;
      return actual >= value.value;
    }
  }
}

/** Whether a JSON log event (a parsed CloudTrail record) matches the pattern. */
export function matchesFilterPattern(pattern: string | PatternNode, record: unknown): boolean {
  const node = typeof pattern === "string" ? parseFilterPattern(pattern) : pattern;
  return evaluateNode(node, record);
}
