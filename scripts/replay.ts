/**
 * `npm run replay -- --from <time> --to <time> [--archive NAME] [--rules a,b] [--region R] [--yes]`:
 * replays the archived security events of a time window to the event bus they came from (live,
 * against the deployed stack), so that an event missed or mishandled (a rule disabled, a
 * remediation off or failing) is handled again.
 *
 * - The archive: `--archive` or the stack output `eventArchive` (read with `pulumi stack output`).
 * - `--rules`: replay to these rules only (names); by default to every rule of the bus. A
 *   replayed event reaches the alert, chat and remediation targets again: remediations are
 *   idempotent (an already-safe resource gives `already-safe`), but people are alerted again.
 * - Without `--yes` it prints what it would start and stops.
 *
 * StartReplay, then DescribeReplay until the replay completes, with progress on stderr.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html
 */
import { spawnSync } from "child_process";
import * as events from "@aws-sdk/client-eventbridge";
import { explainAwsError } from "./awsHints";

export interface ReplayOptions {
  readonly from: Date;
  readonly to: Date;
  readonly archive?: string;
  readonly rules: string[];
  readonly region?: string;
  readonly yes: boolean;
}

const USAGE =
  "usage: npm run replay -- --from 2026-11-30T10:00:00Z --to 2026-11-30T12:00:00Z [--archive NAME] [--rules rule-a,rule-b] [--region R] [--yes]";

function time(text: string | undefined, flag: string): Date {
  const t = text === undefined ? NaN : Date.parse(text);
  if (Number.isNaN(t))
    throw new Error(`${flag}: "${text ?? ""}" is not a time (ISO 8601)\n${USAGE}`);
  return new Date(t);
}

/** Parses the command line; throws an Error that says what to change. */
export function parseReplayArgs(argv: readonly string[], now: Date = new Date()): ReplayOptions {
  const values: Record<string, string | undefined> = {};
  let yes = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--yes") yes = true;
    else if (["--from", "--to", "--archive", "--rules", "--region"].includes(arg)) {
      values[arg] = argv[++i];
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  const from = time(values["--from"], "--from");
  const to = time(values["--to"], "--to");
  if (from >= to) throw new Error("--from must be before --to");
  if (to > now)
    throw new Error("--to must not be in the future: EventBridge replays archived events only");
  return {
    from,
    to,
    archive: values["--archive"],
    rules: (values["--rules"] ?? "").split(",").filter(Boolean),
    region: values["--region"],
    yes,
  };
}

/** The part of the EventBridge client the replay uses (a real EventBridgeClient, or a mock). */
export interface EventsClient {
  send(command: unknown): Promise<unknown>;
}

/** A replay name: `asw-replay-<from>` (64 characters of `[.\-_A-Za-z0-9]` at most). */
export function replayName(from: Date, now: Date): string {
  const stamp = (d: Date) =>
    d
      .toISOString()
      .replace(/[^0-9]/g, "")
      .slice(0, 14);
  return `asw-replay-${stamp(from)}-${stamp(now)}`;
}

/** Starts the replay (or, without `yes`, says what it would start) and waits for it to end. */
export async function runReplay(
  options: ReplayOptions,
  client: EventsClient,
  events: typeof import("@aws-sdk/client-eventbridge"),
  log: (line: string) => void,
  pollMs = 5000,
  now: Date = new Date(),
): Promise<string> {
  const archiveName = options.archive ?? stackOutput("eventArchive");
  const archive = (await client.send(
    new events.DescribeArchiveCommand({ ArchiveName: archiveName }),
  )) as { ArchiveArn?: string; EventSourceArn?: string; State?: string; EventCount?: number };
  if (!archive.ArchiveArn || !archive.EventSourceArn) {
    throw new Error(`archive ${archiveName}: no ARN or event source in DescribeArchive`);
  }
  const filterArns: string[] = [];
  for (const rule of options.rules) {
    const described = (await client.send(new events.DescribeRuleCommand({ Name: rule }))) as {
      Arn?: string;
    };
    if (!described.Arn) throw new Error(`rule ${rule}: not found`);
    filterArns.push(described.Arn);
  }
  const name = replayName(options.from, now);
  const target = filterArns.length ? `${filterArns.length} rule(s)` : "every rule of the bus";
  log(
    `Replay ${name}: archive ${archiveName} (${archive.EventCount ?? "?"} events archived), ${options.from.toISOString()} to ${options.to.toISOString()}, to ${archive.EventSourceArn} (${target})`,
  );
  if (!options.yes) {
    log(
      "Not started: add --yes to start it (replayed events alert, and reach remediations, again).",
    );
    return "NOT_STARTED";
  }
  await client.send(
    new events.StartReplayCommand({
      ReplayName: name,
      Description: "aws-security-watch: npm run replay",
      EventSourceArn: archive.ArchiveArn,
      EventStartTime: options.from,
      EventEndTime: options.to,
      Destination: {
        Arn: archive.EventSourceArn,
        ...(filterArns.length ? { FilterArns: filterArns } : {}),
      },
    }),
  );
  for (;;) {
    const state = (await client.send(new events.DescribeReplayCommand({ ReplayName: name }))) as {
      State?: string;
      StateReason?: string;
      EventLastReplayedTime?: Date;
    };
    const last = state.EventLastReplayedTime
      ? `, replayed up to ${new Date(state.EventLastReplayedTime).toISOString()}`
      : "";
    log(`  ${state.State ?? "?"}${last}`);
    if (state.State === "COMPLETED") return "COMPLETED";
    if (state.State === "FAILED" || state.State === "CANCELLED") {
      throw new Error(`replay ${name} ${state.State}: ${state.StateReason ?? "no reason given"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function stackOutput(name: string): string {
  const out = spawnSync("pulumi", ["stack", "output", name], { encoding: "utf8" });
  if (out.status !== 0 || !out.stdout.trim()) {
    throw new Error(
      `could not read the stack output ${name} (${(out.stderr || out.error?.message || "").trim()}): pass --archive`,
    );
  }
  return out.stdout.trim();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h") || argv.length === 0) {
    console.log(USAGE);
    return;
  }
  const options = parseReplayArgs(argv);
  const client = new events.EventBridgeClient(options.region ? { region: options.region } : {});
  await runReplay(options, client, events, (line) => console.error(line));
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`replay: ${explainAwsError(error, "npm run replay --")}`);
    process.exit(1);
  });
}
