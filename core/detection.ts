/**
 * What a detection is (plain data), the fields its alert message may show, and the helpers that
 * turn the catalog plus a stack's choices (disabled ids, severity overrides, custom detections)
 * into the validated list that SecurityRuleWatcher deploys. No Pulumi here.
 */
import { CATALOG, EventOrigin } from "./catalog";
import { EventPattern, validatePattern } from "./eventPattern";
import { RemediationId, Severity, SEVERITIES } from "./types";
import { isKebabCase } from "./validation";

export { EventOrigin };

/** Where a detection comes from in the standards people audit against. */
export interface DetectionReferences {
  /**
   * CIS AWS Foundations Benchmark v1.4 recommendations and AWS Security Hub controls, e.g. "CIS 4.3", "CloudWatch.1".
   * @default []
   */
  readonly cis?: string[];
  /**
   * MITRE ATT&CK (Enterprise, cloud) technique ids, e.g. "T1562.008": at least one (every
   * detection says which technique it sees; `references: {}` does not type-check).
   */
  readonly mitre: string[];
}

/**
 * The alert text of a detection. Templates are plain text with `<name>` placeholders, where a
 * name is one of the common fields of the detection's origin ({@link commonFieldsOf}:
 * {@link COMMON_FIELDS} for CloudTrail, {@link HEALTH_COMMON_FIELDS} for AWS Health) or of
 * `fields`. They are rendered by an EventBridge input transformer (core/alertMessage.ts), so: no
 * `"`, `\`, `<` or `>` outside placeholders, one line per `\n` in `body`.
 */
export interface DetectionMessage {
  /** What happened and where, without the severity tag (added from the effective severity). */
  readonly subject: string;
  /**
   * The resource concerned, shown on its own line (`Resource: sg-0abc`).
   * @default no resource line
   */
  readonly resource?: string;
  /**
   * What a person should check or do; one or more lines.
   * @default no guidance lines
   */
  readonly body?: string;
  /**
   * Extra placeholders: name to event path in dot notation (`detail.requestParameters.groupId`, `[0]` for array items).
   * @default {}
   */
  readonly fields?: Record<string, string>;
}

/** One entry of the catalog: an EventBridge pattern and what to tell people when it matches. */
export interface Detection {
  /** Stable kebab-case id: it names the EventBridge rule and keys overrides and outputs. */
  readonly id: string;
  /** A short title: the second line of the alert and the rule's description. */
  readonly title: string;
  /** What the detection catches and why it matters, in a sentence or two. */
  readonly description: string;
  /** Default severity: selects the alert topic. */
  readonly severity: Severity;
  /** CIS and MITRE ATT&CK references, shown in the alert. */
  readonly references: DetectionReferences;
  /**
   * The full EventBridge event pattern (source, detail-type, detail), as JSON. Typed `any` in its
   * values because a pattern is free-form JSON (`Any` in the package schema); it is checked by
   * `validatePattern` before anything is deployed.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly eventPattern: Record<string, any>;
  /** The alert text: subject, resource, body and extra placeholders. */
  readonly message: DetectionMessage;
  /**
   * The remediation that AutoRemediator may attach to this detection's rule.
   * @default none
   */
  readonly remediation?: RemediationId;
  /**
   * The events come (also) from a global service (IAM, STS, Organizations, console sign-in),
   * which CloudTrail delivers to EventBridge in us-east-1 only: SecurityRuleWatcher forwards them
   * from us-east-1 to its home region.
   * @default false
   */
  readonly global?: boolean;
  /**
   * What kind of event the pattern matches: it decides the common fields the message may use and
   * the event lines of the alert (who, from where, which console page).
   * @default EventOrigin.CloudTrail
   */
  readonly origin?: EventOrigin;
  /**
   * Match read-only management events too (rule state
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`): without it EventBridge does not deliver
   * `Get*`, `List*` and `Describe*` calls to the rule.
   * @default false
   */
  readonly includeReadOnlyEvents?: boolean;
}

/**
 * Placeholders every message of a CloudTrail detection may use, and where EventBridge reads them
 * (dot notation from the event root). `region` is the event's region, the one whose CloudTrail
 * event history holds it.
 */
