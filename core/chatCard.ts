/**
 * Chat cards: the alert and the resolution as AWS Chatbot (Amazon Q Developer in chat
 * applications) custom notifications, produced by EventBridge input transformers on the chat
 * topic's targets. No Pulumi.
 *
 * Chatbot renders only its own formats; a custom notification is
 * `{"version":"1.0","source":"custom","id":…,"content":{"textType":"client-markdown","title":…,
 * "description":…,"nextSteps":[…],"keywords":[…]},"metadata":{"threadId":…,"summary":…,
 * "eventType":…,"relatedResources":[…],"additionalContext":{…}}}`
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html). Notifications with
 * the same `threadId` are threaded in the channel (when its preferences allow it): the alert and
 * its resolution both carry the CloudTrail event id.
 *
 * The template is JSON with `<name>` placeholders inside strings. EventBridge puts a value into
 * a JSON template so that the output stays valid JSON (a quote in a user agent is escaped), and a
 * missing path renders as nothing (Amazon EventBridge User Guide, "Amazon EventBridge input
 * transformation"); {@link renderChatCard} does the same locally.
 *
 * Resolutions: a remediation function's return value (lambdas/runtime/remediator.ts RemediationResult)
 * reaches the default event bus through the function's on-success destination, as a
 * "Lambda Function Invocation Result - Success" event whose `detail.requestPayload` is the
 * original event and `detail.responsePayload` the result
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 */
import {
  InputTransformer,
  MAX_INPUT_TEMPLATE_LENGTH,
  severityTag,
  valueAtPath,
} from "./alertMessage";
import { commonFieldsOf, Detection, EventOrigin, MAX_INPUT_PATHS } from "./detection";
import { EventPattern } from "./eventPattern";
import { REMEDIATION_IDS } from "./types";

export interface ChatCardOptions {
  /**
   * Host suffix of the AWS console in the links.
   * @default "console.aws.amazon.com"
   */
  readonly consoleDomain?: string;
}

/** A Chatbot custom notification, as this package fills it. */
export interface ChatCard {
  readonly version: string;
  readonly source: string;
  readonly id?: string;
  readonly content: {
    readonly textType?: string;
    readonly title?: string;
    readonly description: string;
    readonly nextSteps?: string[];
    readonly keywords?: string[];
  };
  readonly metadata?: {
    readonly threadId?: string;
    readonly summary?: string;
    readonly eventType?: string;
    readonly relatedResources?: string[];
    readonly additionalContext?: Record<string, string>;
  };
}

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

/** The outcomes after which a remediation published a resolution message (lambdas/runtime/loop.ts). */
export const RESOLVED_OUTCOMES = ["remediated", "already-safe", "exempt", "dry-run"];

/** The card's lines about the event, by origin (placeholders of commonFieldsOf). */
function whoWhatWhere(origin: EventOrigin | undefined, domain: string): string[] {
  if (origin === EventOrigin.AwsHealth) {
    return [
      "*What:* AWS Health <eventTypeCode> (service <service>) since <startTime>",
      "*AWS Health says:* <healthDescription>",
      "*Where:* account <account>, delivered in region <region>",
      `*Console:* https://${domain}/health/home#/account/event-log?eventID=<eventArn>`,
    ];
  }
  if (origin === EventOrigin.AwsConfig) {
    return [
      "*What:* <resourceType> <resourceId> is <complianceType> under AWS Config rule <configRuleName> (evaluated <recordedTime>)",
      "*AWS Config says:* <annotation>",
      "*Where:* account <account>, region <region>",
      `*Console:* https://<region>.${domain}/config/home?region=<region>#/rules/details?configRuleName=<configRuleName>`,
    ];
  }
  return [
    "*What:* <eventName> (<eventSource>) at <eventTime>",
    "*Who:* <principal> (<principalType>)",
    "*From:* <sourceIp>, user agent <userAgent>",
    "*Where:* account <account>, region <region>",
    `*Console:* https://<region>.${domain}/cloudtrailv2/home?region=<region>#/events/<eventId>`,
  ];
}

