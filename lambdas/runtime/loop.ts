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
import { type AttributeValue, type Recorded, type ResourceRecord, records } from "./idempotency";
import { FIELD_MAX, clip, metricLine, resolutionMessage } from "./messages";
import {
  CONFIG_COMPLIANCE,
  type ChangedParts,
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
 * 3. the idempotency record (`idempotencyTableName`), claimed by one conditional write beside the
 *    reads (`inspect`), so that a run costs the round trips of the floor (read, change, publish):
 *    the key is remediation, account, event id, mode, the EventBridge replay and a digest of
 *    principal, resource and change (a dry-run outcome never blocks an enforce run, a replay
 *    decides again, a trusted principal's event id or another resource never decides for the
 *    attacker's). A delivery that finds it done reports `duplicate` and changes nothing (unless
 *    it is Lambda's retry of the invocation that wrote it, or the message was never published:
 *    then it publishes the recorded message); one that finds it in progress waits for it,
 *    within the time budget. Trusted principals are claimed too (one EXEMPT message).
 * 4. exemption tag, dry-run, then the change, with the intent recorded beside it: a delivery
 *    that takes over from one that died knows the change may have been made, and reports what
 *    was done (REMEDIATED), not ALREADY SAFE. All within the time budget (the SDK clients have
 *    their own timeouts and attempts too).
 * 5. the outcome is recorded beside the publish (one resolution message; at least once: a kill
 *    after the publish makes Lambda's retry send it again); after a live outcome, remediations
 *    that AWS Config also reports on record per resource (canonical id) the parts a trusted
 *    change made, which their AWS Config planners leave as is, and the event that undid one.
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
    let resumed = false;
    let claimed = false;
    /** The changes an earlier delivery of this event recorded it was about to make. */
    let takenOver: string[] | undefined;
    /** Set when the outcome changes the per-resource record (a trusted change, an undo). */
    let changed: Promise<ChangedParts> | undefined;
    const kept = table
      ? records(client(ddb.DynamoDBClient, ownAccount, home), ddb, table)
      : undefined;
    const replay = isObject(event) ? str(event["replay-name"]) : undefined;
    const target = plan.kind === "act" ? plan.target : undefined;
    const store = kept?.event(
      kept.key({ id, account: facts.account, eventId: facts.eventId, mode, replay }, [
        facts.principal,
        resource,
        found,
        target ?? null,
      ]),
      deadline,
      context?.awsRequestId ?? "",
    );
    let recorded: Recorded | undefined;
    const fromConfig = facts.detailType === CONFIG_COMPLIANCE;
    const keeps = !!remediator.planResource && !!store;
    const perResource = (name: string) =>
      kept!.resource(`${id}#${facts.account}#res#${clip(name, 900)}`);
    const reads = new Map<string, Promise<ResourceRecord>>();
    const exempted = (name: string): Promise<ResourceRecord> => {
      if (!reads.has(name)) {
        const empty = { exempt: new Map<string, string>() };
        reads.set(name, keeps ? perResource(name).read() : Promise.resolve(empty));
      }
      return reads.get(name)!;
    };
    const ctx: RunContext = {
      facts,
      client: (Client, region) => client(Client, facts.account, region),
      get resumed() {
        return resumed;
      },
      exempted,
    };
    const quiet = <R>(p: Promise<R>) => (p.catch(() => undefined), p);
    const partsOf = (t: T) => {
      if (keeps && !fromConfig) {
        changed = quiet(
          remediator.changedParts?.(t, ctx) ?? Promise.resolve({ resource, parts: ["*"] }),
        );
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
    /** Whether this delivery won the claim (else `recorded` holds the earlier outcome). */
    const claim = async (): Promise<boolean> => {
      const won = await store?.claim();
      if (won && "recorded" in won) {
        recorded = won.recorded;
        return false;
      }
      claimed = !!won;
      resumed = won?.resumed ?? false;
      takenOver = won?.intent;
      return true;
    };

    const decide = async (): Promise<[Outcome, string]> => {
      if (mode === "off") return ["off", "Remediation is off: nothing was read or changed."];
      if (plan.kind === "ignore") return ["ignored", `Ignored: ${plan.reason}.`];
      const t = plan.target;
      if (settings.trustedPrincipalArns.some((arn) => causedBy(facts, arn))) {
        partsOf(t);
        if (!(await claim())) return [recorded![0].outcome, recorded![0].message];
        return ["exempt", `Left as is: ${facts.principal} is a trusted principal.`];
      }
      const live = fromConfig ? quiet(exempted(resource)) : undefined;
      const inspection = quiet(remediator.inspect(t, ctx));
      if (!(await claim())) return [recorded![0].outcome, recorded![0].message];
      const earlier = takenOver?.length
        ? (): [Outcome, string] => {
            actions = takenOver!;
            return [
              "remediated",
              `${resource} is safe: an earlier delivery of this event made the change (${actions.join("; ")}) and stopped before it recorded the outcome.`,
            ];
          }
        : undefined;
      try {
        const rec = await live;
        const whole = rec?.exempt.get("*");
        if (whole) {
          return [
            "exempt",
            `Left as is, as the live event ${whole} on ${resource} was: a trusted principal made the change.`,
          ];
        }
        const state = await inspection;
        stateBefore = state.state ?? (state.done ? state.message : "");
        stateAfter = stateBefore;
        if (state.done === "already-safe" && rec?.remediatedBy) {
          return [
            "duplicate",
            `AWS Config evaluated the change that the live event ${rec.remediatedBy} on ${resource} undid.`,
          ];
        }
        if (state.done === "already-safe" && earlier) return earlier();
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
        const intent = store?.intent(state.actions).catch((err) => {
          note ||= `the intent was not recorded: ${why(err)}`;
        });
        const [done] = await Promise.all([state.apply(), intent]);
        if (done === undefined) {
          return earlier?.() ?? ["already-safe", `Nothing was left to change on ${resource}.`];
        }
        actions = state.actions;
        stateAfter = state.after ?? "";
        partsOf(t);
        return ["remediated", done];
      } catch (err) {
        if (!gone.includes(errorName(err))) throw err;
        return ["already-safe", `${resource} no longer exists (${errorName(err)}).`];
      }
    };

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
        let publish: boolean;
        const writes: Promise<unknown>[] = [];
        if (recorded) {
          [done, body, publish] = recorded;
          if (!publish) done = { ...done, outcome: "duplicate", actions: [] };
          outcome = done.outcome;
        } else {
          body = JSON.stringify(resolutionMessage(done, facts, mode, found, plan.consoleUrl));
          publish = done.outcome !== "duplicate";
          writes.push(
            record({
              status: { S: "done" },
              result: { S: JSON.stringify(done) },
              message: { S: body },
            }),
          );
          const kind = done.outcome;
          if (changed && (kind === "exempt" || kind === "remediated")) {
            const write = async () => {
              const { resource: name, parts } = await changed!;
              await inTime(perResource(name).write(kind, eventId, parts));
            };
            writes.push(
              write().catch((err) => {
                note ||= `the resource record was not updated: ${why(err)}`;
              }),
            );
          }
        }
        let unpublished = false;
        if (publish) {
          try {
            const topic = client(sns.SNSClient, ownAccount, home);
            const input = { TopicArn: topicArn, ...JSON.parse(body) };
            published = (await inTime(topic.send(new sns.PublishCommand(input)))).MessageId ?? "-";
          } catch (err) {
            error = `could not publish the resolution message: ${why(err)}`;
            unpublished = true;
          }
        }
        await Promise.all(writes);
        if (unpublished) await record({ status: { S: "unpublished" }, leaseUntil: { N: "0" } });
        else if (recorded && publish) await record({ status: { S: "done" } });
      }
      result = done;
    } catch (err) {
      error = `remediation of ${resource} failed: ${why(err)}`;
      if (claimed) await record({ status: { S: "failed" } });
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
