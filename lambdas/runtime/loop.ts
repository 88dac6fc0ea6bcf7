/**
 * The run loop around a remediator: plan, mode, exemptions, idempotency, inspect/apply,
 * incident record, metric line and resolution message, for one event.
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import {
  type EventFacts,
  type Json,
  type Plan,
  accountOf,
  causedBy,
  isObject,
  partitionOf,
  str,
} from "./event";
import { type ClientClass, accountClients, errorName, withDeadline } from "./clients";
import { accountRefusal, memberCredentials } from "./crossAccount";
import { type AttributeValue, type Recorded, eventRecord } from "./idempotency";
import { FIELD_MAX, clip, metricLine, resolutionMessage } from "./messages";
import {
  CONFIG_COMPLIANCE,
  type InvocationContext,
  type Outcome,
  type RemediationResult,
  type Remediator,
  type RunContext,
} from "./remediator";
import type { RemediationSettings } from "./settings";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

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
  const { id } = remediator;
  const { mode, resolutionTopicArn: topicArn } = settings;
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

    const plan = planEvent(remediator, event, cross, allowed);
    if (plan.kind === "reject") {
      const line = rejectedLine(event, plan, id, mode);
      log({ ...line, functionName: fn, functionVersion: version });
      metric("rejected", Date.now() - started);
      throw new Error(`${id}: rejected event: ${line.reason}`);
    }

    const { facts, resource } = plan;
    const detection =
      detections.find((d) => d.eventNames.includes(facts.eventName)) ??
      detections.find(
        (d) => d.eventNames.length === 0 && d.detailTypes.includes(facts.detailType ?? ""),
      );
    const db = table ? client(ddb.DynamoDBClient, ownAccount, home) : undefined;
    const store =
      table && db
        ? eventRecord(db, ddb, table, `${id}#${facts.account}#${facts.eventId}`, deadline)
        : undefined;
    const run: Invocation<T> = {
      settings,
      remediator,
      plan,
      facts,
      resource,
      client,
      ddb,
      sns,
      ownAccount,
      home,
      store,
      db,
      // A second item per resource: what the last live event on it came to, so that AWS
      // Config's later evaluation of the same change neither acts twice nor sends a second message.
      fromConfig: facts.detailType === CONFIG_COMPLIANCE,
      resourceKey: { id: { S: `${id}#${facts.account}#res#${clip(resource, 900)}` } },
      inTime,
      state: { actions: [], stateBefore: "", stateAfter: "", applying: false, resumed: false },
      claimed: false,
      note: "",
    };
    const { result, outcome, published, error } = await conclude(run);
    const durationMs = Date.now() - started;
    log({
      ...incidentLine(run, detection, { result, outcome, published, error, durationMs }),
      functionName: fn,
      functionVersion: version,
    });
    metric(outcome ?? "failed", durationMs);
    if (outcome === "failed" || !result) throw new Error(`${id}: ${error}`);
    return result;
  };
}

/**
 * The plan for one event: the remediator's (`planResource` for AWS Config compliance changes),
 * any throw a rejection; then an event id that is not 1-128 word characters, or an account this
 * function may not act for (the hub: an excluded one), is a rejection too.
 */
function planEvent<T>(
  remediator: Remediator<T>,
  event: unknown,
  cross: RemediationSettings["crossAccount"],
  allowed: string[],
): Plan<T> {
  const { id } = remediator;
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
  return plan;
}

/** The `rejected` line of a rejected event (without the function's name and version). */
function rejectedLine(
  event: unknown,
  plan: Extract<Plan<unknown>, { kind: "reject" }>,
  id: string,
  mode: string,
): Json & { reason: string } {
  const detail = isObject(event) && isObject(event.detail) ? event.detail : {};
  const eventId =
    plan.facts?.eventId ?? str(detail.eventID) ?? (isObject(event) ? str(event.id) : undefined);
  return {
    type: "rejected",
    schemaVersion: 1,
    remediation: id,
    mode,
    eventId: clip(eventId ?? "", 128),
    account: plan.facts?.account ?? "",
    reason: clip(plan.reason, FIELD_MAX),
  };
}

/** What the decision found and did, for the incident record. */
interface DecisionState {
  actions: string[];
  stateBefore: string;
  stateAfter: string;
  /** The mutating calls began (a later delivery then finishes them). */
  applying: boolean;
  /** An earlier delivery of this event began acting and did not finish. */
  resumed: boolean;
  /** The outcome an earlier delivery recorded (a duplicate delivery). */
  recorded?: Recorded;
}