/** The alert card of a detection, with `<name>` placeholders (before JSON encoding). */
export function alertCardTemplate(detection: Detection, options: ChatCardOptions = {}): ChatCard {
  const domain = options.consoleDomain ?? "console.aws.amazon.com";
  const { subject, resource, body } = detection.message;
  const title = `${severityTag(detection.severity)} ${subject}`;
  const advice = (body ?? "").split("\n").filter((line) => line !== "");
  const remediation = detection.remediation
    ? `Automatic remediation ${detection.remediation} answers in this thread when the stack enables it.`
    : "No automatic remediation for this detection: a person acts.";
  const attack = detection.references.mitre ?? [];
  return {
    version: "1.0",
    source: "custom",
    id: "alert-<eventId>",
    content: {
      textType: "client-markdown",
      title,
      description: [
        `*${detection.title}:* ${detection.description}`,
        ...(resource ? [`*Resource:* ${resource}`] : []),
        ...whoWhatWhere(detection.origin, domain),
      ].join("\n"),
      nextSteps: [...advice, remediation],
      keywords: [detection.severity, detection.id, ...attack],
    },
    metadata: {
      threadId: "<eventId>",
      summary: title,
      eventType: "aws-security-watch.alert",
      relatedResources: resource ? [resource] : [],
      additionalContext: {
        detection: detection.id,
        severity: detection.severity,
        eventId: "<eventId>",
        references: [...(detection.references.cis ?? []), ...attack].join(", "),
      },
    },
  };
}

/** Placeholders of the resolution card: paths into the Lambda destination event. */
export const RESOLUTION_FIELDS: Readonly<Record<string, string>> = {
  remediation: "detail.responsePayload.remediation",
  outcome: "detail.responsePayload.outcome",
  resource: "detail.responsePayload.resource",
  principal: "detail.responsePayload.principal",
  message: "detail.responsePayload.message",
  eventId: "detail.responsePayload.eventId",
  account: "account",
  region: "region",
  functionArn: "detail.requestContext.functionArn",
};

/** The resolution card, with `<name>` placeholders of {@link RESOLUTION_FIELDS}. */
export function resolutionCardTemplate(options: ChatCardOptions = {}): ChatCard {
  const domain = options.consoleDomain ?? "console.aws.amazon.com";
  const title = "[RESOLUTION] <remediation>: <outcome> on <resource>";
  return {
    version: "1.0",
    source: "custom",
    id: "resolution-<eventId>",
    content: {
      textType: "client-markdown",
      title,
      description: [
        "<message>",
        "*Resource:* <resource>",
        "*Caused by:* <principal>",
        "*Where:* account <account>, region <region>",
        "*Remediation function:* <functionArn>",
        `*Console:* https://<region>.${domain}/cloudtrailv2/home?region=<region>#/events/<eventId>`,
      ].join("\n"),
      nextSteps: [
        "dry-run: nothing was changed; undo it by hand or switch the remediation to enforce.",
        "exempt: the resource or principal is exempt; confirm the exemption still holds.",
        "The incident record: npm run incidents -- --live, or the saved query One incident's full record.",
      ],
      keywords: ["resolution", "<remediation>", "<outcome>"],
    },
    metadata: {
      threadId: "<eventId>",
      summary: title,
      eventType: "aws-security-watch.resolution",
      relatedResources: ["<resource>"],
      additionalContext: {
        remediation: "<remediation>",
        outcome: "<outcome>",
        eventId: "<eventId>",
      },
    },
  };
}

/** The input transformer that turns `card` (with placeholders) into its JSON template. */
function transformerOf(card: ChatCard, fields: Readonly<Record<string, string>>, what: string) {
  const inputTemplate = JSON.stringify(card);
  const inputPaths: Record<string, string> = {};
  for (const match of inputTemplate.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!(name in fields)) throw new Error(`${what}: unknown placeholder <${name}>`);
    inputPaths[name] = `$.${fields[name]}`;
  }
  if (Object.keys(inputPaths).length > MAX_INPUT_PATHS) {
    throw new Error(`${what}: more than ${MAX_INPUT_PATHS} variables`);
  }
  if (inputTemplate.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw new Error(
      `${what}: the card template is ${inputTemplate.length} characters, the maximum is ${MAX_INPUT_TEMPLATE_LENGTH}`,
    );
  }
  return { inputPaths, inputTemplate };
}

/** The input transformer of a detection's chat target. */
export function buildAlertCardTransformer(
  detection: Detection,
  options: ChatCardOptions = {},
): InputTransformer {
  const fields = { ...commonFieldsOf(detection), ...(detection.message.fields ?? {}) };
  return transformerOf(alertCardTemplate(detection, options), fields, `detection ${detection.id}`);
}

