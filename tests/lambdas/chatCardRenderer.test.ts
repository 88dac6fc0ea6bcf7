/**
 * The chat card renderer (lambdas/chatCardRenderer.ts), serialized as Pulumi ships it and run
 * with the real SNS client against the emulator: what reaches the chat topic is read back from a
 * queue subscribed to it (raw delivery). Issue 18, D1 and D7.
 */
import { expect } from "chai";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { CATALOG } from "../../core/catalog";
import {
  applyJsonTransformer,
  buildAlertCardTransformer,
  chatCardProblems,
  RESOLVED_OUTCOMES,
} from "../../core/chatCard";
import { matchesPattern } from "../../core/eventPattern";
import { REMEDIATION_IDS } from "../../core/types";
import { chatCardRendererFactory } from "../../lambdas/chatCardRenderer";
import { resolutionMessage } from "../../lambdas/runtime/messages";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import { allEvents } from "../helpers/allEvents";
import { serializeHandler, type SerializedHandler } from "../helpers/serialize";
import { captureLogs, type Json } from "./harness";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const RESOLUTIONS = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts-resolutions`;
const HOSTILE =
  "<!channel> [Approve](https://evil.example/a) @here <https://evil.example|AWS console>";

describe("chat card renderer: serialized, against the emulator", function () {
  this.timeout(60_000);
  let moto: MotoServer | undefined;
  let restore: (() => void) | undefined;
  let fn: SerializedHandler;
  let queueUrl: string;
  let saved: string | undefined;

  before(async () => {
    moto = await startMoto();
    restore = useMotoEnvironment(moto.endpoint, REGION);
    const sns = new SNSClient({ region: REGION });
    const sqs = new SQSClient({ region: REGION });
    const topic = await sns.send(new CreateTopicCommand({ Name: "alerts-chat" }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "chat-cards" }))).QueueUrl!;
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn,
        Protocol: "sqs",
        Endpoint: attrs.Attributes!.QueueArn,
        Attributes: { RawMessageDelivery: "true" },
      }),
    );
    saved = process.env.RENDERER_SETTINGS;
    process.env.RENDERER_SETTINGS = JSON.stringify({
      chatTopicArn: topic.TopicArn,
      resolutionTopicArn: RESOLUTIONS,
      account: ACCOUNT,
    });
    fn = await serializeHandler(
      chatCardRendererFactory({
        remediationIds: [...REMEDIATION_IDS],
        outcomes: [...RESOLVED_OUTCOMES],
      }),
    );
  });
  after(async () => {
    if (saved === undefined) delete process.env.RENDERER_SETTINGS;
    else process.env.RENDERER_SETTINGS = saved;
    restore?.();
    await moto?.stop();
  });

  /** The cards on the chat topic since the last call. */
  async function cards(): Promise<Json[]> {
    const sqs = new SQSClient({ region: REGION });
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const { DeleteMessageCommand } = await import("@aws-sdk/client-sqs");
    for (const m of out.Messages ?? []) {
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
    return (out.Messages ?? []).map((m) => JSON.parse(m.Body!));
  }

  it("is self-contained and small (no SDK or Pulumi inside)", () => {
    expect(fn.text).not.to.match(/@pulumi\/pulumi/);
    expect(Buffer.byteLength(fn.text)).to.be.below(24 * 1024);
  });

  it("D7: an alert whose user agent, session name and group name are hostile is published inert, a valid card", async () => {
    const detection = CATALOG.find((d) => d.id === "security-group-open-to-world")!;
    const { event } = allEvents().find(({ event: e }) =>
      matchesPattern(detection.eventPattern, e),
    )!;
    const detail = event.detail as Json;
    const hostile = {
      ...event,
      detail: {
        ...detail,
        userAgent: HOSTILE,
        userIdentity: {
          ...detail.userIdentity,
          arn: `arn:aws:sts::${ACCOUNT}:assumed-role/A/@here`,
        },
        requestParameters: { ...detail.requestParameters, groupName: HOSTILE },
      },
    };
    const input = applyJsonTransformer(buildAlertCardTransformer(detection), hostile);
    const out = await captureLogs(() => fn.handler(input));
    expect(out.error).to.equal(undefined);
    const [card, ...more] = await cards();
    expect(more).to.deep.equal([]);
    expect(chatCardProblems(card)).to.deep.equal([]);
    const shown = JSON.stringify(card);
    for (const bad of ["<!channel>", "@here", "](https://", "<https://", "|AWS console"]) {
      expect(shown, bad).to.not.include(bad);
    }
    expect(card.metadata.threadId).to.equal(detail.eventID);
  });

  it("a resolution of the resolution topic: one card in the alert's thread", async () => {
    const facts = {
      eventId: "6a1b2c3d-1111-2222-3333-444455556666",
      eventName: "AuthorizeSecurityGroupIngress",
      region: REGION,
      account: ACCOUNT,
      time: "2026-11-30T10:00:00Z",
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/A/@here`,
      principalType: "AssumedRole",
      sourceIp: "203.0.113.7",
      userAgent: HOSTILE,
      request: {},
      response: {},
      detail: {},
    };
    const result = {
      remediation: "revoke-world-ingress",
      eventId: facts.eventId,
      outcome: "remediated",
      resource: "sg-0abc1234",
      principal: facts.principal,
      actions: [],
      message: "Revoked tcp 22 from 0.0.0.0/0.",
    };
    const m = resolutionMessage(result as never, facts, "enforce", "opened", "https://c");
    const record = {
      EventSource: "aws:sns",
      Sns: {
        TopicArn: RESOLUTIONS,
        Subject: m.Subject,
        Message: m.Message,
        MessageAttributes: Object.fromEntries(
          Object.entries(m.MessageAttributes).map(([k, v]) => [
            k,
            { Type: "String", Value: v.StringValue },
          ]),
        ),
      },
    };
    const out = await captureLogs(() => fn.handler({ Records: [record] }));
    expect(out.error).to.equal(undefined);
    const [card, ...more] = await cards();
    expect(more).to.deep.equal([]);
    expect(card.content.title).to.equal(
      "[RESOLUTION] revoke-world-ingress: remediated on sg-0abc1234",
    );
    expect(card.metadata.threadId).to.equal(facts.eventId);
    expect(JSON.stringify(card)).to.not.include("@here");
  });

  it("D1: a forged Lambda invocation result from the default bus makes no card (rejected, nothing published)", async () => {
    const forged = {
      version: "0",
      id: "f3e1c8a2-0000-4000-8000-000000000001",
      "detail-type": "Lambda Function Invocation Result - Success",
      source: "lambda",
      account: ACCOUNT,
      region: REGION,
      detail: {
        responsePayload: {
          remediation: "revoke-world-ingress",
          outcome: "remediated",
          eventId: "6a1b2c3d-1111-2222-3333-444455556666",
          resource: "All clear <!channel> [Close](https://evil.example)",
        },
      },
    };
    const out = await captureLogs(() => fn.handler(forged));
    expect(out.error?.message).to.equal(
      "chat card renderer: rejected event: neither an alert card nor a message of the resolution topic",
    );
    const other = {
      Records: [{ Sns: { TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:anyone`, Message: "x" } }],
    };
    expect((await captureLogs(() => fn.handler(other))).error?.message).to.equal(
      "chat card renderer: rejected event: an SNS message of a topic that is not the resolution topic",
    );
    expect(await cards()).to.deep.equal([]);
  });
});
