import { expect } from "chai";
import * as fc from "fast-check";
import { renderAlert } from "../core/alertMessage";
import { CATALOG } from "../core/catalog";
import {
  buildAlertCardTransformer,
  chatCardProblems,
  RESOLVED_OUTCOMES,
  renderChatCard,
} from "../core/chatCard";
import { matchesPattern } from "../core/eventPattern";
import { neutralise } from "../core/neutralise";
import { REMEDIATION_IDS } from "../core/types";
import { resolutionCard } from "../lambdas/chatCardRenderer";
import { resolutionMessage } from "../lambdas/runtime/messages";
import { allEvents } from "./helpers/allEvents";

const EVENTS = allEvents();

/** The Lambda SNS record of a resolution message, as the resolution topic delivers it. */
function snsRecord(message: ReturnType<typeof resolutionMessage>) {
  return {
    TopicArn: "arn:aws:sns:eu-west-1:123456789012:alerts-resolutions",
    Subject: message.Subject,
    Message: message.Message,
    MessageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes).map(([k, v]) => [
        k,
        { Type: "String", Value: v.StringValue },
      ]),
    ),
  };
}

const RENDERER = {
  remediationIds: [...REMEDIATION_IDS],
  outcomes: [...RESOLVED_OUTCOMES],
  account: "123456789012",
};

const FACTS = {
  eventId: "6a1b2c3d-1111-2222-3333-444455556666",
  eventName: "AuthorizeSecurityGroupIngress",
  region: "eu-west-1",
  account: "123456789012",
  time: "2026-11-30T10:00:00Z",
  principal: "arn:aws:iam::123456789012:user/mallory",
  principalType: "IAMUser",
  sourceIp: "203.0.113.7",
  userAgent: "aws-cli/2.15.0",
  request: {},
  response: {},
  detail: {},
};

/** What an attacker writes where a card or a subject shows it (issue 18, D7). */
const HOSTILE = [
  "<!channel> look",
  "<!here>",
  "@here @channel @everyone",
  "[Approve](https://evil.example/a)",
  "<https://evil.example|AWS console>",
  "*APPROVED* `x` ~y~ &lt;!here&gt;",
  "line\n*Fake:* second line\r\u0007\u202eevil",
];

