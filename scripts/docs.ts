/**
 * `npm run docs`: rewrites every generated block of the documents (README.md, CONTRIBUTING.md,
 * docs/*.md) from the code. A block is
 *
 *     <!-- generated:<name> -->
 *     ...text written by the generator <name>...
 *     <!-- /generated -->
 *
 * `npm run docs -- --check` changes nothing and exits 1 naming each stale or unknown block (CI and
 * tests/docs.test.ts run it). Every count and table of the documents comes from one of the
 * GENERATORS below: the catalog, the remediations, the stack file's keys, schema.json, and the
 * figures the bench and the drills recorded in bench/results/ (from a real run, never typed).
 */
import * as fs from "fs";
import * as path from "path";
import { Figure, RESULTS_DIR, Results, verdict } from "../bench/common";
import type { CostData } from "../bench/cost";
import { CATALOG } from "../core/catalog";
import { CONFIG_RULES } from "../core/catalog/configRules";
import { CREDENTIAL_ACCESS } from "../core/catalog/credentialAccess";
import { DEFENSE_EVASION } from "../core/catalog/defenseEvasion";
import { DISCOVERY } from "../core/catalog/discovery";
import { EXECUTION } from "../core/catalog/execution";
import { EXFILTRATION } from "../core/catalog/exfiltration";
import { IMPACT } from "../core/catalog/impact";
import { LATERAL_MOVEMENT } from "../core/catalog/lateralMovement";
import { PERSISTENCE } from "../core/catalog/persistence";
import { COMPLIANCE_DETECTIONS } from "../core/catalog/complianceDetections";
import { CIS_CONTROLS } from "../core/cisControls";
import { Detection } from "../core/detection";
import { incidentSchemaTable } from "../core/incidentRecord";
import { SAVED_QUERIES } from "../core/queries";
import { THRESHOLD_CATALOG } from "../core/thresholds";
import { allowedAbuseRows } from "../tests/iam/allowedAbuses";
import { thresholdTable } from "./catalogTable";
import {
  componentReference,
  configReference,
  configSource,
  publicApi,
  remediationDocs,
  remediationSource,
} from "./docSources";

export const ROOT = path.resolve(__dirname, "..");

/** The documents that hold generated blocks, relative to the repository root. */
export function documents(root = ROOT): string[] {
  const docs = fs.existsSync(path.join(root, "docs"))
    ? fs
        .readdirSync(path.join(root, "docs"))
        .filter((f) => f.endsWith(".md"))
        .sort()
        .map((f) => `docs/${f}`)
    : [];
  return ["README.md", "CONTRIBUTING.md", ...docs].filter((f) => fs.existsSync(path.join(root, f)));
}

const BLOCK = /<!-- generated:([a-z0-9-]+) -->\n([\s\S]*?)<!-- \/generated -->/g;

export type Generators = Readonly<Record<string, () => string>>;

export interface Rendered {
  readonly text: string;
  /** Blocks whose text differs from their generator's. */
  readonly stale: string[];
  /** Blocks that name no generator. */
  readonly unknown: string[];
}

/** The document with every generated block rewritten, and which blocks were stale or unknown. */
export function render(text: string, generators: Generators): Rendered {
  const stale: string[] = [];
  const unknown: string[] = [];
  const cache = new Map<string, string>();
  const out = text.replace(BLOCK, (whole, name: string, body: string) => {
    const generate = generators[name];
    if (generate === undefined) {
      unknown.push(name);
      return whole;
    }
    if (!cache.has(name)) cache.set(name, `${generate().replace(/\n+$/, "")}\n`);
    const fresh = cache.get(name)!;
    if (fresh !== body) stale.push(name);
    return `<!-- generated:${name} -->\n${fresh}<!-- /generated -->`;
  });
  return { text: out, stale, unknown };
}

export interface Problem {
  readonly file: string;
  readonly block: string;
  readonly kind: "stale" | "unknown";
}

