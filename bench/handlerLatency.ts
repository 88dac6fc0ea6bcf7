/**
 * Handler latency against the local emulator (figure 4): for each attack scenario of
 * scripts/scenarios.ts, set the unsafe state up, run the remediation's serialized handler (the
 * `__index.js` text of the stack's archive, enforce mode, loaded as a module whose `require`
 * resolves from the repository), and time only the handler call. Also records the AWS SDK
 * commands each call sends (figure 5, bench/awsCalls.ts).
 */
import { performance } from "perf_hooks";
import { Archives, Figure, ROOT, median, percentile, table } from "./common";
import type { SentCommand } from "./awsCalls";
import { loadModule } from "../scripts/lambdaCode";

/** Median latency target per remediation, warm, against the emulator on loopback. */
export const LATENCY_TARGET_MS = 1000;

type Handler = (event: unknown) => Promise<{ outcome?: string }>;

/** Loads `__index.js` text as a module (requires resolve from the repository) and returns its handler. */
export function loadHandler(text: string, name: string): Handler {
  const handler = loadModule(text, `__bench_${name}.js`).handler as Handler | undefined;
  if (typeof handler !== "function") {
    throw new Error(`${name}: __index.js exports no handler function`);
  }
  return handler;
}

/** Records every command sent by any AWS SDK v3 client of this process while `recording`. */
function recordSends(): { take(): SentCommand[]; start(): void; restore(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const smithy = require(require.resolve("@smithy/core/client", { paths: [ROOT] })) as {
    Client: { prototype: { send: (...args: unknown[]) => unknown } };
  };
  const proto = smithy.Client.prototype;
  const original = proto.send;
  let recording = false;
  let sent: SentCommand[] = [];
  proto.send = function (this: object, ...args: unknown[]) {
    if (recording) {
      sent.push({
        client: this.constructor.name,
        command: (args[0] as object).constructor.name,
      });
    }
    return original.apply(this, args);
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

export interface ScenarioTiming {
  readonly scenario: string;
  readonly remediation: string;
  /** First call of the function's handler in this process (cold: SDK clients created), ms; undefined if not the first. */
  readonly firstMs?: number;
  readonly times: number[];
  readonly outcomes: string[];
  /** Runs after which `verify` found the state still unsafe. */
  readonly unsafeAfter: number;
  readonly commands: SentCommand[];
}

export interface HandlerBenchResult {
  readonly figures: Figure[];
  readonly calls: { scenario: string; remediation: string; commands: SentCommand[] }[];
}

const REGION = "eu-west-1";
const OWN_ROLE_ARN = "arn:aws:iam::123456789012:role/security-watch-remediator";

export async function runHandlerLatency(
  archives: Archives,
  options: { runs: number },
  print: (line: string) => void,
): Promise<HandlerBenchResult> {
  const moto = await import("../scripts/moto");
  const scenarios = await import("../scripts/scenarios");
  const server = await moto.startMoto();
  const restoreEnv = moto.useMotoEnvironment(server.endpoint, REGION);
  const saved = {
    RESOLUTION_TOPIC_ARN: process.env.RESOLUTION_TOPIC_ARN,
    OWN_ROLE_ARN: process.env.OWN_ROLE_ARN,
  };
  const recorder = recordSends();
  const originalLog = console.log;
  const originalWrite = process.stdout.write;
  const timings: ScenarioTiming[] = [];
  try {
    const ctx = scenarios.createScenarioContext(server.endpoint, REGION);
    const inbox = await scenarios.createResolutionInbox(ctx);
    process.env.RESOLUTION_TOPIC_ARN = inbox.topicArn;
    process.env.OWN_ROLE_ARN = OWN_ROLE_ARN;
    const handlers = new Map<string, Handler>();
    for (const scenario of scenarios.SCENARIOS) {
      const fn = `remediate-${scenario.remediation}-fn`;
      const archive = archives[fn];
      if (!archive) {
        throw new Error(`no archive for ${fn} in the stack (is the remediation off?)`);
      }
      let handler = handlers.get(fn);
      const first = handler === undefined;
      if (handler === undefined) {
        handler = loadHandler(archive.indexText, fn);
        handlers.set(fn, handler);
      }
      const times: number[] = [];
      const outcomes: string[] = [];
      let firstMs: number | undefined;
      let unsafeAfter = 0;
      let commands: SentCommand[] = [];
      // One extra run first for the function's first call, reported apart (cold clients).
      const total = options.runs + (first ? 1 : 0);
      for (let run = 0; run < total; run++) {
        const setup = await scenario.setup(ctx);
        const event = scenarios.wrapAsEventBridge(setup.record);
        // The handler's incident record and metric line (its Lambda log) are not the report.
        console.log = () => undefined;
        process.stdout.write = (() => true) as typeof process.stdout.write;
        recorder.start();
        const started = performance.now();
        let result: { outcome?: string };
        try {
          result = await handler(event);
        } finally {
          const elapsed = performance.now() - started;
          const sent = recorder.take();
          console.log = originalLog;
          process.stdout.write = originalWrite;
          if (first && run === 0) {
            firstMs = elapsed;
          } else {
            times.push(elapsed);
            if (commands.length === 0) {
              commands = sent;
            }
          }
        }
        outcomes.push(result.outcome ?? "?");
        const after = await scenario.verify(ctx, setup);
        if (!after.safe) {
          unsafeAfter++;
        }
      }
      timings.push({
        scenario: scenario.id,
        remediation: scenario.remediation,
        firstMs,
        times,
        outcomes,
        unsafeAfter,
        commands,
      });
    }
  } finally {
    console.log = originalLog;
    process.stdout.write = originalWrite;
    recorder.restore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
    restoreEnv();
    await server.stop();
  }

  print(
    `Method: moto ${moto.MOTO_VERSION} on 127.0.0.1 (scripts/moto.ts); the stack built with every remediation in enforce mode, each function's __index.js loaded as a module; ` +
      `per scenario ${options.runs} runs, each: scenario.setup (new unsafe resource), time handler(event) only, scenario.verify. ` +
      "The first call of each function (cold: SDK clients created) is reported apart and not in the median/p90.",
  );
  const rows = timings.map((t) => {
    const med = median(t.times);
    return {
      t,
      med,
      p90: percentile(t.times, 90),
      pass: med <= LATENCY_TARGET_MS && t.unsafeAfter === 0,
    };
  });
  print(
    table(
      [
        "scenario",
        "remediation",
        "first",
        "median",
        "p90",
        "max",
        "outcome",
        "unsafe after",
        "verdict",
      ],
      rows.map(({ t, med, p90, pass }) => [
        t.scenario,
        t.remediation,
        t.firstMs === undefined ? "-" : `${t.firstMs.toFixed(0)} ms`,
        `${med.toFixed(1)} ms`,
        `${p90.toFixed(1)} ms`,
        `${Math.max(...t.times).toFixed(1)} ms`,
        [...new Set(t.outcomes)].join("/"),
        `${t.unsafeAfter}/${t.outcomes.length}`,
        pass ? "PASS" : "MISS",
      ]),
    ),
  );
  const worst = rows.reduce((a, b) => (b.p90 > a.p90 ? b : a), rows[0]);
  const medians = rows.map((r) => r.med);
  return {
    figures: [
      {
        name: `handler latency vs moto (warm, ${options.runs} runs/scenario)`,
        figure: `median ${Math.min(...medians).toFixed(0)}-${Math.max(...medians).toFixed(0)} ms; worst p90 ${worst.p90.toFixed(0)} ms (${worst.t.scenario})`,
        target: `median <= ${LATENCY_TARGET_MS} ms, state safe after`,
        pass: rows.every((r) => r.pass),
      },
    ],
    calls: timings.map((t) => ({
      scenario: t.scenario,
      remediation: t.remediation,
      commands: t.commands,
    })),
  };
}
