/**
 * What every remediation handler shares: settings and result types, reading a CloudTrail record
 * delivered by EventBridge, the run loop (mode, exemptions, dry-run, incident record, metric,
 * resolution message) and the per-region SDK client cache.
 *
 * This module is serialized into each Lambda by Pulumi: keep it free of Pulumi and of top-level
 * imports with runtime effect (SDK clients are `require`d inside functions; the Node.js Lambda
 * runtime provides the AWS SDK v3). Pulumi keeps the text of every captured function, comments in
 * function bodies included, and wraps each one: explanations belong in the doc comment above a
 * function, and a private helper used by one function lives inside it.
 */
import type { RemediationId, RemediationMode } from "../core/types";

/**
 * Tells Pulumi's closure serializer to capture this module by value even when the package is
 * installed under node_modules (it would otherwise emit a `require` of a file not in the archive).
 */
export const deploymentOnlyModule = true;

/** Settings every remediation takes. Plain data: Pulumi serializes it into the Lambda. */
export interface RemediationSettings {
  /** off: nothing at all; dry-run: decide and report without any mutating call; enforce: undo. */
  mode: RemediationMode;
  /** SNS topic that receives one resolution message per handled event (not in off mode). */
  resolutionTopicArn: string;
  /** The remediation's own role: events it caused are ignored (no remediation loops). */
  ownRoleArn?: string;
  /** A resource carrying this tag (key=value) is left as is and reported as exempt. */
  exemptTag: { key: string; value: string };
  /** Changes made by these principals (user/role ARN or the issuer role of a session) are exempt. */
  trustedPrincipalArns: string[];
}

export type Outcome = "remediated" | "already-safe" | "exempt" | "dry-run" | "off" | "ignored";

export interface RemediationResult {
  remediation: RemediationId;
  /** The CloudTrail event id (or the EventBridge id for non-CloudTrail events) of the alert. */
  eventId: string;
  outcome: Outcome;
  resource: string;
  principal: string;
  /** What was done (or, in dry-run, what would be done). */
  actions: string[];
  message: string;
}

/** The EventBridge envelope of a CloudTrail record (input of every handler). */
export interface EventBridgeEvent {
  version?: string;
  id?: string;
  "detail-type"?: string;
  source?: string;
  account?: string;
  time?: string;
  region?: string;
  resources?: string[];
  detail?: unknown;
}

export type Json = Record<string, unknown>;

/** What a handler needs to know about the event, read once. */
export interface EventFacts {
  eventId: string;
  eventName: string;
  region: string;
  account: string;
  time: string;
  /** ARN of the caller (`arn:aws:iam::<account>:root` for the root user). */
  principal: string;
  principalType: string;
  /** Role ARN behind an assumed-role session, if any. */
  issuerArn?: string;
  /** IAM user name of the caller when the caller is an IAM user. */
  userName?: string;
  sourceIp: string;
  userAgent: string;
  request: Json;
  response: Json;
  detail: Json;
}

/**
 * The decision for one event: act on `target`, ignore it (with the reason), or reject it as
 * malformed or unexpected (the handler then throws so the event lands in the failure destination).
 */
export type Plan<T> =
  | {
      kind: "act";
      facts: EventFacts;
      /** Id or name of the resource (sg-..., bucket name, key ARN...). */
      resource: string;
      /** What the change did, short, for the subject: "opened 0.0.0.0/0 tcp:22". */
      found: string;
      target: T;
      consoleUrl: string;
    }
  | { kind: "ignore"; facts: EventFacts; resource: string; reason: string }
  | { kind: "reject"; reason: string };

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** CloudTrail writes EC2 query lists as `{ items: [...] }`, sometimes as a bare array or one object. */
export function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!isObject(value)) return [];
  return Array.isArray(value.items) ? value.items : "items" in value ? [] : [value];
}

/**
 * True when the event was caused by `roleArn`: the role itself, the issuer of the session, or a
 * session of it (`arn:<partition>:sts::<account>:assumed-role/<name>/...`, the role path dropped).
 */
export function causedByRole(
  facts: Pick<EventFacts, "principal" | "issuerArn">,
  roleArn: string | undefined,
): boolean {
  if (!roleArn) return false;
  if (facts.issuerArn === roleArn || facts.principal === roleArn) return true;
  const m = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return !!m && facts.principal.startsWith(`arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/`);
}

/**
 * Reads the EventBridge envelope and the CloudTrail record in it. Returns the facts, or a
 * rejection (malformed, not the expected service/event), or an ignore (failed call, own role).
 */
