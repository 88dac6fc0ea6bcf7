/**
 * The adapters the docs generator (scripts/docs.ts) reads the code through: one small function per
 * source of truth, so that when a source moves (the remediation registry, the SecurityWatch stack
 * file schema) only its adapter changes, never the documents or the generator.
 *
 *   remediationDocs()  the remediations: the registry (remediations/registry.ts) when it exists,
 *                      else core/types.ts REMEDIATION_IDS, core/remediationPolicies.ts and
 *                      lambdas/index.ts DEFAULT_SETTINGS with the catalog's detection links
 *   configReference()  the keys of `Pulumi.<stack>.yaml`: SecurityWatch's WATCH_SPEC
 *                      (components/securityWatchArgs.ts) when it exists, else the interfaces of
 *                      core/stackConfig.ts and core/org/orgConfig.ts (names and TSDoc) with the
 *                      defaults `parseStackConfig` applies to an empty stack file
 *   componentReference()  the components' arguments and outputs, from schema.json
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { CATALOG } from "../core/catalog";
import { CONFIG_NOTES } from "./configNotes";
import { REMEDIATION_NOTES } from "./remediationNotes";

const ROOT = path.resolve(__dirname, "..");

export interface RemediationDoc {
  readonly id: string;
  /** Detections of live events whose rule the remediation is wired to. */
  readonly detections: string[];
  /** AWS Config compliance detections wired to it. */
  readonly configDetections: string[];
  /** The AWS actions its role is allowed, beyond its log group, topic and idempotency table. */
  readonly allowedActions: string[];
  /** Actions its role is explicitly denied. */
  readonly deniedActions: string[];
  /** Its own settings and their defaults. */
  readonly settings: Record<string, unknown>;
  /** What it undoes, and on what ("" when nothing says it yet). */
  readonly undoes: string;
  /** What it never touches ("" when nothing says it). */
  readonly neverTouches: string;
}

/** A remediation as the registry (remediations/registry.ts) declares it; only what the docs read. */
interface RegistrySpec {
  readonly id: string;
  readonly title: string;
  statements(ctx: { partition: string; account: string; region: string }): {
    Effect: string;
    Action: readonly string[];
  }[];
  readonly settings: Readonly<Record<string, { readonly default: unknown }>>;
  readonly detections: readonly string[];
  readonly configRules?: readonly string[];
  readonly docs?: { undoes: string; neverTouches: string };
}

const REGISTRY = "remediations/registry.ts";
const POLICY_CONTEXT = { partition: "aws", account: "123456789012", region: "eu-west-1" };

/**
 * Where the remediations are described: the registry once it exists (remediations/registry.ts),
 * else today's core/types.ts, core/remediationPolicies.ts and lambdas/index.ts.
 */
export function remediationSource(): "registry" | "tables" {
  return fs.existsSync(path.join(ROOT, REGISTRY)) ? "registry" : "tables";
}

const actionsOf = (statements: { Effect: string; Action: readonly string[] }[], effect: string) => [
  ...new Set(statements.filter((s) => s.Effect === effect).flatMap((s) => [...s.Action])),
];

export function remediationDocs(): RemediationDoc[] {
  return remediationSource() === "registry" ? fromRegistry() : fromTables();
}

function fromRegistry(): RemediationDoc[] {
  // Loaded by path, so that this file compiles before and after the registry lands.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { REMEDIATIONS } = require(path.join(ROOT, REGISTRY)) as { REMEDIATIONS: RegistrySpec[] };
  return REMEDIATIONS.map((spec) => {
    const statements = spec.statements(POLICY_CONTEXT);
    const note = REMEDIATION_NOTES[spec.id];
    return {
      id: spec.id,
      detections: [...spec.detections],
      configDetections: (spec.configRules ?? []).map((k) => `config-${k}`),
      allowedActions: actionsOf(statements, "Allow"),
      deniedActions: actionsOf(statements, "Deny"),
      settings: Object.fromEntries(Object.entries(spec.settings).map(([k, v]) => [k, v.default])),
      undoes: spec.docs?.undoes ?? (note ? `${note.trigger}: ${note.action}` : ""),
      neverTouches: spec.docs?.neverTouches ?? "",
    };
  });
}

