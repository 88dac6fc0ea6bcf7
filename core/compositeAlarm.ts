/**
 * Composite alarm rules as a typed tree, rendered to the CloudWatch `AlarmRule` syntax, and the
 * plan of a CompositeAlarmGroup (which filters, alarms and composites to create, with their names
 * and settings), built from plain arguments. Plain functions, no Pulumi.
 *
 * Rule syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html
 */
import { CIS_CONTROLS, CisControlId, cisAlarmDescription } from "./cisControls";
import { parseFilterPattern, MetricFilterPatternError } from "./metricFilterPattern";
import { SEVERITIES, Severity } from "./types";

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/** The state an alarm reference tests; `ALARM` unless given. */
export enum AlarmState {
  Alarm = "ALARM",
  Ok = "OK",
  InsufficientData = "INSUFFICIENT_DATA",
}

/**
 * A composite alarm rule: plain JSON data with exactly one of `alarm`, `allOf`, `anyOf`, `not`,
 * e.g. `{ allOf: [{ alarm: "a" }, { not: { alarm: "b" } }] }`. One interface with optional
 * fields (not a union of four), so that other Pulumi languages can build it; the one-of rule is
 * checked when the rule is rendered.
 */
export interface AlarmRule {
  /**
   * An alarm of the group by its key (a CIS control id or a custom filter key).
   * @default none (one of alarm, allOf, anyOf, not)
   */
  readonly alarm?: string;
  /**
   * The state the `alarm` reference tests.
   * @default AlarmState.Alarm
   */
  readonly alarmState?: AlarmState;
  /**
   * True when every rule is true (AND).
   * @default none (one of alarm, allOf, anyOf, not)
   */
  readonly allOf?: AlarmRule[];
  /**
   * True when at least one rule is true (OR).
   * @default none (one of alarm, allOf, anyOf, not)
   */
  readonly anyOf?: AlarmRule[];
  /**
   * True when the rule is false (NOT).
   * @default none (one of alarm, allOf, anyOf, not)
   */
  readonly not?: AlarmRule;
}

/** A reference to an alarm of the group by its key (a CIS control id or a custom filter key). */
export interface AlarmReference extends AlarmRule {
  readonly alarm: string;
}
/** True when every rule is true (AND). */
export interface AllOfRule extends AlarmRule {
  readonly allOf: AlarmRule[];
}
/** True when at least one rule is true (OR). */
export interface AnyOfRule extends AlarmRule {
  readonly anyOf: AlarmRule[];
}
/** True when the rule is false (NOT). */
export interface NotRule extends AlarmRule {
  readonly not: AlarmRule;
}

/** The most characters CloudWatch accepts in `AlarmRule`. */
export const MAX_ALARM_RULE_LENGTH = 10240;
/** The most distinct alarms one composite rule may reference. */
export const MAX_RULE_ALARMS = 100;
/** The most elements (alarm functions and parentheses) in one rule. */
export const MAX_RULE_ELEMENTS = 500;
/** How deep a rule tree may nest (a guard against runaway data, not an AWS limit). */
export const MAX_RULE_DEPTH = 10;

/** An invalid rule; the message names the composite, the place in the tree and what to change. */
export class AlarmRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AlarmRuleError";
  }
}

const RULE_KEYS = ["alarm", "allOf", "anyOf", "not"] as const;
const ALARM_STATES: readonly string[] = Object.values(AlarmState);

type Node =
  | { kind: "alarm"; ref: AlarmReference }
  | { kind: "allOf" | "anyOf"; rules: readonly AlarmRule[] }
  | { kind: "not"; rule: AlarmRule };

