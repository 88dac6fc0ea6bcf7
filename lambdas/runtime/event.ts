/**
 * Reading the event: the EventBridge envelope, the CloudTrail record in it (the facts a handler
 * needs, read once), the plan type, principal matching and small readers of hostile JSON.
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import { causedByMemberRole } from "./crossAccount";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

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
 * account or the region: a handler acts in the envelope's region, so a record of another region
 * would be acted on where nothing happened), or an ignore (failed call: any `errorCode` or `errorMessage` present; own role).
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
  if (
    event.region !== undefined &&
    detail.awsRegion !== undefined &&
    event.region !== detail.awsRegion
  ) {
    return reject(`event ${eventId}: the envelope's region is not the record's awsRegion`);
  }
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

/** Tags as a map, from `[{Key, Value}]` or `[{TagKey, TagValue}]`. */
export function tagMap(tags: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of Array.isArray(tags) ? tags : []) {
    const k = isObject(t) ? (str(t.Key) ?? str(t.TagKey)) : undefined;
    if (k !== undefined) out.set(k, String(t.Value ?? t.TagValue ?? ""));
  }
  return out;
}
