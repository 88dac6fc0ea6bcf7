/**
 * The incident record: the JSON line (`type: "incident"`) every remediation invocation writes
 * to its function's log group, the audit history that the saved Logs Insights queries, the
 * dashboard and `npm run incidents` read. The run loop in lambdas/runtime/loop.ts writes it; this file
 * is its schema as data (the README's table and tests/incidentRecord.test.ts are checked
 * against it), plus the pure readers the report uses. No Pulumi.
 */

/** The kind of value a field holds. */
export enum IncidentFieldType {
  String = "string",
  Number = "number",
  Strings = "string[]",
}

export interface IncidentField {
  readonly name: string;
  readonly type: IncidentFieldType;
  /** What an auditor reads in it. */
  readonly description: string;
}

/** The version of the schema below, written as `schemaVersion` in every record. */
export const INCIDENT_SCHEMA_VERSION = 1;

const S = IncidentFieldType.String;
const N = IncidentFieldType.Number;
const L = IncidentFieldType.Strings;

/** Every field of an incident record, in the order the report shows them. */
export const INCIDENT_FIELDS: readonly IncidentField[] = [
  { name: "type", type: S, description: 'Always "incident" (the log line\'s kind)' },
  { name: "schemaVersion", type: N, description: "Version of this schema (1)" },
  {
    name: "eventId",
    type: S,
    description: "CloudTrail event id (EventBridge id for other events)",
  },
  { name: "eventTime", type: S, description: "When the call was made (ISO 8601, UTC)" },
  { name: "eventName", type: S, description: "The API call (AuthorizeSecurityGroupIngress)" },
  { name: "account", type: S, description: "Account of the event" },
  { name: "region", type: S, description: "Region of the event" },
  { name: "principal", type: S, description: "ARN of the caller" },
  { name: "sourceIp", type: S, description: "Source IP address of the call" },
  { name: "userAgent", type: S, description: "User agent of the call" },
  { name: "detection", type: S, description: 'Catalog detection that routed the event, or ""' },
  { name: "attackIds", type: L, description: "MITRE ATT&CK technique ids of the detection" },
  { name: "remediation", type: S, description: "Remediation id (a folder of remediations/)" },
  { name: "mode", type: S, description: "off, dry-run or enforce" },
  { name: "resource", type: S, description: "The resource concerned (sg-0abc, a key ARN)" },
  { name: "decision", type: S, description: "What the handler decided, and why" },
  { name: "stateBefore", type: S, description: "The unsafe state read before acting (short text)" },
  { name: "stateAfter", type: S, description: "The state after acting (short text)" },
  { name: "actions", type: L, description: "The calls made (or, in dry-run, that would be)" },
  {
    name: "outcome",
    type: S,
    description: "remediated, already-safe, exempt, dry-run, off, ignored, duplicate or failed",
  },
  { name: "message", type: S, description: "The sentence of the resolution message" },
  { name: "published", type: S, description: "SNS message id of the resolution message" },
  { name: "error", type: S, description: "Why it failed (failed outcome only)" },
  { name: "durationMs", type: N, description: "Handler time, in milliseconds" },
  {
    name: "latencyMs",
    type: N,
    description: "Milliseconds from eventTime to the record (-1: eventTime unreadable)",
  },
  { name: "functionName", type: S, description: "Lambda function that wrote the record" },
  { name: "functionVersion", type: S, description: "Its version ($LATEST or a number)" },
];

/** The outcomes a record may carry (`duplicate`: a later delivery of an event already handled). */
export const INCIDENT_OUTCOMES: readonly string[] = [
  "remediated",
  "already-safe",
  "exempt",
  "dry-run",
  "off",
  "ignored",
  "duplicate",
  "failed",
];

/** The `outcome` dimension of the handlers' metric: the records' outcomes, and rejected events. */
export const METRIC_OUTCOMES: readonly string[] = [...INCIDENT_OUTCOMES, "rejected"];

/** An incident record as read back from a log (fields missing from older records are absent). */
export type IncidentRecord = Record<string, unknown> & { readonly type: "incident" };

/**
 * The incident records among log lines (JSON objects, one per line, as Lambda writes them; a
 * line may carry CloudWatch's prefix before the JSON). Lines that are not JSON objects of type
 * "incident" are skipped: a log holds other lines (metrics, rejections, the runtime's own).
 */
export function parseIncidentLines(lines: readonly string[]): IncidentRecord[] {
  const out: IncidentRecord[] = [];
  for (const line of lines) {
    const start = line.indexOf("{");
    if (start < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(start));
    } catch {
      continue;
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      if ((value as Record<string, unknown>).type === "incident") out.push(value as IncidentRecord);
    }
  }
  return out;
}

/** `7d`, `12h`, `30m` as milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)([dhm])$/.exec(text.trim());
  if (!match || Number(match[1]) === 0) {
    throw new Error(`"${text}" is not a duration: use a whole number and d, h or m (7d, 12h, 30m)`);
  }
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as "d" | "h" | "m"];
  return Number(match[1]) * unit;
}

/** The records whose eventTime is at or after `since` (records without a valid time are kept). */
export function recordsSince(records: readonly IncidentRecord[], since: Date): IncidentRecord[] {
  return records.filter((r) => {
    const t = Date.parse(String(r.eventTime ?? ""));
    return Number.isNaN(t) || t >= since.getTime();
  });
}

/** One line of the summary: incidents of one remediation and outcome. */
export interface OutcomeCount {
  readonly remediation: string;
  readonly outcome: string;
  readonly incidents: number;
}

/**
 * Incidents by remediation and outcome, most first (then by name): what the saved query
 * "incidents by remediation and outcome" returns.
 */
export function countByOutcome(records: readonly IncidentRecord[]): OutcomeCount[] {
  const counts = new Map<string, OutcomeCount>();
  for (const r of records) {
    const remediation = String(r.remediation ?? "");
    const outcome = String(r.outcome ?? "");
    const key = `${remediation}\u0000${outcome}`;
    const previous = counts.get(key)?.incidents ?? 0;
    counts.set(key, { remediation, outcome, incidents: previous + 1 });
  }
  return [...counts.values()].sort(
    (a, b) =>
      b.incidents - a.incidents ||
      a.remediation.localeCompare(b.remediation) ||
      a.outcome.localeCompare(b.outcome),
  );
}

/** The schema as the README's table (between its `incident-schema` markers). */
export function incidentSchemaTable(): string {
  return [
    "| field | type | what it holds |",
    "|---|---|---|",
    ...INCIDENT_FIELDS.map((f) => `| \`${f.name}\` | ${f.type} | ${f.description} |`),
  ].join("\n");
}
