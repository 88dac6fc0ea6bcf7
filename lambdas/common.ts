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
import {
  type CrossAccountSettings,
  type Credentials,
  accountRefusal,
  causedByMemberRole,
  crossAccountProblems,
  memberCredentials,
} from "./crossAccount";

/**
 * Tells Pulumi's closure serializer to capture this module by value even when the package is
 * installed under node_modules (it would otherwise emit a `require` of a file not in the archive).
 */
export const deploymentOnlyModule = true;

/** A catalog detection that routes events to this function (plain data, for the incident record). */
export interface DetectionLink {
  /** Catalog detection id. */
  id: string;
  /** MITRE ATT&CK technique ids of the detection. */
  attackIds: string[];
  /** CloudTrail event names its pattern matches (detail.eventName), [] when it names none. */
  eventNames: string[];
  /** Detail types its pattern matches ("AWS API Call via CloudTrail", ...). */
  detailTypes: string[];
}

/** Limits of every SDK client a handler makes: they end well inside the function timeout. */
export interface SdkLimits {
  /** TCP connection timeout, ms. */
  connectTimeoutMs: number;
  /** Time to wait for a response once connected, ms (per attempt). */
  requestTimeoutMs: number;
  /** Attempts per call, the first included (SDK standard retry mode). */
  maxAttempts: number;
}

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
  /** Changes made by these principals (a user, a role, or any session of that role) are exempt. */
  trustedPrincipalArns: string[];
  /**
   * Accounts this function may act for: an event about any other account is rejected before
   * any AWS call. @default the function's own account (of `ownRoleArn`, else of the topic)
   */
  allowedAccountIds?: string[];
  /**
   * The hub of an organization (lambdas/crossAccount.ts): every client acts through the
   * remediation's member role in the event's account (the function's own role only in its own
   * account and region, where the idempotency table and topic are); the account check is "not excluded"
   * (membership is enforced by IAM) instead of `allowedAccountIds`.
   */
  crossAccount?: CrossAccountSettings;
  /**
   * DynamoDB table of idempotency records (partition key `id`, string; TTL on `expiresAt`): one
   * remediation and one resolution message per event however often it is delivered. Unset: no
   * record (every delivery is handled on its own; tests and local runs).
   */
  idempotencyTableName?: string;
  /** The catalog detections routed to this function, for the incident record. @default [] */
  detections?: DetectionLink[];
  /** SDK client limits. @default { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 } */
  sdk?: SdkLimits;
  /**
   * Time the decision may take, ms, when Lambda does not say how long is left (outside Lambda);
   * in Lambda: the remaining time less 3 s, so that the incident record is always written.
   * @default 25000
   */
  budgetMs?: number;
}

export type Outcome =
  "remediated" | "already-safe" | "exempt" | "dry-run" | "off" | "ignored" | "duplicate";

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
  /** The account the event is about (where the change happened): every client acts there. */
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
  /** EventBridge detail-type of the envelope. */
  detailType?: string;
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
  | { kind: "reject"; reason: string; facts?: EventFacts };

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
 * One key for every form of a principal's ARN: a user (`iam::<a>:user/<path>/<name>`), a role
 * (`iam::<a>:role/<path>/<name>`) and a session of it (`sts::<a>:assumed-role/<name>/<session>`)
 * give `user|role:<partition>:<account>:<name>`; IAM names are unique per account whatever the
 * path and case-insensitive, so the path is dropped and the name lower-cased. Anything else is
 * kept as is (exact match only).
 */
export function principalKey(arn: string): string {
  const m =
    /^arn:(aws[a-z-]*):(?:iam::(\d{12}):(user|role)\/(?:[^\n]*\/)?([^/]+)|sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+)$/.exec(
      arn,
    );
  if (!m) return arn;
  return m[2]
    ? `${m[3]}:${m[1]}:${m[2]}:${m[4].toLowerCase()}`
    : `role:${m[1]}:${m[5]}:${m[6].toLowerCase()}`;
}

/**
 * True when the event was caused by `arn` (a user, a role or any session of the role), read from
 * the caller's ARN or, for a session, from its issuer: the same test for the function's own role
 * and for trusted principals.
 */
