/**
 * schemas/stack-config.schema.json, the JSON Schema editors check Pulumi.<stack>.yaml with: up to
 * date with WATCH_SPEC (the description SecurityWatch validates with), and, read by a JSON
 * Schema validator, it accepts the shipped stack files and refuses the mistakes SecurityWatch
 * refuses.
 */
import { expect } from "chai";
import { REMEDIATIONS } from "../remediations/registry";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import Ajv from "ajv";
import { STACK_SCHEMA_FILE, stackSchemaText } from "../scripts/stackSchema";

const ROOT = path.resolve(__dirname, "..");
const stackFile = (name: string) =>
  yaml.load(fs.readFileSync(path.join(ROOT, name), "utf8")) as { config: Record<string, unknown> };

describe("the stack file's JSON Schema (schemas/stack-config.schema.json)", () => {
  const schema = JSON.parse(fs.readFileSync(STACK_SCHEMA_FILE, "utf8"));
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const errors = (doc: unknown): string[] => {
    validate(doc);
    return (validate.errors ?? []).map((e) => `${e.dataPath} ${e.message}`);
  };
  const dev = stackFile("Pulumi.dev.yaml");

  it("is what npm run schema generates from WATCH_SPEC today", () => {
    expect(fs.readFileSync(STACK_SCHEMA_FILE, "utf8")).to.equal(stackSchemaText());
  });

  it("accepts Pulumi.dev.yaml and Pulumi.org-hub.yaml, which name it on their first line", () => {
    for (const name of ["Pulumi.dev.yaml", "Pulumi.org-hub.yaml"]) {
      expect(errors(stackFile(name)), name).to.deep.equal([]);
      expect(fs.readFileSync(path.join(ROOT, name), "utf8").split("\n")[0]).to.equal(
        "# yaml-language-server: $schema=./schemas/stack-config.schema.json",
      );
    }
    expect(errors({ config: { ...dev.config, "aws:profile": "dev" } })).to.deep.equal([]);
  });

  it("refuses a misspelled key, a nested unknown key, a region's shape and a YAML number", () => {
    const bad = {
      config: {
        ...dev.config,
        "aws:region": "eu-west",
        "aws-security-watch:alert": {},
        "aws-security-watch:alerts": { email: ["a@example.com"] },
        "aws-security-watch:trail": { organizationId: 123456789012 },
      },
    };
    expect(errors(bad)).to.deep.equal([
      `.config['aws:region'] should match pattern "^[a-z]{2}(-[a-z]+)+-\\d+$"`,
      ".config['aws-security-watch:alerts'] should NOT have additional properties",
      ".config['aws-security-watch:trail'].organizationId should be string",
      ".config['aws-security-watch:alert'] boolean schema is false",
    ]);
  });

  it("completes the remediation ids, their modes and each one's own settings (from the registry)", () => {
    const remediation = schema.properties.config.properties["aws-security-watch:remediation"];
    const remediations = remediation.properties.remediations;
    expect(Object.keys(remediations.properties)).to.deep.equal(REMEDIATIONS.map((r) => r.id));
    expect(remediations.additionalProperties).to.equal(false);
    for (const r of REMEDIATIONS) {
      const one = remediations.properties[r.id];
      expect(one.properties.mode.enum).to.deep.equal(["off", "dry-run", "enforce"]);
      expect(Object.keys(one.properties.settings?.properties ?? {})).to.deep.equal(
        Object.keys(r.settings ?? {}),
      );
    }
    expect(
      remediations.properties["revoke-world-ingress"].properties.settings.properties
        .allowedPublicPorts.default,
    ).to.deep.equal([]);
  });
});
