/**
 * AWS calls per remediation on the unsafe path (figure 5): what each deployed function (its
 * serialized `__index.js`, enforce mode, idempotency table on) sent to the emulator during the
 * latency benchmark (bench/handlerLatency.ts), against the floor derived from that same
 * recording: the irreducible calls of an undo are one read of the state (without it the function
 * could not tell an unsafe resource from an already safe one), the mutating call(s) that undo the
 * change, and one SNS Publish of the resolution. Everything else (the idempotency record's
 * DynamoDB calls, further reads) is above the floor. No table per remediation is kept by hand:
 * a new remediation is measured as soon as a scenario plays it.
 */
import { Figure, table } from "./common";

/** A command the handler sent: the client (`EC2Client`) and the command (`DescribeTagsCommand`). */
export interface SentCommand {
  readonly client: string;
  readonly command: string;
}

/** What a call is for. */
export enum CallKind {
  /** DynamoDB: the idempotency record (claim, updates, per-resource record). */
  Idempotency = "idempotency",
  /** Describe/Get/List/Head/Lookup of any other service. */
  Read = "read",
  /** SNS Publish (the resolution message). */
  Publish = "publish",
  /** Anything else: a change. */
  Mutating = "mutating",
}

const READ = /^(Describe|Get|List|Head|Lookup)/;

export function kindOf({ client, command }: SentCommand): CallKind {
  const name = command.replace(/Command$/, "");
  if (client === "DynamoDBClient") return CallKind.Idempotency;
  if (client === "SNSClient" && name === "Publish") return CallKind.Publish;
  return READ.test(name) ? CallKind.Read : CallKind.Mutating;
}

export interface CallCounts {
  readonly idempotency: number;
  readonly reads: number;
  readonly mutating: number;
  readonly publish: number;
  readonly total: number;
}

/** Counts the calls by kind. */
export function classify(commands: readonly SentCommand[]): CallCounts {
  const count = (kind: CallKind) => commands.filter((c) => kindOf(c) === kind).length;
  return {
    idempotency: count(CallKind.Idempotency),
    reads: count(CallKind.Read),
    mutating: count(CallKind.Mutating),
    publish: count(CallKind.Publish),
    total: commands.length,
  };
}

/**
 * The positions (in `commands`) of the floor's calls: the first read, every mutating call, the
 * first Publish. A recording without a read, a mutation or a publish has no floor (the run did
 * not undo anything): an error naming what is missing.
 */
export function floorOf(commands: readonly SentCommand[]): number[] {
  const kinds = commands.map(kindOf);
  const firstRead = kinds.indexOf(CallKind.Read);
  const publish = kinds.indexOf(CallKind.Publish);
  const mutating = kinds.flatMap((k, i) => (k === CallKind.Mutating ? [i] : []));
  const missing = [
    firstRead < 0 ? "no read" : "",
    mutating.length === 0 ? "no mutating call" : "",
    publish < 0 ? "no Publish" : "",
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new Error(
      `no floor in ${commands.map((c) => c.command).join(", ") || "no call"}: ${missing.join(", ")}`,
    );
  }
  return [firstRead, ...mutating, publish].sort((a, b) => a - b);
}

export interface CallRow {
  readonly scenario: string;
  readonly remediation: string;
  readonly counts: CallCounts;
  /** Calls of the floor (first read, the mutation(s), one publish). */
  readonly floor: number;
  /** The calls made, in order (`Command` left out). */
  readonly commands: string;
  /** The floor's calls, in order. */
  readonly floorCommands: string;
}

const names = (commands: readonly SentCommand[]) =>
  commands.map((c) => c.command.replace(/Command$/, "")).join(", ");

/** One scenario's calls against the floor derived from them. */
export function callRow(
  scenario: string,
  remediation: string,
  commands: readonly SentCommand[],
): CallRow {
  const floor = floorOf(commands);
  return {
    scenario,
    remediation,
    counts: classify(commands),
    floor: floor.length,
    commands: names(commands),
    floorCommands: names(floor.map((i) => commands[i])),
  };
}

export function runAwsCalls(
  calls: readonly { scenario: string; remediation: string; commands: readonly SentCommand[] }[],
  print: (line: string) => void,
): { figures: Figure[]; rows: CallRow[] } {
  print(
    "Method: every `send` of the AWS SDK v3 clients (@smithy/core Client.prototype.send) recorded while the deployed function " +
      "(serialized __index.js, enforce mode, its environment with the idempotency table) runs on the unsafe state a scenario set up in the emulator; " +
      "idempotency = DynamoDB, reads = Describe/Get/List/Head/Lookup, publish = SNS Publish, the rest mutating. " +
      "Floor = the first read + the mutating call(s) + 1 publish, taken from the same recording.",
  );
  const rows = calls.map((c) => callRow(c.scenario, c.remediation, c.commands));
  print(
    table(
      [
        "scenario",
        "remediation",
        "idempotency",
        "reads",
        "mutating",
        "publish",
        "total",
        "floor",
        "calls",
      ],
      rows.map((r) => [
        r.scenario,
        r.remediation,
        String(r.counts.idempotency),
        String(r.counts.reads),
        String(r.counts.mutating),
        String(r.counts.publish),
        String(r.counts.total),
        String(r.floor),
        r.commands,
      ]),
    ),
  );
  const extra = rows.map((r) => r.counts.total - r.floor);
  return {
    figures: [
      {
        name: "AWS calls per remediation (unsafe path, as deployed)",
        figure: `${Math.min(...rows.map((r) => r.counts.total))}-${Math.max(...rows.map((r) => r.counts.total))} calls; ${Math.min(...extra)}-${Math.max(...extra)} above the floor (${rows.length} scenarios)`,
        target: "floor: 1 read + the undo + 1 publish",
        pass: undefined,
      },
    ],
    rows,
  };
}