export const COMMON_FIELDS: Readonly<Record<string, string>> = {
  eventName: "detail.eventName",
  eventSource: "detail.eventSource",
  eventTime: "detail.eventTime",
  eventId: "detail.eventID",
  principal: "detail.userIdentity.arn",
  principalType: "detail.userIdentity.type",
  sourceIp: "detail.sourceIPAddress",
  userAgent: "detail.userAgent",
  account: "account",
  region: "region",
};

/**
 * Placeholders every message of an AWS Health detection may use
 * (https://docs.aws.amazon.com/health/latest/ug/aws-health-events-eventbridge-schema.html).
 * `eventId` is the EventBridge event id (the remediations report it as the event they resolve);
 * `region` is the region the event was delivered to (us-east-1 for global events), the affected
 * one is `detail.eventRegion`; `healthDescription` is AWS Health's own text.
 */
export const HEALTH_COMMON_FIELDS: Readonly<Record<string, string>> = {
  eventTypeCode: "detail.eventTypeCode",
  service: "detail.service",
  eventArn: "detail.eventArn",
  startTime: "detail.startTime",
  healthDescription: "detail.eventDescription[0].latestDescription",
  eventId: "id",
  account: "account",
  region: "region",
};

/**
 * Placeholders every message of an AWS Config compliance-change detection may use. `eventId` is
 * the EventBridge event id (the remediations report it as the event they resolve); `annotation`
 * is Config's own explanation, absent for some managed rules.
 */
export const CONFIG_COMMON_FIELDS: Readonly<Record<string, string>> = {
  configRuleName: "detail.configRuleName",
  resourceType: "detail.resourceType",
  resourceId: "detail.resourceId",
  complianceType: "detail.newEvaluationResult.complianceType",
  annotation: "detail.newEvaluationResult.annotation",
  recordedTime: "detail.newEvaluationResult.resultRecordedTime",
  eventId: "id",
  account: "account",
  region: "region",
};

const ORIGINS: readonly string[] = Object.values(EventOrigin);

/** The placeholders every message of `detection` may use, by the origin of its events. */
export function commonFieldsOf(
  detection: Pick<Detection, "origin">,
): Readonly<Record<string, string>> {
  if (detection.origin === EventOrigin.AwsConfig) return CONFIG_COMMON_FIELDS;
  return detection.origin === EventOrigin.AwsHealth ? HEALTH_COMMON_FIELDS : COMMON_FIELDS;
}

/** EventBridge rule names: 1-64 characters of `[.-_A-Za-z0-9]`. */
export const MAX_RULE_NAME_LENGTH = 64;
const RULE_NAME = /^[.\-_A-Za-z0-9]+$/;
/** EventBridge input transformer: at most 100 variables, keys of `[A-Za-z0-9_-]`. */
export const MAX_INPUT_PATHS = 100;
const FIELD_NAME = /^[A-Za-z0-9_-]+$/;
const FIELD_PATH = /^[A-Za-z0-9_-]+(\[\d+\])?(\.[A-Za-z0-9_-]+(\[\d+\])?)*$/;
const PLACEHOLDER = /<([^<>]*)>/g;

/**
 * Whether static alert text holds a character that an EventBridge string template cannot carry
 * as is: a double quote, a backslash, an angle bracket, or a control character (a line feed is
 * allowed where `allowLineFeed`: it separates lines of the body).
 */
export function hasUnsafeCharacter(text: string, allowLineFeed: boolean): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if ('"\\<>'.includes(char)) return true;
    if (code < 0x20 && !(allowLineFeed && char === "\n")) return true;
  }
  return false;
}

/** The name of the home-region rule of a detection. */
export function ruleName(prefix: string, id: string): string {
  return `${prefix}-${id}`;
}

/** The name of the us-east-1 rule that forwards a global detection's events to the home region. */
export function forwardingRuleName(prefix: string, id: string): string {
  return `${prefix}-fwd-${id}`;
}

