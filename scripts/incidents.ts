/**
 * `npm run incidents -- [--since 7d] [--format table|csv|json] [--live]`: the auditor's report of
 * incidents and resolutions.
 *
 * - Offline (default): the incident records of the last fire drill (`npm run drill` writes them
 *   to .drill/incidents.jsonl), or of `--file <path>` (JSON lines, e.g. exported log events).
 * - `--live`: the same questions through CloudWatch Logs Insights (StartQuery, then
 *   GetQueryResults until complete, with progress on stderr) over the deployed remediation log
 *   groups: `--log-groups a,b` or, by default, the stack output `incidentLogGroups` read with
 *   `pulumi stack output`. Uses the default AWS credential chain and `--region` (or AWS_REGION).
 *
 * The report: incidents by remediation and outcome (the saved query of that name), then every
 * incident, newest first, with the fields an auditor asks for (core/incidentRecord.ts).
 */
import { spawnSync } from "child_process";
import * as logs from "@aws-sdk/client-cloudwatch-logs";
import * as fs from "fs";
import * as path from "path";
import {
  countByOutcome,
  INCIDENT_FIELDS,
  IncidentRecord,
  OutcomeCount,
  parseDuration,
  parseIncidentLines,
  recordsSince,
} from "../core/incidentRecord";
import { LATEST_INCIDENTS_QUERY, SAVED_QUERIES } from "../core/queries";
import { explainAwsError } from "./awsHints";

const ROOT = path.resolve(__dirname, "..");
export const DRILL_INCIDENTS = path.join(ROOT, ".drill", "incidents.jsonl");

/** The columns of the table format (CSV and JSON carry every field). */
export const TABLE_FIELDS = [
  "eventTime",
  "eventId",
  "account",
  "region",
  "principal",
  "detection",
  "mode",
  "outcome",
  "stateAfter",
  "latencyMs",
];

export enum ReportFormat {
  Table = "table",
  Csv = "csv",
  Json = "json",
}

export interface ReportOptions {
  readonly since: string;
  readonly format: ReportFormat;
  readonly live: boolean;
  readonly file?: string;
  readonly logGroups?: string[];
  readonly region?: string;
}

const USAGE =
  "usage: npm run incidents -- [--since 7d] [--format table|csv|json] [--live [--log-groups a,b] [--region R]] [--file incidents.jsonl]";

/** Parses the command line; throws an Error that says what to change. */
export function parseArgs(argv: readonly string[]): ReportOptions {
  const options: {
    since: string;
    format: ReportFormat;
    live: boolean;
    file?: string;
    logGroups?: string[];
    region?: string;
  } = { since: "7d", format: ReportFormat.Table, live: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === "--since") options.since = value();
    else if (arg === "--format") {
      const f = value();
      if (!(Object.values(ReportFormat) as string[]).includes(f)) {
        throw new Error(`--format: "${f}" is not one of table, csv, json`);
      }
      options.format = f as ReportFormat;
    } else if (arg === "--live") options.live = true;
    else if (arg === "--file") options.file = value();
    else if (arg === "--log-groups") options.logGroups = value().split(",").filter(Boolean);
    else if (arg === "--region") options.region = value();
    else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  parseDuration(options.since);
  return options;
}

/** The value of a field as one line of text. */
function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(cell).join("; ");
  return String(value).replace(/[\r\n]+/g, " ");
}

