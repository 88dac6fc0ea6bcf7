/**
 * The run loop around a remediator: plan, mode, exemptions, idempotency, inspect/apply,
 * incident record, metric line and resolution message, for one event.
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import { causedBy, isObject, partitionOf, accountOf, str, type Json, type Plan } from "./event";
import { accountClients, errorName, withDeadline } from "./clients";
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
