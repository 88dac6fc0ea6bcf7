/**
 * `npm run schema`: writes schema.json, the Pulumi package schema that the component provider
 * serves, through Pulumi's own analyzer (offline: it reads the TypeScript sources).
 * `npm run schema -- --check` fails when schema.json differs from a fresh generation. It also
 * writes (or checks) schemas/stack-config.schema.json, the stack file's JSON Schema.
 */
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { providerOptions } from "../provider/options";
import { writeStackSchema } from "./stackSchema";

export const SCHEMA_FILE = path.resolve(__dirname, "..", "schema.json");

/** The schema as Pulumi's analyzer infers it from the components that lib.ts exports. */
export async function generateSchema(): Promise<Record<string, unknown>> {
  const provider = new ComponentProvider(providerOptions());
  return JSON.parse(await provider.getSchema()) as Record<string, unknown>;
}

/** The text of schema.json for a schema: two-space JSON and a final newline. */
export function schemaText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

async function main(): Promise<void> {
  // The stack file's JSON Schema (schemas/stack-config.schema.json) comes with it.
  const check = process.argv.includes("--check");
  if (!writeStackSchema(check)) {
    console.error("schemas/stack-config.schema.json is stale: run `npm run schema` and commit it");
    process.exit(1);
  }
  const text = schemaText(await generateSchema());
  if (check) {
    const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, "utf8") : "";
    if (committed !== text) {
      console.error("schema.json is stale: run `npm run schema` and commit the result");
      process.exit(1);
    }
    console.log("schema.json is up to date");
    return;
  }
  fs.writeFileSync(SCHEMA_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