export function readCloudTrail(
  event: unknown,
  settings: { ownRoleArn?: string },
  eventSource: string,
  eventNames: readonly string[],
): EventFacts | Plan<never> {
  const reject = (reason: string) => ({ kind: "reject" as const, reason });
  if (!isObject(event)) return reject("event is not a JSON object");
  const detail = event.detail;
  if (!isObject(detail)) return reject("event has no CloudTrail record in 'detail'");
  const eventId = str(detail.eventID);
  const eventName = str(detail.eventName);
  const source = str(detail.eventSource);
  if (!eventId) return reject("CloudTrail record has no eventID");
  if (!eventName) return reject(`CloudTrail record ${eventId} has no eventName`);
  if (source !== eventSource || !eventNames.includes(eventName)) {
    return reject(
      `unexpected event ${source ?? "?"}:${eventName} (${eventId}); expected ${eventSource}: ${eventNames.join(", ")}`,
    );
  }
  const identity = detail.userIdentity;
  if (!isObject(identity)) return reject(`CloudTrail record ${eventId} has no userIdentity`);
  const region = str(event.region) ?? str(detail.awsRegion) ?? "";
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    return reject(`event ${eventId} has no valid region`);
  const account = str(event.account) ?? str(detail.recipientAccountId) ?? "";
  if (!/^\d{12}$/.test(account)) return reject(`event ${eventId} has no valid account`);
  const request = detail.requestParameters ?? {};
  if (!isObject(request)) {
    return reject(`CloudTrail record ${eventId} has requestParameters that are not an object`);
  }
  const session = isObject(identity.sessionContext) ? identity.sessionContext : {};
  const principalType = str(identity.type) ?? "Unknown";
  const facts: EventFacts = {
    eventId,
    eventName,
    region,
    account,
    time: str(detail.eventTime) ?? str(event.time) ?? "",
    principal:
      str(identity.arn) ??
      (principalType === "Root"
        ? `arn:aws:iam::${str(identity.accountId) ?? account}:root`
        : (str(identity.principalId) ?? str(identity.invokedBy) ?? "unknown")),
    principalType,
    issuerArn: isObject(session.sessionIssuer) ? str(session.sessionIssuer.arn) : undefined,
    userName: principalType === "IAMUser" ? str(identity.userName) : undefined,
    sourceIp: str(detail.sourceIPAddress) ?? "",
    userAgent: str(detail.userAgent) ?? "",
    request,
    response: isObject(detail.responseElements) ? detail.responseElements : {},
    detail,
  };
  const errorCode = str(detail.errorCode);
  const ignore = (reason: string) => ({ kind: "ignore" as const, facts, resource: "-", reason });
  if (errorCode) return ignore(`the call failed (${errorCode}): nothing changed`);
  if (causedByRole(facts, settings.ownRoleArn)) {
    return ignore("the change was made by this remediation's own role");
  }
  return facts;
}

/** Partition of an ARN ("aws", "aws-cn", "aws-us-gov"). */
export function partitionOf(arn: string): string {
  return arn.split(":")[1] || "aws";
}

/**
 * Checks settings at factory time (cold start and tests) and returns them, so that a deployment
 * with a wrong setting (the topic and the own role come from the environment) fails loudly
 * before any event is handled.
 */
export function validateSettings<S extends RemediationSettings>(
  remediation: string,
  settings: S,
): S {
  if (!isObject(settings)) throw new Error(`${remediation}: settings must be an object`);
  const { mode, resolutionTopicArn: topic, ownRoleArn: role, exemptTag: tag } = settings;
  const problems = [
    ["off", "dry-run", "enforce"].includes(mode) ||
      `mode must be one of off, dry-run, enforce (got ${mode})`,
    /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[\w-]{1,256}$/.test(topic) ||
      `resolutionTopicArn must be an SNS topic ARN (got ${topic})`,
    role === undefined ||
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(role) ||
      `ownRoleArn must be an IAM role ARN (got ${role})`,
    (isObject(tag) && !!str(tag.key) && typeof tag.value === "string") ||
      "exemptTag must be { key: non-empty string, value: string }",
    (Array.isArray(settings.trustedPrincipalArns) &&
      settings.trustedPrincipalArns.every((a) => typeof a === "string" && a.startsWith("arn:"))) ||
      "trustedPrincipalArns must be a list of ARNs",
  ].filter((p) => p !== true);
  if (problems.length > 0) {
    throw new Error(`${remediation}: invalid settings: ${problems.join("; ")}`);
  }
  return settings;
}

