/**
 * examples/python and examples/yaml use the components through `pulumi package add`; they are not
 * run here (no Pulumi CLI), so this checks them against schema.json: every component, argument,
 * type and enum value they name exists, every required input is given, and each builds the same
 * five components as the README's TypeScript example; examples/yaml/dev-stack deploys the dev
 * stack with one SecurityWatch.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "..");
const PKG = "aws-security-watch";

interface Property {
  type?: string;
  $ref?: string;
  items?: Property;
  additionalProperties?: Property;
}
interface ObjectType {
  type: string;
  properties?: Record<string, Property>;
  required?: string[];
  enum?: { name: string; value: string }[];
}
interface Schema {
  resources: Record<
    string,
    { inputProperties: Record<string, Property>; requiredInputs: string[] }
  >;
  types: Record<string, ObjectType>;
}
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as Schema;
const README_COMPONENTS = [
  "AlertTopicSet",
  "AuditTrail",
  "SecurityRuleWatcher",
  "CompositeAlarmGroup",
  "AutoRemediator",
];

const typeOf = (ref: string | undefined) =>
  ref?.startsWith(`#/types/${PKG}:index:`) ? schema.types[ref.slice("#/types/".length)] : undefined;
const isInterpolation = (v: unknown) => typeof v === "string" && v.startsWith("${");

/** Every problem of a YAML value against a schema property, with its path. */
function yamlProblems(where: string, value: unknown, prop: Property): string[] {
  if (isInterpolation(value)) return [];
  const type = typeOf(prop.$ref);
  if (type?.enum) {
    return type.enum.some((e) => e.value === value)
      ? []
      : [`${where}: ${String(value)} is not an enum value`];
  }
  if (type) return objectProblems(where, value, type.properties ?? {}, type.required ?? []);
  if (prop.type === "array") {
    return Array.isArray(value)
      ? value.flatMap((v, i) => yamlProblems(`${where}[${i}]`, v, prop.items!))
      : [`${where}: not a list`];
  }
  if (prop.type === "object" && prop.additionalProperties) {
    return value && typeof value === "object" && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) =>
          yamlProblems(`${where}.${k}`, v, prop.additionalProperties!),
        )
      : [`${where}: not a map`];
  }
  return [];
}

function objectProblems(
  where: string,
  value: unknown,
  properties: Record<string, Property>,
  required: string[],
): string[] {
  if (!value || typeof value !== "object" || Array.isArray(value))
    return [`${where}: not an object`];
  const given = value as Record<string, unknown>;
  return [
    ...required.filter((k) => given[k] === undefined).map((k) => `${where}.${k}: required`),
    ...Object.entries(given).flatMap(([k, v]) =>
      properties[k] ? yamlProblems(`${where}.${k}`, v, properties[k]) : [`${where}.${k}: unknown`],
    ),
  ];
}