/** Every template text of a message (subject, resource, body), in that order. */
export function messageTemplates(message: DetectionMessage): string[] {
  return [message.subject, message.resource ?? "", message.body ?? ""];
}

/** The placeholder names a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

/** The problems of a detection's own data (id, texts, pattern, message), each naming its path. */
export function detectionProblems(detection: Detection, path: string): string[] {
  const problems: string[] = [];
  if (!isKebabCase(detection.id)) {
    problems.push(`${path}.id: "${detection.id}" must be kebab-case (a-z, 0-9, single hyphens)`);
  }
  if (!detection.title) problems.push(`${path}.title: must not be empty`);
  if (!detection.description) problems.push(`${path}.description: must not be empty`);
  for (const key of ["title", "description"] as const) {
    if (hasUnsafeCharacter(detection[key], false)) {
      problems.push(`${path}.${key}: must not contain ", \\, < or >, nor control characters`);
    }
  }
  if (!SEVERITIES.includes(detection.severity)) {
    problems.push(
      `${path}.severity: "${detection.severity}" is not one of ${SEVERITIES.join(", ")}`,
    );
  }
  if (detection.origin !== undefined && !ORIGINS.includes(detection.origin)) {
    problems.push(`${path}.origin: "${detection.origin}" is not one of ${ORIGINS.join(", ")}`);
  }
  const common = commonFieldsOf(detection);
  const mitre = (detection.references as { mitre?: unknown } | undefined)?.mitre;
  if (!Array.isArray(mitre) || mitre.length === 0)
    problems.push(
      `${path}.references.mitre: name at least one MITRE ATT&CK technique id (e.g. T1562.008)`,
    );
  for (const error of validatePattern(detection.eventPattern)) {
    problems.push(`${path}.eventPattern: ${error}`);
  }
  const fields = detection.message.fields ?? {};
  for (const [name, fieldPath] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name) || name.startsWith("aws.")) {
      problems.push(`${path}.message.fields.${name}: a field name is letters, digits, _ and -`);
    }
    if (name in common) {
      problems.push(`${path}.message.fields.${name}: "${name}" is a common field already`);
    }
    if (!FIELD_PATH.test(fieldPath)) {
      problems.push(
        `${path}.message.fields.${name}: "${fieldPath}" must be a dot-notation path such as detail.requestParameters.groupId`,
      );
    }
  }
  if (Object.keys(common).length + Object.keys(fields).length > MAX_INPUT_PATHS) {
    problems.push(`${path}.message.fields: at most ${MAX_INPUT_PATHS} fields in all`);
  }
  const known = new Set([...Object.keys(common), ...Object.keys(fields)]);
  const [subject] = messageTemplates(detection.message);
  if (!subject) problems.push(`${path}.message.subject: must not be empty`);
  for (const template of messageTemplates(detection.message)) {
    for (const name of placeholdersOf(template)) {
      if (!known.has(name)) {
        problems.push(
          `${path}.message: unknown placeholder <${name}> (use a common field or declare it in fields)`,
        );
      }
    }
    const text = template.replace(PLACEHOLDER, "");
    if (hasUnsafeCharacter(text, true)) {
      problems.push(
        `${path}.message: the text must not contain ", \\, < or > outside placeholders, nor control characters`,
      );
    }
  }
  if (/\n/.test(detection.message.subject) || /\n/.test(detection.message.resource ?? "")) {
    problems.push(`${path}.message: subject and resource are one line each`);
  }
  return problems;
}

/** What a stack may change in the catalog. */
export interface DetectionOptions {
  /** Catalog (or custom) ids not to deploy. */
  readonly disabled?: readonly string[];
  /** A different severity (alert topic) per detection id. */
  readonly severityOverrides?: Readonly<Record<string, Severity>>;
  /** Detections of your own, deployed like the catalog's; ids must not collide with it. */
  readonly custom?: readonly Detection[];
  /** When given, check that every rule name (`<prefix>-<id>`, `<prefix>-fwd-<id>`) fits in 64 characters. */
  readonly ruleNamePrefix?: string;
}

/**
 * The problems of `options` against `catalog`, each a sentence that says what to change;
 * empty when the detections can be deployed.
 */
