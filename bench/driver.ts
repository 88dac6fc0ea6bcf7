/**
 * The child process of the build benchmarks: one build under Pulumi's mocks per process, so that
 * every measurement starts from a cold runtime (no cached modules, no warmed-up JIT, no
 * resources of a previous build). Run by bench/stackBuild.ts and bench/snapshot.ts, on the
 * compiled JavaScript (bench/out) or through ts-node; prints one JSON line on stdout.
 *
 *   node bench/out/bench/driver.js build                 the default stack (Pulumi.dev.yaml)
 *   node bench/out/bench/driver.js build --detections N  a SecurityRuleWatcher with N detections
 *   node bench/out/bench/driver.js snapshot --out FILE [--enforce]
 *       the default stack's resource inventory and Lambda archives, written to FILE
 *       (`--enforce`: every remediation in enforce mode, as the handler benchmarks need)
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { everyRemediationIn } from "../core/remediationModes";
import { RemediationMode } from "../core/types";

/** The repository root: two levels up from bench/driver.ts, four from bench/out/bench/driver.js. */
export function repoRoot(dir: string = __dirname): string {
  let current = dir;
  for (;;) {
    if (fs.existsSync(path.join(current, "Pulumi.yaml"))) {
      return current;
    }
    const parent = path.dirname(current);
    if (parent === current) {
      throw new Error(`no Pulumi.yaml above ${dir}`);
    }
    current = parent;
  }
}

/** The `aws:` namespaces the stack uses, loaded before the clock starts (@pulumi/aws loads them lazily). */
export const AWS_NAMESPACES = [
  "cloudtrail",
  "cloudwatch",
  "iam",
  "kms",
  "lambda",
  "s3",
  "sns",
  "sqs",
] as const;

/** Detections: N distinct valid clones of catalog entries (ids `bench-<i>`, patterns unchanged). */
export function cloneDetections<T extends { id: string; title: string }>(
  catalog: readonly T[],
  count: number,
): T[] {
  const clones: T[] = [];
  for (let i = 0; i < count; i++) {
    const source = catalog[i % catalog.length];
    clones.push({ ...source, id: `bench-${i}`, title: `${source.title} (copy ${i})` });
  }
  return clones;
}

/** The Pulumi.dev.yaml `config`, flattened as Pulumi's runtime stores it; remediation forced to enforce. */
export function flatConfig(
  config: Record<string, unknown>,
  enforce: boolean,
): Record<string, string> {
  const copy: Record<string, unknown> = { ...config };
  if (enforce) {
    const key = "aws-security-watch:remediation";
    copy[key] = everyRemediationIn(copy[key], RemediationMode.Enforce);
  }
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(copy)) {
    flat[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return flat;
}

interface Args {
  command: "build" | "snapshot";
  detections?: number;
  out?: string;
  enforce: boolean;
}

function parseArgs(argv: string[]): Args {
  const command = argv[0];
  if (command !== "build" && command !== "snapshot") {
    throw new Error(`driver: first argument is build or snapshot, not ${command}`);
  }
  const args: Args = { command, enforce: false };
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === "--detections") {
      args.detections = Number(argv[++i]);
    } else if (argv[i] === "--out") {
      args.out = argv[++i];
    } else if (argv[i] === "--enforce") {
      args.enforce = true;
    } else {
      throw new Error(`driver: unknown argument ${argv[i]}`);
    }
  }
  return args;
}

/** Drops values that are not plain data (assets, archives, resources) from recorded inputs. */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      key === "code" || key === "callbackFactory" ? undefined : v,
    ),
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  process.chdir(root);
  const t0 = performance.now();

  // Module loading: mocks, the Pulumi SDKs, the stack's code (none of it counts as build time).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require("js-yaml") as typeof import("js-yaml");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mocks = require("../tests/helpers/mocks") as typeof import("../tests/helpers/mocks");
  const raw = yaml.load(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const region = String(raw.config["aws:region"]);
  const recorder = mocks.setup({ project: "aws-security-watch", stack: "dev", region });
  pulumi.runtime.setAllConfig(flatConfig(raw.config, args.enforce));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require("@pulumi/aws") as Record<string, unknown>;
  for (const ns of AWS_NAMESPACES) {
    void aws[ns];
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stack = require("../stack") as typeof import("../stack");
  const watcherModule =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../components/securityRuleWatcher") as typeof import("../components/securityRuleWatcher");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CATALOG } = require("../core/catalog") as typeof import("../core/catalog");
  const t1 = performance.now();

  let detections: number;
  if (args.detections !== undefined) {
    const custom = cloneDetections(CATALOG, args.detections);
    const watcher = new watcherModule.SecurityRuleWatcher("watch", {
      alertTopicArns: Object.fromEntries(
        ["critical", "high", "medium", "info"].map((s) => [
          s,
          `arn:aws:sns:${region}:123456789012:alerts-${s}`,
        ]),
      ),
      disabledDetections: CATALOG.map((d) => d.id),
      customDetections: custom,
      homeRegion: region,
      forwardGlobalEvents: true,
    });
    detections = watcher.detections.length;
  } else {
    // What index.ts does: the same configuration reads, the same composition.
    const config = new pulumi.Config("aws-security-watch");
    const built = stack.buildStack(
      (key) => config.getObject(key),
      new pulumi.Config("aws").get("region"),
    );
    detections = built.watcher.detections.length;
  }
  await mocks.settle();
  const t2 = performance.now();

  const result: Record<string, unknown> = {
    node: process.version,
    processStartToDriverMs: t0,
    moduleLoadMs: t1 - t0,
    buildMs: t2 - t1,
    resources: recorder.resources.length,
    detections,
  };
  if (args.command === "snapshot") {
    const archives: Record<string, { entries: string[]; indexText: string }> = {};
    for (const fn of recorder.ofType("aws:lambda/function:Function")) {
      const assets = (await fn.inputs.code.assets) as Record<string, { text: Promise<string> }>;
      archives[fn.name] = {
        entries: Object.keys(assets),
        indexText: await assets["__index.js"].text,
      };
    }
    const snapshot = {
      ...result,
      enforce: args.enforce,
      resources: recorder.resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent,
        provider: r.provider,
        inputs: plain(r.inputs),
      })),
      archives,
    };
    fs.writeFileSync(
      args.out ?? path.join(root, "bench", "out", "snapshot.json"),
      JSON.stringify(snapshot),
    );
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().then(
    // The mock monitor leaves nothing pending, but be explicit: one build per process.
    () => process.exit(0),
    (e) => {
      process.stderr.write(
        `driver failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exit(1);
    },
  );
}
