/**
 * `npm run drill`: the fire drill. Plays real attacks through the whole chain against an
 * embedded AWS emulator (moto), and prints what happened at each step:
 *
 *   attack (real AWS SDK v3 call) -> the CloudTrail record AWS would deliver -> the detections
 *   that fire (the package's EventBridge pattern matcher on the catalog the stack deploys) -> the
 *   alert as SNS would carry it -> the remediation Lambda's SERIALIZED code (the `__index.js`
 *   Pulumi would upload, taken from the stack built under mocks) run against the emulator -> the
 *   state read back -> the resolution message read back from the resolutions topic (SNS -> SQS).
 *
 * Exits non-zero if any scenario fails. `--live` runs it against a real AWS account instead
 * (see scripts/liveDrill.ts and the README).
 */
import * as fs from "fs";
import * as path from "path";
import { everyRemediationIn } from "../core/remediationModes";
import * as yaml from "js-yaml";
import { matchesPattern } from "../core/eventPattern";
import { renderAlert } from "../core/alertMessage";
import { Detection } from "../core/detection";
import { REMEDIATION_IDS, RemediationMode, SEVERITIES } from "../core/types";
import { Recorder, settle, setup } from "../tests/helpers/mocks";
import {
  PREEXISTING_SCENARIOS,
  PreexistingScenario,
  complianceEventFor,
  renderTransformer,
} from "./compliance";
import { allowedPublicPorts } from "../components/securityWatchParts";
import { archiveEntries, handlerOf } from "./lambdaCode";
import { startMoto, useMotoEnvironment } from "./moto";
import {
  SCENARIOS,
  Scenario,
  createIdempotencyTable,
  createResolutionInbox,
  createScenarioContext,
  wrapAsEventBridge,
} from "./scenarios";

const ROOT = path.resolve(__dirname, "..");
const REGION = "eu-west-1";

export interface DrillRow {
  scenario: string;
  title: string;
  detections: string[];
  alertSubject: string;
  outcome: string;
  actions: string[];
  verified: boolean;
  verdict: string;
  resolutionSubject: string;
  eventToSafeMs: number;
  handlerMs: number;
  /** Incident records the handler wrote to its log (one per invocation). */
  incidentRecords: number;
  /** Their text (JSON lines), kept for `npm run incidents`. */
  incidentLines?: string[];
  ok: boolean;
  problem?: string;
}

/** A remediation function as the stack would deploy it: its serialized code and environment. */
export interface DeployedFunction {
  text: string;
  env: Record<string, string>;
  sizeBytes: number;
  archiveEntries: string[];
}

/**
 * Builds the stack (Pulumi.dev.yaml, every remediation switched to `enforce`) under Pulumi's
 * mocks and returns the detections it deploys and each remediation function's uploaded code.
 */
export async function buildDeployedStack(
  recorder: Recorder,
  mode: RemediationMode = RemediationMode.Enforce,
): Promise<{
  detections: Detection[];
  functions: Record<string, DeployedFunction>;
  compliance?: DeployedCompliance;
}> {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const raw = (key: string) => doc.config[`aws-security-watch:${key}`];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require("../stack") as typeof import("../stack");
  const remediation = everyRemediationIn(raw("remediation"), mode);
  const get = (key: string) => (key === "remediation" ? remediation : raw(key));
  const stack = buildStack(get, doc.config["aws:region"] as string);
  await settle();
  const functions: Record<string, DeployedFunction> = {};
  for (const id of REMEDIATION_IDS) {
    const fn = recorder.get("aws:lambda/function:Function", `remediate-${id}-fn`);
    const entries = await archiveEntries(fn.inputs.code);
    const text = entries["__index.js"];
    functions[id] = {
      text,
      env: fn.inputs.environment.variables,
      sizeBytes: Buffer.byteLength(text),
      archiveEntries: Object.keys(entries),
    };
  }
  let compliance: DeployedCompliance | undefined;
  if (stack.compliance) {
    const rule = recorder.get("aws:cloudwatch/eventRule:EventRule", "compliance-resolved");
    const target = recorder.get(
      "aws:cloudwatch/eventTarget:EventTarget",
      "compliance-resolved-target",
    );
    compliance = {
      rulePrefix: (rule.inputs.name as string).replace(/-config-resolved$/, ""),
      resolvedPattern: JSON.parse(rule.inputs.eventPattern),
      resolvedTransformer: target.inputs.inputTransformer,
      allowedPorts: allowedPublicPorts(stack.config),
    };
  }
  return { detections: stack.watcher.detections, functions, compliance };
}