/** Name of an AWS SDK v3 error (the service error code), "" for anything else. */
export function errorName(err: unknown): string {
  const e = (isObject(err) || err instanceof Error ? err : {}) as Json;
  const name = [e.Code, e.code, e.name].find((v) => typeof v === "string" && v !== "Error");
  return (name as string | undefined) ?? "";
}

/**
 * One SDK client per region, created on first use. `pathStyle`: S3 with path-style addressing
 * when an emulator endpoint is set (AWS_ENDPOINT_URL), as virtual hosts do not resolve there.
 */
export function regionalClients<C>(
  Client: new (config: { region: string; forcePathStyle?: boolean }) => C,
  pathStyle = false,
): (region: string) => C {
  const cache: Record<string, C> = {};
  return (region) =>
    (cache[region] ??= new Client(
      pathStyle && process.env.AWS_ENDPOINT_URL ? { region, forcePathStyle: true } : { region },
    ));
}

/** Tags as a map, from `[{Key, Value}]` or `[{TagKey, TagValue}]`. */
export function tagMap(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of Array.isArray(tags) ? tags : []) {
    const k = isObject(t) ? (str(t.Key) ?? str(t.TagKey)) : undefined;
    if (k !== undefined) out[k] = String(t.Value ?? t.TagValue ?? "");
  }
  return out;
}

/**
 * What reading the resource found: stop (already safe, or not in scope after all), or the fix:
 * the mutating calls, described (what enforce makes and dry-run reports), and the function that
 * makes them. `tags` are checked against the exemption tag before any fix (undefined: the
 * resource carries no tags).
 */
export type Inspection =
  | { done: "already-safe" | "ignored"; message: string }
  | {
      done?: undefined;
      tags?: Record<string, string>;
      actions: string[];
      /** Makes the calls (enforce only): what was done, or undefined when nothing was left to do. */
      apply(): Promise<string | undefined>;
    };

/**
 * One remediation: a pure plan, then `inspect` (reads only: the cheapest read that tells whether
 * the resource is still unsafe, then its tags), then the fix. `gone` lists the AWS error names
 * that mean the resource no longer exists: already safe, whichever call meets them.
 */
export interface Remediator<T> {
  id: RemediationId;
  plan(event: unknown): Plan<T>;
  gone: string[];
  inspect(target: T, facts: EventFacts): Promise<Inspection>;
}

