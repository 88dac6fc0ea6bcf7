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
 * The template is a card with `<name>` placeholders inside strings. EventBridge puts a value
 * into a JSON template so that the output stays valid JSON (a quote in a user agent is escaped),
 * and a missing path renders as nothing (Amazon EventBridge User Guide, "Amazon EventBridge input
 * transformation"); it cannot escape anything else, so a `<!channel>`, a `[link](…)` or a
 * control character in a user agent would reach the channel as it is. The chat target is
 * therefore the card renderer function (lambdas/chatCardRenderer.ts), not the topic: the
 * transformer delivers `{"kind":"alert","card":…,"values":…}` (the card with `{{name}}` markers,
 * the values apart), and the renderer neutralises each value (core/neutralise.ts) before it puts
 * it into the card. {@link renderChatCard} does both locally.
 *
 * Resolutions are rendered by the same function from the resolution topic's messages
 * (lambdas/chatCardRenderer.ts resolutionCard): only the package's remediation functions publish
 * there; nothing on the default event bus, where anyone with `events:PutEvents` can write,
 * makes a card.
 */
import {
  InputTransformer,
  MAX_INPUT_TEMPLATE_LENGTH,
  severityTag,
  valueAtPath,
} from "./alertMessage";
import { commonFieldsOf, Detection, EventOrigin, MAX_INPUT_PATHS } from "./detection";
import { fillCard } from "../lambdas/chatCardRenderer";

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

/**
 * The input transformer that delivers `card` to the renderer: `{"kind":"alert","card":…,
 * "values":…}`, the card's `<name>` placeholders turned into `{{name}}` markers and each value
 * apart, under its name (the renderer neutralises it before filling the card).
 */
function transformerOf(card: ChatCard, fields: Readonly<Record<string, string>>, what: string) {
  const cardText = JSON.stringify(card);
  const inputPaths: Record<string, string> = {};
  for (const match of cardText.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!(name in fields)) throw new Error(`${what}: unknown placeholder <${name}>`);
    inputPaths[name] = `$.${fields[name]}`;
  }
  if (Object.keys(inputPaths).length > MAX_INPUT_PATHS) {
    throw new Error(`${what}: more than ${MAX_INPUT_PATHS} variables`);
  }
  const marked = cardText.replace(PLACEHOLDER, (_whole, name: string) => `{{${name}}}`);
  const values = Object.keys(inputPaths)
    .map((name) => `${JSON.stringify(name)}:"<${name}>"`)
    .join(",");
  const inputTemplate = `{"kind":"alert","card":${marked},"values":{${values}}}`;
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

/**
 * The alert card the chat channel gets for `event`: what the detection's target delivers to the
 * renderer, filled by it (its values neutralised).
 */
export function renderChatCard(
  detection: Detection,
  event: unknown,
  options: ChatCardOptions = {},
): ChatCard {
  const input = applyJsonTransformer(buildAlertCardTransformer(detection, options), event) as {
    card: ChatCard;
    values: Record<string, unknown>;
  };
  return fillCard(input.card, input.values) as ChatCard;
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