function classify(rule: AlarmRule, where: string, label: string): Node {
  if (rule === null || typeof rule !== "object" || Array.isArray(rule)) {
    throw new AlarmRuleError(
      `${label}: the rule at ${where} must be an object with one of alarm, allOf, anyOf, not`,
    );
  }
  const present = RULE_KEYS.filter(
    (k) => (rule as unknown as Record<string, unknown>)[k] !== undefined,
  );
  if (present.length !== 1) {
    const found = present.length === 0 ? "none" : present.join(", ");
    throw new AlarmRuleError(
      `${label}: the rule at ${where} must have exactly one of alarm, allOf, anyOf, not (found ${found})`,
    );
  }
  const r = rule as unknown as Record<string, unknown>;
  switch (present[0]) {
    case "alarm": {
      if (typeof r.alarm !== "string" || r.alarm.length === 0) {
        throw new AlarmRuleError(
          `${label}: the alarm reference at ${where} must be a non-empty string`,
        );
      }
      if (r.alarmState !== undefined && !ALARM_STATES.includes(r.alarmState as string)) {
        throw new AlarmRuleError(
          `${label}: alarmState at ${where} must be one of ${ALARM_STATES.join(", ")} (found ${JSON.stringify(r.alarmState)})`,
        );
      }
      return { kind: "alarm", ref: rule as AlarmReference };
    }
    case "allOf":
    case "anyOf": {
      const kind = present[0];
      const rules = r[kind];
      if (!Array.isArray(rules)) {
        throw new AlarmRuleError(`${label}: ${kind} at ${where} must be a list of rules`);
      }
      if (rules.length === 0) {
        throw new AlarmRuleError(
          `${label}: ${kind} at ${where} is empty; give it at least one rule`,
        );
      }
      return { kind, rules };
    }
    default:
      return { kind: "not", rule: r.not as AlarmRule };
  }
}

function childPath(where: string, step: string): string {
  return where === "rule" ? step : `${where}.${step}`;
}

/** Every alarm key the rule references, each once, in order of appearance. */
export function alarmRuleReferences(rule: AlarmRule, label = "Composite alarm rule"): string[] {
  const out: string[] = [];
  const walk = (r: AlarmRule, where: string, depth: number): void => {
    if (depth > MAX_RULE_DEPTH) {
      throw new AlarmRuleError(
        `${label}: the rule nests deeper than ${MAX_RULE_DEPTH} levels at ${where}; flatten it`,
      );
    }
    const node = classify(r, where, label);
    if (node.kind === "alarm") {
      if (!out.includes(node.ref.alarm)) out.push(node.ref.alarm);
    } else if (node.kind === "not") {
      walk(node.rule, childPath(where, "not"), depth + 1);
    } else {
      node.rules.forEach((c, i) => walk(c, childPath(where, `${node.kind}[${i}]`), depth + 1));
    }
  };
  walk(rule, "rule", 1);
  return out;
}

export interface RenderAlarmRuleOptions {
  /** What the error messages call the rule, e.g. `Composite alarm "credential-attack"`. */
  readonly label?: string;
  /** Maps an alarm key to the alarm name written in the rule. @default the key itself */
  readonly alarmName?: (key: string) => string;
  /**
   * The alarm keys the rule may reference; an unknown key is an error that lists them.
   * @default any key
   */
  readonly knownAlarms?: readonly string[];
}

/**
 * Validates the rule and renders it in CloudWatch syntax: `ALARM("a") AND (ALARM("b") OR
 * NOT ALARM("c"))`. Nested groups are always parenthesized; a group of one rule is that rule.
 * Throws {@link AlarmRuleError} on a malformed tree, an unknown reference, an empty group, a tree
 * deeper than {@link MAX_RULE_DEPTH}, or a rule over the CloudWatch limits.
 */