/**
 * The resolution message for a person (subject under 100 printable ASCII characters, body) and
 * for JSON subscribers (message attributes).
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
  const label = o === "already-safe" ? "ALREADY SAFE" : o.toUpperCase();
  const subject = `[${label}] ${result.resource} ${found} in ${facts.region}`.replace(
    /[^\x20-\x7e]/g,
    "?",
  );
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
  return {
    Subject: subject.length < 100 ? subject : `${subject.slice(0, 96)}...`,
    Message: [
      `${label}: ${result.message}`,
      "",
      `Resolves the alert for CloudTrail event ${result.eventId} (${facts.eventName}).`,
      `Found: ${result.resource} ${found}`,
      result.actions.length === 0
        ? "Nothing was changed."
        : `${o === "dry-run" ? "Would do (dry-run, nothing changed)" : "Done"}:\n${result.actions.map((a) => `  - ${a}`).join("\n")}`,
      "",
      `Who: ${facts.principal}${facts.sourceIp && ` from ${facts.sourceIp}`}`,
      `User agent: ${facts.userAgent || "-"}`,
      `When: ${facts.time || "-"}`,
      `Where: account ${facts.account}, region ${facts.region}`,
      `Remediation: ${result.remediation} (mode ${mode})`,
      `Console: ${consoleUrl}`,
    ].join("\n"),
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([k, v]) => [
        k,
        { DataType: "String", StringValue: v || "-" },
      ]),
    ),
  };
}

/**
 * The handler around a remediator: mode, own-role and failed-call filtering, trusted principals,
 * already-safe and gone resources, exemption tag, dry-run; then one resolution message (for
 * events it acts on, not in off mode), one incident record and one metric line.
 *
 * The incident record and the metric line are written to stdout as one JSON object per line,
 * without the prefix (time, request id, level) that `console.log` adds in Lambda: CloudWatch
 * extracts Embedded Metric Format metrics only from a log event that is the JSON object alone,
 * and Logs Insights then reads the incident fields. The metric line follows the EMF
 * specification: `_aws.Timestamp` in epoch milliseconds, one directive with namespace
 * AwsSecurityWatch, dimensions remediation and outcome, metrics Remediations (Count) and
 * DurationMs (Milliseconds), the values at the root.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export function makeHandler<T>(
  settings: RemediationSettings,
  remediator: Remediator<T>,
): (event: unknown) => Promise<RemediationResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sns: typeof import("@aws-sdk/client-sns") = require("@aws-sdk/client-sns");
  const snsClient = regionalClients(sns.SNSClient);
  const { id, gone } = remediator;
  const { mode, exemptTag: tag, resolutionTopicArn: topicArn } = settings;
  const log = (line: Json) => process.stdout.write(`${JSON.stringify(line)}\n`);

  return async (event: unknown): Promise<RemediationResult> => {
    const started = Date.now();
    const plan = remediator.plan(event);
    if (plan.kind === "reject") {
      const detail = isObject(event) && isObject(event.detail) ? event.detail : {};
      const eventId = str(detail.eventID);
      log({ type: "rejected", remediation: id, mode, eventId, reason: plan.reason });
      throw new Error(`${id}: rejected event: ${plan.reason}`);
    }
    const { facts, resource } = plan;
    const found = plan.kind === "act" ? plan.found : "";
    let actions: string[] = [];

    const decide = async (): Promise<[Outcome, string]> => {
      if (mode === "off") return ["off", "Remediation is off: nothing was read or changed."];
      if (plan.kind === "ignore") return ["ignored", `Ignored: ${plan.reason}.`];
      const trusted = settings.trustedPrincipalArns;
      if (trusted.includes(facts.principal) || trusted.includes(facts.issuerArn ?? "")) {
        return ["exempt", `Left as is: ${facts.principal} is a trusted principal.`];
      }
      try {
        const state = await remediator.inspect(plan.target, facts);
        if (state.done) return [state.done, state.message];
        if (state.tags?.[tag.key] === tag.value) {
          return [
            "exempt",
            `Left as is: ${resource} carries the exemption tag ${tag.key}=${tag.value}.`,
          ];
        }
        if (mode === "dry-run") {
          actions = state.actions;
          return [
            "dry-run",
            `Dry-run: the calls listed would make ${resource} safe; nothing was changed.`,
          ];
        }
        const done = await state.apply();
        if (done === undefined)
          return ["already-safe", `Nothing was left to change on ${resource}.`];
        actions = state.actions;
        return ["remediated", done];
      } catch (err) {
        if (!gone.includes(errorName(err))) throw err;
        return ["already-safe", `${resource} no longer exists (${errorName(err)}).`];
      }
    };

    const { eventId, eventName, time: eventTime, principal, region, account } = facts;
    let result: RemediationResult | undefined;
    let published: string | undefined;
    let error: string | undefined;
    try {
      const [outcome, message] = await decide();
      result = { remediation: id, eventId, outcome, resource, principal, actions, message };
      if (plan.kind === "act" && outcome !== "off" && outcome !== "ignored") {
        error = "could not publish the resolution message";
        const msg = resolutionMessage(result, facts, mode, found, plan.consoleUrl);
        const topicClient = snsClient(topicArn.split(":")[3]);
        const out = await topicClient.send(new sns.PublishCommand({ TopicArn: topicArn, ...msg }));
        published = out.MessageId;
        error = undefined;
      }
    } catch (err) {
      const why = `${errorName(err) || "Error"}: ${(err as Error)?.message ?? String(err)}`;
      error = `${error ?? `remediation of ${resource} failed`}: ${why}`;
    }
    const outcome = error ? "failed" : result?.outcome;
    const DurationMs = Date.now() - started;
    const { sourceIp, userAgent } = facts;
    const decision = plan.kind === "act" ? `${resource} ${found}` : plan.reason;
    const message = result?.message;
    log({
      type: "incident",
      eventId,
      eventName,
      eventTime,
      remediation: id,
      mode,
      principal,
      sourceIp,
      userAgent,
      resource,
      region,
      account,
      decision,
      actions,
      outcome,
      message,
      published,
      error,
      durationMs: DurationMs,
    });
    const Metrics = [
      { Name: "Remediations", Unit: "Count" },
      { Name: "DurationMs", Unit: "Milliseconds" },
    ];
    log({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: "AwsSecurityWatch", Dimensions: [["remediation", "outcome"]], Metrics },
        ],
      },
      remediation: id,
      outcome,
      Remediations: 1,
      DurationMs,
    });
    if (error || !result) throw new Error(`${id}: ${error}`);
    return result;
  };
}
