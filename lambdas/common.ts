/**
 * What every remediation handler shares: settings and result types, reading a CloudTrail record
 * delivered by EventBridge, the run loop (mode, exemptions, incident record, metric, resolution
 * message) and the per-region SDK client cache.
 *
 * This module is serialized into each Lambda by Pulumi: keep it free of Pulumi and of top-level
 * imports with runtime effect (SDK clients are `require`d inside functions; the Node.js Lambda
 * runtime provides the AWS SDK v3).
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
  eventSource: string;
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
  errorCode?: string;
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
  if (isObject(value)) {
    if (Array.isArray(value.items)) return value.items;
    if ("items" in value) return [];
    return [value];
  }
  return [];
}

export function reject(reason: string): { kind: "reject"; reason: string } {
  return { kind: "reject", reason };
}

export function ignore(
  facts: EventFacts,
  resource: string,
  reason: string,
): { kind: "ignore"; facts: EventFacts; resource: string; reason: string } {
  return { kind: "ignore", facts, resource, reason };
}

/** The session ARN prefix of an assumed role: arn:aws:sts::<acct>:assumed-role/<name>/ */
function assumedRolePrefix(roleArn: string): string | undefined {
  const m = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/` : undefined;
}

/** True when the event was caused by `roleArn` (directly or through a session of it). */
export function causedByRole(facts: EventFacts, roleArn: string | undefined): boolean {
  if (!roleArn) return false;
  if (facts.issuerArn === roleArn || facts.principal === roleArn) return true;
  const prefix = assumedRolePrefix(roleArn);
  return prefix !== undefined && facts.principal.startsWith(prefix);
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
  const region = str(event.region) ?? str(detail.awsRegion);
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    return reject(`event ${eventId} has no valid region`);
  }
  const account = str(event.account) ?? str(detail.recipientAccountId) ?? "";
  if (!/^\d{12}$/.test(account)) return reject(`event ${eventId} has no valid account`);
  const session = isObject(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isObject(session.sessionIssuer) ? session.sessionIssuer : {};
  const principalType = str(identity.type) ?? "Unknown";
  const principal =
    str(identity.arn) ??
    (principalType === "Root"
      ? `arn:aws:iam::${str(identity.accountId) ?? account}:root`
      : undefined) ??
    str(identity.principalId) ??
    str(identity.invokedBy) ??
    "unknown";
  const request = detail.requestParameters;
  const response = detail.responseElements;
  if (request !== undefined && request !== null && !isObject(request)) {
    return reject(`CloudTrail record ${eventId} has requestParameters that are not an object`);
  }
  const facts: EventFacts = {
    eventId,
    eventName,
    eventSource: source,
    region,
    account,
    time: str(detail.eventTime) ?? str(event.time) ?? "",
    principal,
    principalType,
    issuerArn: str(issuer.arn),
    userName: principalType === "IAMUser" ? str(identity.userName) : undefined,
    sourceIp: str(detail.sourceIPAddress) ?? "",
    userAgent: str(detail.userAgent) ?? "",
    errorCode: str(detail.errorCode),
    request: isObject(request) ? request : {},
    response: isObject(response) ? response : {},
    detail,
  };
  if (facts.errorCode) {
    return ignore(facts, "-", `the call failed (${facts.errorCode}): nothing changed`);
  }
  if (causedByRole(facts, settings.ownRoleArn)) {
    return ignore(facts, "-", "the change was made by this remediation's own role");
  }
  return facts;
}

/** True when the caller (or the role behind its session) is one of the trusted principals. */
export function isTrusted(facts: EventFacts, trusted: readonly string[]): boolean {
  return (
    trusted.includes(facts.principal) ||
    (facts.issuerArn !== undefined && trusted.includes(facts.issuerArn))
  );
}

/** Partition of an ARN ("aws", "aws-cn", "aws-us-gov"). */
export function partitionOf(arn: string): string {
  return arn.split(":")[1] || "aws";
}

const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * Checks settings at factory time (cold start and tests) and returns them, so that a deployment
 * with a wrong setting fails loudly before any event is handled.
 */
export function validateSettings<S extends RemediationSettings>(
  remediation: string,
  settings: S,
): S {
  const problems: string[] = [];
  if (!isObject(settings)) throw new Error(`${remediation}: settings must be an object`);
  if (!["off", "dry-run", "enforce"].includes(settings.mode as string)) {
    problems.push(`mode must be one of off, dry-run, enforce (got ${String(settings.mode)})`);
  }
  if (
    typeof settings.resolutionTopicArn !== "string" ||
    !SNS_ARN.test(settings.resolutionTopicArn)
  ) {
    problems.push(
      `resolutionTopicArn must be an SNS topic ARN (got ${String(settings.resolutionTopicArn)})`,
    );
  }
  if (
    settings.ownRoleArn !== undefined &&
    (typeof settings.ownRoleArn !== "string" || !ROLE_ARN.test(settings.ownRoleArn))
  ) {
    problems.push(`ownRoleArn must be an IAM role ARN (got ${String(settings.ownRoleArn)})`);
  }
  const tag = settings.exemptTag;
  if (!isObject(tag) || !str(tag.key) || typeof tag.value !== "string") {
    problems.push("exemptTag must be { key: non-empty string, value: string }");
  }
  if (
    !Array.isArray(settings.trustedPrincipalArns) ||
    !settings.trustedPrincipalArns.every((a) => typeof a === "string" && a.startsWith("arn:"))
  ) {
    problems.push("trustedPrincipalArns must be a list of ARNs");
  }
  if (problems.length > 0) {
    throw new Error(`${remediation}: invalid settings: ${problems.join("; ")}`);
  }
  return settings;
}

/** Name of an AWS SDK v3 error (the service error code). */
export function errorName(err: unknown): string {
  if (isObject(err) || err instanceof Error) {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.Code, e.code, e.name]) if (typeof v === "string" && v !== "Error") return v;
  }
  return "";
}

export function hasErrorName(err: unknown, names: readonly string[]): boolean {
  return names.includes(errorName(err));
}

/** SDK client configuration for a region; S3 needs path-style addressing with an emulator. */
export function clientConfig(
  region: string,
  s3 = false,
): { region: string; forcePathStyle?: boolean } {
  return s3 && process.env.AWS_ENDPOINT_URL ? { region, forcePathStyle: true } : { region };
}

/** One SDK client per region, created on first use. */
export function perRegion<C>(create: (region: string) => C): (region: string) => C {
  const cache = new Map<string, C>();
  return (region: string) => {
    let client = cache.get(region);
    if (client === undefined) {
      client = create(region);
      cache.set(region, client);
    }
    return client;
  };
}

/** Tags as a map, from `[{Key, Value}]` or `[{TagKey, TagValue}]`. */
export function tagMap(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of Array.isArray(tags) ? tags : []) {
    if (!isObject(t)) continue;
    const k = str(t.Key) ?? str(t.TagKey);
    if (k !== undefined) out[k] = String(t.Value ?? t.TagValue ?? "");
  }
  return out;
}

/** What inspecting the resource found: its tags (undefined = untaggable) and its state. */
export interface Inspection<S> {
  tags?: Record<string, string>;
  state: S;
  /** Stop here: the resource is already safe, or (after reading it) not in scope. */
  done?: { outcome: "already-safe" | "ignored"; message: string };
}

/** What applying (or, in dry-run, previewing) the remediation did. */
export interface Applied {
  outcome: "remediated" | "already-safe";
  /** Mutating calls made, or in dry-run the ones that would be made. */
  actions: string[];
  message: string;
}

/** One remediation: a pure plan, then reads (inspect), then the mutating calls (apply). */
export interface Remediator<T, S> {
  id: RemediationId;
  plan(event: unknown): Plan<T>;
  inspect(target: T, facts: EventFacts): Promise<Inspection<S>>;
  /** Must make no mutating call when `dryRun` is true. */
  apply(target: T, state: S, facts: EventFacts, dryRun: boolean): Promise<Applied>;
}

const LABELS: Record<string, string> = {
  remediated: "REMEDIATED",
  "already-safe": "ALREADY SAFE",
  exempt: "EXEMPT",
  "dry-run": "DRY-RUN",
};

/** SNS subjects: ASCII printable, no line breaks, under 100 characters. */
export function subjectLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, "?");
  return ascii.length <= 99 ? ascii : `${ascii.slice(0, 96)}...`;
}

export interface ResolutionMessage {
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, { DataType: "String"; StringValue: string }>;
}

/** The resolution message for a person (subject, body) and for JSON subscribers (attributes). */
export function resolutionMessage(
  result: RemediationResult,
  facts: EventFacts,
  mode: string,
  found: string,
  consoleUrl: string,
): ResolutionMessage {
  const label = LABELS[result.outcome] ?? result.outcome.toUpperCase();
  const subject = subjectLine(`[${label}] ${result.resource} ${found} in ${facts.region}`);
  const doneTitle = result.outcome === "dry-run" ? "Would do (dry-run, nothing changed)" : "Done";
  const lines = [
    `${label}: ${result.message}`,
    "",
    `Resolves the alert for CloudTrail event ${result.eventId} (${facts.eventName}).`,
    `Found: ${result.resource} ${found}`,
    result.actions.length > 0
      ? `${doneTitle}:\n${result.actions.map((a) => `  - ${a}`).join("\n")}`
      : "Nothing was changed.",
    "",
    `Who: ${facts.principal}${facts.sourceIp ? ` from ${facts.sourceIp}` : ""}`,
    `User agent: ${facts.userAgent || "-"}`,
    `When: ${facts.time || "-"}`,
    `Where: account ${facts.account}, region ${facts.region}`,
    `Remediation: ${result.remediation} (mode ${mode})`,
    `Console: ${consoleUrl}`,
  ];
  const attr = (v: string) => ({ DataType: "String" as const, StringValue: v || "-" });
  return {
    Subject: subject,
    Message: lines.join("\n"),
    MessageAttributes: {
      eventId: attr(result.eventId),
      remediation: attr(result.remediation),
      outcome: attr(result.outcome),
      resource: attr(result.resource),
      mode: attr(mode),
      account: attr(facts.account),
      region: attr(facts.region),
      principal: attr(result.principal),
    },
  };
}

/** Embedded Metric Format line: Remediations (count) and DurationMs by remediation and outcome. */
export function metricLine(remediation: string, outcome: string, durationMs: number): Json {
  return {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: "AwsSecurityWatch",
          Dimensions: [["remediation", "outcome"]],
          Metrics: [
            { Name: "Remediations", Unit: "Count" },
            { Name: "DurationMs", Unit: "Milliseconds" },
          ],
        },
      ],
    },
    remediation,
    outcome,
    Remediations: 1,
    DurationMs: durationMs,
  };
}

/**
 * The handler around a remediator: mode, own-role and failed-call filtering, trusted principals,
 * exemption tag, dry-run, one resolution message, one incident record and one metric line.
 */
export function makeHandler<T, S>(
  settings: RemediationSettings,
  remediator: Remediator<T, S>,
): (event: unknown) => Promise<RemediationResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sns: typeof import("@aws-sdk/client-sns") = require("@aws-sdk/client-sns");
  const topicRegion = settings.resolutionTopicArn.split(":")[3];
  let snsClient: InstanceType<typeof sns.SNSClient> | undefined;
  const id = remediator.id;
  const mode = settings.mode;

  return async (event: unknown): Promise<RemediationResult> => {
    const started = Date.now();
    const plan = remediator.plan(event);
    if (plan.kind === "reject") {
      const eventId =
        isObject(event) && isObject(event.detail) ? str(event.detail.eventID) : undefined;
      console.log(
        JSON.stringify({ type: "rejected", remediation: id, mode, eventId, reason: plan.reason }),
      );
      throw new Error(`${id}: rejected event: ${plan.reason}`);
    }
    const facts = plan.facts;
    const found = plan.kind === "act" ? plan.found : "";
    let outcome: Outcome;
    let actions: string[] = [];
    let message: string;
    let decision: string;

    /** One incident record and one metric line per invocation. */
    const logIncident = (logged: string, extra: Json): void => {
      const durationMs = Date.now() - started;
      console.log(
        JSON.stringify({
          type: "incident",
          eventId: facts.eventId,
          eventName: facts.eventName,
          eventTime: facts.time,
          remediation: id,
          mode,
          principal: facts.principal,
          sourceIp: facts.sourceIp,
          userAgent: facts.userAgent,
          resource: plan.resource,
          region: facts.region,
          account: facts.account,
          decision,
          actions,
          outcome: logged,
          ...extra,
          durationMs,
        }),
      );
      console.log(JSON.stringify(metricLine(id, logged, durationMs)));
    };

    const finish = async (): Promise<RemediationResult> => {
      const result: RemediationResult = {
        remediation: id,
        eventId: facts.eventId,
        outcome,
        resource: plan.resource,
        principal: facts.principal,
        actions,
        message,
      };
      let published: string | undefined;
      let publishError: string | undefined;
      if (plan.kind === "act" && outcome !== "off" && outcome !== "ignored") {
        try {
          snsClient ??= new sns.SNSClient(clientConfig(topicRegion));
          const msg = resolutionMessage(result, facts, mode, found, plan.consoleUrl);
          const out = await snsClient.send(
            new sns.PublishCommand({ TopicArn: settings.resolutionTopicArn, ...msg }),
          );
          published = out.MessageId;
        } catch (err) {
          publishError = `${errorName(err)}: ${(err as Error).message}`;
        }
      }
      logIncident(publishError ? "failed" : outcome, { message, published, error: publishError });
      if (publishError) {
        throw new Error(`${id}: could not publish the resolution message: ${publishError}`);
      }
      return result;
    };

    if (mode === "off") {
      outcome = "off";
      decision = "remediation is off";
      message = "Remediation is off: nothing was read or changed.";
      return finish();
    }
    if (plan.kind === "ignore") {
      outcome = "ignored";
      decision = plan.reason;
      message = `Ignored: ${plan.reason}.`;
      return finish();
    }
    decision = `${plan.resource} ${plan.found}`;
    if (isTrusted(facts, settings.trustedPrincipalArns)) {
      outcome = "exempt";
      message = `Left as is: ${facts.principal} is a trusted principal.`;
      return finish();
    }
    try {
      const inspection = await remediator.inspect(plan.target, facts);
      const tag = settings.exemptTag;
      if (inspection.done) {
        outcome = inspection.done.outcome;
        message = inspection.done.message;
      } else if (inspection.tags !== undefined && inspection.tags[tag.key] === tag.value) {
        outcome = "exempt";
        message = `Left as is: ${plan.resource} carries the exemption tag ${tag.key}=${tag.value}.`;
      } else {
        const applied = await remediator.apply(
          plan.target,
          inspection.state,
          facts,
          mode === "dry-run",
        );
        outcome =
          mode === "dry-run" && applied.outcome === "remediated" ? "dry-run" : applied.outcome;
        actions = applied.actions;
        message = applied.message;
      }
    } catch (err) {
      const error = `${errorName(err) || "Error"}: ${(err as Error)?.message ?? String(err)}`;
      logIncident("failed", { error });
      throw new Error(`${id}: remediation of ${plan.resource} failed: ${error}`);
    }
    return finish();
  };
}