export function renderAlarmRule(rule: AlarmRule, options: RenderAlarmRuleOptions = {}): string {
  const label = options.label ?? "Composite alarm rule";
  const nameOf = options.alarmName ?? ((key: string) => key);
  const known = options.knownAlarms;
  const references = alarmRuleReferences(rule, label);
  let elements = 0;

  const render = (r: AlarmRule, where: string): string => {
    const node = classify(r, where, label);
    if (node.kind === "alarm") {
      const key = node.ref.alarm;
      if (known && !known.includes(key)) {
        throw new AlarmRuleError(
          `${label} references unknown alarm "${key}" at ${where}; known alarms: ${known.join(", ") || "(none)"}`,
        );
      }
      const name = nameOf(key);
      if (/["()]/.test(name)) {
        throw new AlarmRuleError(
          `${label}: alarm name ${JSON.stringify(name)} at ${where} contains " or parentheses, which an AlarmRule cannot quote`,
        );
      }
      elements++;
      return `${node.ref.alarmState ?? AlarmState.Alarm}("${name}")`;
    }
    if (node.kind === "not") {
      const inner = classify(node.rule, childPath(where, "not"), label);
      const text = render(node.rule, childPath(where, "not"));
      return inner.kind === "alarm" ? `NOT ${text}` : `NOT ${group(text)}`;
    }
    if (node.rules.length === 1) return render(node.rules[0], childPath(where, `${node.kind}[0]`));
    const operator = node.kind === "allOf" ? " AND " : " OR ";
    return node.rules
      .map((c, i) => {
        const text = render(c, childPath(where, `${node.kind}[${i}]`));
        const inner = classify(c, where, label);
        const compound =
          (inner.kind === "allOf" || inner.kind === "anyOf") && inner.rules.length > 1;
        return compound ? group(text) : text;
      })
      .join(operator);
  };
  const group = (text: string): string => {
    elements += 2;
    return `(${text})`;
  };

  const text = render(rule, "rule");
  if (references.length > MAX_RULE_ALARMS) {
    throw new AlarmRuleError(
      `${label} references ${references.length} alarms; CloudWatch allows at most ${MAX_RULE_ALARMS} in one rule`,
    );
  }
  if (elements > MAX_RULE_ELEMENTS) {
    throw new AlarmRuleError(
      `${label} has ${elements} elements (alarms and parentheses); CloudWatch allows at most ${MAX_RULE_ELEMENTS}`,
    );
  }
  if (text.length > MAX_ALARM_RULE_LENGTH) {
    throw new AlarmRuleError(
      `${label} renders to ${text.length} characters; CloudWatch allows at most ${MAX_ALARM_RULE_LENGTH} (shorten alarmNamePrefix or split the rule)`,
    );
  }
  return text;
}

/**
 * The rule without the parts that depend on a disabled alarm: a reference to a disabled alarm
 * is dropped, an allOf or a not that loses a part is dropped, an anyOf keeps its other parts.
 * Returns undefined when nothing is left. Used for the default composites only.
 */
export function pruneAlarmRule(
  rule: AlarmRule,
  enabled: (key: string) => boolean,
): AlarmRule | undefined {
  const node = classify(rule, "rule", "Composite alarm rule");
  if (node.kind === "alarm") return enabled(node.ref.alarm) ? rule : undefined;
  if (node.kind === "not") {
    const inner = pruneAlarmRule(node.rule, enabled);
    return inner === undefined ? undefined : { not: inner };
  }
  const kept = node.rules.map((r) => pruneAlarmRule(r, enabled));
  if (node.kind === "allOf") {
    return kept.every((r) => r !== undefined) ? { allOf: kept as AlarmRule[] } : undefined;
  }
  const left = kept.filter((r): r is AlarmRule => r !== undefined);
  return left.length === 0 ? undefined : { anyOf: left };
}

// ---------------------------------------------------------------------------------------------
// Names and limits
// ---------------------------------------------------------------------------------------------

/** Keys of custom filters and composites: lower-case kebab-case, 1-64 characters. */
export const KEY_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Alarm name prefixes: letters, digits, `.`, `_`, `-`, 1-128 characters, starting alphanumeric. */
export const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Metric namespaces: 1-255 characters without `:`, `*`, `$` or spaces, and not `AWS/...`. */
export const NAMESPACE_PATTERN = /^[^:*$\s]{1,255}$/;

/** AWS limits (PutMetricAlarm AlarmName, PutMetricFilter filterName, MetricTransformation metricName). */
export const MAX_ALARM_NAME_LENGTH = 255;
export const MAX_FILTER_NAME_LENGTH = 512;
export const MAX_METRIC_NAME_LENGTH = 255;

/** The alarm (and metric filter) name of an alarm or composite key. */
export function groupAlarmName(prefix: string, key: string): string {
  return `${prefix}-${key}`;
}

// ---------------------------------------------------------------------------------------------
// Group plan
// ---------------------------------------------------------------------------------------------

/** Alarm settings a control or custom filter may override. */
export interface AlarmSettings {
  /**
   * Matching events per period (the metric's Sum) at which the alarm fires.
   * @default 1
   */
  readonly threshold?: number;
  /**
   * Length of a period in seconds: a multiple of 60 (metric filters publish one-minute metrics).
   * @default 300
   */
  readonly periodSeconds?: number;
  /**
   * How many periods the alarm looks at.
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * "M out of N": how many of the evaluation periods must breach.
   * @default evaluationPeriods
   */
  readonly datapointsToAlarm?: number;
}

/** Alarm settings of one CIS control (its filter pattern never changes). */
export interface ControlOverride extends AlarmSettings {
  /**
   * Which alert topic the alarm notifies.
   * @default the control's severity
   */
  readonly severity?: Severity;
}

/** A metric filter of your own on the trail's log group, with its alarm. */
export interface CustomFilter extends AlarmSettings {
  /** A CloudWatch Logs JSON filter pattern over CloudTrail records, e.g. `{ $.eventName = "StopLogging" }`. */
  readonly pattern: string;
  /** Which alert topic the alarm notifies. */
  readonly severity: Severity;
  /**
   * The alarm description.
   * @default "Custom metric filter <key>"
   */
  readonly description?: string;
}

/** A composite alarm: a rule over the group's alarms, and the topic it notifies. */
export interface CompositeSpec {
  /** Which alarms, combined how: a tree of allOf / anyOf / not over alarm keys. */
  readonly rule: AlarmRule;
  /**
   * Which alert topic the composite notifies.
   * @default Severity.High
   */
  readonly severity?: Severity;
  /**
   * The composite alarm's description.
   * @default none
   */
  readonly description?: string;
}

/** The composites shipped by default (see `DEFAULT_COMPOSITES` docs in the component). */
export const DEFAULT_COMPOSITES: Readonly<Record<string, CompositeSpec>> = {
  "credential-attack": {
    rule: {
      allOf: [
        { alarm: CisControlId.ConsoleAuthFailures },
        { alarm: CisControlId.UnauthorizedApiCalls },
      ],
    },
    severity: Severity.High,
    description:
      "Console authentication failures and unauthorized API calls in the same period: a likely credential attack.",
  },
  "defense-evasion": {
    rule: {
      anyOf: [
        { alarm: CisControlId.CloudTrailChanges },
        { alarm: CisControlId.ConfigChanges },
        { alarm: CisControlId.CmkDisableOrDeletion },
      ],
    },
    severity: Severity.High,
    description:
      "CloudTrail, AWS Config or KMS key changes: audit and encryption controls are being altered.",
  },
  "network-tampering": {
    rule: {
      anyOf: [
        { alarm: CisControlId.SecurityGroupChanges },
        { alarm: CisControlId.NaclChanges },
        { alarm: CisControlId.NetworkGatewayChanges },
        { alarm: CisControlId.RouteTableChanges },
        { alarm: CisControlId.VpcChanges },
      ],
    },
    severity: Severity.Medium,
    description: "Security group, NACL, gateway, route table or VPC changes.",
  },
};

export interface AlarmGroupPlanInput {
  /** Prefix of every alarm and filter name. */
  readonly alarmNamePrefix: string;
  readonly metricNamespace: string;
  readonly disabledControls?: readonly string[];
  readonly controlOverrides?: Readonly<Record<string, ControlOverride>>;
  readonly customFilters?: Readonly<Record<string, CustomFilter>>;
  readonly composites?: Readonly<Record<string, CompositeSpec>>;
  readonly includeDefaultComposites?: boolean;
  readonly suppressChildActions?: boolean;
  /** The severities that have an alert topic; every severity used must be one of them. */
  readonly alertSeverities: readonly string[];
}

export interface PlannedAlarm {
  /** The CIS control id or the custom filter key. */
  readonly key: string;
  readonly kind: "cis" | "custom";
  readonly cis?: string;
  readonly securityHub?: string;
  readonly alarmName: string;
  readonly filterName: string;
  readonly pattern: string;
  readonly metricName: string;
  readonly metricNamespace: string;
  readonly severity: Severity;
  readonly description: string;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** False when the alarm is a child of a composite and suppressChildActions is on. */
  readonly actionsWired: boolean;
}

export interface PlannedComposite {
  readonly key: string;
  readonly alarmName: string;
  /** The rendered AlarmRule. */
  readonly rule: string;
  /** The alarm keys the rule references (the composite depends on them). */
  readonly children: readonly string[];
  readonly severity: Severity;
  readonly description: string;
  readonly isDefault: boolean;
}

export interface AlarmGroupPlan {
  readonly alarms: readonly PlannedAlarm[];
  readonly composites: readonly PlannedComposite[];
  /** Default composites left out because every alarm they need is disabled. */
  readonly skippedComposites: readonly string[];
}

/** Plan defaults: the CIS remediation alarm (Sum >= 1 over 5 minutes, one period). */
export const ALARM_DEFAULTS = {
  threshold: 1,
  periodSeconds: 300,
  evaluationPeriods: 1,
  compositeSeverity: Severity.High,
} as const;

/** An invalid group argument; the message says what to change. */
export class AlarmGroupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AlarmGroupError";
  }
}

