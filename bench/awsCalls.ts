/**
 * AWS calls per remediation on the unsafe path (figure 5), against the minimum: one read per
 * check the remediation needs (exemption tag, current state), the mutating call(s) that undo the
 * change, and one SNS Publish of the resolution message. The state read counts where the
 * mutating call cannot tell an already-safe resource from an unsafe one (UpdateAccessKey,
 * StartLogging, PutPublicAccessBlock, StartConfigurationRecorder and Modify*Attribute succeed
 * silently either way): without it the resolution message could not say "already safe", which
 * idempotency requires. The calls are those the serialized
 * handlers send to the emulator during the latency benchmark (bench/handlerLatency.ts).
 */
import { REMEDIATIONS } from "../remediations/registry";
import { Figure, table } from "./common";

/**
 * Minimum calls by remediation, with why each read is needed: each spec's `minimumCalls`
 * (remediations/<id>/spec.ts), for the remediations that declare one.
 */
export const MINIMUM: Record<string, { reads: number; mutating: number; why: string }> =
  Object.fromEntries(REMEDIATIONS.flatMap((s) => (s.minimumCalls ? [[s.id, s.minimumCalls]] : [])));

/** A command the handler sent: the client (`EC2Client`) and the command (`DescribeTagsCommand`). */
export interface SentCommand {
  readonly client: string;
  readonly command: string;
}

export interface CallCounts {
  readonly reads: number;
  readonly mutating: number;
  readonly publish: number;
  readonly total: number;
}

const READ = /^(Describe|Get|List|Head|Lookup)/;

/** Splits commands into reads (Describe/Get/List/Head/Lookup), SNS Publish, and mutating calls. */
export function classify(commands: readonly SentCommand[]): CallCounts {
  let reads = 0;
  let mutating = 0;
  let publish = 0;
  for (const { client, command } of commands) {
    const name = command.replace(/Command$/, "");
    if (client === "SNSClient" && name === "Publish") {
      publish++;
    } else if (READ.test(name)) {
      reads++;
    } else {
      mutating++;
    }
  }
  return { reads, mutating, publish, total: reads + mutating + publish };
}

export interface CallRow {
  readonly scenario: string;
  readonly remediation: string;
  readonly counts: CallCounts;
  readonly minimum: number;
  readonly verdict: "minimum" | "above minimum" | "below minimum";
  readonly commands: string;
}

/** Compares what a scenario's handler sent with the minimum of its remediation. */
export function callRow(
  scenario: string,
  remediation: string,
  commands: readonly SentCommand[],
): CallRow {
  const counts = classify(commands);
  const min = MINIMUM[remediation];
  if (min === undefined) {
    throw new Error(`no minimum known for remediation ${remediation}`);
  }
  const minimum = min.reads + min.mutating + 1;
  return {
    scenario,
    remediation,
    counts,
    minimum,
    verdict:
      counts.total === minimum
        ? "minimum"
        : counts.total > minimum
          ? "above minimum"
          : "below minimum",
    commands: commands.map((c) => c.command.replace(/Command$/, "")).join(", "),
  };
}

export function runAwsCalls(
  calls: readonly { scenario: string; remediation: string; commands: readonly SentCommand[] }[],
  print: (line: string) => void,
): Figure[] {
  print(
    "Method: every `send` of the AWS SDK v3 clients (@smithy/core Client.prototype.send) recorded while the serialized handler (enforce mode) runs on the unsafe state a scenario set up in the emulator; " +
      "reads = Describe/Get/List/Head/Lookup, publish = SNS Publish, the rest mutating. Minimum = the reads that the exemption and state checks need + the mutating call(s) + 1 publish:",
  );
  for (const [id, min] of Object.entries(MINIMUM)) {
    print(`  ${id}: ${min.reads + min.mutating + 1} = ${min.why}, Publish`);
  }
  const rows = calls.map((c) => callRow(c.scenario, c.remediation, c.commands));
  print(
    table(
      [
        "scenario",
        "remediation",
        "reads",
        "mutating",
        "publish",
        "total",
        "minimum",
        "verdict",
        "calls",
      ],
      rows.map((r) => [
        r.scenario,
        r.remediation,
        String(r.counts.reads),
        String(r.counts.mutating),
        String(r.counts.publish),
        String(r.counts.total),
        String(r.minimum),
        r.verdict,
        r.commands,
      ]),
    ),
  );
  const above = rows.filter((r) => r.verdict !== "minimum");
  return [
    {
      name: "AWS calls per remediation (unsafe path)",
      figure:
        above.length === 0
          ? `all ${rows.length} scenarios at the minimum`
          : `${rows.length - above.length}/${rows.length} at the minimum; ${above.map((r) => `${r.scenario} ${r.counts.total} vs ${r.minimum}`).join(", ")}`,
      target: "= minimum",
      pass: above.length === 0,
    },
  ];
}
