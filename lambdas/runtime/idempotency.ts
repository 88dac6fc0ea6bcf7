/**
 * The idempotency record of one event (DynamoDB): one remediation and one resolution message
 * however often the event is delivered, and the per-resource record that AWS Config's later
 * evaluations read (which parts of a resource were left as is for a trusted change, and which
 * event undid the last change).
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import { errorName } from "./clients";
import type { Json } from "./event";
import type { RemediationResult } from "./remediator";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/** A DynamoDB attribute value as the run loop writes them. */
export type AttributeValue = { S: string } | { N: string } | { BOOL: boolean };

/**
 * The recorded outcome of an earlier delivery: the result, the Publish input (JSON), and whether
 * this delivery is to publish it (the earlier one could not, or was this invocation's attempt).
 */
export type Recorded = [RemediationResult, string, boolean];

/** What a won claim learns from the record it took over. */
export interface Claimed {
  /** An earlier delivery of this event claimed it and stopped without an outcome. */
  resumed: boolean;
  /** The mutating calls an earlier delivery recorded before it made them (it may have). */
  intent?: string[];
}

/**
 * The idempotency key of one event: remediation, account, event id, plus what the decision
 * depends on, so that no earlier outcome decides for an event it was not: the mode (a dry-run
 * outcome never blocks a later enforce run), the EventBridge replay (`npm run replay` decides
 * again, once per replay) and a digest of the principal, the resource and the change (the same
 * event id from a trusted principal, or naming another resource, is another decision).
 */
export function eventKey(
  parts: { id: string; account: string; eventId: string; mode: string; replay?: string },
  decisive: unknown,
): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const crypto: typeof import("crypto") = require("crypto");
  const digest = crypto
    .createHash("sha256")
    .update(JSON.stringify(decisive))
    .digest("hex")
    .slice(0, 32);
  const replay = parts.replay && /^[\w.-]{1,64}$/.test(parts.replay) ? `#r:${parts.replay}` : "";
  return `${parts.id}#${parts.account}#${parts.eventId}#${parts.mode}#${digest}${replay}`;
}

/**
 * The idempotency record `id` of one event in `table`, for the invocation `owner` (its Lambda
 * request id, which Lambda's retries of a failed invocation keep; "" when unknown).
 * - `claim`: one conditional UpdateItem (no record, a failed one, or one in progress whose lease
 *   has lapsed) that keeps what an earlier delivery recorded (its intent). Lost, the record it
 *   met (ReturnValuesOnConditionCheckFailure) says: done, the outcome (to publish again when it
 *   is this invocation's own earlier attempt); unpublished, the outcome to publish under a
 *   conditional lease; in progress, wait and try again until the deadline.
 * - `intent`: the mutating calls about to be made, recorded beside them, so that a delivery that
 *   takes over from one that died knows it may have changed the resource.
 * - `set`: fields (the outcome, a failure), under a condition when given.
 */
