/**
 * Shared parts of the benchmarks: statistics, the machine line, tables, compiling the project to
 * bench/out once, and running the build driver (bench/driver.ts) in a fresh node process.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "./driver";

export const ROOT = repoRoot(__dirname);
/** Where the project is compiled for the build benchmarks (gitignored). */
export const OUT_DIR = path.join(ROOT, "bench", "out");

/** One line of the summary: a figure, its target and whether it is met (undefined: no target). */
export interface Figure {
  readonly name: string;
  readonly figure: string;
  readonly target: string;
  readonly pass: boolean | undefined;
  /** The figure as a number, where it is one (for bench/results and the docs). */
  readonly value?: number;
  /** The unit of `value` (`ms`, `x`, `bytes`...). */
  readonly unit?: string;
}

/** Where each part writes its machine-readable results (committed from a real run). */
export const RESULTS_DIR = path.join(ROOT, "bench", "results");

/** What bench/results/<part>.json holds: the part, when and where it ran, and its rows. */
export interface Results<Row = unknown> {
  readonly part: string;
  readonly measuredAt: string;
  readonly node: string;
  readonly machine: string;
  readonly command: string;
  readonly rows: readonly Row[];
}

/** Writes bench/results/<part>.json (or under `dir`) and returns its path. */
export function writeResults<Row>(
  part: string,
  rows: readonly Row[],
  command: string,
  dir: string = RESULTS_DIR,
): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${part}.json`);
  const results: Results<Row> = {
    part,
    measuredAt: new Date().toISOString(),
    node: process.version,
    machine: machine(),
    command,
    rows,
  };
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** The median of a non-empty list (mean of the two middle values for an even length). */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error("median of no value");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The nearest-rank percentile (p in 0-100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    throw new Error("percentile of no value");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function verdict(pass: boolean | undefined): string {
  return pass === undefined ? "-" : pass ? "PASS" : "MISS";
}

/** The machine the figures were taken on. */
export function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  return `node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} CPUs (${model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
}

/** A plain-text table: columns padded to the widest cell, numbers right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) =>
    rows.every((r) => /^[-+]?[\d.,]+( ?[a-zA-Z%$]+)?$|^-$/.test(r[i] ?? "")),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Newest modification time of the project's TypeScript sources (node_modules and bench/out excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "out" || entry.name.startsWith(".")) {
      continue;
    }
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestSource(file));
    } else if (entry.name.endsWith(".ts") || entry.name === "tsconfig.json") {
      newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
  }
  return newest;
}

export interface Compilation {
  /** Whether tsc ran (false: bench/out was newer than every source). */
  readonly ran: boolean;
  readonly ms: number;
  /** Type errors reported (the JavaScript is emitted anyway). */
  readonly errors: number;
}

/**
 * Compiles the project once into bench/out (the build benchmarks run compiled JavaScript), unless
 * it is newer than every source. Type errors do not stop the emit; they are counted.
 */
export function ensureCompiled(): Compilation {
  const stamp = path.join(OUT_DIR, ".compiled");
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs > newestSource(ROOT)) {
    return { ran: false, ms: 0, errors: 0 };
  }
  const started = Date.now();
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const out = spawnSync(
    process.execPath,
    [
      tsc,
      "-p",
      "tsconfig.json",
      "--outDir",
      OUT_DIR,
      "--noEmit",
      "false",
      "--declaration",
      "false",
      "--sourceMap",
      "false",
    ],
    { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
  );
  const errors = (out.stdout.match(/error TS\d+/g) ?? []).length;
  if (!fs.existsSync(path.join(OUT_DIR, "bench", "driver.js"))) {
    throw new Error(`tsc did not emit bench/out/bench/driver.js:\n${out.stdout}${out.stderr}`);
  }
  fs.writeFileSync(stamp, new Date().toISOString());
  return { ran: true, ms: Date.now() - started, errors };
}

/** What one driver process reports. */
export interface DriverResult {
  readonly node: string;
  /** From node's start to the driver's first line (node's own boot). */
  readonly processStartToDriverMs: number;
  readonly moduleLoadMs: number;
  readonly buildMs: number;
  readonly resources: number;
  readonly detections: number;
}

/**
 * Runs the driver in a fresh node process: compiled (bench/out) or through ts-node
 * (transpile-only, as `npm run preview` does).
 */
export function runDriver(
  args: readonly string[],
  options: { tsNode?: boolean; extraNodeArgs?: readonly string[]; timeoutMs?: number } = {},
): Promise<DriverResult> {
  const script = options.tsNode
    ? ["-r", "ts-node/register/transpile-only", path.join(ROOT, "bench", "driver.ts")]
    : [path.join(OUT_DIR, "bench", "driver.js")];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.extraNodeArgs ?? []), ...script, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`driver ${args.join(" ")} exited with ${code}:\n${stderr.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line) as DriverResult);
    });
  });
}

export const ms = (value: number): string => `${Math.round(value)} ms`;
export const seconds = (value: number): string => `${(value / 1000).toFixed(2)} s`;

/** A resource of the mocked build, as the driver's snapshot records it (inputs as plain data). */
export interface SnapshotResource {
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly provider?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly inputs: any;
}

/** The Lambda archives of the build: entry names and the `__index.js` text, by function name. */
export type Archives = Record<string, { entries: string[]; indexText: string }>;

export interface Snapshot extends Omit<DriverResult, "resources"> {
  readonly enforce: boolean;
  readonly resources: SnapshotResource[];
  readonly archives: Archives;
}

/** Builds the default stack in a fresh process and returns its inventory and archives. */
export async function takeSnapshot(enforce: boolean): Promise<Snapshot> {
  const file = path.join(OUT_DIR, `snapshot-${enforce ? "enforce" : "dev"}.json`);
  await runDriver(["snapshot", "--out", file, ...(enforce ? ["--enforce"] : [])]);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot;
}
