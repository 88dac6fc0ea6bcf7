/**
 * The webhook notifier's handler as Pulumi serializes it, against a local HTTP server (the
 * webhooks) and moto (the secret): hostile alert text for each channel kind, retries with
 * backoff, final failures, and nothing posted for a malformed event.
 */
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CATALOG } from "../../core/catalog";
import { renderAlert } from "../../core/alertMessage";
import { toEventBridgeEvent } from "../../core/cloudtrailEvent";
import { webhookNotifierFactory, type Delivery } from "../../lambdas/webhookNotifier";
import { clientConfig, MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import { VARIANTS } from "../helpers/detectionSamples";
import { serializeHandler } from "../helpers/serialize";

const REGION = "eu-west-1";
const HOSTILE_AGENT =
  "<!channel> <!here> @here <https://evil.example|Open the AWS console> [Approve](https://evil.example) <at>Global Admin</at> \u202etxt.exe\u0007\u001b[31m";

/** Requests the fake webhooks received, and what each path answers next. */
interface Received {
  path: string;
  body: Record<string, unknown>;
}

/** Control characters (newline aside) and the right-to-left override found in `text`. */
function invisible(text: string): string[] {
  return [...text].filter((c) => (c < " " && c !== "\n") || c === "\u202e" || c === "\u007f");
}

/** An SNS event with one record, as Lambda receives it from a topic subscription. */
function snsEvent(message: string, subject: string | null = null, attributes = {}): unknown {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `arn:aws:sns:${REGION}:123456789012:alerts-high:0b1c`,
        Sns: {
          Type: "Notification",
          MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
          TopicArn: `arn:aws:sns:${REGION}:123456789012:alerts-high`,
          Subject: subject,
          Message: message,
          Timestamp: "2026-12-04T18:00:00.000Z",
          MessageAttributes: attributes,
        },
      },
    ],
  };
}

/** The alert the watcher publishes for a real record whose user agent an attacker wrote. */
function hostileAlert(): { subject: string; message: string } {
  const sample = VARIANTS.find((v) => v.name === "GuardDuty detector deleted")!;
  const record = { ...(sample.record as Record<string, unknown>), userAgent: HOSTILE_AGENT };
  const detection = CATALOG.find((d) => d.id === "guardduty-disabled")!;
  return renderAlert(detection, toEventBridgeEvent(record));
}

