/**
 * `npm test` time (figure 7, opt-in: `npm run bench -- --only tests`, it takes minutes): the
 * whole suite as documented, in a child process, timed from outside; the counts read from
 * mocha's closing lines, and whether Pulumi's "promises were still active" block was printed.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { Figure, OUT_DIR, ROOT, seconds } from "./common";

export interface SuiteRun {
  readonly command: string;
  readonly wallMs: number;
  readonly exitCode: number;
  readonly passing: number;
  readonly failing: number;
  readonly pending: number;
  /** Pulumi's count of promises still active at exit (0: no such block). */
  readonly leakedPromises: number;
}

/** The counts of mocha's closing lines and Pulumi's leak block in a run's output. */
export function readSuiteOutput(
  output: string,
): Pick<SuiteRun, "passing" | "failing" | "pending" | "leakedPromises"> {
  const count = (re: RegExp) => Number(re.exec(output)?.[1] ?? 0);
  return {
    passing: count(/^\s*(\d+) passing/m),
    failing: count(/^\s*(\d+) failing/m),
    pending: count(/^\s*(\d+) pending/m),
    leakedPromises: count(/detected that (\d+) promises? (?:was|were) still active/),
  };
}

/** Runs `npm test` once and returns what it took. */
export function runSuite(timeoutMs = 3_600_000): Promise<SuiteRun> {
  const command = "npm test";
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("npm", ["test"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      // The whole output, to read a failure (bench/out is not committed).
      fs.mkdirSync(OUT_DIR, { recursive: true });
      fs.writeFileSync(path.join(OUT_DIR, "npm-test.log"), output);
      resolve({
        command,
        wallMs: performance.now() - started,
        exitCode: code ?? 1,
        ...readSuiteOutput(output),
      });
    });
  });
}

export async function runTestSuite(
  print: (line: string) => void,
): Promise<{ figures: Figure[]; rows: SuiteRun[] }> {
  print(
    "Method: `npm test` (every tests/**/*.test.ts, one mocha process) run once in a child process, wall time from spawn to exit; " +
      "counts from mocha's closing lines; the whole output in bench/out/npm-test.log.",
  );
  const run = await runSuite();
  print(
    `${run.command}: ${seconds(run.wallMs)}, exit ${run.exitCode}, ${run.passing} passing, ${run.failing} failing, ${run.pending} pending; ` +
      (run.leakedPromises > 0
        ? `Pulumi reported ${run.leakedPromises} promises still active at exit.`
        : "no promise left active at exit."),
  );
  return {
    figures: [
      {
        name: "npm test (whole suite, wall)",
        figure: `${seconds(run.wallMs)} (${run.passing} passing, ${run.failing} failing)`,
        target: "all passing, no promise left active",
        pass: run.exitCode === 0 && run.failing === 0 && run.leakedPromises === 0,
        value: Math.round(run.wallMs),
        unit: "ms",
      },
    ],
    rows: [run],
  };
}