/** One event being handled: what the run loop's steps share. */
interface Invocation<T> {
  readonly settings: RemediationSettings;
  readonly remediator: Remediator<T>;
  readonly plan: Exclude<Plan<T>, { kind: "reject" }>;
  readonly facts: EventFacts;
  readonly resource: string;
  readonly client: <C>(Client: ClientClass<C>, account: string, region: string) => C;
  readonly ddb: typeof import("@aws-sdk/client-dynamodb");
  readonly sns: typeof import("@aws-sdk/client-sns");
  readonly ownAccount: string;
  readonly home: string;
  readonly store?: ReturnType<typeof eventRecord>;
  readonly db?: import("@aws-sdk/client-dynamodb").DynamoDBClient;
  readonly fromConfig: boolean;
  readonly resourceKey: { id: { S: string } };
  readonly inTime: <R>(work: Promise<R>) => Promise<R>;
  readonly state: DecisionState;
  /** This delivery claimed the idempotency record. */
  claimed: boolean;
  /** Not fatal: the idempotency record could not be written after the decision. */
  note: string;
}

/**
 * The decision, steps 2-4 of {@link makeHandler}: mode off and ignored events (no AWS read), the
 * idempotency claim (a recorded outcome ends here), trusted principals, AWS Config's view of a
 * change a live event already handled, then inspect, the exemption tag, dry-run and apply.
 */
