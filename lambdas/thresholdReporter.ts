/**
 * The threshold report: when a ThresholdAlarmGroup alarm goes to ALARM, EventBridge delivers the
 * "CloudWatch Alarm State Change" event here; the function reads the alarm's Contributor
 * Insights rule over the alarm's period (and the period before it, for delivery lag) with
 * `GetInsightRuleReport`, and publishes one readable message naming the top contributors
 * (principal or address, with their counts) to the detection's severity topic.
 *
 * Serialized into the Lambda by Pulumi (`aws.lambda.CallbackFunction`): no Pulumi, no runtime
 * imports (SDK v3 clients are `require`d inside the factory; the Lambda Node.js runtime provides
 * them). Every event field is hostile: the alarm name must be one of the group's own (settings),
 * the account and region the function's own, before any AWS call; anything else writes one
 * `rejected` line and throws (the on-failure queue keeps the event).
 */

import { neutralise } from "../core/neutralise";

export const deploymentOnlyModule = true;

/** One alarm of the group, as the report needs it (plain data from core/thresholds.ts). */
export interface ReportedAlarm {
  /** Threshold detection id. */
  id: string;
  /** The Contributor Insights rule the alarm watches. */
  ruleName: string;
  title: string;
  description: string;
  /** critical, high, medium or info: picks the topic. */
  severity: string;
  /** `principal` or `source address`. */
  per: string;
  /** What is counted, plural ("denied calls"). */
  counted: string;
  threshold: number;
  periodSeconds: number;
  /** MITRE ATT&CK technique ids. */
  mitre: string[];
  /** What to do. */
  advice: string;
}

/** SDK client limits (as the remediations'). */
export interface ReporterSdkLimits {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
}

/** Settings of the reporter. Plain data: Pulumi serializes them into the function. */
export interface ThresholdReporterSettings {
  /** The group's alarms by alarm name: no other alarm is reported. */
  alarms: Record<string, ReportedAlarm>;
  /** Alert topic ARN per severity. */
  topicArns: Record<string, string>;
  /** The function's account: an event of any other account is rejected. */
  account: string;
  /** The function's region (the alarms' and rules'). */
  region: string;
  /** @default "aws" */
  partition?: string;
  /** Contributors named in a report (1 to 20). @default 5 */
  topContributors?: number;
  /** @default { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 } */
  sdk?: ReporterSdkLimits;
  /**
   * DynamoDB table (hash key `id`, TTL `expiresAt`) of report claims: one conditional write per
   * alarm and state-change time, so that one ALARM is reported once across all containers.
   * Without it only this container's memory de-duplicates.
   */
  claimTableName?: string;
}

/** The settings the component knows only after deployment (`REPORTER_SETTINGS`, JSON). */
export type DeployedReporterSettings = Pick<
  ThresholdReporterSettings,
  "topicArns" | "account" | "region" | "partition" | "claimTableName"
>;

export interface ReportResult {
  outcome: "reported" | "ignored" | "duplicate";
  alarmName: string;
  eventId: string;
  /** Top contributors named in the message. */
  contributors: Contributor[];
  messageId?: string;
}

/** One contributor: its key (rule keys joined by a space) and its highest count in one period. */
export interface Contributor {
  key: string;
  count: number;
}

/** What an event asks for, read once and checked against the settings. */
export type AlarmEventPlan =
  | { kind: "reject"; reason: string; eventId: string; alarmName: string }
  | { kind: "ignore"; reason: string; eventId: string; alarmName: string }
  | {
      kind: "report";
      eventId: string;
      alarmName: string;
      alarm: ReportedAlarm;
      timestamp: number;
      /** The state change's own time, as written (the claim's key with the alarm name). */
      stateTime: string;
    };

const STATE_CHANGE = "CloudWatch Alarm State Change";

/** The problems of reporter settings (empty when usable). */
export function reporterSettingsProblems(settings: ThresholdReporterSettings): string[] {
  const problems: string[] = [];
  if (!/^\d{12}$/.test(String(settings.account))) problems.push("account: not a 12-digit id");
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(String(settings.region))) problems.push("region: invalid");
  const alarms = settings.alarms;
  if (typeof alarms !== "object" || alarms === null || Object.keys(alarms).length === 0) {
    problems.push("alarms: name at least one alarm");
  } else {
    for (const [name, a] of Object.entries(alarms)) {
      if (!a || typeof a.ruleName !== "string" || !/^[\x21-\x7e]{1,128}$/.test(a.ruleName)) {
        problems.push(`alarms.${name}: ruleName invalid`);
      } else if (!(Number.isInteger(a.periodSeconds) && a.periodSeconds >= 60)) {
        problems.push(`alarms.${name}: periodSeconds invalid`);
      } else if (typeof settings.topicArns?.[a.severity] !== "string") {
        problems.push(`alarms.${name}: no topic for severity ${a.severity}`);
      }
    }
  }
  const top = settings.topContributors ?? 5;
  if (!Number.isInteger(top) || top < 1 || top > 20) problems.push("topContributors: 1 to 20");
  return problems;
}

