/**
 * The idempotency record of one event (DynamoDB): one remediation and one resolution message
 * however often the event is delivered.
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

/** The recorded outcome of an earlier delivery: result, Publish input (JSON), message id. */
export type Recorded = [RemediationResult, string, string];

/**
 * The idempotency record `id` of one event in `table`. `claim` writes it with a conditional
 * PutItem (no record, a failed one, or one in progress whose lease has lapsed) and says whether
 * an earlier delivery had begun acting (`resumed`); else it reads it: done and published, or done
 * and unpublished with its owner gone (one delivery wins a conditional lease to publish), gives
 * the recorded outcome; in progress, it waits and tries again until the deadline. `set` updates
 * fields, under a condition when given.
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