function fromTables(): RemediationDoc[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { REMEDIATION_IDS } = require(path.join(ROOT, "core/types.ts")) as {
    REMEDIATION_IDS: readonly string[];
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const policies = require(path.join(ROOT, "core/remediationPolicies.ts")) as {
    remediationStatements(
      id: string,
      ctx: typeof POLICY_CONTEXT,
    ): { Effect: string; Action: readonly string[] }[];
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DEFAULT_SETTINGS } = require(path.join(ROOT, "lambdas/index.ts")) as {
    DEFAULT_SETTINGS: Record<string, Record<string, unknown>>;
  };
  return REMEDIATION_IDS.map((id) => {
    const statements = policies.remediationStatements(id, POLICY_CONTEXT);
    const wired = CATALOG.filter((d) => d.remediation === id);
    const note = REMEDIATION_NOTES[id];
    return {
      id,
      detections: wired.filter((d) => !d.id.startsWith("config-")).map((d) => d.id),
      configDetections: wired.filter((d) => d.id.startsWith("config-")).map((d) => d.id),
      allowedActions: actionsOf(statements, "Allow"),
      deniedActions: actionsOf(statements, "Deny"),
      settings: DEFAULT_SETTINGS[id] ?? {},
      undoes: note ? `${note.trigger}: ${note.action} (reads first: ${note.stateReadFirst})` : "",
      neverTouches: "",
    };
  });
}

export interface ConfigKeyDoc {
  /** Top-level key under `aws-security-watch:`. */
  readonly key: string;
  /** Field under the key ("" for a key that is a value itself). */
  readonly field: string;
  /** The default an empty stack file gets, as YAML-ish text ("required", "none"...). */
  readonly default: string;
  readonly description: string;
}

interface Member {
  readonly name: string;
  readonly type: string;
  readonly doc: string;
  readonly optional: boolean;
}

/** The members of each interface of a TypeScript file, with their TSDoc text. */
function interfacesOf(file: string): Map<string, Member[]> {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = new Map<string, Member[]>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const members: Member[] = [];
    for (const m of node.members) {
      if (!ts.isPropertySignature(m) || !m.name) continue;
      const doc = ts
        .getJSDocCommentsAndTags(m)
        .filter(ts.isJSDoc)
        .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
        .join(" ");
      members.push({
        name: m.name.getText(source),
        type: m.type?.getText(source) ?? "",
        doc: doc.replace(/\s+/g, " ").trim(),
        optional: m.questionToken !== undefined,
      });
    }
    out.set(node.name.text, members);
  });
  return out;
}

function shown(value: unknown): string {
  if (value === undefined) return "none";
  if (typeof value === "string") return value === "" ? '""' : value;
  return JSON.stringify(value);
}

/** A key of the stack file as SecurityWatch's WATCH_SPEC describes it (core/configSpec.ts). */
interface SpecNode {
  readonly kind: string;
  readonly description: string;
  readonly default?: unknown;
  readonly required?: boolean;
  readonly fields?: Readonly<Record<string, SpecNode>>;
}

const WATCH_ARGS = "components/securityWatchArgs.ts";

/**
 * Where the stack file's keys are described: SecurityWatch's WATCH_SPEC once it exists
 * (components/securityWatchArgs.ts), else today's core/stackConfig.ts.
 */
export function configSource(): "watch-spec" | "stack-config" {
  return fs.existsSync(path.join(ROOT, WATCH_ARGS)) ? "watch-spec" : "stack-config";
}

export function configReference(): ConfigKeyDoc[] {
  const region: ConfigKeyDoc = {
    key: "(aws:region)",
    field: "",
    default: "required",
    description:
      "The region watched (the `aws` namespace); global-service events come from us-east-1.",
  };
  return [region, ...(configSource() === "watch-spec" ? fromWatchSpec() : fromStackConfig())];
}

function fromWatchSpec(): ConfigKeyDoc[] {
  // Loaded by path, so that this file compiles before and after SecurityWatch lands.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const spec = (require(path.join(ROOT, WATCH_ARGS)) as { WATCH_SPEC: SpecNode }).WATCH_SPEC;
  const fallback = (node: SpecNode): string =>
    node.default !== undefined ? shown(node.default) : node.required ? "required" : "none";
  const rows: ConfigKeyDoc[] = [];
  for (const [key, node] of Object.entries(spec.fields ?? {})) {
    const fields = Object.entries(node.fields ?? {});
    if (fields.length === 0) {
      rows.push({ key, field: "", default: fallback(node), description: node.description });
      continue;
    }
    fields.forEach(([name, f], i) =>
      rows.push({
        key: i === 0 ? key : "",
        field: name,
        default: fallback(f),
        description: i === 0 ? `${node.description}: ${f.description}` : f.description,
      }),
    );
  }
  return rows;
}

