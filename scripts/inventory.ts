/**
 * The resource inventory of a stack file built under Pulumi's mocks: every resource (type, name,
 * parent) with a digest of its inputs, as JSON. `npm run inventory` writes the inventories of
 * Pulumi.dev.yaml and Pulumi.org-hub.yaml to tests/fixtures/inventory/; tests/equivalence.test.ts
 * compares the stack program's build with them, resource by resource.
 *
 *   npm run inventory             write the fixtures
 *   npm run inventory -- --print  print them instead
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { RecordedResource, Recorder, setup, settle } from "../tests/helpers/mocks";

const ROOT = path.resolve(__dirname, "..");
export const INVENTORY_DIR = path.join(ROOT, "tests", "fixtures", "inventory");
export const INVENTORY_STACKS = ["dev", "org-hub"];

/** One resource of an inventory. */
export interface InventoryEntry {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  /** sha256 of the canonical JSON of its inputs (assets by their text). */
  readonly inputs: string;
}

/** The stack file's `config` map. */
export function stackFile(stack: string): Record<string, unknown> {
  const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
  return (yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
}

/** Inputs as plain JSON with sorted keys; an archive or asset becomes its entries' text. */
async function canonical(value: unknown): Promise<unknown> {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return Promise.all(value.map(canonical));
  const v = value as Record<string, unknown>;
  if (v.assets !== undefined) {
    // An AssetArchive: its entries are a promise of name -> asset.
    const assets = (await v.assets) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(assets).sort()) out[key] = await canonical(assets[key]);
    return { archive: out };
  }
  if (v.text !== undefined) return { asset: await v.text };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) out[key] = await canonical(v[key]);
  return out;
}

export async function inventoryOf(resources: RecordedResource[]): Promise<InventoryEntry[]> {
  const entries: InventoryEntry[] = [];
  for (const r of resources) {
    const json = JSON.stringify(await canonical(r.inputs));
    entries.push({
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      inputs: createHash("sha256").update(json).digest("hex"),
    });
  }
  return entries.sort((a, b) =>
    `${a.type}::${a.name}` < `${b.type}::${b.name}`
      ? -1
      : `${a.type}::${a.name}` > `${b.type}::${b.name}`
        ? 1
        : 0,
  );
}

/** Builds a stack file through the stack program's builder and returns its inventory. */
export async function buildInventory(recorder: Recorder, stack: string): Promise<InventoryEntry[]> {
  const config = stackFile(stack);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require("../stack") as typeof import("../stack");
  recorder.reset();
  buildStack((key) => config[`aws-security-watch:${key}`], config["aws:region"] as string);
  await settle();
  return inventoryOf(recorder.resources);
}

async function main(): Promise<void> {
  const recorder = setup();
  const print = process.argv.includes("--print");
  for (const stack of INVENTORY_STACKS) {
    const inventory = await buildInventory(recorder, stack);
    const text = `${JSON.stringify(inventory, null, 1)}\n`;
    if (print) {
      process.stdout.write(text);
    } else {
      fs.mkdirSync(INVENTORY_DIR, { recursive: true });
      fs.writeFileSync(path.join(INVENTORY_DIR, `${stack}.json`), text);
      console.log(
        `${stack}: ${inventory.length} resources -> tests/fixtures/inventory/${stack}.json`,
      );
    }
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