export function eventRecord(
  db: import("@aws-sdk/client-dynamodb").DynamoDBClient,
  ddb: typeof import("@aws-sdk/client-dynamodb"),
  table: string,
  id: string,
  deadline: number,
  owner: string,
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
  const update = (values: Record<string, AttributeValue>, condition?: string, extra?: Json) => {
    const keys = Object.keys(values);
    return new ddb.UpdateItemCommand({
      ...base,
      UpdateExpression: `SET ${keys.map((k) => `#${k} = :${k}`).join(", ")}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: Object.fromEntries(keys.map((k) => [`#${k}`, k])),
      ExpressionAttributeValues: Object.fromEntries([
        ...keys.map((k) => [`:${k}`, values[k]]),
        ...(condition?.includes(":now") ? [[":now", now()]] : []),
        ...Object.entries(extra ?? {}),
      ]),
      ...(condition
        ? { ReturnValues: "ALL_OLD", ReturnValuesOnConditionCheckFailure: "ALL_OLD" }
        : {}),
    } as ConstructorParameters<typeof ddb.UpdateItemCommand>[0]);
  };
  const set = (values: Record<string, AttributeValue>, condition?: string) =>
    db.send(update(values, condition));
  const claim = async (): Promise<Claimed | { recorded: Recorded }> => {
    for (;;) {
      let old: Record<string, { S?: string }> | undefined;
      const sent = db.send(
        update(
          {
            status: { S: "in-progress" },
            leaseUntil: lease(),
            owner: { S: owner },
            expiresAt: { N: String(Math.floor(Date.now() / 1000) + 7 * 86400) },
          },
          "attribute_not_exists(id) OR #status = :failed OR (#status = :status AND leaseUntil < :now)",
          { ":failed": { S: "failed" } },
        ),
      );
      const claimed = await won(
        sent.then(
          (out) => (old = out.Attributes as typeof old),
          (err) => {
            old = (err as { Item?: typeof old }).Item;
            throw err;
          },
        ),
      );
      if (claimed) {
        const intent = old?.intent?.S ? (JSON.parse(old.intent.S) as string[]) : undefined;
        return { resumed: !!intent || old?.status?.S === "in-progress", intent };
      }
      const item =
        old ?? (await db.send(new ddb.GetItemCommand({ ...base, ConsistentRead: true }))).Item;
      const status = item?.status?.S;
      const again = status === "done" && owner !== "" && item?.owner?.S === owner;
      if (
        status === "done" ||
        (status === "unpublished" && (await won(set({ leaseUntil: lease() }, "leaseUntil < :now"))))
      ) {
        const result = JSON.parse(item?.result?.S ?? "{}") as RemediationResult;
        return { recorded: [result, item?.message?.S ?? "", status === "unpublished" || again] };
      }
      if (Date.now() + 500 > deadline) {
        throw new Error("another delivery of this event is being handled; retry later");
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const intent = (actions: string[]) =>
    set({ intent: { S: JSON.stringify(actions.slice(0, 20)) } });
  return { claim, intent, set };
}

/** The parts of a resource left as is for trusted changes (part label -> event id), and the last event that undid a change on it. */
export interface ResourceRecord {
  exempt: Map<string, string>;
  remediatedBy?: string;
}

/** Attribute names of the per-resource record: `x:<part>` holds the event that exempted the part. */
const PART = "x:";

/**
 * The per-resource record `id` (the resource's canonical id, as AWS Config names it): `read`
 * it (strongly consistent), or after a live outcome `write` it: exempt adds the event's parts,
 * remediated removes them (they are undone; a trusted change later makes them exempt again) and
 * names the event.
 */
export function resourceRecord(
  db: import("@aws-sdk/client-dynamodb").DynamoDBClient,
  ddb: typeof import("@aws-sdk/client-dynamodb"),
  table: string,
  id: string,
) {
  const Key = { id: { S: id } };
  const read = async (): Promise<ResourceRecord> => {
    const item = (
      await db.send(new ddb.GetItemCommand({ TableName: table, Key, ConsistentRead: true }))
    ).Item;
    const exempt = new Map<string, string>();
    for (const [name, value] of Object.entries(item ?? {})) {
      if (name.startsWith(PART) && value.S) exempt.set(name.slice(PART.length), value.S);
    }
    return { exempt, remediatedBy: item?.remediatedBy?.S };
  };
  const write = (outcome: "exempt" | "remediated", eventId: string, parts: string[]) => {
    const names: Record<string, string> = { "#e": "expiresAt" };
    parts.slice(0, 50).forEach((p, i) => (names[`#p${i}`] = `${PART}${p.slice(0, 200)}`));
    const refs = Object.keys(names).filter((n) => n !== "#e");
    const values: Record<string, AttributeValue> = {
      ":e": { N: String(Math.floor(Date.now() / 1000) + 90 * 86400) },
      ":v": { S: eventId },
    };
    let expression: string;
    if (outcome === "exempt") {
      expression = `SET #e = :e, ${refs.map((r) => `${r} = :v`).join(", ")}`;
    } else {
      names["#r"] = "remediatedBy";
      expression = `SET #e = :e, #r = :v${refs.length ? ` REMOVE ${refs.join(", ")}` : ""}`;
    }
    if (outcome === "exempt" && refs.length === 0) return Promise.resolve(undefined);
    return db.send(
      new ddb.UpdateItemCommand({
        TableName: table,
        Key,
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  };
  return { read, write };
}
