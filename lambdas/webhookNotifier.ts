/**
 * The webhook notifier (components/webhookNotifier.ts): subscribed to the alert and resolution
 * topics, it posts each message as a readable card to Slack and Microsoft Teams incoming webhooks
 * and to generic JSON webhooks. The URLs are secrets (whoever has one can post to the channel):
 * they live in one Secrets Manager secret, a JSON object of channel label to URL, read at run
 * time and never logged.
 *
 * Each post is retried with exponential backoff (429 and 5xx and network errors; `Retry-After`
 * honoured up to the longest delay); a 4xx other than 429 is final. When a channel still fails,
 * the invocation fails, and Lambda puts the SNS event into the function's dead-letter queue (no
 * Lambda retry: the function has retried already, and a retry would post twice to the channels
 * that succeeded). A malformed event fails the same way, after posting nothing.
 *
 * No Pulumi; serialized into the function by `aws.lambda.CallbackFunction`. The SDK client is
 * `require`d inside the factory: the Node.js Lambda runtime provides the AWS SDK v3.
 */
import {
  clipText,
  neutraliseForJson,
  neutraliseForSlack,
  neutraliseForTeams,
} from "../core/neutralise";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/** Plain settings captured in the function (no Output): the channels and the retry policy. */
export interface WebhookNotifierSettings {
  /** Channel label (a key of the secret's JSON object) to kind: slack, teams or generic. */
  channels: Record<string, string>;
  /** Attempts per post, the first included. */
  maxAttempts: number;
  /** Delay before the first retry; doubled at each retry, with jitter. */
  baseDelayMs: number;
  /** Longest delay between two attempts (a longer Retry-After is cut to it). */
  maxDelayMs: number;
  /** Limit of one HTTP request. */
  requestTimeoutMs: number;
  /** How long the secret's value is kept in memory before it is read again. */
  secretCacheMs: number;
  /** Render and log the cards (without URLs), post nothing. */
  dryRun: boolean;
}

/** A card as the notifier renders it for every channel: a title and lines of text. */
export interface WebhookCard {
  title: string;
  lines: string[];
  /** Structured facts for generic webhooks (SNS message attributes, the topic, the message id). */
  facts: Record<string, string>;
}

/** One channel's outcome for one message. */
export interface Delivery {
  channel: string;
  messageId: string;
  status: "posted" | "dry-run" | "failed";
  attempts: number;
  /** HTTP status of the last attempt, 0 when none answered. */
  httpStatus: number;
}

/** Longest title and body: far inside Slack's and Teams' limits (40,000 characters, 28 KB). */
const TITLE_MAX = 250;
const BODY_MAX = 3500;

/**
 * The card of one SNS message: a Chatbot custom notification (the chat topic's JSON) by its
 * title and description; a CloudWatch alarm notification by its alarm and reason; else the text
 * of an alert (one quoted line per line, as the watcher's input transformer delivers it) or a
 * resolution (Subject and Message). Every value is a string from here on, whatever the event held.
 */
export function cardOf(sns: Record<string, unknown>): WebhookCard {
  const text = (v: unknown): string => (typeof v === "string" ? v : "");
  const message = text(sns.Message);
  const facts: Record<string, string> = {
    topicArn: text(sns.TopicArn),
    messageId: text(sns.MessageId),
    timestamp: text(sns.Timestamp),
  };
  const attributes = sns.MessageAttributes;
  if (attributes && typeof attributes === "object" && !Array.isArray(attributes)) {
    for (const [key, value] of Object.entries(attributes as Record<string, unknown>).slice(0, 20)) {
      const v = value && typeof value === "object" ? (value as { Value?: unknown }).Value : "";
      if (typeof v === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(key)) facts[key] = v;
    }
  }
  let parsed: unknown;
  try {
    parsed = message.trimStart().startsWith("{") ? JSON.parse(message) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const p = parsed as Record<string, unknown>;
    const content = p.content as Record<string, unknown> | undefined;
    if (p.source === "custom" && content && typeof content === "object") {
      const steps = Array.isArray(content.nextSteps) ? content.nextSteps.map(text) : [];
      return {
        title: text(content.title) || text(sns.Subject) || "aws-security-watch",
        lines: [...text(content.description).split("\n"), ...steps.filter((s) => s !== "")],
        facts,
      };
    }
    if (typeof p.AlarmName === "string") {
      return {
        title: `[${text(p.NewStateValue) || "ALARM"}] ${p.AlarmName}`,
        lines: [
          text(p.AlarmDescription),
          text(p.NewStateReason),
          `Where: account ${text(p.AWSAccountId)}, ${text(p.Region)}`,
          `When: ${text(p.StateChangeTime)}`,
        ].filter((l) => l.trim() !== "" && !l.endsWith(", ") && l !== "When: "),
        facts: { ...facts, alarmName: p.AlarmName, state: text(p.NewStateValue) },
      };
    }
  }
  const lines = message
    .split(/\r?\n/)
    .map((line) =>
      line.length >= 2 && line.startsWith('"') && line.endsWith('"') ? line.slice(1, -1) : line,
    );
  const subject = text(sns.Subject);
  if (subject !== "" && subject !== "AWS Notification Message") {
    return { title: subject, lines, facts };
  }
  const first = lines.findIndex((l) => l.trim() !== "");
  return {
    title: first < 0 ? "aws-security-watch" : lines[first],
    lines: first < 0 ? [] : lines.slice(first + 1),
    facts,
  };
}