/** What the stack deploys for AWS Config that the drill plays through. */
export interface DeployedCompliance {
  /** Prefix of the Config rule names (`<prefix>-<rule key>`). */
  rulePrefix: string;
  /** The resolution rule's pattern and its resolutions-topic transformer, as deployed. */
  resolvedPattern: Record<string, unknown>;
  resolvedTransformer: { inputPaths: Record<string, string>; inputTemplate: string };
  allowedPorts: number[];
}

function emptyRow(scenario: Scenario): DrillRow {
  return {
    scenario: scenario.id,
    title: scenario.title,
    detections: [],
    alertSubject: "",
    outcome: "",
    actions: [],
    verified: false,
    verdict: "",
    resolutionSubject: "",
    eventToSafeMs: 0,
    handlerMs: 0,
    incidentRecords: 0,
    ok: false,
  };
}

const rank = (d: Detection) => SEVERITIES.indexOf(d.severity);

/**
 * Collects what the handler writes to stdout (its incident record and metric lines, which Lambda
 * would send to its log group) instead of printing it between the drill's progress lines.
 */
function captureOutput(): { lines: string[]; stop(): void } {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const log = console.log;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  }) as typeof process.stdout.write;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  return {
    lines,
    stop() {
      process.stdout.write = write;
      console.log = log;
    },
  };
}

async function runScenario(
  scenario: Scenario,
  ctx: ReturnType<typeof createScenarioContext>,
  detections: Detection[],
  functions: Record<string, DeployedFunction>,
  inbox: Awaited<ReturnType<typeof createResolutionInbox>>,
): Promise<DrillRow> {
  const row = emptyRow(scenario);
  const fail = (problem: string): DrillRow => ({ ...row, ok: false, problem });

  const started = performance.now();
  const setupResult = await scenario.setup(ctx);
  const event = wrapAsEventBridge(setupResult.record);
  const fired = detections.filter((d) => matchesPattern(d.eventPattern, event));
  fired.sort((a, b) => rank(a) - rank(b));
  row.detections = fired.map((d) => d.id);
  if (fired.length === 0) return fail("no detection fires on the record");
  row.alertSubject = renderAlert(fired[0], event).subject;
  const remediating = fired.filter((d) => d.remediation === scenario.remediation);
  if (remediating.length === 0) {
    return fail(`no firing detection routes to ${scenario.remediation}`);
  }

  const fn = functions[scenario.remediation];
  const handler = handlerOf(fn.text, { ...fn.env, RESOLUTION_TOPIC_ARN: inbox.topicArn });
  const handlerStarted = performance.now();
  let result: { outcome: string; actions: string[] };
  const logged = captureOutput();
  try {
    result = (await handler(event)) as { outcome: string; actions: string[] };
  } catch (e) {
    return fail(`the handler threw: ${(e as Error).message}`);
  } finally {
    logged.stop();
  }
  row.handlerMs = performance.now() - handlerStarted;
  const incidents = logged.lines.filter((l) => l.startsWith('{"type":"incident"'));
  row.incidentRecords = incidents.length;
  row.incidentLines = incidents;
  row.outcome = result.outcome;
  row.actions = result.actions;

  const verdict = await scenario.verify(ctx, setupResult);
  row.eventToSafeMs = performance.now() - started;
  row.verified = verdict.safe;
  row.verdict = verdict.detail;
  const resolution = await inbox.receive(setupResult.record.eventID, 5000);
  row.resolutionSubject = resolution?.subject ?? "";

  if (result.outcome !== "remediated")
    return fail(`outcome ${result.outcome}, expected remediated`);
  if (!verdict.safe) return fail(`state still unsafe: ${verdict.detail}`);
  if (!resolution) return fail("no resolution message arrived within 5 s");
  if (incidents.length !== 1)
    return fail(`${incidents.length} incident records logged, expected 1`);
  return { ...row, ok: true };
}

