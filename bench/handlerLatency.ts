/**
 * Latency of the functions as deployed (figure 4), against the emulator (moto), paired round by
 * round with the floor. For each attack scenario of scripts/scenarios.ts:
 *
 * - the deployed function: the stack's `__index.js` text (enforce mode), run with the function's
 *   own environment (its idempotency table, created in the emulator as the drill does, its
 *   deployed settings, its role), the resolution topic pointed at an inbox;
 * - the floor: a handler that makes only the irreducible calls of the same undo (one read of the
 *   state, the mutating call(s), one Publish), sent in order through the very SDK clients the
 *   deployed function created. Its calls are those the function sent in the scenario's first
 *   (cold, not counted) run, with the resource names of that run's CloudTrail record replaced by
 *   those of the round's own record, so no per-remediation code is written here.
 *
 * Each round sets up two unsafe resources and times the function on one and the floor on the
 * other, in alternating order; after each, `scenario.verify` must find the state safe (a floor
 * that did not undo the change is an error, not a fast figure). The ratio is taken round by
 * round. The commands the function sent are figure 5's (bench/awsCalls.ts).
 */
import { performance } from "perf_hooks";
import { Archives, Figure, ROOT, median, percentile, table } from "./common";
import { SentCommand, floorOf } from "./awsCalls";
import { handlerOf } from "../scripts/lambdaCode";

/** Target of issue 18: the deployed function at most 1.3x its floor (median of the paired ratios). */
export const RATIO_TARGET = 1.3;

type Handler = (event: unknown) => Promise<unknown>;

interface Command {
  readonly input: unknown;
  readonly constructor: new (input: unknown) => Command;
}

interface Client {
  send(command: Command): Promise<unknown>;
  readonly constructor: { name: string };
}

/** A command the function sent, with what is needed to send it again. */
export interface RecordedSend extends SentCommand {
  readonly instance: Client;
  readonly command: string;
  readonly make: (input: unknown) => Command;
  readonly input: unknown;
  /** The error's name when the call failed (a read of a setting that is not there). */
  error?: string;
}