export function causedBy(
  facts: Pick<EventFacts, "principal" | "issuerArn">,
  arn: string | undefined,
): boolean {
  if (!arn) return false;
  const key = principalKey(arn);
  return [facts.principal, facts.issuerArn].some((a) => !!a && principalKey(a) === key);
}

/** @deprecated name kept for callers: see {@link causedBy}. */
export const causedByRole = causedBy;

/** An AWS region name (`eu-west-1`, `us-gov-west-1`). */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Reads the EventBridge envelope and the CloudTrail record in it. Returns the facts, or a
 * rejection (malformed, not the expected service/event, envelope and record disagreeing on the
 * account), or an ignore (failed call: any `errorCode` or `errorMessage` present; own role).
 */
export function readCloudTrail(
  event: unknown,
  settings: { ownRoleArn?: string; crossAccount?: { memberRoleName: string } },
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
  if (!eventId || !/^[\w-]{1,64}$/.test(eventId))
    return reject("CloudTrail record has no valid eventID");
  if (!eventName) return reject(`CloudTrail record ${eventId} has no eventName`);
  if (source !== eventSource || !eventNames.includes(eventName)) {
    return reject(
      `unexpected event ${source ?? "?"}:${eventName} (${eventId}); expected ${eventSource}: ${eventNames.join(", ")}`,
    );
  }
  const identity = detail.userIdentity;
  if (!isObject(identity)) return reject(`CloudTrail record ${eventId} has no userIdentity`);
  const region = str(event.region) ?? str(detail.awsRegion) ?? "";
  if (!REGION.test(region)) return reject(`event ${eventId} has no valid region`);
  const account = str(event.account) ?? str(detail.recipientAccountId) ?? "";
  if (!/^\d{12}$/.test(account)) return reject(`event ${eventId} has no valid account`);
  const recipient = detail.recipientAccountId;
  if (recipient !== undefined && event.account !== undefined && recipient !== event.account) {
    return reject(
      `event ${eventId}: the envelope's account is not the record's recipientAccountId`,
    );
  }
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
    detailType: str(event["detail-type"]),
  };
  const ignore = (reason: string) => ({ kind: "ignore" as const, facts, resource: "-", reason });
  if (detail.errorCode !== undefined || detail.errorMessage !== undefined) {
    const code = typeof detail.errorCode === "string" ? detail.errorCode : "errorCode present";
    return ignore(`the call failed (${code.slice(0, 100)}): nothing changed`);
  }
  if (causedBy(facts, settings.ownRoleArn)) {
    return ignore("the change was made by this remediation's own role");
  }
  if (settings.crossAccount && causedByMemberRole(facts, settings.crossAccount.memberRoleName)) {
    return ignore("the change was made by this remediation's member role (the hub)");
  }
  return facts;
}