/**
 * A pre-existing problem (made before the stack exists) through the chain: the compliance
 * change Config would send, built from the resource's state in the emulator -> the detections
 * that fire -> the alert -> the remediation's serialized code -> the state read back -> its
 * resolution message -> Config's next evaluation (COMPLIANT after NON_COMPLIANT) through the
 * deployed resolution rule and its message.
 */
async function runPreexisting(
  scenario: PreexistingScenario,
  resource: string,
  ctx: ReturnType<typeof createScenarioContext>,
  detections: Detection[],
  functions: Record<string, DeployedFunction>,
  inbox: Awaited<ReturnType<typeof createResolutionInbox>>,
  compliance: DeployedCompliance,
): Promise<DrillRow> {
  const row: DrillRow = { ...emptyRow({ id: scenario.id, title: scenario.title } as Scenario) };
  const fail = (problem: string): DrillRow => ({ ...row, ok: false, problem });
  const options = { rulePrefix: compliance.rulePrefix, allowedPorts: compliance.allowedPorts };
  const started = performance.now();
  const { evaluation, event } = await complianceEventFor(scenario, ctx, resource, options);
  if (evaluation.complianceType !== "NON_COMPLIANT") {
    return fail(`AWS Config would find ${resource} ${evaluation.complianceType}`);
  }
  const fired = detections.filter((d) => matchesPattern(d.eventPattern, event));
  fired.sort((a, b) => rank(a) - rank(b));
  row.detections = fired.map((d) => d.id);
  if (fired.length === 0) return fail("no detection fires on the compliance change");
  row.alertSubject = renderAlert(fired[0], event).subject;
  if (!fired.some((d) => d.remediation === scenario.remediation)) {
    return fail(`no firing detection routes to ${scenario.remediation}`);
  }
  const fn = functions[scenario.remediation];
  const handler = handlerOf(fn.text, { ...fn.env, RESOLUTION_TOPIC_ARN: inbox.topicArn });
  const handlerStarted = performance.now();
  let result: { outcome: string; actions: string[] };
  const logged = captureOutput();
  try {
    result = (await handler(event)) as { outcome: string; actions: string[] };
  } catch (e) {
    return fail(`the handler threw: ${(e as Error).message}`);
  } finally {
    logged.stop();
  }
  row.handlerMs = performance.now() - handlerStarted;
  const incidents = logged.lines.filter((l) => l.startsWith('{"type":"incident"'));
  row.incidentRecords = incidents.length;
  row.outcome = result.outcome;
  row.actions = result.actions;
  const verdict = await scenario.verify(ctx, resource, compliance.allowedPorts);
  row.eventToSafeMs = performance.now() - started;
  row.verified = verdict.safe;
  row.verdict = verdict.detail;
  const resolution = await inbox.receive(String(event.id), 5000);
  // Config's next evaluation of the same resource, and the resolution rule the stack deploys.
  const next = await complianceEventFor(scenario, ctx, resource, {
    ...options,
    old: "NON_COMPLIANT",
  });
  const configResolved =
    next.evaluation.complianceType === "COMPLIANT" &&
    matchesPattern(compliance.resolvedPattern, next.event);
  const configLine = configResolved
    ? renderTransformer(compliance.resolvedTransformer, next.event)[0]
    : "";
  row.resolutionSubject = [resolution?.subject, configLine].filter(Boolean).join(" + ");

  if (result.outcome !== "remediated")
    return fail(`outcome ${result.outcome}, expected remediated`);
  if (!verdict.safe) return fail(`state still unsafe: ${verdict.detail}`);
  if (!resolution) return fail("no resolution message arrived within 5 s");
  if (!configResolved) return fail("AWS Config's next evaluation would not route a resolution");
  if (incidents.length !== 1)
    return fail(`${incidents.length} incident records logged, expected 1`);
  return { ...row, ok: true };
}

