/**
 * CloudTrail records as EventBridge delivers them: the envelope (`source`, `detail-type`,
 * `account`, `region`, `time`, `detail`) around the record, and a reader for the shapes people
 * have at hand (one record, a CloudTrail log file `{"Records": [...]}`, an EventBridge event, or a
 * list of any of these). Used by the detect CLI, the tests and the drill. No Pulumi.
 *
 * EventBridge sets `source` to `aws.<service>` from the record's `eventSource`
 * (`ec2.amazonaws.com` -> `aws.ec2`) and `detail-type` from the record's `eventType`:
 * "AWS API Call via CloudTrail" (AwsApiCall), "AWS Console Sign In via CloudTrail"
 * (AwsConsoleSignIn, e.g. ConsoleLogin), "AWS Service Event via CloudTrail" (AwsServiceEvent).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html
 */

export const API_CALL_DETAIL_TYPE = "AWS API Call via CloudTrail";
export const CONSOLE_SIGN_IN_DETAIL_TYPE = "AWS Console Sign In via CloudTrail";
export const SERVICE_EVENT_DETAIL_TYPE = "AWS Service Event via CloudTrail";

/** An EventBridge event that carries a CloudTrail record in `detail`. */
export interface CloudTrailEventBridgeEvent {
  readonly version: string;
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `aws.<service>` for an eventSource such as `ec2.amazonaws.com`. */
export function sourceOf(eventSource: string): string {
  return `aws.${eventSource.split(".")[0]}`;
}

/** The `detail-type` EventBridge gives a CloudTrail record. */
export function detailTypeOf(record: Record<string, unknown>): string {
  if (record.eventType === "AwsConsoleSignIn" || record.eventName === "ConsoleLogin") {
    return CONSOLE_SIGN_IN_DETAIL_TYPE;
  }
  if (record.eventType === "AwsServiceEvent") return SERVICE_EVENT_DETAIL_TYPE;
  return API_CALL_DETAIL_TYPE;
}

/** Whether `value` looks like a CloudTrail record (it has eventSource and eventName). */
export function isCloudTrailRecord(value: unknown): value is Record<string, unknown> {
  return (
    isObject(value) && typeof value.eventSource === "string" && typeof value.eventName === "string"
  );
}

/** Whether `value` looks like an EventBridge event (it has source, detail-type and detail). */
export function isEventBridgeEvent(value: unknown): value is CloudTrailEventBridgeEvent {
  return (
    isObject(value) &&
    typeof value.source === "string" &&
    typeof value["detail-type"] === "string" &&
    isObject(value.detail)
  );
}

/**
 * The EventBridge event for one CloudTrail record. Throws an Error saying what is missing when
 * the record has no string eventSource or eventName.
 */
export function toEventBridgeEvent(record: unknown): CloudTrailEventBridgeEvent {
  if (!isObject(record)) {
    throw new Error("a CloudTrail record must be a JSON object");
  }
  for (const key of ["eventSource", "eventName"]) {
    if (typeof record[key] !== "string" || record[key] === "") {
      throw new Error(`the CloudTrail record has no ${key}`);
    }
  }
  const identity = isObject(record.userIdentity) ? record.userIdentity : {};
  const account = record.recipientAccountId ?? identity.accountId ?? "";
  return {
    version: "0",
    id: typeof record.eventID === "string" ? record.eventID : "",
    "detail-type": detailTypeOf(record),
    source: sourceOf(record.eventSource as string),
    account: String(account),
    time: typeof record.eventTime === "string" ? record.eventTime : "",
    region: typeof record.awsRegion === "string" ? record.awsRegion : "",
    resources: [],
    detail: record,
  };
}

/**
 * The EventBridge events in a parsed JSON document: a CloudTrail record, a CloudTrail log file
 * (`{"Records": [...]}`), an EventBridge event, or an array of these. Throws an Error naming the
 * item (`item 3: ...`) when something is neither.
 */
export function eventsFromJson(document: unknown): CloudTrailEventBridgeEvent[] {
  const items: unknown[] = Array.isArray(document)
    ? document
    : isObject(document) && Array.isArray(document.Records)
      ? document.Records
      : [document];
  if (items.length === 0) {
    throw new Error("the input holds no CloudTrail record or EventBridge event");
  }
  return items.map((item, index) => {
    const where = items.length > 1 ? `item ${index + 1}: ` : "";
    if (isEventBridgeEvent(item)) return item;
    if (isObject(item) && Array.isArray(item.Records)) {
      throw new Error(`${where}nested {"Records": [...]} lists are not supported`);
    }
    if (!isCloudTrailRecord(item)) {
      throw new Error(
        `${where}neither a CloudTrail record (eventSource, eventName) nor an EventBridge event (source, detail-type, detail)`,
      );
    }
    return toEventBridgeEvent(item);
  });
}