/** Account of an ARN (`arn:p:svc:region:<account>:...`), "" when it has none. */
export function accountOf(arn: string): string {
  return arn.split(":")[4] ?? "";
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
  const { allowedAccountIds: accounts, idempotencyTableName: table, sdk } = settings;
  const list = (v: unknown, ok: (x: unknown) => boolean) => Array.isArray(v) && v.every(ok);
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
    list(settings.trustedPrincipalArns, (a) => typeof a === "string" && a.startsWith("arn:")) ||
      "trustedPrincipalArns must be a list of ARNs",
    accounts === undefined ||
      list(accounts, (a) => typeof a === "string" && /^\d{12}$/.test(a)) ||
      "allowedAccountIds must be a list of 12-digit account ids",
    table === undefined ||
      /^[\w.-]{3,255}$/.test(table) ||
      `idempotencyTableName must be a DynamoDB table name (got ${table})`,
    settings.detections === undefined ||
      list(settings.detections, (d) => isObject(d) && !!str(d.id) && Array.isArray(d.attackIds)) ||
      "detections must be a list of { id, attackIds, eventNames, detailTypes }",
    sdk === undefined ||
      (isObject(sdk) &&
        [sdk.connectTimeoutMs, sdk.requestTimeoutMs, sdk.maxAttempts].every(
          (n) => Number.isInteger(n) && n > 0,
        )) ||
      "sdk must be { connectTimeoutMs, requestTimeoutMs, maxAttempts }, positive whole numbers",
    ...(settings.crossAccount === undefined ? [] : crossAccountProblems(settings.crossAccount)),
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

/** An SDK v3 client class (`EC2Client`, ...). */
export type ClientClass<C> = new (config: Record<string, unknown>) => C;

/**
 * The one place every SDK client comes from: `(Client, account, region) => client`, cached per
 * account, region and class (a Map: no region such as `__proto__` reaches an object's
 * prototype). Each client has connection and request timeouts (an error, not the warning that
 * recent SDKs give without `throwOnRequestTimeout`) and a bounded number of attempts;
 * S3 uses path-style addressing when an emulator endpoint is set (AWS_ENDPOINT_URL). Clients for
 * the function's own account use its role; another account has no credentials yet (the account
 * check rejects such events before any call): this is where assuming a member role belongs.
 */
export function accountClients(
  ownAccount: string,
  limits: SdkLimits,
  memberRole?: (account: string, region: string) => Promise<Credentials>,
  home?: string,
): <C>(Client: ClientClass<C>, account: string, region: string) => C {
  const cache = new Map<string, unknown>();
  return <C>(Client: ClientClass<C>, account: string, region: string): C => {
    if (!REGION.test(region)) throw new Error(`not a region: ${String(region).slice(0, 40)}`);
    // A hub acts through the member role everywhere but in its own account and region.
    const viaMember = !!memberRole && (account !== ownAccount || region !== home);
    if (account !== ownAccount && !viaMember) {
      throw new Error(`no credentials for account ${account}`);
    }
    const key = `${account}/${region}/${Client.name}`;
    let client = cache.get(key) as C | undefined;
    if (client === undefined) {
      client = new Client({
        region,
        maxAttempts: limits.maxAttempts,
        requestHandler: {
          connectionTimeout: limits.connectTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          throwOnRequestTimeout: true,
        },
        ...(process.env.AWS_ENDPOINT_URL ? { forcePathStyle: true } : {}),
        ...(viaMember ? { credentials: () => memberRole!(account, region) } : {}),
      });
      cache.set(key, client);
    }
    return client;
  };
}

/** Tags as a map, from `[{Key, Value}]` or `[{TagKey, TagValue}]`. */
export function tagMap(tags: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of Array.isArray(tags) ? tags : []) {
    const k = isObject(t) ? (str(t.Key) ?? str(t.TagKey)) : undefined;
    if (k !== undefined) out.set(k, String(t.Value ?? t.TagValue ?? ""));
  }
  return out;
}

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

/**
 * What reading the resource found: stop (already safe, or not in scope after all), or the fix:
 * the mutating calls, described (what enforce makes and dry-run reports), and the function that
 * makes them. `tags` are checked against the exemption tag before any fix (undefined: the
 * resource carries no tags). `state` says what was read (the incident record's stateBefore),
 * `after` what the fix leaves (its stateAfter).
 */
export type Inspection =
  | { done: "already-safe" | "ignored"; message: string; state?: string }
  | {
      done?: undefined;
      tags?: Map<string, string>;
      actions: string[];
      state?: string;
      after?: string;
      /** Makes the calls (enforce only): what was done, or undefined when nothing was left to do. */
      apply(): Promise<string | undefined>;
    };

/** What a remediator may use while it inspects and fixes one event. */
export interface RunContext {
  facts: EventFacts;
  /** An SDK client for the event's account in `region`: the only way a handler gets one. */
  client<C>(Client: ClientClass<C>, region: string): C;
  /**
   * A previous delivery of this event started the mutating calls and did not finish (known from
   * the idempotency record): a half-done undo is to be finished.
   */
  resumed: boolean;
}

/** The detail-type of AWS Config rule compliance changes. */
export const CONFIG_COMPLIANCE = "Config Rules Compliance Change";

/**
 * One remediation: a pure plan, then `inspect` (reads only: the cheapest read that tells whether
 * the resource is still unsafe, then its tags), then the fix. `gone` lists the AWS error names
 * that mean the resource no longer exists: already safe, whichever call meets them.
 * `planResource`, when present, plans from an AWS Config compliance change (which names a
 * resource, not the change): the run loop sends those events there, every other event to `plan`.
 */