function table(rows: DrillRow[]): string {
  const header = [
    "scenario",
    "detections",
    "alert subject",
    "action",
    "verified",
    "resolution",
    "incident",
    "event->safe",
  ];
  const cells = rows.map((r) => [
    r.scenario,
    r.detections.join(", "),
    r.alertSubject,
    r.outcome ? `${r.outcome}: ${r.actions.join("; ")}` : "-",
    r.verified ? "safe" : "UNSAFE",
    r.resolutionSubject || "-",
    r.incidentRecords === 1 ? "logged" : String(r.incidentRecords),
    `${r.eventToSafeMs.toFixed(0)} ms`,
  ]);
  const widths = header.map((h, i) =>
    Math.min(70, Math.max(h.length, ...cells.map((c) => c[i].length))),
  );
  const fit = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + "…" : s.padEnd(w));
  const line = (c: string[]) => c.map((s, i) => fit(s, widths[i])).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.map(line)].join(
    "\n",
  );
}

export async function runDrill(log: (line: string) => void = console.log): Promise<DrillRow[]> {
  log(
    "aws-security-watch fire drill: real attacks through the whole chain, against a local AWS emulator (moto)",
  );
  log(
    "1/3 building the stack under Pulumi mocks (Pulumi.dev.yaml, remediations switched to enforce)…",
  );
  const recorder = setup({ stack: "drill", region: REGION });
  const built = Date.now();
  const { detections, functions, compliance } = await buildDeployedStack(recorder);
  log(
    `    ${recorder.resources.length} resources, ${detections.length} detections, ` +
      `${Object.keys(functions).length} remediation functions (serialized code ${Object.values(
        functions,
      )
        .map((f) => `${(f.sizeBytes / 1024).toFixed(1)}`)
        .join("/")} KB) in ${((Date.now() - built) / 1000).toFixed(1)} s`,
  );
  log("2/3 starting the AWS emulator (moto_server on 127.0.0.1)…");
  const moto = await startMoto();
  const restore = useMotoEnvironment(moto.endpoint, REGION);
  const rows: DrillRow[] = [];
  try {
    const ctx = createScenarioContext(moto.endpoint, REGION);
    // Pre-existing problems: made before anything of the stack exists in the account.
    const preexisting = compliance ? PREEXISTING_SCENARIOS : [];
    const made: string[] = [];
    for (const scenario of preexisting) made.push(await scenario.setup(ctx));
    if (preexisting.length > 0) {
      log(
        `    made ${preexisting.length} misconfigurations before the stack exists: ${made.join(", ")}`,
      );
    }
    const inbox = await createResolutionInbox(ctx);
    // The stack's idempotency table, under the name every function has in its environment.
    const tables = new Set(Object.values(functions).map((f) => f.env.IDEMPOTENCY_TABLE));
    for (const table of tables) if (table) await createIdempotencyTable(ctx, table);
    log(`    ${moto.endpoint}; resolutions topic ${inbox.topicArn} -> SQS inbox`);
    log(`3/3 playing ${SCENARIOS.length} attacks:`);
    for (const [i, scenario] of SCENARIOS.entries()) {
      let row: DrillRow;
      try {
        row = await runScenario(scenario, ctx, detections, functions, inbox);
      } catch (e) {
        row = {
          ...emptyRow(scenario),
          problem: `setup or verification failed: ${(e as Error).message}`,
        };
      }
      rows.push(row);
      const status = row.ok ? "ok  " : "FAIL";
      log(
        `  [${String(i + 1).padStart(2)}/${SCENARIOS.length}] ${status} ${scenario.title}: ` +
          (row.ok
            ? `${row.detections.length} detection(s), ${row.outcome} in ${row.handlerMs.toFixed(0)} ms, safe ${row.eventToSafeMs.toFixed(0)} ms after the attack`
            : row.problem),
      );
    }
    if (compliance && preexisting.length > 0) {
      log(
        `    then AWS Config's view of ${preexisting.length} pre-existing problems (compliance changes built from the emulator's state):`,
      );
      for (const [i, scenario] of preexisting.entries()) {
        let row: DrillRow;
        try {
          row = await runPreexisting(
            scenario,
            made[i],
            ctx,
            detections,
            functions,
            inbox,
            compliance,
          );
        } catch (e) {
          row = {
            ...emptyRow({ id: scenario.id, title: scenario.title } as Scenario),
            problem: `evaluation or verification failed: ${(e as Error).message}`,
          };
        }
        rows.push(row);
        log(
          `  [${String(i + 1).padStart(2)}/${preexisting.length}] ${row.ok ? "ok  " : "FAIL"} ${scenario.title}: ` +
            (row.ok
              ? `${row.detections.join(", ")}, ${row.outcome} in ${row.handlerMs.toFixed(0)} ms, then [RESOLVED] from AWS Config's next evaluation`
              : row.problem),
        );
      }
    }
  } finally {
    restore();
    await moto.stop();
  }
  return rows;
}