/** Records every command sent by any AWS SDK v3 client of this process while recording. */
function recordSends(): { take(): RecordedSend[]; start(): void; restore(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const smithy = require(require.resolve("@smithy/core/client", { paths: [ROOT] })) as {
    Client: { prototype: { send: (...args: unknown[]) => unknown } };
  };
  const proto = smithy.Client.prototype;
  const original = proto.send;
  let recording = false;
  let sent: RecordedSend[] = [];
  proto.send = function (this: Client, ...args: unknown[]) {
    if (!recording) return original.apply(this, args);
    const command = args[0] as Command;
    const entry: RecordedSend = {
      client: this.constructor.name,
      command: command.constructor.name,
      instance: this,
      make: (input) => new command.constructor(input),
      input: structuredClone(command.input),
    };
    sent.push(entry);
    return (original.apply(this, args) as Promise<unknown>).catch((e: Error) => {
      entry.error = e.name;
      throw e;
    });
  };
  return {
    start() {
      sent = [];
      recording = true;
    },
    take() {
      recording = false;
      return sent;
    },
    restore() {
      proto.send = original;
    },
  };
}

/**
 * The strings of `from` that `to` holds at the same place instead (two CloudTrail records of the
 * same scenario: resource ids, names, event ids, times).
 */
export function substitutions(from: unknown, to: unknown, out = new Map<string, string>()) {
  if (typeof from === "string" && typeof to === "string") {
    if (from !== to) out.set(from, to);
  } else if (Array.isArray(from) && Array.isArray(to)) {
    from.forEach((v, i) => substitutions(v, to[i], out));
  } else if (from && to && typeof from === "object" && typeof to === "object") {
    for (const [k, v] of Object.entries(from)) {
      substitutions(v, (to as Record<string, unknown>)[k], out);
    }
  }
  return out;
}

/** `value` with every string rewritten: whole strings, then the longer substrings first. */
export function rewrite<T>(value: T, map: ReadonlyMap<string, string>): T {
  const keys = [...map.keys()].filter((k) => k.length >= 4).sort((a, b) => b.length - a.length);
  const text = (s: string): string => {
    const whole = map.get(s);
    if (whole !== undefined) return whole;
    let result = s;
    for (const k of keys) if (result.includes(k)) result = result.split(k).join(map.get(k)!);
    return result;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

export interface ScenarioTiming {
  readonly scenario: string;
  readonly remediation: string;
  /** The function's first call in this process (cold: module loaded, SDK clients created), ms. */
  readonly firstMs?: number;
  readonly deployedMs: number[];
  readonly floorMs: number[];
  /** deployed / floor, round by round. */
  readonly ratios: number[];
  readonly outcomes: string[];
  /** Rounds after which `verify` found the state still unsafe: the function's, the floor's. */
  readonly unsafeAfter: number;
  readonly floorUnsafeAfter: number;
  /** What the function sent in its first warm run; the floor's calls. */
  readonly commands: SentCommand[];
  readonly floorCommands: SentCommand[];
}

export interface LatencyRow {
  readonly remediation: string;
  readonly scenarios: string;
  readonly calls: number;
  readonly floorCalls: number;
  readonly deployedMedianMs: number;
  readonly floorMedianMs: number;
  readonly ratioMedian: number;
  readonly ratioP90: number;
  readonly rounds: number;
  readonly unsafeAfter: number;
}

export interface HandlerBenchResult {
  readonly figures: Figure[];
  readonly timings: ScenarioTiming[];
  readonly rows: LatencyRow[];
  readonly calls: { scenario: string; remediation: string; commands: SentCommand[] }[];
}

const REGION = "eu-west-1";

/** `value` to `digits` decimals (the results files keep what the tables print). */
export const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The per-remediation rows: the rounds of its scenarios pooled. */
export function latencyRows(timings: readonly ScenarioTiming[]): LatencyRow[] {
  const by = new Map<string, ScenarioTiming[]>();
  for (const t of timings) by.set(t.remediation, [...(by.get(t.remediation) ?? []), t]);
  return [...by.entries()].map(([remediation, ts]) => {
    const ratios = ts.flatMap((t) => t.ratios);
    return {
      remediation,
      scenarios: ts.map((t) => t.scenario).join(", "),
      calls: Math.max(...ts.map((t) => t.commands.length)),
      floorCalls: Math.max(...ts.map((t) => t.floorCommands.length)),
      deployedMedianMs: round(median(ts.flatMap((t) => t.deployedMs)), 1),
      floorMedianMs: round(median(ts.flatMap((t) => t.floorMs)), 1),
      ratioMedian: round(median(ratios), 2),
      ratioP90: round(percentile(ratios, 90), 2),
      rounds: ratios.length,
      unsafeAfter: ts.reduce((n, t) => n + t.unsafeAfter + t.floorUnsafeAfter, 0),
    };
  });
}

const plain = (sent: readonly RecordedSend[]): SentCommand[] =>
  sent.map(({ client, command }) => ({ client, command }));

type Scenarios = typeof import("../scripts/scenarios");
type Scenario = Scenarios["SCENARIOS"][number];

/** What every scenario's timing shares: the emulator's context, the recorder, the log switch. */
interface Bench {
  scenarios: Scenarios;
  ctx: ReturnType<Scenarios["createScenarioContext"]>;
  recorder: ReturnType<typeof recordSends>;
  quiet(): void;
  loud(): void;
}

/** One scenario: its template run, then `runs` paired rounds of the function and the floor. */
async function timeScenario(
  b: Bench,
  scenario: Scenario,
  handler: Handler,
  cold: boolean,
  runs: number,
): Promise<ScenarioTiming> {
  const unsafe = { deployed: 0, floor: 0 };
  const deployed = async (): Promise<{ ms: number; sent: RecordedSend[]; outcome: string }> => {
    const setup = await scenario.setup(b.ctx);
    const event = b.scenarios.wrapAsEventBridge(setup.record);
    b.quiet();
    b.recorder.start();
    const started = performance.now();
    let result: { outcome?: string };
    try {
      result = (await handler(event)) as { outcome?: string };
    } finally {
      b.loud();
    }
    const ms = performance.now() - started;
    const sent = b.recorder.take();
    if (!(await scenario.verify(b.ctx, setup)).safe) unsafe.deployed++;
    return { ms, sent, outcome: result?.outcome ?? "?" };
  };
  // The template run: its calls are the floor's (and, cold or not, it is not counted).
  const template = await scenario.setup(b.ctx);
  b.quiet();
  b.recorder.start();
  const coldStart = performance.now();
  try {
    await handler(b.scenarios.wrapAsEventBridge(template.record));
  } finally {
    b.loud();
  }
  const firstMs = cold ? performance.now() - coldStart : undefined;
  const templateSent = b.recorder.take();
  const floorCalls = floorOf(templateSent).map((i) => templateSent[i]);
  if (!(await scenario.verify(b.ctx, template)).safe) {
    throw new Error(`${scenario.id}: the deployed function left the template run unsafe`);
  }
  const floor = async (): Promise<number> => {
    const setup = await scenario.setup(b.ctx);
    const map = substitutions(template.record, setup.record);
    const commands = floorCalls.map((c) => ({ c, command: c.make(rewrite(c.input, map)) }));
    const started = performance.now();
    for (const { c, command } of commands) {
      try {
        await c.instance.send(command);
      } catch (e) {
        // The function met the same answer in the template run (and handled it).
        if ((e as Error).name !== c.error) throw e;
      }
    }
    const ms = performance.now() - started;
    if (!(await scenario.verify(b.ctx, setup)).safe) unsafe.floor++;
    return ms;
  };

  const deployedMs: number[] = [];
  const floorMs: number[] = [];
  const ratios: number[] = [];
  const outcomes: string[] = [];
  let commands: SentCommand[] = [];
  for (let round = 0; round < runs; round++) {
    let d: Awaited<ReturnType<typeof deployed>>;
    let f: number;
    if (round % 2 === 0) {
      d = await deployed();
      f = await floor();
    } else {
      f = await floor();
      d = await deployed();
    }
    if (round === 0) commands = plain(d.sent);
    deployedMs.push(d.ms);
    floorMs.push(f);
    ratios.push(d.ms / f);
    outcomes.push(d.outcome);
  }
  return {
    scenario: scenario.id,
    remediation: scenario.remediation,
    firstMs,
    deployedMs,
    floorMs,
    ratios,
    outcomes,
    unsafeAfter: unsafe.deployed,
    floorUnsafeAfter: unsafe.floor,
    commands,
    floorCommands: plain(floorCalls),
  };
}

function printTimings(
  print: (line: string) => void,
  timings: readonly ScenarioTiming[],
  runs: number,
  motoVersion: string,
): void {
  print(
    `Method: moto ${motoVersion} on 127.0.0.1 (scripts/moto.ts); the stack built with every remediation in enforce mode; ` +
      "each function's __index.js run with its own environment (idempotency table created in the emulator), as deployed. " +
      `Per scenario one template run (not counted; the first of a function is cold), then ${runs} rounds, each timing the function on one new unsafe resource ` +
      "and the floor on another (alternating which goes first): the floor sends only the first read, the mutating call(s) and the Publish that the function sent in the template run, " +
      "through the same SDK clients, with the round's resource names. Ratio = function / floor, round by round.",
  );
  print(
    table(
      [
        "scenario",
        "remediation",
        "first",
        "function",
        "floor",
        "ratio",
        "calls",
        "floor calls",
        "outcome",
        "unsafe after",
      ],
      timings.map((t) => [
        t.scenario,
        t.remediation,
        t.firstMs === undefined ? "-" : `${t.firstMs.toFixed(0)} ms`,
        `${median(t.deployedMs).toFixed(1)} ms`,
        `${median(t.floorMs).toFixed(1)} ms`,
        `${median(t.ratios).toFixed(2)}x`,
        String(t.commands.length),
        String(t.floorCommands.length),
        [...new Set(t.outcomes)].join("/"),
        `${t.unsafeAfter}/${t.floorUnsafeAfter}`,
      ]),
    ),
  );
}

function printRows(print: (line: string) => void, rows: readonly LatencyRow[]): void {
  print("Per remediation (rounds of its scenarios pooled):");
  print(
    table(
      ["remediation", "calls", "floor calls", "function", "floor", "ratio", "ratio p90", "rounds"],
      rows.map((r) => [
        r.remediation,
        String(r.calls),
        String(r.floorCalls),
        `${r.deployedMedianMs.toFixed(1)} ms`,
        `${r.floorMedianMs.toFixed(1)} ms`,
        `${r.ratioMedian.toFixed(2)}x`,
        `${r.ratioP90.toFixed(2)}x`,
        String(r.rounds),
      ]),
    ),
  );
}

export async function runHandlerLatency(
  archives: Archives,
  options: { runs: number },
  print: (line: string) => void,
): Promise<HandlerBenchResult> {
  const moto = await import("../scripts/moto");
  const scenarios = await import("../scripts/scenarios");
  const server = await moto.startMoto();
  const restoreEnv = moto.useMotoEnvironment(server.endpoint, REGION);
  const recorder = recordSends();
  const originalLog = console.log;
  const originalWrite = process.stdout.write;
  const quiet = () => {
    // The function's incident record and metric line (its Lambda log) are not the report.
    console.log = () => undefined;
    process.stdout.write = (() => true) as typeof process.stdout.write;
  };
  const loud = () => {
    console.log = originalLog;
    process.stdout.write = originalWrite;
  };
  const timings: ScenarioTiming[] = [];
  try {
    const ctx = scenarios.createScenarioContext(server.endpoint, REGION);
    const inbox = await scenarios.createResolutionInbox(ctx);
    const tables = new Set(Object.values(archives).map((a) => a.env.IDEMPOTENCY_TABLE));
    for (const name of tables) if (name) await scenarios.createIdempotencyTable(ctx, name);
    const bench: Bench = { scenarios, ctx, recorder, quiet, loud };
    const handlers = new Map<string, Handler>();
    for (const scenario of scenarios.SCENARIOS) {
      const fn = `remediate-${scenario.remediation}-fn`;
      const archive = archives[fn];
      if (!archive) {
        throw new Error(`no archive for ${fn} in the stack (is the remediation off?)`);
      }
      if (!archive.env.IDEMPOTENCY_TABLE) {
        throw new Error(`${fn} has no IDEMPOTENCY_TABLE in its environment: not as deployed`);
      }
      let handler = handlers.get(fn);
      const cold = handler === undefined;
      if (handler === undefined) {
        handler = handlerOf(archive.indexText, {
          ...archive.env,
          RESOLUTION_TOPIC_ARN: inbox.topicArn,
        });
        handlers.set(fn, handler);
      }
      timings.push(await timeScenario(bench, scenario, handler, cold, options.runs));
    }
  } finally {
    loud();
    recorder.restore();
    restoreEnv();
    await server.stop();
  }

  printTimings(print, timings, options.runs, moto.MOTO_VERSION);
  const rows = latencyRows(timings);
  printRows(print, rows);
  const ratios = rows.map((r) => r.ratioMedian);
  const unsafe = rows.reduce((n, r) => n + r.unsafeAfter, 0);
  if (unsafe > 0) {
    throw new Error(`${unsafe} rounds left the state unsafe (function or floor): see the table`);
  }
  return {
    figures: [
      {
        name: `deployed latency / floor (paired, warm, ${options.runs} rounds/scenario)`,
        figure: `median ratio ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x over ${rows.length} remediations; function ${Math.min(...rows.map((r) => r.deployedMedianMs)).toFixed(0)}-${Math.max(...rows.map((r) => r.deployedMedianMs)).toFixed(0)} ms`,
        target: `<= ${RATIO_TARGET}x the floor`,
        pass: ratios.every((r) => r <= RATIO_TARGET),
      },
    ],
    timings,
    rows,
    calls: timings.map((t) => ({
      scenario: t.scenario,
      remediation: t.remediation,
      commands: t.commands,
    })),
  };
}