/**
 * Reads an EventBridge alarm state change: the source, detail type, account and region must be
 * the function's, the alarm one of `alarms` (own properties only: `__proto__` is no alarm) and
 * the resource its ARN; ALARM with a readable timestamp (within 14 days before `now` and 15
 * minutes after) is reported, OK and INSUFFICIENT_DATA are ignored, anything else is rejected.
 */
export function readAlarmEvent(
  event: unknown,
  settings: Pick<ThresholdReporterSettings, "alarms" | "account" | "region" | "partition">,
  now: number,
): AlarmEventPlan {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const text = (v: unknown, max: number) =>
    typeof v === "string" && v.length > 0 && v.length <= max ? v : undefined;
  const e = isObj(event) ? event : {};
  const eventId = text(e.id, 128) && /^[\w-]{1,128}$/.test(e.id as string) ? (e.id as string) : "";
  const detail = isObj(e.detail) ? e.detail : {};
  const rawName = text(detail.alarmName, 255) ?? "";
  const reject = (reason: string): AlarmEventPlan => ({
    kind: "reject",
    reason,
    eventId,
    alarmName: rawName,
  });
  if (!isObj(event)) return reject("the event is not an object");
  if (!eventId) return reject("the event id is not 1-128 letters, digits, - or _");
  if (e.source !== "aws.cloudwatch" || e["detail-type"] !== STATE_CHANGE) {
    return reject(`not a ${STATE_CHANGE} event of aws.cloudwatch`);
  }
  if (e.account !== settings.account) return reject("the event is from another account");
  if (e.region !== settings.region) return reject("the event is from another region");
  if (!rawName || !Object.prototype.hasOwnProperty.call(settings.alarms, rawName)) {
    return reject("the alarm is not one of this group's");
  }
  const alarm = settings.alarms[rawName];
  const arn = `arn:${settings.partition ?? "aws"}:cloudwatch:${settings.region}:${settings.account}:alarm:${rawName}`;
  if (!Array.isArray(e.resources) || e.resources.length !== 1 || e.resources[0] !== arn) {
    return reject("resources is not the alarm's ARN");
  }
  const state = isObj(detail.state) ? detail.state : {};
  if (state.value === "OK" || state.value === "INSUFFICIENT_DATA") {
    return { kind: "ignore", reason: `state ${state.value}`, eventId, alarmName: rawName };
  }
  if (state.value !== "ALARM") return reject("state.value is not ALARM, OK or INSUFFICIENT_DATA");
  const timestamp = Date.parse(text(state.timestamp, 40) ?? "");
  if (!Number.isFinite(timestamp)) return reject("state.timestamp is not a time");
  if (timestamp < now - 14 * 86400_000 || timestamp > now + 900_000) {
    return reject("state.timestamp is more than 14 days old or in the future");
  }
  return {
    kind: "report",
    eventId,
    alarmName: rawName,
    alarm,
    timestamp,
    stateTime: String(state.timestamp),
  };
}

/**
 * The report window: the period that holds `timestamp` (aligned to the period, as CloudWatch
 * aligns its datapoints) and the one before it, for records delivered late.
 */
export function reportWindow(timestamp: number, periodSeconds: number): { start: Date; end: Date } {
  const p = periodSeconds * 1000;
  const end = Math.ceil(timestamp / p) * p;
  return { start: new Date(end - 2 * p), end: new Date(end) };
}

/**
 * The top contributors of a GetInsightRuleReport answer, busiest first: each with its highest
 * count in one period (what the alarm compares), else its aggregate; malformed entries are
 * skipped, at most `n`.
 */