export interface Remediator<T> {
  id: RemediationId;
  plan(event: unknown): Plan<T>;
  planResource?(event: unknown): Plan<T>;
  gone: string[];
  inspect(target: T, ctx: RunContext): Promise<Inspection>;
}

/** Longest text of one field in a message or an incident record. */
const FIELD_MAX = 1024;

/**
 * The resolution message for a person (subject under 100 printable ASCII characters, body) and
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
  const subject =
    `[${label}] ${clip(result.resource, 200)} ${clip(found, 200)} in ${facts.region}`.replace(
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

/** `work`, or a TimeoutError once `deadline` (epoch ms) has passed. */
export function withDeadline<R>(work: Promise<R>, deadline: number, budget: number): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    const error = Object.assign(new Error(`no answer within ${budget} ms`), {
      name: "TimeoutError",
    });
    timer = setTimeout(() => fail(error), Math.max(deadline - Date.now(), 0));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A DynamoDB attribute value as the run loop writes them. */
export type AttributeValue = { S: string } | { N: string } | { BOOL: boolean };

/** The recorded outcome of an earlier delivery: result, Publish input (JSON), message id. */
export type Recorded = [RemediationResult, string, string];

/**
 * The idempotency record `id` of one event in `table`. `claim` writes it with a conditional
 * PutItem (no record, a failed one, or one in progress whose lease has lapsed) and says whether
 * an earlier delivery had begun acting (`resumed`); else it reads it: done and published, or done
 * and unpublished with its owner gone (one delivery wins a conditional lease to publish), gives
 * the recorded outcome; in progress, it waits and tries again until the deadline. `set` updates
 * fields, under a condition when given.
 * @internal Its types name the DynamoDB client, which a consumer of the package does not have.
 */
export function eventRecord(
  db: import("@aws-sdk/client-dynamodb").DynamoDBClient,
  ddb: typeof import("@aws-sdk/client-dynamodb"),
  table: string,
  id: string,
  deadline: number,
) {
  const base = { TableName: table, Key: { id: { S: id } } };
  const lease = () => ({ N: String(deadline + 4000) });
  const now = () => ({ N: String(Date.now()) });
  const won = (sent: Promise<unknown>) =>
    sent.then(
      () => true,
      (err) => {
        if (errorName(err) === "ConditionalCheckFailedException") return false;
        throw err;
      },
    );
  const set = (values: Record<string, AttributeValue>, condition?: string) => {
    const keys = Object.keys(values);
    return db.send(
      new ddb.UpdateItemCommand({
        ...base,
        UpdateExpression: `SET ${keys.map((k) => `#${k} = :${k}`).join(", ")}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.fromEntries(keys.map((k) => [`#${k}`, k])),
        ExpressionAttributeValues: Object.fromEntries([
          ...keys.map((k) => [`:${k}`, values[k]]),
          ...(condition ? [[":now", now()]] : []),
        ]),
      }),
    );
  };
  const claim = async (): Promise<{ resumed: boolean } | { recorded: Recorded }> => {
    for (;;) {
      let old: Record<string, Json> | undefined;
      const put = new ddb.PutItemCommand({
        TableName: table,
        Item: {
          ...base.Key,
          status: { S: "in-progress" },
          leaseUntil: lease(),
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + 7 * 86400) },
        },
        ConditionExpression:
          "attribute_not_exists(id) OR #s = :failed OR (#s = :busy AND leaseUntil < :now)",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":failed": { S: "failed" },
          ":busy": { S: "in-progress" },
          ":now": now(),
        },
        ReturnValues: "ALL_OLD",
      });
      if (await won(db.send(put).then((out) => (old = out.Attributes as typeof old)))) {
        return { resumed: old?.applying?.BOOL === true || old?.status?.S === "in-progress" };
      }
      const get = new ddb.GetItemCommand({ ...base, ConsistentRead: true });
      const item = (await db.send(get)).Item;
      if (
        item?.status?.S === "done" &&
        (item.published?.S || (await won(set({ leaseUntil: lease() }, "leaseUntil < :now"))))
      ) {
        const result = JSON.parse(item.result?.S ?? "{}") as RemediationResult;
        return { recorded: [result, item.message?.S ?? "", item.published?.S ?? ""] };
      }
      if (Date.now() + 500 > deadline) {
        throw new Error("another delivery of this event is being handled; retry later");
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  return { claim, set };
}