/** Renders every document; writes them unless `check`. Returns the problems found. */
export function run(
  options: { check: boolean; root?: string; generators?: Generators } = { check: true },
): Problem[] {
  const root = options.root ?? ROOT;
  const generators = options.generators ?? GENERATORS;
  const problems: Problem[] = [];
  for (const file of documents(root)) {
    const full = path.join(root, file);
    const text = fs.readFileSync(full, "utf8");
    const result = render(text, generators);
    problems.push(...result.stale.map((block) => ({ file, block, kind: "stale" as const })));
    problems.push(...result.unknown.map((block) => ({ file, block, kind: "unknown" as const })));
    if (!options.check && result.text !== text) fs.writeFileSync(full, result.text);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Generators

const code = (s: string): string => `\`${s}\``;
const list = (items: readonly string[]): string => items.map(code).join(", ");
const n = (value: number): string => value.toLocaleString("en-US");

/** The catalog by MITRE ATT&CK tactic, in the order CATALOG concatenates them. */
export function tacticGroups(): { title: string; detections: readonly Detection[] }[] {
  const tactics = [
    { title: "Credential access", detections: CREDENTIAL_ACCESS },
    { title: "Execution", detections: EXECUTION },
    { title: "Persistence", detections: PERSISTENCE },
    { title: "Lateral movement", detections: LATERAL_MOVEMENT },
    { title: "Defense evasion", detections: DEFENSE_EVASION },
    { title: "Exfiltration and collection", detections: EXFILTRATION },
    { title: "Impact", detections: IMPACT },
    { title: "Discovery", detections: DISCOVERY },
    { title: "AWS Config compliance results", detections: COMPLIANCE_DETECTIONS },
  ];
  const grouped = new Set(tactics.flatMap((t) => t.detections.map((d) => d.id)));
  const foundation = CATALOG.filter((d) => !grouped.has(d.id));
  return [
    {
      title: "Foundation: the CIS monitoring controls, audit logging, credentials and exposure",
      detections: foundation,
    },
    ...tactics,
  ];
}

function detectionTable(detections: readonly Detection[]): string {
  return [
    "| id | what | severity | remediation | global | MITRE ATT&CK | CIS / Security Hub |",
    "|---|---|---|---|---|---|---|",
    ...detections.map(
      (d) =>
        `| ${code(d.id)} | ${d.title} | ${d.severity} | ${d.remediation ? code(d.remediation) : "alert only"} | ${d.global ? "yes" : ""} | ${(d.references.mitre ?? []).join(", ")} | ${(d.references.cis ?? []).join(", ")} |`,
    ),
  ].join("\n");
}

function catalogByTactic(): string {
  return tacticGroups()
    .map((g) => `### ${g.title} (${g.detections.length})\n\n${detectionTable(g.detections)}`)
    .join("\n\n");
}

function catalogCounts(): string {
  const live = CATALOG.filter((d) => !COMPLIANCE_DETECTIONS.includes(d));
  const remediated = CATALOG.filter((d) => d.remediation).length;
  const global = CATALOG.filter((d) => d.global).length;
  return (
    `${CATALOG.length} event detections, one EventBridge rule each: ${live.length} on live events ` +
    `(CloudTrail and AWS Health), each naming its MITRE ATT&CK technique(s), and ` +
    `${COMPLIANCE_DETECTIONS.length} on AWS Config compliance results. ${remediated} of them are ` +
    `wired to one of ${remediationDocs().length} remediations; ${global} come from global services ` +
    `(forwarded from us-east-1). Beside them: ${CIS_CONTROLS.length} CIS metric-filter alarms and ` +
    `${THRESHOLD_CATALOG.length} threshold detections.`
  );
}

function summaryCounts(): string {
  const cost = costData();
  const rules = cost
    ? ` The dev stack deploys ${n(cost.inventory.detectionRules + cost.inventory.forwardingRules)} EventBridge rules (${n(cost.inventory.detectionRules)} on the home bus, ${n(cost.inventory.forwardingRules)} forwarding from us-east-1) and ${n(cost.inventory.functions)} functions.`
    : "";
  return (
    `Shipped: ${componentReference().length} components, ${CATALOG.length} detections ` +
    `(${CATALOG.length - COMPLIANCE_DETECTIONS.length} on live events, ` +
    `${COMPLIANCE_DETECTIONS.length} on AWS Config results), ${CIS_CONTROLS.length} CIS ` +
    `alarms, ${THRESHOLD_CATALOG.length} threshold detections and ${remediationDocs().length} ` +
    `remediations.${rules}`
  );
}

function remediationTable(): string {
  const settings = (s: Record<string, unknown>): string =>
    Object.entries(s)
      .map(([k, v]) => `${code(k)} ${JSON.stringify(v)}`)
      .join(", ");
  return [
    "| remediation | live detections | AWS Config detections | its role may call | denied | own settings (default) |",
    "|---|---|---|---|---|---|",
    ...remediationDocs().map(
      (r) =>
        `| ${code(r.id)} | ${list(r.detections)} | ${list(r.configDetections)} | ${list(r.allowedActions)} | ${list(r.deniedActions)} | ${settings(r.settings)} |`,
    ),
  ].join("\n");
}

function remediationUndoesTable(): string {
  const docs = remediationDocs();
  const never = docs.some((r) => r.neverTouches !== "");
  return [
    `| remediation | what it undoes |${never ? " what it never touches |" : ""}`,
    `|---|---|${never ? "---|" : ""}`,
    ...docs.map(
      (r) =>
        `| ${code(r.id)} | ${r.undoes.replace(/\|/g, "\\|")} |${never ? ` ${r.neverTouches.replace(/\|/g, "\\|")} |` : ""}`,
    ),
  ].join("\n");
}

/**
 * What each role can still do: the allowed abuses that the IAM simulator test proves ALLOWED on
 * every role of the remediation (tests/iam/allowedAbuses.ts), so that no row outlives its
 * permission.
 */
function remediationRoleTable(): string {
  return [
    "| role | can still | why it is not narrower |",
    "|---|---|---|",
    ...allowedAbuseRows().map(
      (r) =>
        `| ${r.role === "every role" ? r.role : code(r.role)} | ${cellText(r.canStill)} | ${cellText(r.why)} |`,
    ),
  ].join("\n");
}

function configSourceText(): string {
  return configSource() === "watch-spec"
    ? "The keys are SecurityWatch's arguments, described once in `components/securityWatchArgs.ts` " +
        "(`WATCH_SPEC`): its checks, its defaults and this table come from that description."
    : "Read and validated in one place, `core/stackConfig.ts` (the organization's keys in " +
        "`core/org/orgConfig.ts`). This table comes from their typed interfaces (names and TSDoc, " +
        "with `scripts/configNotes.ts` where a field has no TSDoc yet) and from the defaults " +
        "`parseStackConfig` gives an empty stack file.";
}

function remediationSteps(): string {
  if (remediationSource() === "registry") {
    return [
      "A remediation is one folder and one line of the registry:",
      "",
      "1. `remediations/<id>/`: `handler.ts` (a factory of plain settings returning the handler; the",
      "   decision a pure function tested on real records; the run loop is `lambdas/runtime/`),",
      "   `policy.ts` (the IAM statements of exactly its calls), `spec.ts` (its id, settings with",
      "   their defaults and docs, detections, Config rules, minimum calls, and its docs: what it",
      "   undoes, never touches) and `scenario.ts` (its drill scenario);",
      "2. its spec added to `REMEDIATIONS` in `remediations/registry.ts`;",
      "3. what its role can still do that IAM cannot tell from the fix, in",
      "   `tests/iam/allowedAbuses.ts` (the IAM simulator test proves each row);",
      "4. its tests (emulator, adversarial) beside the others under `tests/`.",
    ].join("\n");
  }
  return [
    "Today a remediation is spread over these files (a registry of remediations is replacing them",
    "with its folder under `remediations/` and one line of the registry):",
    "",
    "1. its id in `core/types.ts` (`RemediationId`);",
    "2. its handler in `remediations/<id>/handler.ts` (a factory of plain settings returning the",
    "   handler; the decision a pure function tested on real records; the run loop it uses is under",
    "   `lambdas/runtime/`), registered in `lambdas/index.ts` (`HANDLER_FACTORIES`, `DEFAULT_SETTINGS`);",
    "3. its IAM statements in `core/remediationPolicies.ts` (`remediationStatements`: only the calls",
    "   the handler makes, on the narrowest resources IAM allows);",
    "4. its settings in `components/autoRemediator.ts` (`RemediationOptions`) and their checks in `components/securityWatchArgs.ts` (`WATCH_SPEC`);",
    "5. its detection links in the catalog (`remediation:` of the detections it answers);",
    "6. its drill scenario in `scripts/scenarios.ts`, and its emulator tests under `tests/lambdas/`",
    "   and `tests/adversarial/`;",
    "7. what it undoes in `scripts/remediationNotes.ts`, and what its role can still do (the",
    "   abuses IAM cannot tell from the fix, proven by the simulator) in `tests/iam/allowedAbuses.ts`.",
  ].join("\n");
}

function configRulesTable(): string {
  return [
    "| rule key | managed rule | detection | live detections of the same problem | remediation | controls |",
    "|---|---|---|---|---|---|",
    ...CONFIG_RULES.map(
      (r) =>
        `| ${code(r.key)} | ${code(r.identifier)}${r.global ? " (home region only)" : ""} | ${code(`config-${r.key}`)} | ${list(r.liveDetections)} | ${r.remediation ? code(r.remediation) : "alert only"} | ${r.controls.join(", ")} |`,
    ),
  ].join("\n");
}

function cisTable(): string {
  return [
    "| control | CIS | Security Hub | severity |",
    "|---|---|---|---|",
    ...CIS_CONTROLS.map(
      (c) => `| ${code(c.id)} ${c.title} | ${c.cis} | ${c.securityHub ?? ""} | ${c.severity} |`,
    ),
  ].join("\n");
}

function configTable(): string {
  return [
    "| key (`aws-security-watch:`) | field | default | meaning |",
    "|---|---|---|---|",
    ...configReference().map(
      (r) =>
        `| ${r.key && !r.key.startsWith("(") ? code(r.key) : r.key} | ${r.field ? code(r.field) : ""} | ${r.default.replace(/\|/g, "\\|")} | ${r.description.replace(/\|/g, "\\|")} |`,
    ),
  ].join("\n");
}

function componentsReference(): string {
  return componentReference()
    .map((c) =>
      [
        `### ${c.name}`,
        "",
        "| input | type | required | description |",
        "|---|---|---|---|",
        ...c.inputs.map(
          (i) => `| ${code(i.name)} | ${i.type} | ${i.required ? "yes" : ""} | ${i.description} |`,
        ),
        "",
        "| output | type | description |",
        "|---|---|---|",
        ...c.outputs.map((o) => `| ${code(o.name)} | ${o.type} | ${o.description} |`),
      ].join("\n"),
    )
    .join("\n\n");
}

function savedQueriesTable(): string {
  return [
    "| query | reads | replace before running |",
    "|---|---|---|",
    ...SAVED_QUERIES.map(
      (q) => `| ${q.title} | ${q.logGroups} | ${q.placeholder ? code(q.placeholder) : ""} |`,
    ),
  ].join("\n");
}

function publicApiTable(): string {
  return [
    "| module | public (exported by `lib.ts`) | internal (the package's own use) |",
    "|---|---|---|",
    ...publicApi().map((m) => `| \`${m.module}\` | ${list(m.exported)} | ${list(m.internal)} |`),
  ].join("\n");
}

// Bench and drill results (bench/results/<part>.json) ---------------------------------------

/** `bench/results/<part>.json`, or undefined when the part was never recorded. */
export function result(part: string, dir = RESULTS_DIR): Results | undefined {
  const file = path.join(dir, `${part}.json`);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Results) : undefined;
}

function costData(): CostData | undefined {
  return result("cost-model")?.rows[0] as CostData | undefined;
}

function provenance(r: Results): string {
  return `Measured by \`${r.command}\` on ${r.measuredAt.slice(0, 10)} (${r.machine}).`;
}

const cellText = (v: unknown): string =>
  (typeof v === "string" ? v : (JSON.stringify(v) ?? "")).replace(/\|/g, "\\|");

const isFigure = (row: unknown): row is Figure =>
  typeof row === "object" && row !== null && "name" in row && "figure" in row;

/** A part's rows: its figures (name, value, target, verdict), or any other rows by their keys. */
function rowsTable(rows: readonly unknown[]): string {
  if (rows.length > 0 && rows.every(isFigure)) {
    return [
      "| figure | value | target | |",
      "|---|---|---|---|",
      ...rows.map(
        (f) =>
          `| ${cellText(f.name)} | ${cellText(f.figure)} | ${cellText(f.target)} | ${verdict(f.pass).toLowerCase()} |`,
      ),
    ].join("\n");
  }
  const objects = rows.filter(
    (r): r is Record<string, unknown> => typeof r === "object" && r !== null,
  );
  const keys = [...new Set(objects.flatMap((r) => Object.keys(r)))];
  return [
    `| ${keys.join(" | ")} |`,
    `|${keys.map(() => "---|").join("")}`,
    ...objects.map((r) => `| ${keys.map((k) => cellText(r[k])).join(" | ")} |`),
  ].join("\n");
}

function benchBlock(part: string): () => string {
  return () => {
    const r = result(part);
    if (r === undefined) {
      return `Not measured yet: run \`npm run bench -- --only ${part}\` and then \`npm run docs\`.`;
    }
    return `${provenance(r)}\n\n${rowsTable(r.rows)}`;
  };
}

const money = (v: number): string => `$${v.toFixed(2)}`;

function costLines(): string {
  const data = costData();
  if (data === undefined) return "Not measured yet: run `npm run bench -- --only cost`.";
  const t = data.totals;
  return [
    `The dev config (Pulumi.dev.yaml): ${money(t.devConfig)} per account-region-month at list ` +
      `price once its ${data.inventory.rotatingKmsKeys ?? 0} rotating keys are in their third ` +
      `year (${money(t.keysYear1)} the first year, ${money(t.keysYear2)} the second), of which ` +
      `AWS Config ${money(t.devConfig - t.noConfig)}. SMS: the ${data.sms.alerts} critical ` +
      `alerts rendered on real records are ${n(data.sms.minBytes)}-${n(data.sms.maxBytes)} bytes ` +
      `(median ${n(data.sms.medianBytes)}), so each page to each number is billed ` +
      `${data.assumptions.smsPartsPerAlert} SMS parts of 140 bytes.`,
    "",
    "| service | item | quantity | USD/month | driven by |",
    "|---|---|---|---|---|",
    ...data.lines.map(
      (l) =>
        `| ${l.service} | ${l.item} | ${l.quantity} | ${l.usd === 0 ? "$0" : l.usd < 0.01 ? `$${l.usd.toFixed(4)}` : money(l.usd)} | ${l.driver ?? ""} |`,
    ),
  ].join("\n");
}

function drillBlock(part: "drill" | "drill-org"): () => string {
  return () => {
    const r = result(part);
    const shown = part === "drill" ? "npm run drill" : "npm run drill -- --org";
    const command = `${shown}${part === "drill" ? " --" : ""} --record`;
    if (r === undefined || r.rows.length === 0) {
      return `Not recorded yet: run \`${command}\` and then \`npm run docs\`.`;
    }
    const lines = r.rows as string[];
    return [
      `The output of \`${shown}\` (recorded ${r.measuredAt.slice(0, 10)}, ${r.machine}):`,
      "",
      "```",
      ...lines,
      "```",
    ].join("\n");
  };
}

export const GENERATORS: Generators = {
  "summary-counts": summaryCounts,
  "catalog-counts": catalogCounts,
  "catalog-by-tactic": catalogByTactic,
  thresholds: thresholdTable,
  "cis-controls": cisTable,
  "config-rules": configRulesTable,
  remediations: remediationTable,
  "remediation-undoes": remediationUndoesTable,
  "remediation-roles": remediationRoleTable,
  "config-reference": configTable,
  "config-source": configSourceText,
  "remediation-steps": remediationSteps,
  "component-reference": componentsReference,
  "incident-schema": incidentSchemaTable,
  "saved-queries": savedQueriesTable,
  "public-api": publicApiTable,
  "bench-build": benchBlock("build"),
  "bench-size": benchBlock("size"),
  "bench-latency": benchBlock("latency"),
  "bench-calls": benchBlock("calls"),
  "bench-cost": benchBlock("cost"),
  "bench-org": benchBlock("org"),
  "cost-lines": costLines,
  drill: drillBlock("drill"),
  "drill-org": drillBlock("drill-org"),
};

function main(): void {
  const check = process.argv.includes("--check");
  const problems = run({ check });
  for (const p of problems) {
    console.error(
      p.kind === "unknown"
        ? `${p.file}: block "${p.block}" names no generator (known: ${Object.keys(GENERATORS).join(", ")})`
        : `${p.file}: block "${p.block}" is stale${check ? ": run `npm run docs` and commit the result" : " (rewritten)"}`,
    );
  }
  const unknown = problems.filter((p) => p.kind === "unknown").length;
  if (check ? problems.length > 0 : unknown > 0) {
    process.exit(1);
  }
  console.log(
    check
      ? `every generated block of ${documents().join(", ")} is up to date`
      : `rewrote the generated blocks of ${documents().join(", ")}`,
  );
}

if (require.main === module) {
  main();
}