export function topContributors(report: unknown, n: number): Contributor[] {
  const list =
    typeof report === "object" && report !== null
      ? (report as { Contributors?: unknown }).Contributors
      : undefined;
  const out: Contributor[] = [];
  for (const c of Array.isArray(list) ? list : []) {
    if (typeof c !== "object" || c === null) continue;
    const keys = (c as { Keys?: unknown }).Keys;
    if (!Array.isArray(keys) || keys.length === 0) continue;
    const points = (c as { Datapoints?: unknown }).Datapoints;
    const values = (Array.isArray(points) ? points : [])
      .map((d) => (typeof d === "object" && d !== null ? (d as Record<string, unknown>) : {}))
      .map((d) => d.ApproximateValue)
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    const aggregate = (c as { ApproximateAggregateValue?: unknown }).ApproximateAggregateValue;
    const count =
      values.length > 0
        ? Math.max(...values)
        : typeof aggregate === "number" && Number.isFinite(aggregate)
          ? aggregate
          : undefined;
    if (count === undefined) continue;
    out.push({ key: keys.map((k) => String(k)).join(" "), count: Math.round(count) });
  }
  return out.sort((a, b) => b.count - a.count).slice(0, n);
}

/**
 * A hostile string made safe to show in a message body: control, format (bidirectional
 * overrides, zero-width), surrogate and line/paragraph separator characters are written as
 * `\u{...}` escapes; non-ASCII letters stay; clipped to `max` characters with the number left.
 */
