/**
 * The forwarding rules of a spoke (a member account and region of an organization, or a
 * secondary region of a single account), derived from the detections the hub deploys: which
 * events leave the spoke for the hub's event bus. Plain data in, plain JSON out; no Pulumi.
 *
 * Three properties, each tested (tests/orgForwarding.test.ts):
 * - **Complete**: every event that a detection matches is matched by a forwarding rule of the
 *   region where AWS delivers it (the hub's own rules then apply the exact patterns).
 * - **Disjoint**: no event matches two forwarding rules, so the hub receives each event at most
 *   once from a spoke region (no duplicate alerts).
 * - **Global once**: events of global services (the sources whose every detection is `global`:
 *   IAM, STS, console sign-in, Organizations, AWS Health's account events), which CloudTrail
 *   delivers to EventBridge in us-east-1, are forwarded from us-east-1 only.
 *
 * How: one group of rules per event source named by the catalog. A source's rules match its
 * events by event name (the union of the names its detections name, cut into chunks that keep
 * each pattern under EventBridge's 2,048-character limit), with no other condition, so that they
 * also carry the source's events that a source-less detection (unauthorized calls, root usage)
 * matches; a "rest" rule per source carries the source-less detections' matches among the
 * source's other event names. A last rule carries the source-less detections' matches among all
 * other sources.
 */
import { Detection } from "../detection";
import { EventPattern, MAX_PATTERN_LENGTH } from "../eventPattern";

/** The region where CloudTrail delivers events of global services to EventBridge. */
export const GLOBAL_REGION = "us-east-1";

/** Where a forwarding rule is deployed. */
export enum ForwardingScope {
  /** Every region of the spoke (us-east-1 included). */
  EveryRegion = "every-region",
  /** us-east-1 only: events of global services. */
  GlobalRegion = "global-region",
}

/** One forwarding rule of a spoke. */
export interface ForwardingRule {
  /** Stable key, kebab-case: `<service>-<n>`, `<service>-rest`, `other-sources`. */
  readonly key: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
  readonly scope: ForwardingScope;
  /** Match read-only management events too (a detection of the rule needs them). */
  readonly includeReadOnlyEvents: boolean;
  /** The detections whose events the rule carries. */
  readonly detectionIds: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The sources a pattern names (exact strings), or undefined when it names none. */
function sourcesOf(pattern: EventPattern): string[] | undefined {
  const source = pattern.source;
  if (source === undefined) return undefined;
  if (!Array.isArray(source) || !source.every((s) => typeof s === "string")) {
    throw new Error(
      `forwarding: "source" must be a list of strings, got ${JSON.stringify(source)}`,
    );
  }
  return source as string[];
}

/**
 * The event names a pattern can match (exact strings), or undefined when it constrains none
 * (or in a way this builder does not read, which then forwards every event name of the source).
 */
function eventNamesOf(pattern: EventPattern): string[] | undefined {
  const detail = pattern.detail;
  if (!isObject(detail)) return undefined;
  const plain = (v: unknown): string[] | undefined =>
    Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string")
      ? (v as string[])
      : undefined;
  if (detail.eventName !== undefined) return plain(detail.eventName);
  if (Array.isArray(detail.$or)) {
    const names: string[] = [];
    for (const branch of detail.$or) {
      const some = isObject(branch) ? plain(branch.eventName) : undefined;
      if (!some) return undefined;
      names.push(...some);
    }
    return names;
  }
  return undefined;
}

function detailTypesOf(pattern: EventPattern): string[] | undefined {
  const dt = pattern["detail-type"];
  return Array.isArray(dt) && dt.every((s) => typeof s === "string") ? (dt as string[]) : undefined;
}

const unique = (values: string[]): string[] => [...new Set(values)].sort();

/** Cuts `names` (sorted) into chunks whose pattern stays within the length limit. */
function chunks(names: string[], make: (chunk: string[]) => EventPattern): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const name of names) {
    const next = [...current, name];
    if (current.length > 0 && JSON.stringify(make(next)).length > MAX_PATTERN_LENGTH) {
      out.push(current);
      current = [name];
    } else {
      current = next;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

const serviceOf = (source: string): string =>
  source.replace(/^aws\./, "").replace(/[^a-z0-9]+/g, "-");

/**
 * The detections the spokes do not forward: those whose pattern names no source (in the catalog,
 * `unauthorized-api-calls` and `root-usage`, alert-only, CIS 4.1 and 4.3). Forwarding them
 * exactly once needs, per source, a second rule that excludes the source's named events, which
 * made the regional template outgrow CloudFormation's 51,200-byte template body once the catalog
 * passed 100 detections. In an organization their evidence is central anyway: the hub runs the
 * CIS metric-filter alarms for exactly these controls on the organization trail's log group
 * (`organization.trailLogGroupName`), minutes rather than seconds after the call; an event that a
 * spoke forwards for another detection still meets them on the hub bus.
 */
export function centralOnlyDetections(detections: readonly Detection[]): Detection[] {
  return detections.filter((d) => sourcesOf(d.eventPattern) === undefined);
}

/**
 * The forwarding rules for `detections` (the hub's resolved detections): one set per source,
 * every event name of the source's detections, each event forwarded by at most one rule. The
 * {@link centralOnlyDetections} are left out.
 * @throws Error when a detection's pattern has a shape the builder cannot forward exactly
 */
export function forwardingRules(detections: readonly Detection[]): ForwardingRule[] {
  const bySource = new Map<string, Detection[]>();
  for (const d of detections) {
    for (const source of sourcesOf(d.eventPattern) ?? []) {
      bySource.set(source, [...(bySource.get(source) ?? []), d]);
    }
  }
  const sources = [...bySource.keys()].sort();
  const rules: ForwardingRule[] = [];

  for (const source of sources) {
    const own = bySource.get(source)!;
    const scope = own.every((d) => d.global)
      ? ForwardingScope.GlobalRegion
      : ForwardingScope.EveryRegion;
    const service = serviceOf(source);
    const types = own.map((d) => detailTypesOf(d.eventPattern));
    const detailType = types.some((t) => t === undefined)
      ? undefined
      : unique(types.flatMap((t) => t ?? []));
    const nameLists = own.map((d) => eventNamesOf(d.eventPattern));
    const names = nameLists.some((n) => n === undefined)
      ? undefined
      : unique(nameLists.flatMap((n) => n ?? []));
    const readOnly = own.some((d) => d.includeReadOnlyEvents === true);
    const ids = own.map((d) => d.id);
    const base = (): Json => ({
      source: [source],
      ...(detailType ? { "detail-type": detailType } : {}),
    });

    if (names === undefined) {
      rules.push({
        key: `${service}-1`,
        description: `Forwards to the hub: ${source} events (${own.map((d) => d.id).join(", ")})`,
        eventPattern: base(),
        scope,
        includeReadOnlyEvents: readOnly,
        detectionIds: ids,
      });
      continue;
    }
    const make = (chunk: string[]): EventPattern => ({ ...base(), detail: { eventName: chunk } });
    chunks(names, make).forEach((chunk, i) => {
      rules.push({
        key: `${service}-${i + 1}`,
        description: `Forwards to the hub: ${source} ${chunk.length} event names`,
        eventPattern: make(chunk),
        scope,
        includeReadOnlyEvents: readOnly,
        detectionIds: ids,
      });
    });
  }
  return rules;
}

/** The rules deployed in `region`. */
export function rulesInRegion(rules: readonly ForwardingRule[], region: string): ForwardingRule[] {
  return rules.filter((r) => r.scope === ForwardingScope.EveryRegion || region === GLOBAL_REGION);
}