export function detectionOptionProblems(
  catalog: readonly Detection[],
  options: DetectionOptions,
): string[] {
  const problems: string[] = [];
  const catalogIds = new Set(catalog.map((d) => d.id));
  const seen = new Set<string>();
  for (const detection of options.custom ?? []) {
    const path = `customDetections.${detection.id}`;
    if (catalogIds.has(detection.id)) {
      problems.push(
        `customDetections: id "${detection.id}" is already in the catalog; choose another id`,
      );
    } else if (seen.has(detection.id)) {
      problems.push(`customDetections: id "${detection.id}" is used twice; ids must be unique`);
    }
    seen.add(detection.id);
    problems.push(...detectionProblems(detection, path));
  }
  const known = new Set([...catalogIds, ...seen]);
  for (const id of options.disabled ?? []) {
    if (!known.has(id)) {
      problems.push(
        `disabledDetections: unknown detection id "${id}"; use an id of the catalog or of customDetections`,
      );
    }
  }
  for (const [id, severity] of Object.entries(options.severityOverrides ?? {})) {
    if (!known.has(id)) {
      problems.push(
        `severityOverrides: unknown detection id "${id}"; use an id of the catalog or of customDetections`,
      );
    }
    if (!SEVERITIES.includes(severity)) {
      problems.push(
        `severityOverrides.${id}: "${severity}" is not one of ${SEVERITIES.join(", ")}`,
      );
    }
  }
  if (options.ruleNamePrefix !== undefined) {
    const prefix = options.ruleNamePrefix;
    if (!RULE_NAME.test(prefix)) {
      problems.push(
        `ruleNamePrefix: "${prefix}" may only contain letters, digits, ".", "-" and "_"`,
      );
    }
    const names = [...catalog, ...(options.custom ?? [])]
      .filter((d) => !(options.disabled ?? []).includes(d.id))
      .flatMap((d) => [
        ruleName(prefix, d.id),
        ...(d.global ? [forwardingRuleName(prefix, d.id)] : []),
      ]);
    const longest = names.reduce((a, b) => (b.length > a.length ? b : a), "");
    if (longest.length > MAX_RULE_NAME_LENGTH) {
      const room = prefix.length - (longest.length - MAX_RULE_NAME_LENGTH);
      problems.push(
        `ruleNamePrefix: rule name "${longest}" is ${longest.length} characters, the maximum is ${MAX_RULE_NAME_LENGTH}; use a prefix of at most ${room} characters or a shorter detection id`,
      );
    }
  }
  return problems;
}

/**
 * The detections to deploy: the catalog plus `custom`, minus `disabled`, with the severity
 * overrides applied (catalog order, then custom order). Throws an Error listing every problem
 * (unknown ids, duplicate or invalid custom detections, rule names too long).
 */
export function resolveDetectionsFrom(
  catalog: readonly Detection[],
  options: DetectionOptions = {},
): Detection[] {
  const problems = detectionOptionProblems(catalog, options);
  if (problems.length > 0) {
    throw new Error(problems.join("\n"));
  }
  const disabled = new Set(options.disabled ?? []);
  const overrides = options.severityOverrides ?? {};
  return [...catalog, ...(options.custom ?? [])]
    .filter((d) => !disabled.has(d.id))
    .map((d) => (overrides[d.id] ? { ...d, severity: overrides[d.id] } : d));
}

/**
 * The detections to deploy from the package catalog (core/catalog.ts) and the stack's choices;
 * see {@link resolveDetectionsFrom}.
 */
export function resolveDetections(options: DetectionOptions = {}): Detection[] {
  return resolveDetectionsFrom(CATALOG, options);
}

/** Whether a pattern lets failed calls through: false when it requires `errorCode` to be absent. */
export function excludesFailedCalls(pattern: EventPattern): boolean {
  const detail = pattern.detail as Record<string, unknown> | undefined;
  const errorCode = detail?.errorCode;
  return (
    Array.isArray(errorCode) &&
    errorCode.length === 1 &&
    JSON.stringify(errorCode[0]) === JSON.stringify({ exists: false })
  );
}
