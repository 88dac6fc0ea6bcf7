/**
 * `npx ts-node --transpile-only bench/threeCalls.ts [--rounds N] [--only scenario,...]`: each
 * remediation as deployed (serialized handler, enforce, the idempotency table on) against the
 * emulator, paired round by round with the floor: a hand-made sequence of only the irreducible
 * calls (the state read, the one mutation, one publish) sent with the same SDK clients.
 *
 * The floor is taken from the deployed run of the same round: its first read of the resource,
 * its first mutating call and its Publish, with the inputs moved to a fresh copy of the unsafe
 * state (the resource id of the scenario's second setup), sent one after the other. Each round
 * runs both on fresh unsafe state, alternating which goes first. Prints per scenario the median
 * of each, the median of the per-round ratios, and the calls the deployed function made.
 */
import { performance } from "perf_hooks";
import * as pulumi from "@pulumi/pulumi";
import { RemediationMode } from "../core/types";
import { runtimeFactory } from "../lambdas/bootstrap";
import { remediationSpec, settingDefaults } from "../remediations/registry";
import { loadModule } from "../scripts/lambdaCode";
import { ROOT, median, table } from "./common";

const REGION = "eu-west-1";
const OWN_ROLE_ARN = "arn:aws:iam::123456789012:role/security-watch-remediator";
const TABLE = "bench-idempotency";
const MUTATING = new Set([
  "RevokeSecurityGroupIngress",
  "UpdateAccessKey",
  "StartLogging",
  "PutEventSelectors",
  "PutPublicAccessBlock",
  "CancelKeyDeletion",
  "EnableKey",
  "StartConfigurationRecorder",
  "ModifySnapshotAttribute",
  "ModifyImageAttribute",
  "RemovePermission",
  "UpdateFunctionUrlConfig",
  "PutBucketVersioning",
  "EnableEbsEncryptionByDefault",
  "UpdateDetector",
]);

interface Sent {
  client: { send(command: unknown): Promise<unknown> };
  command: { constructor: new (input: unknown) => unknown; input: unknown };
  name: string;
}
type Handler = (event: unknown) => Promise<{ outcome?: string }>;

function recordSends() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const smithy = require(require.resolve("@smithy/core/client", { paths: [ROOT] })) as {
    Client: { prototype: { send: (...args: unknown[]) => unknown } };
  };
  const proto = smithy.Client.prototype;
  const original = proto.send;
  let sent: Sent[] | undefined;
  proto.send = function (this: Sent["client"], ...args: unknown[]) {
    const command = args[0] as Sent["command"];
    sent?.push({ client: this, command, name: command.constructor.name.replace(/Command$/, "") });
    return original.apply(this, args);
  };
  return {
    start: () => (sent = []),
    take: () => {
      const out = sent ?? [];
      sent = undefined;
      return out;
    },
    restore: () => (proto.send = original),
  };
}

/** The strings that differ between two setups' records (ids, names), longest first. */
function differences(a: unknown, b: unknown, out = new Map<string, string>()): Map<string, string> {
  if (typeof a === "string" && typeof b === "string") {
    if (a !== b && a.length >= 4) out.set(a, b);
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    for (const key of Object.keys(a)) {
      if (["eventID", "eventTime", "requestID", "sourceIPAddress"].includes(key)) continue;
      differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], out);
    }
  }
  return out;
}

/** `input` with the identifiers of one setup replaced by those of another. */
function moved(input: unknown, swaps: Map<string, string>): unknown {
  let text = JSON.stringify(input);
  const pairs = [...swaps].sort((x, y) => y[0].length - x[0].length);
  for (const [from, to] of pairs) text = text.split(from).join(to);
  for (const [from, to] of pairs) {
    const [tf, tt] = [from, to].map((v) => v.split(/[/:]/).pop() ?? v);
    if (tf !== from && tf.length >= 8) text = text.split(tf).join(tt);
  }
  return JSON.parse(text);
}

type Scenarios = typeof import("../scripts/scenarios");
type Scenario = Scenarios["SCENARIOS"][number];
type Ctx = ReturnType<Scenarios["createScenarioContext"]>;
type Setup = Awaited<ReturnType<Scenario["setup"]>>;

interface Measure {
  scenarios: Scenarios;
  ctx: Ctx;
  recorder: ReturnType<typeof recordSends>;
  quiet: (on: boolean) => void;
}

function parseFlags(args: string[]): { rounds: number; only: string[] } {
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rounds = Number(flag("--rounds") ?? 15);
  const only = (flag("--only") ?? "").split(",").filter(Boolean);
  return { rounds, only };
}

/** The remediation's handler as deployed: serialized with enforce and loaded as a module. */
async function deployedHandler(id: string): Promise<Handler> {
  const settings = {
    ...settingDefaults(id),
    mode: RemediationMode.Enforce,
    exemptTag: { key: "security-watch:exempt", value: "true" },
    trustedPrincipalArns: [],
  };
  const text = (
    await pulumi.runtime.serializeFunction(runtimeFactory(remediationSpec(id).factory, settings), {
      isFactoryFunction: true,
    })
  ).text;
  return loadModule(text, `__three_${id}.js`).handler as Handler;
}

