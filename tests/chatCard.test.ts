import { expect } from "chai";
import * as fc from "fast-check";
import { renderAlert } from "../core/alertMessage";
import { CATALOG } from "../core/catalog";
import {
  applyJsonTransformer,
  buildAlertCardTransformer,
  buildResolutionCardTransformer,
  chatCardProblems,
  renderChatCard,
  resolutionEventPattern,
} from "../core/chatCard";
import { matchesPattern, validatePattern } from "../core/eventPattern";
import { REMEDIATION_IDS } from "../core/types";
import { allEvents } from "./helpers/allEvents";

const EVENTS = allEvents();

/** A Lambda on-success destination event for a result of `remediation`. */
function destinationEvent(result: Record<string, unknown>, request: unknown = {}) {
  return {
    version: "0",
    id: "f3e1c8a2-0000-4000-8000-000000000001",
    "detail-type": "Lambda Function Invocation Result - Success",
    source: "lambda",
    account: "123456789012",
    time: "2026-11-30T10:00:05Z",
    region: "eu-west-1",
    resources: ["arn:aws:lambda:eu-west-1:123456789012:function:remediate-fn:$LATEST"],
    detail: {
      version: "1.0",
      timestamp: "2026-11-30T10:00:05.123Z",
      requestContext: {
        requestId: "0d8e5d3c-0000-4000-8000-000000000002",
        functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:remediate-fn:$LATEST",
        condition: "Success",
        approximateInvokeCount: 1,
      },
      requestPayload: request,
      responseContext: { statusCode: 200, executedVersion: "$LATEST" },
      responsePayload: result,
    },
  };
}

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
    expect(card.content.description).to.include(`*Who:* ${detail.userIdentity.arn}`);
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
        expect(card.content.description).to.include(`x"}],"version":"9${agent}\\\n`);
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

  it("resolution card: from the remediation's result, in the alert's thread", () => {
    const result = {
      remediation: "revoke-world-ingress",
      eventId: "6a1b2c3d-1111-2222-3333-444455556666",
      outcome: "remediated",
      resource: "sg-0abc1234",
      principal: "arn:aws:iam::123456789012:user/mallory",
      actions: ["RevokeSecurityGroupIngress tcp 22 0.0.0.0/0"],
      message: "Revoked tcp 22 from 0.0.0.0/0 on sg-0abc1234.",
    };
    const event = destinationEvent(result);
    expect(matchesPattern(resolutionEventPattern("123456789012"), event)).to.equal(true);
    const card = applyJsonTransformer(buildResolutionCardTransformer(), event) as ReturnType<
      typeof renderChatCard
    >;
    expect(chatCardProblems(card)).to.deep.equal([]);
    expect(card.content.title).to.equal(
      "[RESOLUTION] revoke-world-ingress: remediated on sg-0abc1234",
    );
    expect(card.content.description.split("\n")[0]).to.equal(result.message);
    expect(card.metadata!.threadId).to.equal(result.eventId);
    expect(card.id).to.equal(`resolution-${result.eventId}`);
  });

  it("the resolution rule takes only this account's results that published a resolution", () => {
    const pattern = resolutionEventPattern("123456789012");
    expect(validatePattern(pattern)).to.deep.equal([]);
    const base = { remediation: REMEDIATION_IDS[0], eventId: "e", resource: "r" };
    expect(matchesPattern(pattern, destinationEvent({ ...base, outcome: "dry-run" }))).to.equal(
      true,
    );
    expect(matchesPattern(pattern, destinationEvent({ ...base, outcome: "ignored" }))).to.equal(
      false,
    );
    expect(
      matchesPattern(pattern, {
        ...destinationEvent({ ...base, outcome: "remediated" }),
        account: "999999999999",
      }),
    ).to.equal(false);
    expect(
      matchesPattern(
        pattern,
        destinationEvent({ ...base, remediation: "other-function", outcome: "remediated" }),
      ),
    ).to.equal(false);
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