async function decide<T>(run: Invocation<T>): Promise<[Outcome, string]> {
  const { settings, plan, facts, resource, state } = run;
  if (settings.mode === "off") return ["off", "Remediation is off: nothing was read or changed."];
  if (plan.kind === "ignore") return ["ignored", `Ignored: ${plan.reason}.`];
  const claim = await run.store?.claim();
  if (claim && "recorded" in claim) {
    state.recorded = claim.recorded;
    return [claim.recorded[0].outcome, claim.recorded[0].message];
  }
  run.claimed = true;
  state.resumed = claim?.resumed ?? false;
  const trusted = settings.trustedPrincipalArns.find((arn) => causedBy(facts, arn));
  if (trusted) return ["exempt", `Left as is: ${facts.principal} is a trusted principal.`];
  const live =
    run.fromConfig && run.db
      ? (
          await run.db.send(
            new run.ddb.GetItemCommand({
              TableName: settings.idempotencyTableName,
              Key: run.resourceKey,
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
    return await inspectAndApply(run, plan.target, live?.outcome?.S, liveNote);
  } catch (err) {
    if (!run.remediator.gone.includes(errorName(err))) throw err;
    return ["already-safe", `${resource} no longer exists (${errorName(err)}).`];
  }
}

/** Step 4: inspect (reads), then the exemption tag, dry-run, or the fix (enforce). */
async function inspectAndApply<T>(
  run: Invocation<T>,
  target: T,
  liveOutcome: string | undefined,
  liveNote: string,
): Promise<[Outcome, string]> {
  const { settings, facts, resource, state } = run;
  const { mode, exemptTag: tag } = settings;
  const ctx: RunContext = {
    facts,
    client: (Client, region) => run.client(Client, facts.account, region),
    resumed: state.resumed,
  };
  const inspection = await run.remediator.inspect(target, ctx);
  state.stateBefore = inspection.state ?? (inspection.done ? inspection.message : "");
  state.stateAfter = state.stateBefore;
  if (inspection.done === "already-safe" && liveOutcome === "remediated") {
    return ["duplicate", `AWS Config evaluated the change that ${liveNote} undid.`];
  }
  if (inspection.done === "already-safe" && state.resumed) {
    const earlier =
      "An earlier delivery of this event stopped while acting: it may have made it safe.";
    return [inspection.done, `${inspection.message} ${earlier}`];
  }
  if (inspection.done) return [inspection.done, inspection.message];
  if (inspection.tags?.get(tag.key) === tag.value) {
    return ["exempt", `Left as is: ${resource} carries the exemption tag ${tag.key}=${tag.value}.`];
  }
  if (mode === "dry-run") {
    state.actions = inspection.actions;
    return [
      "dry-run",
      `Dry-run: the calls listed would make ${resource} safe; nothing was changed.`,
    ];
  }
  state.applying = true;
  const done = await inspection.apply();
  if (done === undefined) return ["already-safe", `Nothing was left to change on ${resource}.`];
  state.actions = inspection.actions;
  state.stateAfter = inspection.after ?? "";
  return ["remediated", done];
}

/** The text of an error for a record: its name and clipped message. */
function why(err: unknown): string {
  return `${errorName(err) || "Error"}: ${clip((err as Error)?.message ?? String(err), FIELD_MAX)}`;
}

/**
 * Step 5: the decision, then its outcome and message recorded, published (one resolution
 * message), and the message id recorded; for a live event that was remediated or exempt, the
 * per-resource item that AWS Config's later evaluation reads. A failure is returned as `error`
 * (the record is marked failed, so that a later delivery takes the event over).
 */
async function conclude<T>(run: Invocation<T>): Promise<{
  result?: RemediationResult;
  outcome?: string;
  published: string;
  error: string;
}> {
  const { settings, plan, facts, resource, state, inTime } = run;
  const id = run.remediator.id;
  let outcome: string | undefined;
  let published = "";
  let error = "";
  const record = (values: Record<string, AttributeValue>) =>
    inTime(Promise.resolve(run.store?.set(values))).catch((err) => {
      run.note ||= `the idempotency record was not updated: ${why(err)}`;
    });
  try {
    const [decided, message] = await inTime(decide(run));
    outcome = decided;
    let done: RemediationResult = {
      remediation: id,
      eventId: facts.eventId,
      outcome: decided,
      resource,
      principal: facts.principal,
      actions: state.actions,
      message,
    };
    if (plan.kind === "act" && decided !== "off" && decided !== "ignored") {
      let body: string;
      if (state.recorded) {
        [done, body, published] = state.recorded;
        if (published) done = { ...done, outcome: "duplicate", actions: [] };
        outcome = done.outcome;
      } else {
        body = JSON.stringify(
          resolutionMessage(done, facts, settings.mode, plan.found, plan.consoleUrl),
        );
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
          const topic = run.client(run.sns.SNSClient, run.ownAccount, run.home);
          const input = { TopicArn: settings.resolutionTopicArn, ...JSON.parse(body) };
          published =
            (await inTime(topic.send(new run.sns.PublishCommand(input)))).MessageId ?? "-";
          await record({ published: { S: published } });
        } catch (err) {
          error = `could not publish the resolution message: ${why(err)}`;
          // Done deciding: a later delivery may publish at once.
          await record({ leaseUntil: { N: "0" } });
        }
      }
      if (!run.fromConfig && run.db && ["remediated", "exempt"].includes(done.outcome)) {
        const now = Math.floor(Date.now() / 1000);
        await inTime(
          run.db.send(
            new run.ddb.PutItemCommand({
              TableName: settings.idempotencyTableName,
              Item: {
                ...run.resourceKey,
                eventId: { S: facts.eventId },
                outcome: { S: done.outcome },
                message: { S: clip(done.message, FIELD_MAX) },
                expiresAt: { N: String(now + 86400) },
              },
            }),
          ),
        ).catch(() => undefined);
      }
    }
    return {
      result: done,
      outcome: error ? "failed" : outcome,
      published,
      error: error || run.note,
    };
  } catch (err) {
    error = `remediation of ${resource} failed: ${why(err)}`;
    // A later delivery takes the event over (and finishes what this one began).
    if (run.claimed) {
      await record({ status: { S: "failed" }, applying: { BOOL: state.applying } });
    }
    return { outcome: "failed", published, error };
  }
}

/** The incident record of one handled event (without the function's name and version). */
function incidentLine<T>(
  run: Invocation<T>,
  detection: { id: string; attackIds: string[] } | undefined,
  end: {
    result?: RemediationResult;
    outcome?: string;
    published: string;
    error: string;
    durationMs: number;
  },
): Json {
  const { facts, plan, resource, state, settings } = run;
  const found = plan.kind === "act" ? plan.found : "";
  const eventMs = Date.parse(facts.time);
  const c = (v: unknown) => clip(v, FIELD_MAX);
  return {
    type: "incident",
    schemaVersion: 1,
    eventId: facts.eventId,
    eventTime: c(facts.time),
    eventName: c(facts.eventName),
    account: facts.account,
    region: facts.region,
    principal: c(facts.principal),
    sourceIp: c(facts.sourceIp),
    userAgent: c(facts.userAgent),
    detection: detection?.id ?? "",
    attackIds: detection?.attackIds ?? [],
    remediation: run.remediator.id,
    mode: settings.mode,
    resource: c(resource),
    decision: c(plan.kind === "act" ? `${resource} ${found}` : plan.reason),
    stateBefore: c(state.stateBefore),
    stateAfter: c(state.stateAfter),
    actions: (end.result?.actions ?? state.actions).slice(0, 20).map(c),
    outcome: end.outcome,
    message: clip(end.result?.message ?? "", 4 * FIELD_MAX),
    published: end.published,
    error: end.error,
    durationMs: end.durationMs,
    latencyMs: Number.isFinite(eventMs) ? Date.now() - eventMs : -1,
  };
}