/** The request body for one channel kind, every text neutralised for that channel. */
export function payloadFor(kind: string, card: WebhookCard): Record<string, unknown> {
  const title = clipText(card.title, TITLE_MAX);
  const body = clipText(
    card.lines
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
    BODY_MAX,
  );
  if (kind === "slack") {
    const t = neutraliseForSlack(title);
    const b = neutraliseForSlack(body);
    return {
      text: b ? `${t}\n${b}` : t,
      blocks: [
        { type: "header", text: { type: "plain_text", text: clipText(stripForHeader(t), 150) } },
        ...(b ? [{ type: "section", text: { type: "mrkdwn", text: b } }] : []),
      ],
      unfurl_links: false,
      unfurl_media: false,
    };
  }
  if (kind === "teams") {
    const t = neutraliseForTeams(title);
    const b = neutraliseForTeams(body);
    return {
      type: "message",
      attachments: [
        {
          contentType: "application/vnd.microsoft.card.adaptive",
          content: {
            $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
            type: "AdaptiveCard",
            version: "1.4",
            body: [
              { type: "TextBlock", text: t, weight: "Bolder", size: "Medium", wrap: true },
              ...b.split("\n").map((line) => ({
                type: "TextBlock",
                text: line || " ",
                wrap: true,
                spacing: "None",
              })),
            ],
          },
        },
      ],
    };
  }
  return {
    source: "aws-security-watch",
    title: neutraliseForJson(title),
    text: neutraliseForJson(body),
    facts: Object.fromEntries(
      Object.entries(card.facts).map(([k, v]) => [k, neutraliseForJson(clipText(v, 1024))]),
    ),
  };
}

