/**
 * The chat card renderer (ChatChannels): the one writer of the chat topic besides nothing else
 * of this package. Two inputs, one output (a Chatbot custom notification on the chat topic):
 *
 * - an alert: a detection rule's target delivers, through its input transformer
 *   (core/chatCard.ts), `{"kind":"alert","card":…,"values":…}`: the card built at deployment
 *   with `{{name}}` markers, and the event's values by name. An input template cannot escape
 *   anything (EventBridge only keeps the JSON valid), so the values are neutralised here
 *   (core/neutralise.ts) and only then put into the card;
 * - a resolution: the resolution SNS topic (whose publishers are the package's remediation
 *   functions: the topic's policy and its key's) delivers the remediation's message; its
 *   attributes make the card, threaded under the alert by the CloudTrail event id. Nothing on
 *   the default event bus (where anyone with `events:PutEvents` can write) makes a card.
 *
 * Serialized into the Lambda by Pulumi (`aws.lambda.CallbackFunction`): no Pulumi, no runtime
 * imports (the SDK v3 client is `require`d inside the factory; the Node.js runtime provides it).
 * Anything it does not recognise is rejected (logged, thrown: the on-failure queue keeps it).
 */
import { neutralise } from "../core/neutralise";

export const deploymentOnlyModule = true;

/** Settings of the renderer. Plain data: Pulumi serializes them into the function. */
export interface ChatCardRendererSettings {
  /** The remediation ids whose resolutions make cards. */
  remediationIds: string[];
  /** The outcomes after which a remediation published a resolution. */
  outcomes: string[];
  /** @default "console.aws.amazon.com" */
  consoleDomain?: string;
  /** @default { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 } */
  sdk?: { connectTimeoutMs: number; requestTimeoutMs: number; maxAttempts: number };
}

/** What only the deployment knows (`RENDERER_SETTINGS`, JSON). */
export interface DeployedRendererSettings {
  chatTopicArn: string;
  /** The resolution topic: SNS records of any other topic are rejected. Empty: no resolutions. */
  resolutionTopicArn: string;
  account: string;
}

/** Longest neutralised value in a card; a card string is clipped after filling. */
export const VALUE_MAX = 512;
const STRING_MAX = 4000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `card` with every `{{name}}` in its strings replaced by `values[name]`, neutralised (a value
 * that is not a string as its JSON text, a missing one as nothing). The card's own text (the
 * template, written at deployment) is kept as it is; only the values are hostile.
 */
export function fillCard(card: unknown, values: Json): unknown {
  const value = (name: string) => {
    const v = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    const text = v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
    return neutralise(text, { max: VALUE_MAX });
  };
  const fill = (node: unknown): unknown => {
    if (typeof node === "string") {
      const s = node.replace(/\{\{([A-Za-z0-9_.-]+)\}\}/g, (_m, name: string) => value(name));
      return s.length <= STRING_MAX ? s : `${s.slice(0, STRING_MAX - 14)}...(truncated)`;
    }
    if (Array.isArray(node)) return node.map(fill);
    if (isObject(node)) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  return fill(card);
}

/** One SNS record as Lambda receives it. */
interface SnsRecord {
  TopicArn?: unknown;
  Subject?: unknown;
  Message?: unknown;
  MessageAttributes?: unknown;
}

/**
 * The resolution card for one message of the resolution topic, or a string saying why it makes
 * none (`ignore: …` for messages of the topic that are not remediation resolutions, such as an
 * alarm going back to OK; anything else is a rejection).
 */
export function resolutionCard(
  sns: SnsRecord,
  settings: ChatCardRendererSettings & Pick<DeployedRendererSettings, "account">,
): Json | string {
  const attrs = isObject(sns.MessageAttributes) ? sns.MessageAttributes : {};
  const attr = (k: string) => {
    const a = attrs[k];
    return isObject(a) && typeof a.Value === "string" ? a.Value : undefined;
  };
  const remediation = attr("remediation");
  if (remediation === undefined) return "ignore: not a remediation's resolution";
  if (!settings.remediationIds.includes(remediation))
    return "remediation is not one of this stack's";
  const outcome = attr("outcome") ?? "";
  if (!settings.outcomes.includes(outcome)) return "outcome is not one that publishes a resolution";
  const eventId = attr("eventId") ?? "";
  if (!/^[\w-]{1,64}$/.test(eventId)) return "no valid eventId";
  const account = attr("account");
  if (account !== settings.account) return "the resolution is about another account";
  const region = attr("region") ?? "";
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) return "no valid region";
  const n = (v: unknown, max = VALUE_MAX) => neutralise(v, { max });
  const resource = n(attr("resource"), 200);
  const firstLine = typeof sns.Message === "string" ? sns.Message.split("\n")[0] : "";
  const domain = settings.consoleDomain ?? "console.aws.amazon.com";
  const title = `[RESOLUTION] ${remediation}: ${outcome} on ${resource}`;
  return {
    version: "1.0",
    source: "custom",
    id: `resolution-${eventId}`,
    content: {
      textType: "client-markdown",
      title,
      description: [
        n(firstLine, 1024),
        `*Resource:* ${resource}`,
        `*Caused by:* ${n(attr("principal"))}`,
        `*Mode:* ${n(attr("mode"), 20)}`,
        `*Where:* account ${account}, region ${region}`,
        `*Console:* https://${region}.${domain}/cloudtrailv2/home?region=${region}#/events/${eventId}`,
      ].join("\n"),
      nextSteps: [
        "dry-run: nothing was changed; undo it by hand or switch the remediation to enforce.",
        "exempt: the resource or principal is exempt; confirm the exemption still holds.",
        "The incident record: npm run incidents -- --live, or the saved query One incident's full record.",
      ],
      keywords: ["resolution", remediation, outcome],
    },
    metadata: {
      threadId: eventId,
      summary: title,
      eventType: "aws-security-watch.resolution",
      relatedResources: [resource],
      additionalContext: { remediation, outcome, eventId },
    },
  };
}