/** The Lambda context fields the run loop reads (all optional: tests call with the event only). */
export interface InvocationContext {
  getRemainingTimeInMillis?(): number;
  awsRequestId?: string;
}

/**
 * The handler around a remediator, for one event:
 * 1. plan: the envelope is read once and sent to `plan` (or `planResource` for AWS Config
 *    compliance changes); any throw is a rejection. A rejection, or an account this function
 *    may not act for, ends in one `rejected` line and a thrown error, before any AWS call.
 * 2. mode off, ignored events (failed calls, own role), trusted principals (every form of the
 *    ARN): no AWS read.
 * 3. the idempotency record (`idempotencyTableName`): a conditional write keyed by remediation,
 *    account and event id claims the event; a delivery that finds it done re-sends the recorded
 *    message if it was never published, else reports `duplicate` and changes nothing; one that
 *    finds it in progress waits for it, within the time budget.
 * 4. inspect (read), exemption tag, dry-run, apply; within the time budget (the SDK clients
 *    have their own timeouts and attempts too).
 * 5. the outcome and the message are recorded, then published (one resolution message), then
 *    the message id is recorded.
 * Every event gets one incident record and one metric line; a failure is thrown after them.
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
): (event: unknown, context?: InvocationContext) => Promise<RemediationResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sns: typeof import("@aws-sdk/client-sns") = require("@aws-sdk/client-sns");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ddb: typeof import("@aws-sdk/client-dynamodb") = require("@aws-sdk/client-dynamodb");
  const { id, gone } = remediator;
  const { mode, exemptTag: tag, resolutionTopicArn: topicArn } = settings;
  const table = settings.idempotencyTableName;
  const ownAccount = accountOf(settings.ownRoleArn ?? topicArn);
  const allowed = settings.allowedAccountIds ?? [ownAccount];
  const cross = settings.crossAccount;
  const detections = settings.detections ?? [];
  const client = accountClients(
    ownAccount,
    settings.sdk ?? { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 },
    cross ? memberCredentials(cross, id, partitionOf(topicArn)) : undefined,
    topicArn.split(":")[3],
  );
  const home = topicArn.split(":")[3];
  const fn = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "";
  const version = process.env.AWS_LAMBDA_FUNCTION_VERSION ?? "";
  const log = (line: Json) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const metric = (outcome: string, ms: number) => log(metricLine(id, outcome, ms));

  return async (event: unknown, context?: InvocationContext): Promise<RemediationResult> => {
    const started = Date.now();
    const remaining = context?.getRemainingTimeInMillis?.();
    const budget =
      typeof remaining === "number"
        ? Math.max(remaining - 3000, 1000)
        : (settings.budgetMs ?? 25000);
    const deadline = started + budget;
    const inTime = <R>(work: Promise<R>) => withDeadline(work, deadline, budget);

    let plan: Plan<T>;
    try {
      const detailType = isObject(event) ? event["detail-type"] : undefined;
      const planner = detailType === CONFIG_COMPLIANCE ? remediator.planResource : remediator.plan;
      plan = planner
        ? planner.call(remediator, event)
        : { kind: "reject", reason: `${id} does not handle ${CONFIG_COMPLIANCE} events` };
    } catch (err) {
      plan = {
        kind: "reject",
        reason: `the event could not be read: ${errorName(err) || "Error"}`,
      };
    }
    if (plan.kind !== "reject" && !/^[\w-]{1,128}$/.test(plan.facts.eventId)) {
      plan = { kind: "reject", reason: "the event id is not 1-128 letters, digits, - or _" };
    } else if (plan.kind !== "reject" && cross) {
      const refusal = accountRefusal(plan.facts.account, undefined, cross);
      if (refusal) plan = { kind: "reject", reason: refusal, facts: plan.facts };
    } else if (plan.kind !== "reject" && !allowed.includes(plan.facts.account)) {
      const reason = `account ${plan.facts.account} is not one this function may act for`;
      plan = { kind: "reject", reason, facts: plan.facts };
    }
    if (plan.kind === "reject") {
      const detail = isObject(event) && isObject(event.detail) ? event.detail : {};
      const eventId =
        plan.facts?.eventId ?? str(detail.eventID) ?? (isObject(event) ? str(event.id) : undefined);
      const reason = clip(plan.reason, FIELD_MAX);
      log({
        type: "rejected",
        schemaVersion: 1,
        remediation: id,
        mode,
        eventId: clip(eventId ?? "", 128),
        account: plan.facts?.account ?? "",
        reason,
        functionName: fn,
        functionVersion: version,
      });
      metric("rejected", Date.now() - started);
      throw new Error(`${id}: rejected event: ${reason}`);
    }

    const { facts, resource } = plan;
    const found = plan.kind === "act" ? plan.found : "";
    const detection =
      detections.find((d) => d.eventNames.includes(facts.eventName)) ??
      detections.find(
        (d) => d.eventNames.length === 0 && d.detailTypes.includes(facts.detailType ?? ""),
      );
    let actions: string[] = [];
    let stateBefore = "";
    let stateAfter = "";
    let applying = false;
    let resumed = false;
    let claimed = false;
    const store = table
      ? eventRecord(
          client(ddb.DynamoDBClient, ownAccount, home),
          ddb,
          table,
          `${id}#${facts.account}#${facts.eventId}`,
          deadline,
        )
      : undefined;
    let recorded: Recorded | undefined;
    // A second item per resource: what the last live event on it came to, so that AWS Config's
    // later evaluation of the same change neither acts twice nor sends a second message.
    const fromConfig = facts.detailType === CONFIG_COMPLIANCE;
    const resourceKey = { id: { S: `${id}#${facts.account}#res#${clip(resource, 900)}` } };
    const db = table ? client(ddb.DynamoDBClient, ownAccount, home) : undefined;

    const decide = async (): Promise<[Outcome, string]> => {
      if (mode === "off") return ["off", "Remediation is off: nothing was read or changed."];
      if (plan.kind === "ignore") return ["ignored", `Ignored: ${plan.reason}.`];
      const claim = await store?.claim();
      if (claim && "recorded" in claim) {
        recorded = claim.recorded;
        return [recorded[0].outcome, recorded[0].message];
      }
      claimed = true;
      resumed = claim?.resumed ?? false;
      const trusted = settings.trustedPrincipalArns.find((arn) => causedBy(facts, arn));
      if (trusted) return ["exempt", `Left as is: ${facts.principal} is a trusted principal.`];
      const live =
        fromConfig && db
          ? (
              await db.send(
                new ddb.GetItemCommand({
                  TableName: table,
                  Key: resourceKey,
                  ConsistentRead: true,
                }),
              )
            ).Item
          : undefined;
      const liveNote = live
        ? `the live event ${live.eventId?.S ?? "?"} on ${resource} (${live.outcome?.S ?? "?"})`
        : "";
      if (live?.outcome?.S === "exempt") {
        return ["exempt", `Left as is, as ${liveNote} was: ${live.message?.S ?? ""}`];
      }
      try {
        const ctx: RunContext = {
          facts,
          client: (Client, region) => client(Client, facts.account, region),
          resumed,
        };
        const state = await remediator.inspect(plan.target, ctx);
        stateBefore = state.state ?? (state.done ? state.message : "");
        stateAfter = stateBefore;
        if (state.done === "already-safe" && live?.outcome?.S === "remediated") {
          return ["duplicate", `AWS Config evaluated the change that ${liveNote} undid.`];
        }
        if (state.done === "already-safe" && resumed) {
          const earlier =
            "An earlier delivery of this event stopped while acting: it may have made it safe.";
          return [state.done, `${state.message} ${earlier}`];
        }
        if (state.done) return [state.done, state.message];
        if (state.tags?.get(tag.key) === tag.value) {
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
        applying = true;
        const done = await state.apply();
        if (done === undefined)
          return ["already-safe", `Nothing was left to change on ${resource}.`];
        actions = state.actions;
        stateAfter = state.after ?? "";
        return ["remediated", done];
      } catch (err) {
        if (!gone.includes(errorName(err))) throw err;
        return ["already-safe", `${resource} no longer exists (${errorName(err)}).`];
      }
    };

    const { eventId, eventName, time: eventTime, principal, region, account } = facts;
    let result: RemediationResult | undefined;
    let outcome: string | undefined;
    let published = "";
    let error = "";
    /** Not fatal: the idempotency record could not be written after the decision. */
    let note = "";
    const why = (err: unknown) =>
      `${errorName(err) || "Error"}: ${clip((err as Error)?.message ?? String(err), FIELD_MAX)}`;
    const record = (values: Record<string, AttributeValue>) =>
      inTime(Promise.resolve(store?.set(values))).catch((err) => {
        note ||= `the idempotency record was not updated: ${why(err)}`;
      });
    try {
      const [decided, message] = await inTime(decide());
      outcome = decided;
      let done: RemediationResult = {
        remediation: id,
        eventId,
        outcome: decided,
        resource,
        principal,
        actions,
        message,
      };
      if (plan.kind === "act" && decided !== "off" && decided !== "ignored") {
        let body: string;
        if (recorded) {
          [done, body, published] = recorded;
          if (published) done = { ...done, outcome: "duplicate", actions: [] };
          outcome = done.outcome;
        } else {
          body = JSON.stringify(resolutionMessage(done, facts, mode, found, plan.consoleUrl));
          await record({
            status: { S: "done" },
            result: { S: JSON.stringify(done) },
            message: { S: body },
            // Nothing to publish (AWS Config re-evaluating a live event's change): a later
            // delivery reads the record at once instead of waiting for this one's lease.
            ...(done.outcome === "duplicate" ? { leaseUntil: { N: "0" } } : {}),
          });
        }
        if (!published && done.outcome !== "duplicate") {
          try {
            const topic = client(sns.SNSClient, ownAccount, home);
            const input = { TopicArn: topicArn, ...JSON.parse(body) };
            published = (await inTime(topic.send(new sns.PublishCommand(input)))).MessageId ?? "-";
            await record({ published: { S: published } });
          } catch (err) {
            error = `could not publish the resolution message: ${why(err)}`;
            // Done deciding: a later delivery may publish at once.
            await record({ leaseUntil: { N: "0" } });
          }
        }
        if (!fromConfig && db && ["remediated", "exempt"].includes(done.outcome)) {
          const now = Math.floor(Date.now() / 1000);
          await inTime(
            db.send(
              new ddb.PutItemCommand({
                TableName: table,
                Item: {
                  ...resourceKey,
                  eventId: { S: eventId },
                  outcome: { S: done.outcome },
                  message: { S: clip(done.message, FIELD_MAX) },
                  expiresAt: { N: String(now + 86400) },
                },
              }),
            ),
          ).catch(() => undefined);
        }
      }
      result = done;
    } catch (err) {
      error = `remediation of ${resource} failed: ${why(err)}`;
      // A later delivery takes the event over (and finishes what this one began).
      if (claimed) await record({ status: { S: "failed" }, applying: { BOOL: applying } });
    }
    outcome = error ? "failed" : outcome;
    error ||= note;
    const durationMs = Date.now() - started;
    const eventMs = Date.parse(eventTime);
    const c = (v: unknown) => clip(v, FIELD_MAX);
    log({
      type: "incident",
      schemaVersion: 1,
      eventId,
      eventTime: c(eventTime),
      eventName: c(eventName),
      account,
      region,
      principal: c(principal),
      sourceIp: c(facts.sourceIp),
      userAgent: c(facts.userAgent),
      detection: detection?.id ?? "",
      attackIds: detection?.attackIds ?? [],
      remediation: id,
      mode,
      resource: c(resource),
      decision: c(plan.kind === "act" ? `${resource} ${found}` : plan.reason),
      stateBefore: c(stateBefore),
      stateAfter: c(stateAfter),
      actions: (result?.actions ?? actions).slice(0, 20).map(c),
      outcome,
      message: clip(result?.message ?? "", 4 * FIELD_MAX),
      published,
      error,
      durationMs,
      latencyMs: Number.isFinite(eventMs) ? Date.now() - eventMs : -1,
      functionName: fn,
      functionVersion: version,
    });
    metric(outcome ?? "failed", durationMs);
    if (outcome === "failed" || !result) throw new Error(`${id}: ${error}`);
    return result;
  };
}