/** One deployed run on fresh unsafe state: its time and the calls it sent. */
async function runDeployed(
  m: Measure,
  scenario: Scenario,
  handler: Handler,
): Promise<{ a: Setup; ms: number; sent: Sent[] }> {
  const a = await scenario.setup(m.ctx);
  m.quiet(true);
  m.recorder.start();
  const started = performance.now();
  try {
    const result = await handler(m.scenarios.wrapAsEventBridge(a.record));
    if (result.outcome !== "remediated") throw new Error(`outcome ${result.outcome}`);
  } finally {
    m.quiet(false);
  }
  const ms = performance.now() - started;
  return { a, ms, sent: m.recorder.take() };
}

/** The floor: a deployed run's read, mutation and publish, moved to a fresh unsafe setup. */
async function runFloor(
  m: Measure,
  scenario: Scenario,
  sent: Sent[],
  from: unknown,
): Promise<{ ms: number; safe: boolean }> {
  const read = sent.find(
    (c) => !MUTATING.has(c.name) && !["PutItem", "GetItem", "UpdateItem"].includes(c.name),
  );
  const mutation = sent.find((c) => MUTATING.has(c.name));
  const publish = sent.find((c) => c.name === "Publish");
  if (!read || !mutation || !publish) throw new Error(`${scenario.id}: no floor calls`);
  const b = await scenario.setup(m.ctx);
  const started = performance.now();
  const swaps = differences(from, b.record);
  for (const c of [read, mutation, publish]) {
    const Command = c.command.constructor;
    const sent = c.client.send(new Command(moved(c.command.input, swaps)));
    // A read may answer with an error that is the state (no public access block).
    await (c === read ? sent.catch(() => undefined) : sent);
  }
  const ms = performance.now() - started;
  return { ms, safe: (await scenario.verify(m.ctx, b)).safe };
}

/** The paired rounds of one scenario, as its table row. */
async function measureScenario(
  m: Measure,
  scenario: Scenario,
  handler: Handler,
  rounds: number,
): Promise<string[]> {
  const deployedMs: number[] = [];
  const floorMs: number[] = [];
  const ratios: number[] = [];
  let calls: string[] = [];
  let floorUnsafe = 0;
  let last: { sent: Sent[]; record: unknown } | undefined;
  const floor = async (sent: Sent[], from: unknown) => {
    const result = await runFloor(m, scenario, sent, from);
    if (!result.safe) floorUnsafe++;
    return result.ms;
  };
  // Round 0 warms the clients up and is not counted.
  for (let round = 0; round <= rounds; round++) {
    // Each run gets its own unsafe state, set up just before it (some scenarios share one
    // account-level resource).
    let d: { a: Setup; ms: number; sent: Sent[] };
    let f: number;
    if (round % 2 === 0 || !last) {
      d = await runDeployed(m, scenario, handler);
      f = await floor(d.sent, d.a.record);
    } else {
      // The floor first, with the calls of the last round's deployed run.
      f = await floor(last.sent, last.record);
      d = await runDeployed(m, scenario, handler);
    }
    last = { sent: d.sent, record: d.a.record };
    if (round === 0) continue;
    deployedMs.push(d.ms);
    floorMs.push(f);
    ratios.push(d.ms / f);
    calls = d.sent.map((c) => c.name);
  }
  return [
    scenario.id,
    scenario.remediation,
    median(deployedMs).toFixed(1),
    median(floorMs).toFixed(1),
    `${median(ratios).toFixed(2)}x`,
    String(calls.length),
    calls.join(" "),
    floorUnsafe ? `floor left ${floorUnsafe} unsafe` : "",
  ];
}

async function main(): Promise<void> {
  const { rounds, only } = parseFlags(process.argv.slice(2));
  const moto = await import("../scripts/moto");
  const scenarios = await import("../scripts/scenarios");
  const server = await moto.startMoto();
  const restoreEnv = moto.useMotoEnvironment(server.endpoint, REGION);
  const recorder = recordSends();
  const write = process.stdout.write.bind(process.stdout);
  const quiet = (on: boolean) => {
    process.stdout.write = on ? ((() => true) as typeof process.stdout.write) : write;
  };
  const rows: string[][] = [];
  try {
    const ctx = scenarios.createScenarioContext(server.endpoint, REGION);
    const inbox = await scenarios.createResolutionInbox(ctx);
    await scenarios.createIdempotencyTable(ctx, TABLE);
    Object.assign(process.env, {
      RESOLUTION_TOPIC_ARN: inbox.topicArn,
      OWN_ROLE_ARN,
      IDEMPOTENCY_TABLE: TABLE,
    });
    const m: Measure = { scenarios, ctx, recorder, quiet };
    const handlers = new Map<string, Handler>();
    for (const scenario of scenarios.SCENARIOS) {
      if (only.length && !only.includes(scenario.id)) continue;
      const id = scenario.remediation;
      let handler = handlers.get(id);
      if (!handler) {
        handler = await deployedHandler(id);
        handlers.set(id, handler);
      }
      rows.push(await measureScenario(m, scenario, handler, rounds));
    }
  } finally {
    quiet(false);
    recorder.restore();
    restoreEnv();
    await server.stop();
  }
  console.log(
    `Deployed (table on, enforce) vs the three-call floor, ${rounds} paired rounds, median (ms):`,
  );
  console.log(
    table(
      ["scenario", "remediation", "deployed", "floor", "ratio", "calls", "sequence", "note"],
      rows,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
