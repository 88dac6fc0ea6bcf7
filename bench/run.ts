/**
 * `npm run bench [-- --only <name>] [--build-runs N] [--handler-runs N]`: runs the benchmarks and
 * prints their figures, each with its method and target, then a summary table. Each part run
 * writes `bench/results/<part>.json` (its figures and detail), which `npm run docs` renders into
 * docs/performance.md: commit it after a real run on the machine the document names.
 *
 *   build     stack build time under mocks, and its growth with the number of detections
 *   size      serialized __index.js size and archive entries per remediation function
 *   latency   handler latency against the local emulator (moto), per attack scenario
 *   calls     AWS calls per remediation on the unsafe path, against the minimum
 *   cost      monthly list-price cost of the default stack per account-region
 *   org       organization scale: hub flat in accounts, spoke templates, spoke and hub cost,
 *             remediation throughput under a storm (bench/org.ts)
 *
 * `latency` and `calls` share one emulator session (either runs both).
 */
import * as path from "path";
import {
  Figure,
  ROOT,
  ensureCompiled,
  machine,
  table,
  takeSnapshot,
  verdict,
  writeResults,
} from "./common";
import { runAwsCalls } from "./awsCalls";
import { costModel, runCost } from "./cost";
import { runHandlerLatency } from "./handlerLatency";
import { runLambdaSize } from "./lambdaSize";
import { runStackBuild } from "./stackBuild";
import { runOrgBench } from "./org";

export const BENCHMARKS = ["build", "size", "latency", "calls", "cost", "org"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface RunOptions {
  only?: BenchmarkName;
  /** Builds of the default stack (figure 1). */
  buildRuns: number;
  /** Handler runs per scenario (figure 4). */
  handlerRuns: number;
}

export function parseArgs(argv: readonly string[]): RunOptions {
  const options: RunOptions = { buildRuns: 5, handlerRuns: 15 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--only" && value !== undefined) {
      if (!(BENCHMARKS as readonly string[]).includes(value)) {
        throw new Error(`--only ${value}: not a benchmark; one of ${BENCHMARKS.join(", ")}`);
      }
      options.only = value as BenchmarkName;
      i++;
    } else if (arg === "--build-runs" && value !== undefined) {
      options.buildRuns = positive(arg, value);
      i++;
    } else if (arg === "--handler-runs" && value !== undefined) {
      options.handlerRuns = positive(arg, value);
      i++;
    } else {
      throw new Error(
        `unknown argument ${arg}; usage: npm run bench -- [--only ${BENCHMARKS.join("|")}] [--build-runs N] [--handler-runs N]`,
      );
    }
  }
  return options;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new Error(`${flag} ${value}: a whole number from 1 to 100`);
  }
  return n;
}

/** The summary table: one row per figure. */
export function summary(figures: readonly Figure[]): string {
  return table(
    ["figure", "value", "target", "verdict"],
    figures.map((f) => [f.name, f.figure, f.target, verdict(f.pass)]),
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  process.chdir(ROOT);
  const started = Date.now();
  const print = (line: string): void => console.log(line);
  const wants = (name: BenchmarkName): boolean =>
    options.only === undefined || options.only === name;
  const figures: Figure[] = [];
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  /** Keeps a part's figures for the summary and writes bench/results/<part>.json. */
  const record = (part: string, rows: readonly unknown[]): void => {
    print(`(results: ${path.relative(ROOT, writeResults(part, rows, command))})`);
  };
  print(`aws-security-watch benchmarks: ${machine()}`);

  if (wants("build")) {
    print("\n== 1-2. Stack build time under Pulumi mocks, and growth with detections");
    const built = await runStackBuild(
      {
        runs: options.buildRuns,
        tsNode: options.only === undefined || options.only === "build",
        growthRuns: 3,
      },
      print,
    );
    figures.push(...built);
    record("build", built);
  }
  if (wants("size") || wants("cost")) {
    ensureCompiled();
    const snapshot = await takeSnapshot(false);
    if (wants("size")) {
      print("\n== 3. Serialized handler size per remediation");
      const size = runLambdaSize(snapshot.archives, print);
      figures.push(...size);
      record("size", size);
    }
    if (wants("cost")) {
      print("\n== 6. Monthly list-price cost of the default stack");
      const cost = runCost(snapshot.resources, print);
      figures.push(...cost);
      record("cost", cost);
      // The model behind the figures (inventory, assumptions, lines), for docs/performance.md.
      record("cost-model", [costModel(snapshot.resources)]);
    }
  }
  if (wants("latency") || wants("calls")) {
    ensureCompiled();
    const enforced = await takeSnapshot(true);
    print("\n== 4. Handler latency against the emulator (enforce mode)");
    const result = await runHandlerLatency(
      enforced.archives,
      { runs: options.only === "calls" ? 1 : options.handlerRuns },
      print,
    );
    if (wants("latency")) {
      figures.push(...result.figures);
      record("latency", result.figures);
    }
    if (wants("calls")) {
      print("\n== 5. AWS calls per remediation against the minimum");
      const calls = runAwsCalls(result.calls, print);
      figures.push(...calls);
      record("calls", calls);
    }
  }

  if (wants("org")) {
    const org = await runOrgBench(print);
    figures.push(...org);
    record("org", org);
  }

  print(`\n== Summary (\`${command}\`, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  print(`Machine: ${machine()}`);
  print(summary(figures));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  });
}