function fromStackConfig(): ConfigKeyDoc[] {
  const interfaces = new Map([
    ...interfacesOf("core/stackConfig.ts"),
    ...interfacesOf("core/org/orgConfig.ts"),
  ]);
  // Loaded by path: SecurityWatch replaces this module (see configSource).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stackConfig = require(path.join(ROOT, "core/stackConfig.ts")) as {
    CONFIG_KEYS: readonly string[];
    parseStackConfig(get: (key: string) => unknown, region: string): unknown;
  };
  const defaults = stackConfig.parseStackConfig(() => undefined, "eu-west-1") as Record<
    string,
    unknown
  >;
  const top = interfaces.get("StackConfig") ?? [];
  const rows: ConfigKeyDoc[] = [];
  for (const key of stackConfig.CONFIG_KEYS) {
    const member = top.find((m) => m.name === key);
    const fields = member ? interfaces.get(member.type.replace(/\s/g, "")) : undefined;
    const value = defaults[key];
    if (!fields) {
      rows.push({
        key,
        field: "",
        default: shown(value),
        description: member?.doc || CONFIG_NOTES[key] || "",
      });
      continue;
    }
    fields.forEach((f, i) => {
      const fieldDefault =
        value === undefined
          ? key === "organization"
            ? f.optional
              ? "none"
              : "required in hub mode"
            : "none"
          : shown((value as Record<string, unknown>)[f.name]);
      rows.push({
        key: i === 0 ? key : "",
        field: f.name,
        default: fieldDefault,
        description: f.doc || CONFIG_NOTES[`${key}.${f.name}`] || "",
      });
    });
  }
  return rows;
}

export interface SchemaProperty {
  readonly type?: string;
  readonly $ref?: string;
  readonly items?: SchemaProperty;
  readonly additionalProperties?: SchemaProperty;
  readonly description?: string;
  readonly optional?: boolean;
}

export interface ComponentDoc {
  readonly name: string;
  readonly description: string;
  readonly inputs: { name: string; type: string; required: boolean; description: string }[];
  readonly outputs: { name: string; type: string; description: string }[];
}

function typeText(p: SchemaProperty | undefined): string {
  if (p === undefined) return "any";
  if (p.$ref) return p.$ref.replace(/^.*[:/]/, "");
  if (p.type === "array") return `${typeText(p.items)}[]`;
  if (p.type === "object" && p.additionalProperties)
    return `map of ${typeText(p.additionalProperties)}`;
  return p.type ?? "any";
}

/** The first sentence-ish line of a description, one line, for a table cell. */
function cell(text: string | undefined): string {
  const clean = (text ?? "").includes("[object Object]") ? "" : (text ?? "");
  return clean.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

export function componentReference(): ComponentDoc[] {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as {
    resources: Record<
      string,
      {
        description?: string;
        inputProperties?: Record<string, SchemaProperty>;
        requiredInputs?: string[];
        properties?: Record<string, SchemaProperty>;
      }
    >;
  };
  return Object.entries(schema.resources).map(([token, r]) => ({
    name: token.replace(/^.*:/, ""),
    description: cell(r.description),
    inputs: Object.entries(r.inputProperties ?? {}).map(([name, p]) => ({
      name,
      type: typeText(p),
      required: (r.requiredInputs ?? []).includes(name),
      description: cell(p.description),
    })),
    outputs: Object.entries(r.properties ?? {}).map(([name, p]) => ({
      name,
      type: typeText(p),
      description: cell(p.description),
    })),
  }));
}

export interface ApiModule {
  /** The module lib.ts re-exports from (`components/autoRemediator`). */
  readonly module: string;
  /** What lib.ts exports from it: the public API. */
  readonly exported: string[];
  /** What the module exports for the package's own use only. */
  readonly internal: string[];
}

/** The names a TypeScript file exports, read from its syntax (no type checking). */
function exportedNames(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const names: string[] = [];
  source.forEachChild((node) => {
    const exported = ts.canHaveModifiers(node)
      ? (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (!exported) return;
    if (ts.isVariableStatement(node)) {
      for (const d of node.declarationList.declarations) names.push(d.name.getText(source));
    } else if (
      (ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isInterfaceDeclaration(node) ||
        ts.isEnumDeclaration(node) ||
        ts.isTypeAliasDeclaration(node)) &&
      node.name
    ) {
      names.push(node.name.text);
    }
  });
  return [...new Set(names)];
}

/** The public API (what lib.ts exports), module by module, and what stays internal beside it. */
export function publicApi(): ApiModule[] {
  const text = fs.readFileSync(path.join(ROOT, "lib.ts"), "utf8");
  const source = ts.createSourceFile("lib.ts", text, ts.ScriptTarget.Latest, true);
  const modules: ApiModule[] = [];
  source.forEachChild((node) => {
    if (!ts.isExportDeclaration(node) || !node.moduleSpecifier) return;
    const module = (node.moduleSpecifier as ts.StringLiteral).text.replace(/^\.\//, "");
    const file = fs.existsSync(path.join(ROOT, `${module}.ts`))
      ? `${module}.ts`
      : `${module}/index.ts`;
    const all = exportedNames(file);
    const exported =
      node.exportClause && ts.isNamedExports(node.exportClause)
        ? node.exportClause.elements.map((e) => e.name.text)
        : all;
    modules.push({ module, exported, internal: all.filter((n) => !exported.includes(n)) });
  });
  return modules;
}
