/**
 * `npm run dashboard`: the README's picture of the dashboard. Builds the dev stack
 * (Pulumi.dev.yaml) under Pulumi's mocks, takes the body of the `aws.cloudwatch.Dashboard` it
 * deploys, and draws it (scripts/dashboardSvg.ts) with the incident records of the last fire
 * drill as values (.drill/incidents.jsonl, or the committed copy in tests/fixtures/incidents):
 * alerts by the severity of the detection that routed each event, remediations by outcome, the
 * queues empty, the alarms OK (nothing breached them), the latest incidents in the log table.
 * Writes dashboard.svg and dashboard.png (rendered by resvg from npm, with the DejaVu fonts of
 * the `dejavu-fonts-ttf` package: no system package) into `.drill/`, or into the folder given with
 * `--out` (`npm run dashboard -- --out docs` regenerates the README's picture). No AWS call.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CATALOG } from "../core/catalog";
import type { DashboardBody } from "../core/dashboard";
import { IncidentRecord, parseIncidentLines } from "../core/incidentRecord";
import { SEVERITIES } from "../core/types";
import { setup, settle } from "../tests/helpers/mocks";
import { DashboardData, renderDashboardSvg } from "./dashboardSvg";

const ROOT = path.resolve(__dirname, "..");
const DRILL = path.join(ROOT, ".drill", "incidents.jsonl");
const FIXTURE = path.join(ROOT, "tests", "fixtures", "incidents", "drill-run.jsonl");

/** The dashboard body the dev stack deploys (built under mocks). */
export async function devDashboardBody(): Promise<DashboardBody> {
  const recorder = setup({ stack: "dev", region: "eu-west-1" });
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require("../stack") as typeof import("../stack");
  buildStack((k) => doc.config[`aws-security-watch:${k}`], doc.config["aws:region"] as string);
  await settle();
  const dashboard = recorder.ofType("aws:cloudwatch/dashboard:Dashboard");
  if (dashboard.length !== 1) throw new Error("the dev stack deploys no dashboard");
  return JSON.parse(dashboard[0].inputs.dashboardBody) as DashboardBody;
}

/** The severity of the detection that routed a record (the record's own, else its remediation's). */
function severityOf(record: IncidentRecord): string {
  const byId = CATALOG.find((d) => d.id === record.detection);
  if (byId) return byId.severity;
  const candidates = CATALOG.filter((d) => d.remediation === record.remediation).sort(
    (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity),
  );
  return candidates[0]?.severity ?? "info";
}

/** The values of the picture, from incident records. */
export function dataFromIncidents(records: IncidentRecord[], periods = 36): DashboardData {
  const times = records.map((r) => Date.parse(String(r.eventTime)));
  const periodMs = 300_000;
  const last = Math.max(...times.filter((t) => !Number.isNaN(t)), 0);
  // The axis ends one hour after the last record, on a period boundary.
  const end = new Date(Math.ceil((last + 3_600_000) / periodMs) * periodMs);
  const bucket = (t: number) => periods - 1 - Math.floor((end.getTime() - t) / periodMs);
  const count = (match: (r: IncidentRecord) => boolean) => {
    const values = new Array<number>(periods).fill(0);
    records.forEach((r, i) => {
      const b = bucket(times[i]);
      if (b >= 0 && b < periods && match(r)) values[b] += 1;
    });
    return values;
  };
  const columns = (r: IncidentRecord) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.join("; ") : String(v ?? "")]),
    );
  return {
    end,
    periods,
    series(title, label) {
      if (title.startsWith("Alerts by severity")) return count((r) => severityOf(r) === label);
      if (title.startsWith("Remediations by outcome")) return count((r) => r.outcome === label);
      return [];
    },
    alarmState: () => "OK",
    logRows: () =>
      [...records]
        .sort((a, b) => String(b.eventTime).localeCompare(String(a.eventTime)))
        .map(columns),
  };
}

/** Where the pictures go: `--out <dir>`, else `.drill/` (untracked): never docs/ unasked. */
export function outputDir(argv: readonly string[]): string {
  const i = argv.indexOf("--out");
  if (i < 0) return path.join(ROOT, ".drill");
  const dir = argv[i + 1];
  if (dir === undefined || dir.startsWith("--")) {
    throw new Error("--out needs a folder, e.g. --out docs");
  }
  return path.resolve(dir);
}

/** The fonts the picture uses, from the dejavu-fonts-ttf package. */
function fontFiles(): string[] {
  const dir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return [
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
  ].map((f) => path.join(dir, f));
}

/** The SVG drawn by resvg at its own size, with the packaged fonts only. */
export function rasterize(svg: string): {
  width: number;
  height: number;
  pixels: Buffer;
  png: Buffer;
} {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resvg } = require("@resvg/resvg-js") as typeof import("@resvg/resvg-js");
  const resvg = new Resvg(svg, {
    fitTo: { mode: "original" },
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" },
  });
  const image = resvg.render();
  return { width: image.width, height: image.height, pixels: image.pixels, png: image.asPng() };
}

/** The SVG as a PNG (see {@link rasterize}). */
export function renderPng(svg: string): Buffer {
  return rasterize(svg).png;
}

async function main(): Promise<void> {
  const out = outputDir(process.argv.slice(2));
  const source = fs.existsSync(DRILL) ? DRILL : FIXTURE;
  const records = parseIncidentLines(fs.readFileSync(source, "utf8").split("\n"));
  const body = await devDashboardBody();
  // The picture shows the last three hours (the body opens on 24): the drill lasts seconds.
  const svg = renderDashboardSvg(body, dataFromIncidents(records), "asw-dev (last 3 hours)");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "dashboard.svg"), `${svg}\n`);
  fs.writeFileSync(path.join(out, "dashboard.png"), renderPng(svg));
  const shown = path.relative(process.cwd(), out) || ".";
  console.log(
    `wrote ${path.join(shown, "dashboard.svg")} and ${path.join(shown, "dashboard.png")} from ${path.relative(ROOT, source)} (${records.length} incidents)`,
  );
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`dashboard: ${e.message}`);
      process.exit(1);
    },
  );
}