/** Where the drill keeps the incident records of its last run (gitignored), for `npm run incidents`. */
export const DRILL_INCIDENTS_FILE = path.join(ROOT, ".drill", "incidents.jsonl");

/** Writes the run's incident records, one JSON line each, replacing the previous run's. */
export function writeIncidentLog(rows: DrillRow[], file = DRILL_INCIDENTS_FILE): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines = rows.flatMap((r) => r.incidentLines ?? []);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(""));
  return `${lines.length} in ${path.relative(process.cwd(), file)}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log("usage: npm run drill [-- --live [--region R] [--yes] | --org] [--record]");
    return;
  }
  // --record: keep what the run prints in bench/results/drill[-org].json, which `npm run docs`
  // renders into the README and docs/ (the documents never show a drill output typed by hand).
  const record = args.includes("--record");
  const printed: string[] = [];
  const say = (line: string): void => {
    printed.push(line);
    console.log(line);
  };
  const keep = (part: string, command: string): void => {
    if (!record) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { writeResults } = require("../bench/common") as typeof import("../bench/common");
    const file = writeResults(part, printed, command);
    console.log(`(recorded in ${path.relative(process.cwd(), file)})`);
  };
  if (args.includes("--org")) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const org = require("./orgDrill") as typeof import("./orgDrill");
    const rows = await org.runOrgDrill();
    console.log("");
    say(org.orgTable(rows));
    const failed = rows.filter((r) => !r.ok);
    say(
      `${rows.length - failed.length} of ${rows.length} attacks in member accounts forwarded once, detected at the hub, undone through the member role and verified safe in the member account`,
    );
    for (const row of failed) say(`FAILED ${row.scenario} in ${row.account}: ${row.problem}`);
    keep("drill-org", "npm run drill -- --org --record");
    process.exitCode = failed.length ? 1 : 0;
    return;
  }
  if (args.includes("--live")) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runLiveDrill } = require("./liveDrill") as typeof import("./liveDrill");
    process.exitCode = await runLiveDrill(args);
    return;
  }
  const rows = await runDrill(say);
  const kept = writeIncidentLog(rows);
  console.log("");
  console.log(`Incident records of this run: ${kept} (npm run incidents)`);
  console.log(table(rows));
  const failed = rows.filter((r) => !r.ok);
  const times = rows
    .filter((r) => r.ok)
    .map((r) => r.eventToSafeMs)
    .sort((a, b) => a - b);
  console.log("");
  say(
    `${rows.length - failed.length} of ${rows.length} attacks detected, undone, verified safe and resolved` +
      (times.length
        ? ` (event to verified safe: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms)`
        : ""),
  );
  console.log(
    "Against the emulator: no AWS account was touched. In AWS, add EventBridge delivery (typically under a few seconds) to these times; `npm run drill -- --live` measures it.",
  );
  for (const row of failed) {
    say(`FAILED ${row.scenario}: ${row.problem}`);
  }
  keep("drill", "npm run drill -- --record");
  process.exitCode = failed.length ? 1 : 0;
}

if (require.main === module) {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (e) => {
      console.error(`drill failed: ${e instanceof Error ? e.stack : String(e)}`);
      process.exit(1);
    },
  );
}