/** A Slack header is plain text: the entities written by neutraliseForSlack read as themselves. */
function stripForHeader(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** A webhook URL the notifier posts to: https, or http on the loopback address (local tests). */
export function isWebhookUrl(value: unknown): boolean {
  if (typeof value !== "string") return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== "" || url.password !== "") return false;
  if (url.protocol === "https:") return url.hostname !== "";
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/**
 * The handler: `(event) => Promise<Delivery[]>` for SNS events. `readSecret` returns the secret's
 * string; the factory below passes a Secrets Manager GetSecretValue, a test may pass another.
 */
export function createWebhookNotifier(
  settings: WebhookNotifierSettings,
  readSecret: () => Promise<string>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): (event: unknown) => Promise<Delivery[]> {
  let cached: { urls: Record<string, string>; until: number } | undefined;
  const urls = async (): Promise<Record<string, string>> => {
    if (cached && cached.until > Date.now()) return cached.urls;
    let value: unknown;
    try {
      value = JSON.parse(await readSecret());
    } catch (error) {
      if (error instanceof SyntaxError) {
        throw new Error("the webhook secret is not a JSON object of channel label to URL");
      }
      throw error;
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      throw new Error("the webhook secret is not a JSON object of channel label to URL");
    }
    const found = value as Record<string, unknown>;
    const problems = Object.keys(settings.channels)
      .filter((label) => !isWebhookUrl(found[label]))
      .map((label) =>
        label in found
          ? `the webhook secret's "${label}" is not an https:// URL without credentials`
          : `the webhook secret has no "${label}" (a key per channel, its value the webhook URL)`,
      );
    if (problems.length > 0) throw new Error(problems.join("; "));
    cached = {
      urls: Object.fromEntries(Object.keys(settings.channels).map((l) => [l, String(found[l])])),
      until: Date.now() + settings.secretCacheMs,
    };
    return cached.urls;
  };

  const post = async (
    url: string,
    body: string,
  ): Promise<{ ok: boolean; status: number; attempts: number }> => {
    let status = 0;
    for (let attempt = 1; ; attempt++) {
      let retryAfterMs = 0;
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
          redirect: "error",
          signal: AbortSignal.timeout(settings.requestTimeoutMs),
        });
        status = response.status;
        await response.arrayBuffer().catch(() => undefined);
        if (status >= 200 && status < 300) return { ok: true, status, attempts: attempt };
        if (status !== 429 && status < 500) return { ok: false, status, attempts: attempt };
        const seconds = Number(response.headers.get("retry-after"));
        retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
      } catch {
        status = 0;
      }
      if (attempt >= settings.maxAttempts) return { ok: false, status, attempts: attempt };
      const backoff = settings.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      await sleep(Math.min(Math.max(backoff, retryAfterMs), settings.maxDelayMs));
    }
  };

  return async (event: unknown): Promise<Delivery[]> => {
    const records = (event as { Records?: unknown } | null)?.Records;
    if (!Array.isArray(records) || records.length === 0) {
      throw new Error("not an SNS event: no Records");
    }
    const messages = records.map((record, i) => {
      const r = record as { EventSource?: unknown; Sns?: unknown } | null;
      if (!r || r.EventSource !== "aws:sns" || !r.Sns || typeof r.Sns !== "object") {
        throw new Error(`not an SNS event: record ${i} is not from aws:sns`);
      }
      if (typeof (r.Sns as { Message?: unknown }).Message !== "string") {
        throw new Error(`not an SNS event: record ${i} has no Message`);
      }
      return cardOf(r.Sns as Record<string, unknown>);
    });
    const targets = settings.dryRun ? {} : await urls();
    const deliveries: Delivery[] = [];
    for (const card of messages) {
      for (const [channel, kind] of Object.entries(settings.channels)) {
        const body = JSON.stringify(payloadFor(kind, card));
        const messageId = card.facts.messageId;
        if (settings.dryRun) {
          console.log(JSON.stringify({ dryRun: true, channel, kind, messageId, body }));
          deliveries.push({ channel, messageId, status: "dry-run", attempts: 0, httpStatus: 0 });
          continue;
        }
        const result = await post(targets[channel], body);
        deliveries.push({
          channel,
          messageId,
          status: result.ok ? "posted" : "failed",
          attempts: result.attempts,
          httpStatus: result.status,
        });
      }
    }
    console.log(JSON.stringify({ deliveries }));
    const failed = deliveries.filter((d) => d.status === "failed");
    if (failed.length > 0) {
      throw new Error(
        `webhook delivery failed: ${failed.map((d) => `${d.channel} (HTTP ${d.httpStatus || "no answer"} after ${d.attempts} attempts)`).join(", ")}`,
      );
    }
    return deliveries;
  };
}

/**
 * The factory for `CallbackFunction.callbackFactory`: the secret's id comes from the function's
 * environment (`WEBHOOK_SECRET_ARN`, an Output at deployment), the rest from `settings`.
 */
export function webhookNotifierFactory(
  settings: WebhookNotifierSettings,
): () => (event: unknown) => Promise<Delivery[]> {
  return () => {
    const secretId = process.env.WEBHOOK_SECRET_ARN ?? "";
    if (!settings.dryRun && secretId === "") {
      throw new Error("invalid settings: WEBHOOK_SECRET_ARN is not set");
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sm: typeof import("@aws-sdk/client-secrets-manager") = require("@aws-sdk/client-secrets-manager");
    const client = new sm.SecretsManagerClient({ maxAttempts: 3 });
    return createWebhookNotifier(settings, async () => {
      const out = await client.send(new sm.GetSecretValueCommand({ SecretId: secretId }));
      if (typeof out.SecretString !== "string") {
        throw new Error("the webhook secret has no SecretString (store it as text, a JSON object)");
      }
      return out.SecretString;
    });
  };
}
