/**
 * Build time of the default stack under Pulumi's mocks (figure 1) and its growth with the number
 * of detections (figure 2). Each build runs in a fresh node process (bench/driver.ts), on the
 * compiled JavaScript in bench/out; the clock runs from before `buildStack` to after every
 * registration has reached the mocks (`settle()`), module loading excluded and reported apart.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Figure, ensureCompiled, median, ms, runDriver, seconds, table, verdict } from "./common";
import { CpuProfile, summarizeProfile } from "./profile";

export const BUILD_TARGET_MS = 3000;
/** Growth from 100 to 1,000 detections: linear is 10x; allow 1.5 times that. */
export const GROWTH_LIMIT = 10 * 1.5;

/** Functions whose inclusive time the profile reports (named as the Pulumi runtime names them). */
export const WATCHED_FUNCTIONS = [
  "computeCodePaths",
  "serializeFunction",
  "defaultPrepareStackTrace",
  "debuggablePromise",
  "registerResource",
  "buildStack",
] as const;

/** Whether t(1000) / t(100) is within the near-linear limit. */
export function growthVerdict(
  t100: number,
  t1000: number,
): { ratio: number; perDetection100: number; perDetection1000: number; pass: boolean } {
  const ratio = t1000 / t100;
  return {
    ratio,
    perDetection100: t100 / 100,
    perDetection1000: t1000 / 1000,
    pass: ratio <= GROWTH_LIMIT,
  };
}

async function profileBuild(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-security-watch-prof-"));
  try {
    await runDriver(["build"], { extraNodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`] });
    const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) {
      return ["  (no profile written)"];
    }
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
    const summary = summarizeProfile(profile, WATCHED_FUNCTIONS);
    const pct = (v: number): string => `${((100 * v) / summary.totalMs).toFixed(0)}%`;
    return [
      `  Profile of one build process (node --cpu-prof, module loading included), ${ms(summary.totalMs)} sampled:`,
      "  Self time by package:",
      ...table(
        ["package", "self", "share"],
        summary.byPackage.slice(0, 8).map(([p, v]) => [p, ms(v), pct(v)]),
      )
        .split("\n")
        .map((l) => `    ${l}`),
      "  Top functions by self time:",
      ...table(
        ["function", "self"],
        summary.byFunction.slice(0, 10).map(([f, v]) => [f, ms(v)]),
      )
        .split("\n")
        .map((l) => `    ${l}`),
      "  Inclusive time (function anywhere on the stack):",
      ...Object.entries(summary.inclusive).map(
        ([f, v]) => `    ${f.padEnd(26)} ${ms(v).padStart(9)}  ${pct(v)}`,
      ),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface StackBuildOptions {
  runs: number;
  /** Also time one build through ts-node (as `npm run preview` runs). */
  tsNode: boolean;
  growthRuns: number;
}

export async function runStackBuild(
  options: StackBuildOptions,
  print: (line: string) => void,
): Promise<Figure[]> {
  const compilation = ensureCompiled();
  print(
    compilation.ran
      ? `Compiled the project into bench/out in ${seconds(compilation.ms)} (${compilation.errors} type errors; emitted anyway).`
      : "bench/out is newer than every source: not recompiled.",
  );

  // Figure 1: the default stack.
  const builds = [];
  for (let i = 0; i < options.runs; i++) {
    builds.push(await runDriver(["build"]));
  }
  const buildMedian = median(builds.map((b) => b.buildMs));
  const cpuMedian = median(builds.map((b) => b.buildCpuMs));
  const loadMedian = median(builds.map((b) => b.moduleLoadMs));
  const bootMedian = median(builds.map((b) => b.processStartToDriverMs));
  print(
    `Method: ${options.runs} fresh \`node\` processes (bench/driver.ts compiled), each building the stack of Pulumi.dev.yaml under the mocks of tests/helpers/mocks.ts (${builds[0].resources} resources, ${builds[0].detections} detections); ` +
      "clock from before buildStack to after settle(); module loading (mocks, @pulumi/pulumi, @pulumi/aws and its namespaces used, the stack's modules) measured apart.",
  );
  print(
    `Build times: ${builds.map((b) => ms(b.buildMs)).join(", ")}; median ${ms(buildMedian)}, CPU median ${ms(cpuMedian)} (module load median ${ms(loadMedian)}, node boot ${ms(bootMedian)}).`,
  );
  const figures: Figure[] = [
    {
      name: "stack build under mocks (compiled JS, median)",
      figure: `${seconds(buildMedian)} (${options.runs} runs)`,
      target: "< 3 s",
      pass: buildMedian < BUILD_TARGET_MS,
      value: Math.round(buildMedian),
      unit: "ms",
    },
    {
      name: "stack build under mocks, CPU time (compiled JS, median)",
      figure: `${seconds(cpuMedian)} (${options.runs} runs)`,
      target: "-",
      pass: undefined,
      value: Math.round(cpuMedian),
      unit: "ms",
    },
    {
      name: "module load before the build (median)",
      figure: seconds(loadMedian),
      target: "-",
      pass: undefined,
      value: Math.round(loadMedian),
      unit: "ms",
    },
  ];
  if (options.tsNode) {
    const viaTsNode = await runDriver(["build"], { tsNode: true });
    print(
      `Through ts-node (transpile-only, as \`npm run preview\`): build ${ms(viaTsNode.buildMs)}, module load ${ms(viaTsNode.moduleLoadMs)} (one run).`,
    );
    figures.push({
      name: "stack build under mocks (ts-node, 1 run)",
      figure: seconds(viaTsNode.buildMs),
      target: "< 3 s",
      pass: viaTsNode.buildMs < BUILD_TARGET_MS,
      value: Math.round(viaTsNode.buildMs),
      unit: "ms",
    });
  }
  if (buildMedian >= BUILD_TARGET_MS) {
    print(`The build misses the ${seconds(BUILD_TARGET_MS)} target; where the time goes:`);
    for (const line of await profileBuild()) {
      print(line);
    }
  }

  // Figure 2: growth with the number of detections (a SecurityRuleWatcher alone).
  const timeWith = async (count: number, runs: number): Promise<number> => {
    const times = [];
    for (let i = 0; i < runs; i++) {
      times.push((await runDriver(["build", "--detections", String(count)])).buildMs);
    }
    return median(times);
  };
  const t100 = await timeWith(100, options.growthRuns);
  const t1000 = await timeWith(1000, 1);
  const growth = growthVerdict(t100, t1000);
  print(
    `Growth: a SecurityRuleWatcher with N detections (catalog entries cloned with ids bench-<i>, catalog itself disabled; rules, targets, forwarding rules for global ones), fresh process each; ` +
      `N=100: ${ms(t100)} (median of ${options.growthRuns}), ${growth.perDetection100.toFixed(1)} ms/detection; ` +
      `N=1000: ${ms(t1000)} (1 run), ${growth.perDetection1000.toFixed(1)} ms/detection; ratio ${growth.ratio.toFixed(1)}x (linear 10x, limit ${GROWTH_LIMIT}x).`,
  );
  figures.push({
    name: "build growth t(1000)/t(100) detections",
    figure: `${growth.ratio.toFixed(1)}x (${growth.perDetection100.toFixed(1)} -> ${growth.perDetection1000.toFixed(1)} ms/detection)`,
    target: `<= ${GROWTH_LIMIT}x`,
    pass: growth.pass,
    value: Number(growth.ratio.toFixed(2)),
    unit: "x",
  });
  print(`Verdicts: build ${verdict(figures[0].pass)}, growth ${verdict(growth.pass)}.`);
  return figures;
}