/** The argument text of each call `asw.Name(...)` in Python source, balanced parentheses. */
function pythonCalls(source: string): { name: string; args: string }[] {
  const calls: { name: string; args: string }[] = [];
  for (const m of source.matchAll(/asw\.([A-Za-z]+)\(/g)) {
    let depth = 1;
    let i = m.index! + m[0].length;
    const start = i;
    for (; i < source.length && depth > 0; i++) {
      if ("([{".includes(source[i])) depth++;
      if (")]}".includes(source[i])) depth--;
    }
    calls.push({ name: m[1], args: source.slice(start, i - 1) });
  }
  return calls;
}

/** The keyword names at the top level of a call's argument text. */
function keywords(args: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (depth === 0) {
      const m = /^([a-z_]+)=(?!=)/.exec(args.slice(i));
      if (m && (i === 0 || /[\s,(]/.test(args[i - 1]))) {
        names.push(m[1]);
        i += m[1].length;
      }
    }
  }
  return names;
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

describe("examples/ (Python and YAML, checked against schema.json)", () => {
  it("examples/yaml: every resource, property and enum value is in the schema, required inputs given", () => {
    const program = yaml.load(
      fs.readFileSync(path.join(ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8"),
    ) as {
      runtime: string;
      packages: Record<string, string>;
      resources: Record<string, { type: string; properties: unknown }>;
    };
    expect(program.runtime).to.equal("yaml");
    expect(program.packages).to.have.property(PKG);
    const used = Object.values(program.resources).map((r) => r.type.split(":")[2]);
    expect([...used].sort()).to.deep.equal([...README_COMPONENTS].sort());
    const problems = Object.entries(program.resources).flatMap(([name, resource]) => {
      const component = schema.resources[resource.type];
      if (!component) return [`${name}: ${resource.type} is not in the schema`];
      return objectProblems(
        name,
        resource.properties,
        component.inputProperties,
        component.requiredInputs,
      );
    });
    expect(problems).to.deep.equal([]);
  });

  it("examples/yaml/dev-stack: the dev stack in one SecurityWatch, its properties the dev stack file's keys", () => {
    const program = yaml.load(
      fs.readFileSync(path.join(ROOT, "examples", "yaml", "dev-stack", "Pulumi.yaml"), "utf8"),
    ) as {
      runtime: string;
      packages: Record<string, string>;
      resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    };
    expect(program.runtime).to.equal("yaml");
    expect(program.packages).to.have.property(PKG);
    const resources = Object.values(program.resources);
    expect(resources.map((r) => r.type)).to.deep.equal([`${PKG}:index:SecurityWatch`]);
    const component = schema.resources[`${PKG}:index:SecurityWatch`];
    expect(
      objectProblems(
        "security-watch",
        resources[0].properties,
        component.inputProperties,
        component.requiredInputs,
      ),
    ).to.deep.equal([]);
    const dev = (
      yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
        config: Record<string, unknown>;
      }
    ).config;
    const devKeys = Object.fromEntries(
      Object.entries(dev)
        .filter(([k]) => k.startsWith(`${PKG}:`))
        .map(([k, v]) => [k.slice(PKG.length + 1), v]),
    );
    expect(resources[0].properties).to.deep.equal(devKeys);
  });

  it("examples/python: every class, keyword and enum member is in the schema, required inputs given", () => {
    const source = fs.readFileSync(path.join(ROOT, "examples", "python", "__main__.py"), "utf8");
    const problems: string[] = [];
    const used: string[] = [];
    for (const { name, args } of pythonCalls(source)) {
      const resource = schema.resources[`${PKG}:index:${name}`];
      const type = name.endsWith("Args")
        ? schema.types[`${PKG}:index:${name.slice(0, -4)}`]
        : undefined;
      const properties = resource?.inputProperties ?? type?.properties;
      if (!properties) {
        problems.push(`asw.${name} is neither a component nor an Args type of the schema`);
        continue;
      }
      if (resource) used.push(name);
      const given = keywords(args).map(camel);
      for (const key of given) {
        if (!properties[key]) problems.push(`asw.${name}: ${key} is not an input`);
      }
      for (const key of resource?.requiredInputs ?? type?.required ?? []) {
        if (!given.includes(key)) problems.push(`asw.${name}: ${key} is required`);
      }
    }
    for (const m of source.matchAll(/asw\.([A-Za-z]+)\.([A-Z_]+)\b/g)) {
      const enumType = schema.types[`${PKG}:index:${m[1]}`];
      const members = (enumType?.enum ?? []).map((e) =>
        e.name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase(),
      );
      if (!members.includes(m[2])) problems.push(`asw.${m[1]}.${m[2]} is not an enum member`);
    }
    expect(problems).to.deep.equal([]);
    expect([...new Set(used)].sort()).to.deep.equal([...README_COMPONENTS].sort());
    expect(
      fs.readFileSync(path.join(ROOT, "examples", "python", "requirements.txt"), "utf8"),
    ).to.match(/^pulumi>=3\.159/m);
  });

  it("the checks catch a wrong keyword and a wrong property", () => {
    expect(
      keywords(`"n", rule_names={d: x[d] for d in y}, dead_letter_queue_arn=w.a, x=f(a=1)`),
    ).to.deep.equal(["rule_names", "dead_letter_queue_arn", "x"]);
    const remediator = schema.resources[`${PKG}:index:AutoRemediator`];
    expect(
      objectProblems(
        "r",
        { resolutionTopicArn: "a", failureAlarmTopicArn: "b", topicArn: "c" },
        remediator.inputProperties,
        remediator.requiredInputs,
      ),
    ).to.deep.equal(["r.topicArn: unknown"]);
    expect(
      objectProblems(
        "r",
        { resolutionTopicArn: "a", failureAlarmTopicArn: "b", defaultMode: "on" },
        remediator.inputProperties,
        remediator.requiredInputs,
      ),
    ).to.deep.equal(["r.defaultMode: on is not an enum value"]);
  });
});