describe("webhook notifier handler (serialized), against local webhooks and moto", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let restoreEnv: () => void;
  let server: http.Server;
  let base: string;
  let secretArn: string;
  const received: Received[] = [];
  /** Status codes each path answers, in order (then 200). */
  const script = new Map<string, number[]>();
  let secrets: SecretsManagerClient;

  const settings = {
    channels: { secops: "slack", "it-ops": "teams", siem: "generic" },
    maxAttempts: 3,
    baseDelayMs: 1,
    maxDelayMs: 5,
    requestTimeoutMs: 2000,
    secretCacheMs: 0,
    dryRun: false,
  };

  async function handlerWith(overrides: Partial<typeof settings> = {}) {
    process.env.WEBHOOK_SECRET_ARN = secretArn;
    const { handler } = await serializeHandler(
      webhookNotifierFactory({ ...settings, ...overrides }),
    );
    return handler as (event: unknown) => Promise<Delivery[]>;
  }

  async function rejection(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the handler to fail");
  }

  async function putUrls(urls: Record<string, string>): Promise<void> {
    await secrets.send(
      new PutSecretValueCommand({ SecretId: secretArn, SecretString: JSON.stringify(urls) }),
    );
  }

  before(async () => {
    moto = await startMoto();
    restoreEnv = useMotoEnvironment(moto.endpoint, REGION);
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        });
        const next = script.get(req.url ?? "")?.shift() ?? 200;
        res.writeHead(next, next === 429 ? { "retry-after": "0" } : {});
        res.end(next === 200 ? "ok" : "no");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    secrets = new SecretsManagerClient(clientConfig(moto.endpoint, REGION));
    const created = await secrets.send(
      new CreateSecretCommand({ Name: "security-watch/webhooks", SecretString: "{}" }),
    );
    secretArn = created.ARN!;
  });

  after(async () => {
    delete process.env.WEBHOOK_SECRET_ARN;
    await new Promise((resolve) => server.close(resolve));
    restoreEnv?.();
    await moto?.stop();
  });

  beforeEach(async () => {
    received.length = 0;
    script.clear();
    await putUrls({ secops: `${base}/slack`, "it-ops": `${base}/teams`, siem: `${base}/siem` });
  });

  it("posts a hostile alert to Slack, Teams and a generic webhook, neutralised for each", async () => {
    const handler = await handlerWith();
    const alert = hostileAlert();
    expect(alert.subject).to.match(/^\[CRITICAL\] GuardDuty /);
    const deliveries = await handler(snsEvent(alert.message));
    expect(deliveries.map((d) => [d.channel, d.status, d.attempts, d.httpStatus])).to.deep.equal([
      ["secops", "posted", 1, 200],
      ["it-ops", "posted", 1, 200],
      ["siem", "posted", 1, 200],
    ]);
    const byPath = Object.fromEntries(received.map((r) => [r.path, r.body]));

    const slack = byPath["/slack"] as { text: string; blocks: { text: { text: string } }[] };
    expect(slack.text.split("\n")[0]).to.equal(alert.subject);
    const agentLine = slack.text.split("\n").find((l) => l.includes("user agent"))!;
    expect(agentLine).to.contain(
      "&lt;!channel&gt; &lt;!here&gt; @\u2060here &lt;https://evil.example|Open the AWS console&gt; [Approve] (https://evil.example) &lt;at&gt;Global Admin&lt;/at&gt; txt.exe[31m",
    );
    for (const text of [slack.text, ...slack.blocks.map((b) => b.text.text)]) {
      expect(text).to.not.match(/<[!@#]|<https?:|\]\(/);
      expect(invisible(text)).to.deep.equal([]);
    }

    const teams = byPath["/teams"] as {
      type: string;
      attachments: { contentType: string; content: { body: { text: string }[] } }[];
    };
    expect(teams.type).to.equal("message");
    expect(teams.attachments[0].contentType).to.equal("application/vnd.microsoft.card.adaptive");
    const teamsText = teams.attachments[0].content.body.map((b) => b.text).join("\n");
    expect(teamsText).to.contain("\u2039at\u203aGlobal Admin\u2039/at\u203a");
    expect(teamsText).to.not.match(/<|>|\]\(/);
    expect(invisible(teamsText)).to.deep.equal([]);

    const siem = byPath["/siem"] as {
      source: string;
      title: string;
      text: string;
      facts: Record<string, string>;
    };
    expect(siem.source).to.equal("aws-security-watch");
    expect(siem.title).to.equal(alert.subject);
    expect(siem.text).to.contain("<!channel> <!here> @here");
    expect(invisible(siem.text)).to.deep.equal([]);
    expect(siem.facts).to.deep.equal({
      topicArn: `arn:aws:sns:${REGION}:123456789012:alerts-high`,
      messageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
      timestamp: "2026-12-04T18:00:00.000Z",
    });
  });

  it("takes a resolution's Subject as the title and its attributes as facts", async () => {
    const handler = await handlerWith({ channels: { siem: "generic" } as never });
    await handler(
      snsEvent(
        "REMEDIATED: revoked 0.0.0.0/0:22\n\nResolves the alert for CloudTrail event e-1.",
        "[REMEDIATED] sg-0abc 0.0.0.0/0:22 in eu-west-1",
        {
          eventId: { Type: "String", Value: "e-1" },
          outcome: { Type: "String", Value: "remediated" },
          "bad key!": { Type: "String", Value: "dropped" },
        },
      ),
    );
    expect(received).to.have.length(1);
    const body = received[0].body as { title: string; text: string; facts: Record<string, string> };
    expect(body.title).to.equal("[REMEDIATED] sg-0abc 0.0.0.0/0:22 in eu-west-1");
    expect(body.text).to.equal(
      "REMEDIATED: revoked 0.0.0.0/0:22\n\nResolves the alert for CloudTrail event e-1.",
    );
    expect(body.facts.eventId).to.equal("e-1");
    expect(body.facts.outcome).to.equal("remediated");
    expect(body.facts).to.not.have.property("bad key!");
  });

  it("retries 5xx and 429 with backoff, then posts", async () => {
    script.set("/slack", [500, 429]);
    const handler = await handlerWith({ channels: { secops: "slack" } as never });
    const deliveries = await handler(snsEvent('"[HIGH] x"\n"y"'));
    expect(deliveries).to.deep.equal([
      {
        channel: "secops",
        messageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
        status: "posted",
        attempts: 3,
        httpStatus: 200,
      },
    ]);
    expect(received.map((r) => r.path)).to.deep.equal(["/slack", "/slack", "/slack"]);
  });

  it("fails the invocation (to the dead-letter queue) when a channel keeps failing, after posting to the others", async () => {
    script.set("/teams", [503, 503, 503, 503]);
    const handler = await handlerWith();
    const message = await rejection(handler(snsEvent('"[HIGH] x"')));
    expect(message).to.equal("webhook delivery failed: it-ops (HTTP 503 after 3 attempts)");
    expect(received.map((r) => r.path)).to.deep.equal([
      "/slack",
      "/teams",
      "/teams",
      "/teams",
      "/siem",
    ]);
  });

  it("does not retry a 4xx other than 429", async () => {
    script.set("/slack", [404]);
    const handler = await handlerWith({ channels: { secops: "slack" } as never });
    expect(await rejection(handler(snsEvent('"[HIGH] x"')))).to.equal(
      "webhook delivery failed: secops (HTTP 404 after 1 attempts)",
    );
    expect(received).to.have.length(1);
  });

  it("counts a webhook that does not answer as a failed attempt", async () => {
    await putUrls({
      secops: "http://127.0.0.1:9/closed",
      "it-ops": `${base}/teams`,
      siem: `${base}/siem`,
    });
    const handler = await handlerWith({ channels: { secops: "slack" } as never, maxAttempts: 2 });
    expect(await rejection(handler(snsEvent('"[HIGH] x"')))).to.equal(
      "webhook delivery failed: secops (HTTP no answer after 2 attempts)",
    );
  });

  it("names the missing or unusable key of the secret, never a URL", async () => {
    await putUrls({ secops: "http://hooks.slack.com/services/T/B/SECRET", siem: `${base}/siem` });
    const handler = await handlerWith();
    const message = await rejection(handler(snsEvent('"[HIGH] x"')));
    expect(message).to.equal(
      'the webhook secret\'s "secops" is not an https:// URL without credentials; the webhook secret has no "it-ops" (a key per channel, its value the webhook URL)',
    );
    expect(received).to.deep.equal([]);
  });

  it("rejects a malformed event before reading the secret or posting", async () => {
    const handler = await handlerWith();
    expect(await rejection(handler({ Records: "x" }))).to.equal("not an SNS event: no Records");
    expect(await rejection(handler({ Records: [{ EventSource: "aws:sqs", Sns: {} }] }))).to.equal(
      "not an SNS event: record 0 is not from aws:sns",
    );
    expect(
      await rejection(handler({ Records: [{ EventSource: "aws:sns", Sns: { Message: 7 } }] })),
    ).to.equal("not an SNS event: record 0 has no Message");
    expect(received).to.deep.equal([]);
  });

  it("in dry-run posts nothing and reads no secret", async () => {
    process.env.WEBHOOK_SECRET_ARN = "";
    const { handler } = await serializeHandler(
      webhookNotifierFactory({ ...settings, dryRun: true }),
    );
    const deliveries = (await handler(snsEvent('"[HIGH] x"'))) as Delivery[];
    expect(deliveries.map((d) => d.status)).to.deep.equal(["dry-run", "dry-run", "dry-run"]);
    expect(received).to.deep.equal([]);
  });

  it("serializes to a module that requires nothing but the AWS SDK", async () => {
    process.env.WEBHOOK_SECRET_ARN = secretArn;
    const { text } = await serializeHandler(webhookNotifierFactory(settings));
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).to.deep.equal(["@aws-sdk/client-secrets-manager"]);
  });
});