/** The input transformer of the resolution rule's chat target. */
export function buildResolutionCardTransformer(options: ChatCardOptions = {}): InputTransformer {
  return transformerOf(resolutionCardTemplate(options), RESOLUTION_FIELDS, "resolution card");
}

/** The pattern of the resolution rule: successful results of the package's remediations that published a resolution. */
export function resolutionEventPattern(account: string): EventPattern {
  return {
    source: ["lambda"],
    "detail-type": ["Lambda Function Invocation Result - Success"],
    account: [account],
    detail: {
      responsePayload: {
        remediation: [...REMEDIATION_IDS],
        outcome: [...RESOLVED_OUTCOMES],
      },
    },
  };
}

/**
 * What EventBridge would deliver for `event` through `transformer`, parsed: each placeholder's
 * value JSON-escaped into its string (strings as they are, other values as JSON text, missing
 * paths as nothing). Throws when the result is not JSON.
 */
export function applyJsonTransformer(transformer: InputTransformer, event: unknown): unknown {
  const values: Record<string, string> = {};
  for (const [name, path] of Object.entries(transformer.inputPaths)) {
    const value = valueAtPath(event, path);
    const text =
      value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
    values[name] = JSON.stringify(text).slice(1, -1);
  }
  const output = transformer.inputTemplate.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name] : whole,
  );
  return JSON.parse(output);
}

/** The alert card a detection's chat target delivers for `event`. */
export function renderChatCard(
  detection: Detection,
  event: unknown,
  options: ChatCardOptions = {},
): ChatCard {
  return applyJsonTransformer(buildAlertCardTransformer(detection, options), event) as ChatCard;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function unknownKeys(value: Record<string, unknown>, known: string[], path: string): string[] {
  return Object.keys(value)
    .filter((k) => !known.includes(k))
    .map((k) => `${path}.${k}: not a field of a custom notification`);
}

/**
 * The problems that keep `card` from being a Chatbot custom notification (field by field, after
 * the schema of the Chatbot administrator guide); empty when it is one.
 */
export function chatCardProblems(card: unknown): string[] {
  if (!isObject(card)) return ["card: must be a JSON object"];
  const problems = unknownKeys(card, ["version", "source", "id", "content", "metadata"], "card");
  if (card.version !== "1.0") problems.push('version: must be "1.0"');
  if (card.source !== "custom") problems.push('source: must be "custom"');
  if (card.id !== undefined && !isString(card.id)) problems.push("id: must be a string");
  const content = card.content;
  if (!isObject(content)) {
    problems.push("content: required, an object");
  } else {
    problems.push(
      ...unknownKeys(
        content,
        ["textType", "title", "description", "nextSteps", "keywords"],
        "content",
      ),
    );
    if (content.textType !== undefined && content.textType !== "client-markdown") {
      problems.push('content.textType: only "client-markdown" is supported');
    }
    if (!isString(content.description) || content.description.trim() === "") {
      problems.push("content.description: required, a non-empty string");
    }
    if (content.title !== undefined && !isString(content.title)) {
      problems.push("content.title: must be a string");
    }
    for (const key of ["nextSteps", "keywords"]) {
      if (content[key] !== undefined && !isStrings(content[key])) {
        problems.push(`content.${key}: must be a list of strings`);
      }
    }
  }
  const metadata = card.metadata;
  if (metadata !== undefined) {
    if (!isObject(metadata)) {
      problems.push("metadata: must be an object");
    } else {
      problems.push(
        ...unknownKeys(
          metadata,
          ["threadId", "summary", "eventType", "relatedResources", "additionalContext"],
          "metadata",
        ),
      );
      for (const key of ["threadId", "summary", "eventType"]) {
        if (metadata[key] !== undefined && !isString(metadata[key])) {
          problems.push(`metadata.${key}: must be a string`);
        }
      }
      if (metadata.relatedResources !== undefined && !isStrings(metadata.relatedResources)) {
        problems.push("metadata.relatedResources: must be a list of strings");
      }
      const context = metadata.additionalContext;
      if (context !== undefined && !(isObject(context) && Object.values(context).every(isString))) {
        problems.push("metadata.additionalContext: must map keys to strings");
      }
    }
  }
  return problems;
}