export function bodyText(value: string, max = 512): string {
  const escaped = value.replace(
    /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu,
    (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`,
  );
  const chars = [...escaped];
  return chars.length <= max
    ? escaped
    : `${chars.slice(0, max).join("")}... (${chars.length - max} more characters)`;
}

/** SNS subjects: printable ASCII, under 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;

/** The report of one alarm: subject (printable ASCII, at most 99 characters) and body. */
export function renderReport(
  alarm: ReportedAlarm,
  contributors: Contributor[],
  ctx: {
    alarmName: string;
    account: string;
    region: string;
    window: { start: Date; end: Date };
  },
): { subject: string; message: string } {
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");
  const minutes = alarm.periodSeconds / 60;
  const head = `[${alarm.severity.toUpperCase()}]`;
  const tail = ` in ${minutes} min (${ctx.region})`;
  const top = contributors[0];
  let subject: string;
  if (top) {
    const lead = `${head} ${top.count} ${alarm.counted} by `;
    const room = MAX_SUBJECT_LENGTH - lead.length - tail.length;
    const key = neutralise(top.key, { ascii: true, max: 200 });
    const shown = key.length <= room ? key : `${key.slice(0, Math.max(room - 3, 0))}...`;
    subject = `${lead}${shown}${tail}`;
  } else {
    subject = `${head} ${alarm.counted} >= ${alarm.threshold} by one ${alarm.per}${tail}`;
  }
  subject = ascii(subject).slice(0, MAX_SUBJECT_LENGTH);

  const r = encodeURIComponent(ctx.region);
  const base = `https://${r}.console.aws.amazon.com/cloudwatch/home?region=${r}`;
  const width = Math.max(...contributors.map((c) => String(c.count).length), 1);
  const lines = [
    `${head} ${alarm.title}`,
    "",
    alarm.description,
    "",
    contributors.length > 0
      ? `Top contributors, per ${alarm.per} (${alarm.counted} in one ${minutes}-minute period, the highest in the window):`
      : `No contributor was in the rule's report for the window yet (records arrive late): open the rule below.`,
    ...contributors.map(
      (c) => `  ${String(c.count).padStart(width)}  ${neutralise(bodyText(c.key), { max: 2048 })}`,
    ),
    "",
    `Threshold: ${alarm.threshold} ${alarm.counted} by one ${alarm.per} in ${minutes} minute${minutes === 1 ? "" : "s"} (alarm ${ctx.alarmName}).`,
    `Window: ${ctx.window.start.toISOString()} to ${ctx.window.end.toISOString()}.`,
    `Account ${ctx.account}, region ${ctx.region}.`,
    `MITRE ATT&CK: ${alarm.mitre.join(", ")}.`,
    "",
    `What to do: ${alarm.advice}`,
    "",
    `Contributor Insights rule: ${base}#contributorinsights:rules/${encodeURIComponent(alarm.ruleName)}`,
    `Alarm: ${base}#alarmsV2:alarm/${encodeURIComponent(ctx.alarmName)}`,
  ];
  return { subject, message: lines.join("\n") };
}

/** The SDK client configuration: the settings' region, timeouts and attempts. */
function reporterClientConfig(settings: ThresholdReporterSettings) {
  const limits = settings.sdk ?? { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 };
  return {
    region: settings.region,
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      connectionTimeout: limits.connectTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

type DynamoDB = typeof import("@aws-sdk/client-dynamodb");
type DynamoDBClient = import("@aws-sdk/client-dynamodb").DynamoDBClient;

/** The conditional write that claims the report of one state change (`claimId`) at `now`: no claim yet, or one left for two minutes. */
function putClaim(
  claims: DynamoDBClient,
  ddb: DynamoDB,
  table: string,
  claimId: string,
  eventId: string,
  now: number,
) {
  return claims.send(
    new ddb.PutItemCommand({
      TableName: table,
      Item: {
        id: { S: claimId },
        status: { S: "claimed" },
        claimedAt: { N: String(now) },
        eventId: { S: eventId },
        expiresAt: { N: String(Math.floor(now / 1000) + 14 * 86400) },
      },
      ConditionExpression: "attribute_not_exists(id) OR (#s = :claimed AND claimedAt < :stale)",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: {
        ":claimed": { S: "claimed" },
        ":stale": { N: String(now - 120_000) },
      },
    }),
  );
}

/** Gives back the claim `claimId` made for `eventId` (best effort: a failure is ignored). */
async function releaseClaim(
  claims: DynamoDBClient,
  ddb: DynamoDB,
  table: string,
  claimId: string,
  eventId: string,
) {
  await claims
    .send(
      new ddb.DeleteItemCommand({
        TableName: table,
        Key: { id: { S: claimId } },
        ConditionExpression: "#s = :claimed AND eventId = :e",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":claimed": { S: "claimed" }, ":e": { S: eventId } },
      }),
    )
    .catch(() => undefined);
}

/** Marks the claim `claimId` published, with the message id (best effort: a failure is ignored). */
async function markPublished(
  claims: DynamoDBClient,
  ddb: DynamoDB,
  table: string,
  claimId: string,
  messageId: string | undefined,
) {
  await claims
    .send(
      new ddb.UpdateItemCommand({
        TableName: table,
        Key: { id: { S: claimId } },
        UpdateExpression: "SET #s = :published, messageId = :m",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: {
          ":published": { S: "published" },
          ":m": { S: messageId ?? "-" },
        },
      }),
    )
    .catch(() => undefined);
}

/** The rule's report for the window: the top `top` contributors by their maximum value. */
function getReport(
  cloudwatch: import("@aws-sdk/client-cloudwatch").CloudWatchClient,
  cw: typeof import("@aws-sdk/client-cloudwatch"),
  alarm: ReportedAlarm,
  window: { start: Date; end: Date },
  top: number,
) {
  return cloudwatch.send(
    new cw.GetInsightRuleReportCommand({
      RuleName: alarm.ruleName,
      StartTime: window.start,
      EndTime: window.end,
      Period: alarm.periodSeconds,
      MaxContributorCount: top,
      Metrics: ["MaxContributorValue"],
      OrderBy: "Maximum",
    }),
  );
}

/** Publishes the rendered report to `topicArn`. */
function publishReport(
  topics: import("@aws-sdk/client-sns").SNSClient,
  sns: typeof import("@aws-sdk/client-sns"),
  topicArn: string | undefined,
  { subject, message }: { subject: string; message: string },
) {
  return topics.send(
    new sns.PublishCommand({
      TopicArn: topicArn,
      Subject: subject,
      Message: message,
    }),
  );
}

/**
 * The handler: one `GetInsightRuleReport` and one `Publish` per ALARM state change of the
 * group's alarms, across every container: with `claimTableName`, a conditional write keyed by the
 * alarm and the state change's time claims the report first (a second delivery, to this or any
 * other container, is a `duplicate`; a claim left by a container that died is taken over after
 * two minutes; a failed report gives its claim back); no call for
 * OK; a `rejected` line and a throw, before any call, for anything else. A failed report call is
 * logged (`report-failed`) and thrown, without publishing.
 */
export function createThresholdReporter(
  settings: ThresholdReporterSettings,
): (event: unknown) => Promise<ReportResult> {
  const problems = reporterSettingsProblems(settings);
  if (problems.length > 0) throw new Error(`invalid settings: ${problems.join("; ")}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cw: typeof import("@aws-sdk/client-cloudwatch") = require("@aws-sdk/client-cloudwatch");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sns: typeof import("@aws-sdk/client-sns") = require("@aws-sdk/client-sns");
  const config = reporterClientConfig(settings);
  const cloudwatch = new cw.CloudWatchClient(config);
  const topics = new sns.SNSClient(config);
  const table = settings.claimTableName;
  const ddb: typeof import("@aws-sdk/client-dynamodb") | undefined = table
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      require("@aws-sdk/client-dynamodb")
    : undefined;
  const claims = ddb ? new ddb.DynamoDBClient(config) : undefined;
  const top = settings.topContributors ?? 5;
  const seen: string[] = [];
  const fn = process.env.AWS_LAMBDA_FUNCTION_NAME ?? "";
  const log = (line: Record<string, unknown>) =>
    process.stdout.write(`${JSON.stringify({ schemaVersion: 1, functionName: fn, ...line })}\n`);

  return async (event: unknown): Promise<ReportResult> => {
    let plan: AlarmEventPlan;
    try {
      plan = readAlarmEvent(event, settings, Date.now());
    } catch {
      plan = { kind: "reject", reason: "the event could not be read", eventId: "", alarmName: "" };
    }
    if (plan.kind === "reject") {
      log({
        type: "rejected",
        eventId: plan.eventId,
        alarmName: bodyText(plan.alarmName, 255),
        reason: plan.reason,
      });
      throw new Error(`threshold-reporter: rejected event: ${plan.reason}`);
    }
    const { eventId, alarmName } = plan;
    if (plan.kind === "ignore") {
      log({ type: "ignored", eventId, alarmName, reason: plan.reason });
      return { outcome: "ignored", alarmName, eventId, contributors: [] };
    }
    const duplicate = (): ReportResult => {
      log({ type: "duplicate", eventId, alarmName });
      return { outcome: "duplicate", alarmName, eventId, contributors: [] };
    };
    if (seen.includes(eventId)) return duplicate();
    const claimId = `threshold-report#${alarmName}#${plan.stateTime}`;
    if (claims && ddb && table) {
      const now = Date.now();
      try {
        await putClaim(claims, ddb, table, claimId, eventId, now);
      } catch (err) {
        if (err instanceof Error && err.name === "ConditionalCheckFailedException") {
          return duplicate();
        }
        const name = err instanceof Error ? err.name : "Error";
        log({ type: "claim-failed", eventId, alarmName, error: name });
        throw new Error(`threshold-reporter: could not claim the report: ${name}`);
      }
    }
    /** A failed report gives its claim back, so that a retry reports (best effort). */
    const release = async () => {
      if (!claims || !ddb || !table) return;
      await releaseClaim(claims, ddb, table, claimId, eventId);
    };
    const { alarm } = plan;
    const window = reportWindow(plan.timestamp, alarm.periodSeconds);
    let report: unknown;
    try {
      report = await getReport(cloudwatch, cw, alarm, window, top);
    } catch (err) {
      const name = err instanceof Error ? err.name : "Error";
      log({ type: "report-failed", eventId, alarmName, rule: alarm.ruleName, error: name });
      await release();
      throw new Error(`threshold-reporter: GetInsightRuleReport ${alarm.ruleName} failed: ${name}`);
    }
    const contributors = topContributors(report, top);
    const { subject, message } = renderReport(alarm, contributors, {
      alarmName,
      account: settings.account,
      region: settings.region,
      window,
    });
    let published: { MessageId?: string };
    try {
      published = await publishReport(topics, sns, settings.topicArns[alarm.severity], {
        subject,
        message,
      });
    } catch (err) {
      await release();
      throw err;
    }
    if (claims && ddb && table) {
      await markPublished(claims, ddb, table, claimId, published.MessageId);
    }
    seen.push(eventId);
    if (seen.length > 100) seen.shift();
    log({
      type: "reported",
      eventId,
      alarmName,
      rule: alarm.ruleName,
      contributors: contributors.length,
      messageId: published.MessageId ?? "",
    });
    return {
      outcome: "reported",
      alarmName,
      eventId,
      contributors,
      messageId: published.MessageId,
    };
  };
}

/**
 * The factory `CallbackFunction` serializes: `settings` captured as plain data, the topic ARNs,
 * account, region and partition from `REPORTER_SETTINGS` (JSON; they are Outputs at deployment).
 * A missing or malformed value fails at cold start with a clear error.
 */
export function thresholdReporterFactory(
  settings: Omit<ThresholdReporterSettings, keyof DeployedReporterSettings>,
): () => (event: unknown) => Promise<ReportResult> {
  return () => {
    let deployed: unknown;
    try {
      deployed = JSON.parse(process.env.REPORTER_SETTINGS ?? "");
    } catch {
      throw new Error("invalid settings: REPORTER_SETTINGS is not a JSON object");
    }
    if (typeof deployed !== "object" || deployed === null || Array.isArray(deployed)) {
      throw new Error("invalid settings: REPORTER_SETTINGS is not a JSON object");
    }
    const d = deployed as DeployedReporterSettings;
    return createThresholdReporter({
      ...settings,
      topicArns: d.topicArns,
      account: d.account,
      region: d.region,
      partition: d.partition,
      claimTableName: d.claimTableName,
    });
  };
}
