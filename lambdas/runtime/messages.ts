/**
 * What leaves the function for people and metrics: the resolution message, the metric line,
 * and the clipping of every hostile field.
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import type { EventFacts, Json } from "./event";
import type { RemediationResult } from "./remediator";
import { neutralise } from "../../core/neutralise";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/**
 * `text` as a well-formed string of at most `max` characters (lone surrogates replaced, the
 * cut marked): what a message, a log line or a record may hold of a hostile field.
 */
export function clip(text: unknown, max: number): string {
  const s = String(text ?? "").replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    "\ufffd",
  );
  return s.length <= max
    ? s
    : `${s.slice(0, max - 14).replace(/[\ud800-\udbff]$/, "")}...(truncated)`;
}

/** Longest text of one field in a message or an incident record. */
export const FIELD_MAX = 1024;

/**
 * The resolution message for a person (subject under 100 printable ASCII characters, its
 * hostile parts neutralised: no mention, link or markup survives, core/neutralise.ts; body) and
 * for JSON subscribers (message attributes). Every field is clipped: the whole stays far under
 * SNS's 256 KB, whatever the event holds.
 */
export function resolutionMessage(
  result: RemediationResult,
  facts: EventFacts,
  mode: string,
  found: string,
  consoleUrl: string,
): {
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, { DataType: "String"; StringValue: string }>;
} {
  const o = result.outcome;
  const c = (v: unknown) => clip(v, FIELD_MAX);
  const label = o === "already-safe" ? "ALREADY SAFE" : o.toUpperCase();
  const plain = (v: unknown) => neutralise(v, { max: 200, ascii: true });
  const subject = `[${label}] ${plain(result.resource)} ${plain(found)} in ${plain(facts.region)}`;
  const attributes: Record<string, string> = {
    eventId: result.eventId,
    remediation: result.remediation,
    outcome: o,
    resource: result.resource,
    mode,
    account: facts.account,
    region: facts.region,
    principal: result.principal,
  };
  const actions = result.actions.slice(0, 20).map((a) => `  - ${c(a)}`);
  return {
    Subject: subject.length < 100 ? subject : `${subject.slice(0, 96)}...`,
    Message: [
      `${label}: ${clip(result.message, 4 * FIELD_MAX)}`,
      "",
      `Resolves the alert for CloudTrail event ${c(result.eventId)} (${c(facts.eventName)}).`,
      `Found: ${c(result.resource)} ${c(found)}`,
      actions.length === 0
        ? "Nothing was changed."
        : `${o === "dry-run" ? "Would do (dry-run, nothing changed)" : "Done"}:\n${actions.join("\n")}`,
      "",
      `Who: ${c(facts.principal)}${facts.sourceIp && ` from ${c(facts.sourceIp)}`}`,
      `User agent: ${c(facts.userAgent) || "-"}`,
      `When: ${c(facts.time) || "-"}`,
      `Where: account ${facts.account}, region ${facts.region}`,
      `Remediation: ${result.remediation} (mode ${mode})`,
      `Console: ${c(consoleUrl)}`,
    ].join("\n"),
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([k, v]) => [
        k,
        { DataType: "String", StringValue: clip(v, 256) || "-" },
      ]),
    ),
  };
}

/** The Embedded Metric Format line of one invocation (see {@link makeHandler}). */
export function metricLine(remediation: string, outcome: string, DurationMs: number): Json {
  const Metrics = [
    { Name: "Remediations", Unit: "Count" },
    { Name: "DurationMs", Unit: "Milliseconds" },
  ];
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        { Namespace: "AwsSecurityWatch", Dimensions: [["remediation", "outcome"]], Metrics },
      ],
    },
    remediation,
    outcome,
    Remediations: 1,
    DurationMs,
  };
}