const SEVERITY_VALUES: readonly string[] = SEVERITIES;

function checkSeverity(severity: unknown, where: string): Severity {
  if (!SEVERITY_VALUES.includes(severity as string)) {
    throw new AlarmGroupError(
      `${where}: severity must be one of ${SEVERITY_VALUES.join(", ")} (found ${JSON.stringify(severity)})`,
    );
  }
  return severity as Severity;
}

function resolveSettings(
  base: { threshold: number; periodSeconds: number; evaluationPeriods: number },
  settings: AlarmSettings | undefined,
  where: string,
): {
  threshold: number;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
} {
  const threshold = settings?.threshold ?? base.threshold;
  const periodSeconds = settings?.periodSeconds ?? base.periodSeconds;
  const evaluationPeriods = settings?.evaluationPeriods ?? base.evaluationPeriods;
  const datapointsToAlarm = settings?.datapointsToAlarm ?? evaluationPeriods;
  if (!Number.isFinite(threshold) || threshold <= 0) {
    throw new AlarmGroupError(
      `${where}: threshold must be a number greater than 0 (found ${threshold})`,
    );
  }
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0) {
    throw new AlarmGroupError(
      `${where}: periodSeconds must be a multiple of 60 (metric filters publish one-minute metrics; found ${periodSeconds})`,
    );
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    throw new AlarmGroupError(
      `${where}: evaluationPeriods must be an integer of at least 1 (found ${evaluationPeriods})`,
    );
  }
  if (
    !Number.isInteger(datapointsToAlarm) ||
    datapointsToAlarm < 1 ||
    datapointsToAlarm > evaluationPeriods
  ) {
    throw new AlarmGroupError(
      `${where}: datapointsToAlarm must be an integer from 1 to evaluationPeriods (${evaluationPeriods}; found ${datapointsToAlarm})`,
    );
  }
  const total = periodSeconds * evaluationPeriods;
  const limit = periodSeconds < 3600 ? 86400 : 604800;
  if (total > limit) {
    throw new AlarmGroupError(
      `${where}: periodSeconds x evaluationPeriods is ${total} s; CloudWatch allows at most ${limit} s for a ${periodSeconds} s period`,
    );
  }
  return { threshold, periodSeconds, evaluationPeriods, datapointsToAlarm };
}

