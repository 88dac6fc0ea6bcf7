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

/** The key parts of one event (see `eventKey` in the records below). */
export interface EventKey {
  id: string;
  account: string;
  eventId: string;
  mode: string;
  replay?: string;
}

/** The parts of a resource left as is for trusted changes (part label -> event id), and the last event that undid a change on it. */
export interface ResourceRecord {
  exempt: Map<string, string>;
  remediatedBy?: string;
}

/** False when `err` is a failed condition (the write was refused), else rethrows it. */
function conditionFailed(err: unknown): false {
  if (errorName(err) === "ConditionalCheckFailedException") return false;
  throw err;
}

/** The idempotency key of one event (see `key` in `records`). */
function eventKey(k: EventKey, decisive: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hash = (require("crypto") as typeof import("crypto")).createHash("sha256");
  const digest = hash.update(JSON.stringify(decisive)).digest("hex").slice(0, 32);
  const replay = k.replay && /^[\w.-]{1,64}$/.test(k.replay) ? `#r:${k.replay}` : "";
  return `${k.id}#${k.account}#${k.eventId}#${k.mode}#${digest}${replay}`;
}

/** The record of one event in `table`, for the invocation `owner` (see `event` in `records`). */
function eventRecord(
  db: import("@aws-sdk/client-dynamodb").DynamoDBClient,
  ddb: typeof import("@aws-sdk/client-dynamodb"),
  table: string,
  id: string,
  deadline: number,
  owner: string,
) {
  const base = { TableName: table, Key: { id: { S: id } } };
  const lease = () => ({ N: String(deadline + 4000) });
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
          ...[
            [":now", { N: String(Date.now()) }],
            [":failed", { S: "failed" }],
          ].filter(([name]) => condition?.includes(name as string)),
        ]),
        ...(condition
          ? { ReturnValues: "ALL_OLD", ReturnValuesOnConditionCheckFailure: "ALL_OLD" }
          : {}),
      }),
    );
  };
  const claim = async (): Promise<Claimed | { recorded: Recorded }> => {
    for (;;) {
      let old: Record<string, { S?: string }> | undefined;
      const won = await set(
        {
          status: { S: "in-progress" },
          leaseUntil: lease(),
          owner: { S: owner },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) + 7 * 86400) },
        },
        "attribute_not_exists(id) OR #status = :failed OR (#status = :status AND leaseUntil < :now)",
      ).then(
        (out) => ((old = out.Attributes), true),
        (err) => conditionFailed(((old = (err as { Item?: typeof old }).Item), err)),
      );
      if (won) {
        const intent = old?.intent?.S ? (JSON.parse(old.intent.S) as string[]) : undefined;
        return { resumed: !!intent || old?.status?.S === "in-progress", intent };
      }
      const item =
        old ?? (await db.send(new ddb.GetItemCommand({ ...base, ConsistentRead: true }))).Item;
      const status = item?.status?.S;
      if (
        status === "done" ||
        (status === "unpublished" &&
          (await set({ leaseUntil: lease() }, "leaseUntil < :now").then(
            () => true,
            conditionFailed,
          )))
      ) {
        const again = status === "unpublished" || (owner !== "" && item?.owner?.S === owner);
        const result = JSON.parse(item?.result?.S ?? "{}") as RemediationResult;
        return { recorded: [result, item?.message?.S ?? "", again] };
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

/** The per-resource record under `id` in `table` (see `resource` in `records`). */
function resourceRecord(
  db: import("@aws-sdk/client-dynamodb").DynamoDBClient,
  ddb: typeof import("@aws-sdk/client-dynamodb"),
  table: string,
  id: string,
) {
  const Key = { id: { S: id } };
  const read = async (): Promise<ResourceRecord> => {
    const got = await db.send(
      new ddb.GetItemCommand({ TableName: table, Key, ConsistentRead: true }),
    );
    const exempt = new Map<string, string>();
    for (const [name, value] of Object.entries(got.Item ?? {})) {
      if (name.startsWith("x:") && value.S) exempt.set(name.slice(2), value.S);
    }
    return { exempt, remediatedBy: got.Item?.remediatedBy?.S };
  };
  const write = (outcome: "exempt" | "remediated", eventId: string, parts: string[]) => {
    const names = Object.fromEntries(
      parts.slice(0, 50).map((p, i) => [`#p${i}`, `x:${p.slice(0, 200)}`]),
    );
    const refs = Object.keys(names);
    const sets = outcome === "exempt" ? refs.map((r) => `, ${r} = :v`).join("") : ", #r = :v";
    const removes = outcome === "exempt" || !refs.length ? "" : ` REMOVE ${refs.join(", ")}`;
    return db.send(
      new ddb.UpdateItemCommand({
        TableName: table,
        Key,
        UpdateExpression: `SET #e = :e${sets}${removes}`,
        ExpressionAttributeNames: {
          ...names,
          "#e": "expiresAt",
          ...(outcome === "exempt" ? {} : { "#r": "remediatedBy" }),
        },
        ExpressionAttributeValues: {
          ":e": { N: String(Math.floor(Date.now() / 1000) + 90 * 86400) },
          ":v": { S: eventId },
        },
      }),
    );
  };
  return { read, write };
}

/**
 * The records of one function in `table`:
 * - `key(parts, decisive)`: the idempotency key of one event: remediation, account, event id,
 *   plus what the decision depends on, so that no earlier outcome decides for an event it was
 *   not: the mode (a dry-run outcome never blocks a later enforce run), the EventBridge replay
 *   (`npm run replay` decides again, once per replay) and a digest of `decisive` (principal,
 *   resource and change: the same event id from a trusted principal, or naming another
 *   resource, is another decision).
 * - `event(id, deadline, owner)`: the record of one event, for the invocation `owner` (its
 *   Lambda request id, which Lambda's retries of a failed invocation keep; "" when unknown).
 *   `claim`: one conditional UpdateItem (no record, a failed one, or one in progress whose
 *   lease has lapsed) that keeps what an earlier delivery recorded (its intent). Lost, the
 *   record it met (ReturnValuesOnConditionCheckFailure) says: done, the outcome (to publish
 *   again when it is this invocation's own earlier attempt); unpublished, the outcome to publish
 *   under a conditional lease; in progress, wait and try again until the deadline. `intent`:
 *   the mutating calls about to be made, recorded beside them, so that a delivery that takes
 *   over from one that died knows it may have changed the resource. `set`: fields, under a
 *   condition when given.
 * - `resource(id)`: the per-resource record under the resource's canonical id (as AWS Config
 *   names it): `read` (strongly consistent), or after a live outcome `write`: exempt adds the
 *   event's parts (attributes `x:<part>` naming the event), remediated removes them (undone; a
 *   trusted change makes them exempt again) and names the event.
 *
 * @internal run-time code: its types name the AWS SDK, which a consumer does not install.
 */
export function records(
  db: import("@aws-sdk/client-dynamodb").DynamoDBClient,
  ddb: typeof import("@aws-sdk/client-dynamodb"),
  table: string,
) {
  const key = (k: EventKey, decisive: unknown) => eventKey(k, decisive);
  const event = (id: string, deadline: number, owner: string) =>
    eventRecord(db, ddb, table, id, deadline, owner);
  const resource = (id: string) => resourceRecord(db, ddb, table, id);
  return { key, event, resource };
}
