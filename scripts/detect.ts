/**
 * Which detections fire on a CloudTrail record, and the alert each would send.
 *
 *   npx ts-node --transpile-only scripts/detect.ts <file|-> [--json] [--stack <name>]
 *
 * The input is one CloudTrail record, a CloudTrail log file (`{"Records": [...]}`), an
 * EventBridge event, or a JSON array of these; `-` reads standard input. Records are wrapped as
 * EventBridge delivers them (core/cloudtrailEvent.ts) and matched against the whole catalog with
 * the EventBridge pattern evaluator (core/eventPattern.ts). `--json` prints
 * `[{"event": <eventID>, "detections": [{"id", "severity", "remediation", "subject", "body"}]}]`.
 *
 * `--stack dev` matches the detections that stack deploys instead of the whole catalog: its
 * `Pulumi.<name>.yaml` (in the working directory) is read and validated as the program reads it
 * (stack.ts, SecurityWatch's checks), so disabled ids fire nothing, severity overrides change the alert's
 * severity, and the stack's custom detections (`detections.custom`, when the configuration has
 * them) fire too.
 *
 * Exit codes: 0 when the input was read (whether or not a detection fires), 2 on a usage error
 * or an unreadable / malformed input.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { renderAlert } from "../core/alertMessage";
import { CATALOG } from "../core/catalog";
import { CloudTrailEventBridgeEvent, eventsFromJson } from "../core/cloudtrailEvent";
import { Detection, resolveDetections } from "../core/detection";
import type { Severity } from "../core/types";
import { matchesPattern } from "../core/eventPattern";

const USAGE = "usage: detect <file|-> [--json] [--stack <name>]";

/**
 * The detections stack `stack` deploys: its Pulumi.<stack>.yaml in `dir`, validated by the stack
 * configuration reader, applied to the catalog as the watcher applies it.
 */
export function stackDetections(stack: string, dir: string): Detection[] {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    const known = fs
      .readdirSync(dir)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((f): f is string => f !== undefined);
    throw new Error(
      `--stack ${stack}: no Pulumi.${stack}.yaml in ${dir} (stacks here: ${known.join(", ") || "none"})`,
    );
  }
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const config = doc.config ?? {};
  // The stack program's own reader (required here: it loads the Pulumi SDKs).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../stack") as typeof import("../stack");
  const get = (key: string) => config[`${program.CONFIG_NAMESPACE}:${key}`];
  const keys = Object.keys(config)
    .filter((k) => k.startsWith(`${program.CONFIG_NAMESPACE}:`))
    .map((k) => k.slice(program.CONFIG_NAMESPACE.length + 1));
  const problems = program.stackConfigProblems(get, config["aws:region"], keys);
  if (problems.length > 0) throw new Error(`Pulumi.${stack}.yaml: ${problems.join("; ")}`);
  const detections = (program.stackArgs(get).detections ?? {}) as {
    readonly disabled?: string[];
    readonly severityOverrides?: Record<string, Severity>;
    readonly custom?: readonly Detection[];
  };
  try {
    return resolveDetections({
      disabled: detections.disabled ?? [],
      severityOverrides: detections.severityOverrides ?? {},
      custom: detections.custom ?? [],
    });
  } catch (error) {
    throw new Error(`Pulumi.${stack}.yaml: ${(error as Error).message}`);
  }
}

export interface DetectionHit {
  readonly id: string;
  readonly severity: string;
  readonly remediation?: string;
  readonly subject: string;
  readonly body: string;
}

export interface EventResult {
  readonly event: string;
  readonly detections: DetectionHit[];
}

/** The detections of `catalog` that fire on each event, with their rendered alerts. */
export function detect(
  events: readonly CloudTrailEventBridgeEvent[],
  catalog: readonly Detection[] = CATALOG,
): EventResult[] {
  return events.map((event) => ({
    event: String(event.detail.eventID ?? event.id ?? ""),
    detections: catalog
      .filter((detection) => matchesPattern(detection.eventPattern, event))
      .map((detection) => {
        const alert = renderAlert(detection, event);
        return {
          id: detection.id,
          severity: detection.severity,
          ...(detection.remediation ? { remediation: detection.remediation } : {}),
          subject: alert.subject,
          body: alert.body,
        };
      }),
  }));
}

/** The human-readable report of {@link detect}. */
export function formatResults(results: readonly EventResult[]): string {
  const out: string[] = [];
  for (const result of results) {
    const event = result.event || "(no eventID)";
    if (result.detections.length === 0) {
      out.push(`event ${event}: no detection fires`);
      continue;
    }
    out.push(`event ${event}: ${result.detections.length} detection(s) fire`);
    for (const hit of result.detections) {
      out.push("");
      out.push(
        `--- ${hit.id} (${hit.severity}${hit.remediation ? `, remediation ${hit.remediation}` : ""})`,
      );
      out.push(hit.subject);
      out.push(hit.body);
    }
    out.push("");
  }
  return out.join("\n");
}

function readInput(source: string): string {
  try {
    return fs.readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read ${source === "-" ? "standard input" : source}: ${(error as Error).message}`,
    );
  }
}

/** Runs the CLI; returns the exit code. */
export function main(
  argv: readonly string[],
  print: (text: string) => void,
  fail: (text: string) => void,
  dir: string = process.cwd(),
): number {
  const json = argv.includes("--json");
  const stackAt = argv.indexOf("--stack");
  const stack = stackAt >= 0 ? argv[stackAt + 1] : undefined;
  const files = argv.filter(
    (arg, i) => arg !== "--json" && (stackAt < 0 || (i !== stackAt && i !== stackAt + 1)),
  );
  if (
    files.length !== 1 ||
    (files[0].startsWith("-") && files[0] !== "-") ||
    (stackAt >= 0 && (stack === undefined || stack.startsWith("-")))
  ) {
    fail(USAGE);
    return 2;
  }
  try {
    const catalog = stack === undefined ? CATALOG : stackDetections(stack, dir);
    const text = readInput(files[0]);
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new Error(`${files[0]} is not valid JSON: ${(error as Error).message}`);
    }
    const results = detect(eventsFromJson(document), catalog);
    print(json ? JSON.stringify(results, null, 2) : formatResults(results));
    return 0;
  } catch (error) {
    fail(`detect: ${(error as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(
    process.argv.slice(2),
    (text) => process.stdout.write(`${text}\n`),
    (text) => process.stderr.write(`${text}\n`),
  );
}