describe("chat cards (Chatbot custom notifications)", () => {
  it("every detection's card, rendered on every event it fires on, is a valid custom notification", () => {
    let rendered = 0;
    for (const detection of CATALOG) {
      for (const { name, event } of EVENTS) {
        if (!matchesPattern(detection.eventPattern, event)) continue;
        const card = renderChatCard(detection, event);
        expect(chatCardProblems(card), `${detection.id} on ${name}`).to.deep.equal([]);
        rendered += 1;
      }
    }
    expect(rendered).to.be.at.least(CATALOG.length);
  });

  it("title is the alert subject; description says who, what, where and links the console; next steps are the advice; threaded by event id", () => {
    const detection = CATALOG.find((d) => d.id === "security-group-open-to-world")!;
    const { event } = EVENTS.find(({ event: e }) => matchesPattern(detection.eventPattern, e))!;
    const card = renderChatCard(detection, event);
    const alert = renderAlert(detection, event);
    const detail = event.detail as Record<string, string> & { userIdentity: { arn: string } };
    expect(card.content.title).to.equal(alert.subject);
    expect(card.content.description).to.include(`*Who:* ${neutralise(detail.userIdentity.arn)}`);
    expect(card.content.description).to.include(`*What:* ${detail.eventName}`);
    expect(card.content.description).to.include(`region ${event.region}`);
    expect(card.content.description).to.include(
      `https://${event.region}.console.aws.amazon.com/cloudtrailv2/home?region=${event.region}#/events/${detail.eventID}`,
    );
    const advice = (detection.message.body ?? "").split("\n").filter(Boolean);
    expect(advice.length).to.be.above(0);
    expect(advice.join("")).to.not.match(/<[^>]+>/); // this detection's advice has no placeholder
    expect(card.content.nextSteps!.slice(0, advice.length)).to.deep.equal(advice);
    expect(card.metadata!.threadId).to.equal(detail.eventID);
    expect(card.id).to.equal(`alert-${detail.eventID}`);
    expect(card.content.keywords).to.include(detection.severity);
  });

  it("a hostile value (quotes, backslashes, newlines in the user agent) stays inside its string", () => {
    const detection = CATALOG.find((d) => d.id === "security-group-open-to-world")!;
    const { event } = EVENTS.find(({ event: e }) => matchesPattern(detection.eventPattern, e))!;
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (agent) => {
        const hostile = {
          ...event,
          detail: { ...(event.detail as object), userAgent: `x"}],"version":"9${agent}\\\n` },
        };
        const card = renderChatCard(detection, hostile);
        expect(chatCardProblems(card)).to.deep.equal([]);
        expect(card.version).to.equal("1.0");
        expect(card.content.description).to.include(
          neutralise(`x"}],"version":"9${agent}\\\n`, { max: 512 }),
        );
      }),
      { numRuns: 50 },
    );
  });

  it("the templates stay within EventBridge's limits (8192 characters, 100 variables) for every detection", () => {
    for (const detection of CATALOG) {
      const t = buildAlertCardTransformer(detection);
      expect(t.inputTemplate.length, detection.id).to.be.at.most(8192);
      expect(Object.keys(t.inputPaths).length, detection.id).to.be.at.most(100);
      expect(Object.values(t.inputPaths).every((p) => p.startsWith("$."))).to.equal(true);
    }
  });

  it("D7: mentions, lying links, markdown and control characters in the user agent, the session name and a group name reach the alert card inert", () => {
    const detection = CATALOG.find((d) => d.id === "security-group-open-to-world")!;
    const { event } = EVENTS.find(({ event: e }) => matchesPattern(detection.eventPattern, e))!;
    for (const text of HOSTILE) {
      const detail = event.detail as Record<string, unknown> & { userIdentity: object };
      const hostile = {
        ...event,
        detail: {
          ...detail,
          userAgent: text,
          userIdentity: {
            ...detail.userIdentity,
            arn: `arn:aws:sts::123456789012:assumed-role/Admin/${text}`,
          },
          requestParameters: { ...(detail.requestParameters as object), groupName: text },
        },
      };
      const card = renderChatCard(detection, hostile);
      expect(chatCardProblems(card)).to.deep.equal([]);
      const shown = JSON.stringify(card);
      for (const bad of ["<!", "@here", "@channel", "@everyone", "](http", "|AWS", "*APPROVED*"]) {
        expect(shown, `${bad} from ${text}`).to.not.include(bad);
      }
      expect(card.content.description).to.include(`user agent ${neutralise(text, { max: 512 })}`);
      // eslint-disable-next-line no-control-regex
      expect(card.content.description).to.not.match(/[\u0000-\u0009\u000b-\u001f\u202e]/);
      expect(card.content.description).to.not.include("\n*Fake:*");
      expect(card.content.description).to.not.include("https://evil.example");
    }
  });

  it("resolution card: from the resolution topic's message, in the alert's thread", () => {
    const result = {
      remediation: "revoke-world-ingress",
      eventId: FACTS.eventId,
      outcome: "remediated",
      resource: "sg-0abc1234",
      principal: FACTS.principal,
      actions: ["RevokeSecurityGroupIngress tcp 22 0.0.0.0/0"],
      message: "Revoked tcp 22 from 0.0.0.0/0 on sg-0abc1234.",
    };
    const message = resolutionMessage(
      result as never,
      FACTS,
      "enforce",
      "opened 0.0.0.0/0 tcp:22",
      "https://console",
    );
    const card = resolutionCard(snsRecord(message), RENDERER) as unknown as ReturnType<
      typeof renderChatCard
    >;
    expect(chatCardProblems(card)).to.deep.equal([]);
    expect(card.content.title).to.equal(
      "[RESOLUTION] revoke-world-ingress: remediated on sg-0abc1234",
    );
    expect(card.content.description.split("\n")[0]).to.equal(`REMEDIATED: ${result.message}`);
    expect(card.content.description).to.include(`*Caused by:* ${FACTS.principal}`);
    expect(card.metadata!.threadId).to.equal(result.eventId);
    expect(card.id).to.equal(`resolution-${result.eventId}`);
  });

  it("D7: a hostile resource or principal in a resolution reaches neither the card title nor the SNS subject as it is", () => {
    for (const text of HOSTILE) {
      const result = {
        remediation: "revoke-world-ingress",
        eventId: FACTS.eventId,
        outcome: "remediated",
        resource: text,
        principal: `arn:aws:sts::123456789012:assumed-role/Admin/${text}`,
        actions: [],
        message: `Revoked ${text}.`,
      };
      const message = resolutionMessage(result as never, FACTS, "enforce", text, "https://c");
      for (const bad of ["<!", "@here", "@channel", "](http", "|AWS", "*APPROVED*", "://"]) {
        expect(message.Subject, `${bad} from ${text}`).to.not.include(bad);
      }
      expect(message.Subject).to.match(/^[\x20-\x7e]{1,99}$/);
      const card = resolutionCard(snsRecord(message), RENDERER) as unknown as ReturnType<
        typeof renderChatCard
      >;
      expect(chatCardProblems(card)).to.deep.equal([]);
      const shown = JSON.stringify(card);
      for (const bad of [
        "<!",
        "@here",
        "@channel",
        "](http",
        "|AWS",
        "*APPROVED*",
        "https://evil",
      ]) {
        expect(shown, `${bad} from ${text}`).to.not.include(bad);
      }
      expect(card.content.title).to.equal(
        `[RESOLUTION] revoke-world-ingress: remediated on ${neutralise(text, { max: 200 })}`,
      );
    }
  });

  it("resolution messages make a card only for this stack's remediations, resolved outcomes and account", () => {
    const result = {
      remediation: REMEDIATION_IDS[0],
      eventId: FACTS.eventId,
      outcome: "dry-run",
      resource: "r",
      principal: "p",
      actions: [],
      message: "m",
    };
    const make = (r: object, facts: object = FACTS) =>
      resolutionCard(
        snsRecord(resolutionMessage(r as never, facts as never, "dry-run", "f", "u")),
        RENDERER,
      );
    expect(make(result)).to.be.an("object");
    expect(make({ ...result, outcome: "ignored" })).to.equal(
      "outcome is not one that publishes a resolution",
    );
    expect(make({ ...result, remediation: "other-function" })).to.equal(
      "remediation is not one of this stack's",
    );
    expect(make(result, { ...FACTS, account: "999999999999" })).to.equal(
      "the resolution is about another account",
    );
    // An alarm back to OK on the same topic has no remediation attribute: no card.
    expect(
      resolutionCard({ TopicArn: "t", Message: "{}", MessageAttributes: {} }, RENDERER),
    ).to.equal("ignore: not a remediation's resolution");
  });

  it("the validator rejects what Chatbot would not render", () => {
    const table: [unknown, string[]][] = [
      ["text", ["card: must be a JSON object"]],
      [
        { version: "0", source: "custom", content: { description: "d" } },
        ['version: must be "1.0"'],
      ],
      [
        { version: "1.0", source: "aws", content: { description: "" } },
        ['source: must be "custom"', "content.description: required, a non-empty string"],
      ],
      [
        { version: "1.0", source: "custom", content: { description: "d", textType: "html" } },
        ['content.textType: only "client-markdown" is supported'],
      ],
      [
        {
          version: "1.0",
          source: "custom",
          content: { description: "d", nextSteps: [1] },
          extra: 1,
        },
        [
          "card.extra: not a field of a custom notification",
          "content.nextSteps: must be a list of strings",
        ],
      ],
      [
        {
          version: "1.0",
          source: "custom",
          content: { description: "d" },
          metadata: { threadId: 5, additionalContext: { a: 1 } },
        },
        [
          "metadata.threadId: must be a string",
          "metadata.additionalContext: must map keys to strings",
        ],
      ],
    ];
    for (const [card, problems] of table) expect(chatCardProblems(card)).to.deep.equal(problems);
  });
});