/**
 * Builds the plan of a CompositeAlarmGroup from plain arguments, validating all of them; throws
 * {@link AlarmGroupError} or {@link AlarmRuleError} with a message that says what to change.
 */
export function planAlarmGroup(input: AlarmGroupPlanInput): AlarmGroupPlan {
  const prefix = input.alarmNamePrefix;
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new AlarmGroupError(
      `alarmNamePrefix ${JSON.stringify(prefix)} must be 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  const namespace = input.metricNamespace;
  if (!NAMESPACE_PATTERN.test(namespace) || namespace.startsWith("AWS/")) {
    throw new AlarmGroupError(
      `metricNamespace ${JSON.stringify(namespace)} must be 1-255 characters without ":", "*", "$" or spaces, and must not start with "AWS/"`,
    );
  }
  const controlIds: readonly string[] = CIS_CONTROLS.map((c) => c.id);
  const disabled = input.disabledControls ?? [];
  const customFilters = input.customFilters ?? {};
  const overrides = input.controlOverrides ?? {};
  const alarmKeys = [
    ...controlIds.filter((id) => !disabled.includes(id)),
    ...Object.keys(customFilters),
  ];
  checkControlSelection(controlIds, disabled, customFilters, overrides);

  const alarms: PlannedAlarm[] = [];
  alarms.push(...plannedCisAlarms(prefix, namespace, disabled, overrides));
  alarms.push(...plannedCustomAlarms(prefix, namespace, customFilters));

  // Composites: defaults (pruned of disabled alarms), then the user's (strict).
  const userComposites = input.composites ?? {};
  const specs: { key: string; spec: CompositeSpec; isDefault: boolean }[] = [];
  const skippedComposites: string[] = [];
  if (input.includeDefaultComposites ?? true) {
    for (const [key, spec] of Object.entries(DEFAULT_COMPOSITES)) {
      if (key in userComposites) continue;
      const pruned = pruneAlarmRule(spec.rule, (k) => alarmKeys.includes(k));
      if (pruned === undefined) skippedComposites.push(key);
      else specs.push({ key, spec: { ...spec, rule: pruned }, isDefault: true });
    }
  }
  for (const [key, spec] of Object.entries(userComposites)) {
    specs.push({ key, spec, isDefault: false });
  }

  const composites: PlannedComposite[] = [];
  for (const { key, spec, isDefault } of specs) {
    const label = `Composite alarm "${key}"`;
    if (!KEY_PATTERN.test(key)) {
      throw new AlarmGroupError(
        `composites key ${JSON.stringify(key)} must be 1-64 lower-case letters, digits or "-", starting and ending with a letter or digit`,
      );
    }
    if (controlIds.includes(key) || key in customFilters) {
      throw new AlarmGroupError(
        `composites key "${key}" is already the key of an alarm of the group; choose another key`,
      );
    }
    const children = alarmRuleReferences(spec.rule, label);
    for (const child of children) {
      if (disabled.includes(child)) {
        throw new AlarmRuleError(
          `${label} references alarm "${child}", which is disabled by disabledControls; enable it or remove it from the rule`,
        );
      }
    }
    const rule = renderAlarmRule(spec.rule, {
      label,
      alarmName: (k) => groupAlarmName(prefix, k),
      knownAlarms: alarmKeys,
    });
    const severity =
      spec.severity === undefined
        ? ALARM_DEFAULTS.compositeSeverity
        : checkSeverity(spec.severity, label);
    composites.push({
      key,
      alarmName: groupAlarmName(prefix, key),
      rule,
      children,
      severity,
      description: spec.description ?? `Composite alarm ${key}: ${rule}`,
      isDefault,
    });
  }

  const suppressed = new Set(
    input.suppressChildActions ? composites.flatMap((c) => [...c.children]) : [],
  );
  const planned = alarms.map((a) => (suppressed.has(a.key) ? { ...a, actionsWired: false } : a));

  for (const item of [...planned.filter((a) => a.actionsWired), ...composites]) {
    if (!input.alertSeverities.includes(item.severity)) {
      throw new AlarmGroupError(
        `alertTopicArns has no topic for severity "${item.severity}" (used by "${item.key}"); add alertTopicArns["${item.severity}"] or change the severity`,
      );
    }
  }
  return { alarms: planned, composites, skippedComposites };
}

/** The alarms of the CIS controls that are not disabled, with their overrides applied. */
function plannedCisAlarms(
  prefix: string,
  namespace: string,
  disabled: readonly string[],
  overrides: NonNullable<AlarmGroupPlanInput["controlOverrides"]>,
): PlannedAlarm[] {
  const alarms: PlannedAlarm[] = [];
  for (const control of CIS_CONTROLS) {
    if (disabled.includes(control.id)) continue;
    const override = overrides[control.id];
    const where = `controlOverrides["${control.id}"]`;
    const severity =
      override?.severity === undefined ? control.severity : checkSeverity(override.severity, where);
    const alarmName = groupAlarmName(prefix, control.id);
    alarms.push({
      key: control.id,
      kind: "cis",
      cis: control.cis,
      securityHub: control.securityHub,
      alarmName,
      filterName: alarmName,
      pattern: control.filterPattern,
      metricName: control.metricName,
      metricNamespace: namespace,
      severity,
      description: cisAlarmDescription(control),
      ...resolveSettings(ALARM_DEFAULTS, override, where),
      actionsWired: true,
    });
  }
  return alarms;
}

/** The alarms of the custom metric filters, each pattern checked. */
function plannedCustomAlarms(
  prefix: string,
  namespace: string,
  customFilters: NonNullable<AlarmGroupPlanInput["customFilters"]>,
): PlannedAlarm[] {
  const alarms: PlannedAlarm[] = [];
  for (const [key, custom] of Object.entries(customFilters)) {
    const where = `customFilters["${key}"]`;
    if (typeof custom.pattern !== "string") {
      throw new AlarmGroupError(`${where}: pattern must be a string`);
    }
    try {
      parseFilterPattern(custom.pattern);
    } catch (e) {
      if (e instanceof MetricFilterPatternError)
        throw new AlarmGroupError(`${where}: ${e.message}`);
      throw e;
    }
    const alarmName = groupAlarmName(prefix, key);
    alarms.push({
      key,
      kind: "custom",
      alarmName,
      filterName: alarmName,
      pattern: custom.pattern,
      metricName: key,
      metricNamespace: namespace,
      severity: checkSeverity(custom.severity, where),
      description: custom.description ?? `Custom metric filter ${key} on the CloudTrail log group.`,
      ...resolveSettings(ALARM_DEFAULTS, custom, where),
      actionsWired: true,
    });
  }
  return alarms;
}

/** The disabled controls, custom filter keys and overrides name known, distinct controls. */
function checkControlSelection(
  controlIds: readonly string[],
  disabled: readonly string[],
  customFilters: NonNullable<AlarmGroupPlanInput["customFilters"]>,
  overrides: NonNullable<AlarmGroupPlanInput["controlOverrides"]>,
): void {
  for (const id of disabled) {
    if (!controlIds.includes(id)) {
      throw new AlarmGroupError(
        `disabledControls contains unknown control "${id}"; known controls: ${controlIds.join(", ")}`,
      );
    }
  }
  for (const key of Object.keys(customFilters)) {
    if (!KEY_PATTERN.test(key)) {
      throw new AlarmGroupError(
        `customFilters key ${JSON.stringify(key)} must be 1-64 lower-case letters, digits or "-", starting and ending with a letter or digit`,
      );
    }
    if (controlIds.includes(key)) {
      throw new AlarmGroupError(
        `customFilters key "${key}" is the id of a CIS control; choose another key (use controlOverrides to change the control)`,
      );
    }
  }
  for (const key of Object.keys(overrides)) {
    if (disabled.includes(key)) {
      throw new AlarmGroupError(
        `controlOverrides has "${key}", which is disabled by disabledControls; remove one of the two`,
      );
    }
    if (!controlIds.includes(key)) {
      throw new AlarmGroupError(
        `controlOverrides has unknown control "${key}"; known controls: ${controlIds.join(", ")} (set custom filter settings in customFilters)`,
      );
    }
  }
}