function textTable(header: string[], rows: string[][], maxWidth = 48): string {
  const widths = header.map((h, i) =>
    Math.min(maxWidth, Math.max(h.length, ...rows.map((r) => r[i].length))),
  );
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (r: string[]) =>
    r
      .map((s, i) => fit(s, widths[i]))
      .join(" | ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line)].join("\n");
}

/** RFC 4180: quote a field that holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface Report {
  readonly source: string;
  readonly since: string;
  readonly summary: OutcomeCount[];
  readonly incidents: IncidentRecord[];
}

/** Newest first (by eventTime; records without a time last). */
function newestFirst(records: readonly IncidentRecord[]): IncidentRecord[] {
  const time = (r: IncidentRecord) => Date.parse(String(r.eventTime ?? "")) || 0;
  return [...records].sort((a, b) => time(b) - time(a));
}

/** The report of `records` since `now - since`. */
export function buildReport(
  records: readonly IncidentRecord[],
  since: string,
  source: string,
  now: Date = new Date(),
): Report {
  const from = new Date(now.getTime() - parseDuration(since));
  const kept = newestFirst(recordsSince(records, from));
  return { source, since: from.toISOString(), summary: countByOutcome(kept), incidents: kept };
}

/** The report in the chosen format. CSV lists every field of every incident (the audit export). */
export function formatReport(report: Report, format: ReportFormat): string {
  if (format === ReportFormat.Json) return JSON.stringify(report, null, 2);
  if (format === ReportFormat.Csv) {
    const fields = INCIDENT_FIELDS.map((f) => f.name);
    return [
      fields.join(","),
      ...report.incidents.map((r) => fields.map((f) => csvField(cell(r[f]))).join(",")),
    ].join("\n");
  }
  const title = SAVED_QUERIES[0].title;
  return [
    `Incident report: ${report.incidents.length} incident(s) since ${report.since} (${report.source})`,
    "",
    `${title}:`,
    textTable(
      ["remediation", "outcome", "incidents"],
      report.summary.map((s) => [s.remediation, s.outcome, String(s.incidents)]),
    ),
    "",
    "Incidents, newest first (every field: --format csv or json):",
    textTable(
      TABLE_FIELDS,
      report.incidents.map((r) => TABLE_FIELDS.map((f) => cell(r[f]))),
      34,
    ),
  ].join("\n");
}

/** Reads the offline records: the drill's last run, or `file`. */
export function readOfflineRecords(file = DRILL_INCIDENTS): IncidentRecord[] {
  if (!fs.existsSync(file)) {
    throw new Error(
      `${path.relative(process.cwd(), file)} does not exist: run \`npm run drill\` first (it keeps the incident records of its run there), or pass --file, or --live`,
    );
  }
  return parseIncidentLines(fs.readFileSync(file, "utf8").split("\n"));
}

/** The stack output `incidentLogGroups` (remediation id -> log group), through the Pulumi CLI. */
function stackLogGroups(): string[] {
  const out = spawnSync("pulumi", ["stack", "output", "incidentLogGroups", "--json"], {
    encoding: "utf8",
  });
  if (out.status !== 0) {
    throw new Error(
      `could not read the stack output incidentLogGroups (${(out.stderr || out.error?.message || "").trim()}): pass --log-groups`,
    );
  }
  return Object.values(JSON.parse(out.stdout) as Record<string, string>);
}

/** The part of the Logs client the live report uses (a real CloudWatchLogsClient, or a mock). */
export interface LogsQueryClient {
  send(command: unknown): Promise<unknown>;
}

/**
 * Runs one Logs Insights query and returns its rows as records, polling every `pollMs` and
 * telling `progress` how far it is.
 */
export async function runInsightsQuery(
  client: LogsQueryClient,
  logs: typeof import("@aws-sdk/client-cloudwatch-logs"),
  p: {
    logGroups: string[];
    queryString: string;
    from: Date;
    to: Date;
    limit?: number;
    pollMs?: number;
    timeoutMs?: number;
    progress?: (line: string) => void;
  },
): Promise<Record<string, string>[]> {
  const started = Date.now();
  const { queryId } = (await client.send(
    new logs.StartQueryCommand({
      logGroupNames: p.logGroups,
      queryString: p.queryString,
      startTime: Math.floor(p.from.getTime() / 1000),
      endTime: Math.ceil(p.to.getTime() / 1000),
      limit: p.limit ?? 1000,
    }),
  )) as { queryId?: string };
  if (!queryId) throw new Error("StartQuery returned no query id");
  for (;;) {
    const out = (await client.send(new logs.GetQueryResultsCommand({ queryId }))) as {
      status?: string;
      results?: { field?: string; value?: string }[][];
      statistics?: { recordsScanned?: number; bytesScanned?: number; recordsMatched?: number };
    };
    const s = out.statistics ?? {};
    p.progress?.(
      `  ${out.status ?? "?"} ${((Date.now() - started) / 1000).toFixed(1)} s: ${s.recordsScanned ?? 0} records scanned, ${s.recordsMatched ?? 0} matched`,
    );
    if (out.status === "Complete") {
      return (out.results ?? []).map((row) =>
        Object.fromEntries(
          row
            .filter((c) => c.field && !c.field.startsWith("@ptr"))
            .map((c) => [c.field!, c.value ?? ""]),
        ),
      );
    }
    if (out.status && ["Failed", "Cancelled", "Timeout", "Unknown"].includes(out.status)) {
      throw new Error(`the query ended ${out.status}`);
    }
    if (Date.now() - started > (p.timeoutMs ?? 120_000)) {
      await client.send(new logs.StopQueryCommand({ queryId })).catch(() => undefined);
      throw new Error("the query did not complete within its timeout; narrow --since");
    }
    await new Promise((resolve) => setTimeout(resolve, p.pollMs ?? 1000));
  }
}

/** The live report: the incident records from the deployed log groups, through Logs Insights. */
export async function liveRecords(
  options: ReportOptions,
  client: LogsQueryClient,
  logs: typeof import("@aws-sdk/client-cloudwatch-logs"),
  progress: (line: string) => void,
  now: Date = new Date(),
): Promise<IncidentRecord[]> {
  const logGroups = options.logGroups ?? stackLogGroups();
  if (logGroups.length === 0) throw new Error("no incident log group to query: pass --log-groups");
  progress(`Logs Insights over ${logGroups.length} log group(s): the incident records…`);
  // The report lists every field of the schema, so the query asks for all of them.
  const queryString = LATEST_INCIDENTS_QUERY.replace(
    /fields [^\n]*/,
    `fields ${INCIDENT_FIELDS.map((f) => f.name).join(", ")}`,
  ).replace(/limit \d+/, "limit 10000");
  const rows = await runInsightsQuery(client, logs, {
    logGroups,
    queryString,
    from: new Date(now.getTime() - parseDuration(options.since)),
    to: now,
    limit: 10000,
    progress,
  });
  // Insights returns every value as text: arrays and numbers come back as their JSON.
  return rows.map((row) => {
    const record: Record<string, unknown> = { ...row };
    for (const f of INCIDENT_FIELDS) {
      if (!(f.name in row)) continue;
      if (f.type === "number") record[f.name] = Number(row[f.name]);
      if (f.type === "string[]") {
        try {
          record[f.name] = JSON.parse(row[f.name]);
        } catch {
          record[f.name] = [row[f.name]];
        }
      }
    }
    return record as IncidentRecord;
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const options = parseArgs(argv);
  let records: IncidentRecord[];
  let source: string;
  if (options.live) {
    const client = new logs.CloudWatchLogsClient(options.region ? { region: options.region } : {});
    records = await liveRecords(options, client, logs, (line) => console.error(line));
    source = "live: CloudWatch Logs Insights";
  } else {
    const file = options.file ? path.resolve(options.file) : DRILL_INCIDENTS;
    records = readOfflineRecords(file);
    source = `offline: ${path.relative(process.cwd(), file)}`;
  }
  console.log(formatReport(buildReport(records, options.since, source), options.format));
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`incidents: ${explainAwsError(error, "npm run incidents -- --live")}`);
    process.exit(1);
  });
}