/** The handler's answer: the cards published (message ids), or why nothing was. */
export interface RenderResult {
  published: string[];
  ignored: string[];
}

export function chatCardRendererFactory(
  settings: ChatCardRendererSettings,
): () => (event: unknown) => Promise<RenderResult> {
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sns: typeof import("@aws-sdk/client-sns") = require("@aws-sdk/client-sns");
    const deployed = JSON.parse(process.env.RENDERER_SETTINGS ?? "{}") as DeployedRendererSettings;
    const sdk = settings.sdk ?? { connectTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 3 };
    const client = new sns.SNSClient({
      maxAttempts: sdk.maxAttempts,
      requestHandler: {
        connectionTimeout: sdk.connectTimeoutMs,
        requestTimeout: sdk.requestTimeoutMs,
      },
    });
    return (event) => renderAndPublish(event, { ...settings, ...deployed }, client, sns);
  };
}

/** The work of one invocation (see the module doc); throws on what it rejects. */
export async function renderAndPublish(
  event: unknown,
  settings: ChatCardRendererSettings & DeployedRendererSettings,
  client: { send(command: unknown): Promise<{ MessageId?: string }> },
  sns: { PublishCommand: new (input: { TopicArn: string; Message: string }) => unknown },
): Promise<RenderResult> {
  const cards: Json[] = [];
  const ignored: string[] = [];
  const reject = (why: string): never => {
    console.log(JSON.stringify({ type: "rejected", reason: why }));
    throw new Error(`chat card renderer: rejected event: ${why}`);
  };
  if (isObject(event) && Array.isArray(event.Records)) {
    for (const r of event.Records) {
      const record = isObject(r) && isObject(r.Sns) ? (r.Sns as SnsRecord) : undefined;
      if (!record) reject("an SNS record without Sns");
      if (!settings.resolutionTopicArn || record!.TopicArn !== settings.resolutionTopicArn) {
        reject("an SNS message of a topic that is not the resolution topic");
      }
      const card = resolutionCard(record!, settings);
      if (typeof card === "string") {
        if (card.startsWith("ignore: ")) ignored.push(card.slice(8));
        else reject(card);
      } else cards.push(card);
    }
  } else if (isObject(event) && event.kind === "alert") {
    const card = isObject(event.card) ? event.card : reject("an alert without its card");
    const values = isObject(event.values) ? event.values : reject("an alert without its values");
    if (card.version !== "1.0" || card.source !== "custom") reject("not a custom notification");
    cards.push(fillCard(card, values) as Json);
  } else {
    reject("neither an alert card nor a message of the resolution topic");
  }
  const published: string[] = [];
  for (const card of cards) {
    const out = await client.send(
      new sns.PublishCommand({ TopicArn: settings.chatTopicArn, Message: JSON.stringify(card) }),
    );
    published.push(out.MessageId ?? "-");
  }
  console.log(JSON.stringify({ type: "rendered", published, ignored }));
  return { published, ignored };
}
