/**
 * The alert a person reads when a detection fires, as an EventBridge input transformer (what is
 * deployed on the SNS target) and as a local renderer that produces the same text from an event
 * (tests, the detect CLI, the drill). No Pulumi.
 *
 * How EventBridge renders it (Amazon EventBridge User Guide, "Amazon EventBridge input
 * transformation", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html):
 * - `inputPaths` maps up to 100 variable names to JSON paths (`$.detail.requestParameters.groupId`,
 *   dot notation, `[0]` array indices); the template uses them as `<name>`.
 * - A string template is written as a quoted JSON string; EventBridge delivers the template text
 *   with the values put in, quotes included, and does not escape the values. A multi-line
 *   message is one quoted string per line (as CDK's `RuleTargetInput.fromMultilineText`), so an
 *   email shows each line between double quotes.
 * - A variable whose path is not in the event is not created and renders as nothing.
 * - EventBridge cannot set the SNS Subject: email subscribers see SNS's default subject
 *   ("AWS Notification Message"). The subject is therefore the first line of the message.
 * The static text of a template has no `"`, `\`, `<` or `>` (checked by core/detection.ts), so
 * the delivered text needs no unescaping to read.
 *
 * The lines about the event itself (what, who, where, which console page) depend on the
 * detection's origin: a CloudTrail record has a caller, a source IP and an event history page; an
 * AWS Health event has an event type, AWS Health's own description and a Health dashboard page.
 */
import { commonFieldsOf, Detection, EventOrigin, hasUnsafeCharacter } from "./detection";

/** EventBridge InputTemplate: at most 8192 characters. */
export const MAX_INPUT_TEMPLATE_LENGTH = 8192;

/** An EventBridge input transformer (the `inputTransformer` of `aws.cloudwatch.EventTarget`). */
export interface InputTransformer {
  readonly inputPaths: Record<string, string>;
  readonly inputTemplate: string;
}

export interface AlertMessageOptions {
  /**
   * Host suffix of the AWS console in the event-history link: `console.amazonaws.cn` in China,
   * `console.amazonaws-us-gov.com` in GovCloud.
   * @default "console.aws.amazon.com"
   */
  readonly consoleDomain?: string;
}

/** An alert rendered from one event, as EventBridge would deliver it. */
export interface RenderedAlert {
  /** The first line: `[CRITICAL] sg-0abc opened to the internet on port 22 in eu-west-1`. */
  readonly subject: string;
  /** The other lines, joined by `\n`. */
  readonly body: string;
  /** The exact SNS message EventBridge publishes (each line between double quotes). */
  readonly message: string;
  /** The value of every variable of the transformer ("" when the path is not in the event). */
  readonly fields: Record<string, string>;
}

const PLACEHOLDER = /<([A-Za-z0-9_-]+)>/g;

/** `[CRITICAL]` for Severity.Critical. */
export function severityTag(severity: string): string {
  return `[${severity.toUpperCase()}]`;
}

/** The lines about the event and its console page, by origin, with `<name>` placeholders. */
function eventLines(origin: EventOrigin | undefined, domain: string): [string[], string] {
  if (origin === EventOrigin.AwsHealth) {
    return [
      [
        "Event: AWS Health <eventTypeCode> (service <service>) since <startTime>",
        "AWS Health says: <healthDescription>",
        "Where: account <account>, delivered in region <region>",
        "AWS Health event: <eventArn>",
        "EventBridge event id: <eventId>",
      ],
      `Console: https://${domain}/health/home#/account/event-log?eventID=<eventArn>`,
    ];
  }
  if (origin === EventOrigin.AwsConfig) {
    return [
      [
        "Event: AWS Config found <resourceType> <resourceId> <complianceType> under rule <configRuleName> at <recordedTime>",
        "AWS Config says: <annotation>",
        "Where: account <account>, region <region>",
        "EventBridge event id: <eventId>",
      ],
      `Console: https://<region>.${domain}/config/home?region=<region>#/rules/details?configRuleName=<configRuleName>`,
    ];
  }
  return [
    [
      "Event: <eventName> (<eventSource>) at <eventTime>",
      "Who: <principal> (<principalType>)",
      "From: <sourceIp>, user agent <userAgent>",
      "Where: account <account>, region <region>",
      "CloudTrail event id: <eventId>",
    ],
    `Console: https://<region>.${domain}/cloudtrailv2/home?region=<region>#/events/<eventId>`,
  ];
}

/** The text lines of the alert, with `<name>` placeholders. */
export function alertLines(detection: Detection, options: AlertMessageOptions = {}): string[] {
  const domain = options.consoleDomain ?? "console.aws.amazon.com";
  const [event, consoleLine] = eventLines(detection.origin, domain);
  const { subject, resource, body } = detection.message;
  const references = [
    ...(detection.references.cis?.length ? [detection.references.cis.join(", ")] : []),
    ...(detection.references.mitre?.length
      ? [`MITRE ATT&CK ${detection.references.mitre.join(", ")}`]
      : []),
  ].join("; ");
  const guidance = (body ?? "").split("\n").filter((line) => line !== "");
  return [
    `${severityTag(detection.severity)} ${subject}`,
    `${detection.title}: ${detection.description}`,
    ...(resource ? [`Resource: ${resource}`] : []),
    ...event,
    ...guidance.map((line, i) => (i === 0 ? `What to do: ${line}` : line)),
    detection.remediation
      ? `Automatic remediation: ${detection.remediation} is wired to this detection when the stack enables it (dry-run or enforce); a resolution message follows when it acts.`
      : "Automatic remediation: none for this detection.",
    consoleLine,
    `Detection: ${detection.id}. References: ${references}`,
  ];
}

/** Every field a message may use: the common ones of its origin and the detection's own. */
function fieldsOf(detection: Detection): Record<string, string> {
  return { ...commonFieldsOf(detection), ...(detection.message.fields ?? {}) };
}

/**
 * The input transformer of a detection's SNS target: the variables its text uses (only those),
 * and one quoted line per line of text. Throws an Error when the text would not survive the
 * transformer (quotes, backslashes, angle brackets, unknown placeholders) or exceeds 8192
 * characters.
 */
export function buildInputTransformer(
  detection: Detection,
  options: AlertMessageOptions = {},
): InputTransformer {
  const lines = alertLines(detection, options);
  const fields = fieldsOf(detection);
  const inputPaths: Record<string, string> = {};
  for (const line of lines) {
    const bare = line.replace(PLACEHOLDER, (_whole, name: string) => {
      if (!(name in fields)) {
        throw new Error(`detection ${detection.id}: unknown placeholder <${name}>`);
      }
      inputPaths[name] = `$.${fields[name]}`;
      return "";
    });
    if (hasUnsafeCharacter(bare, false)) {
      throw new Error(
        `detection ${detection.id}: the alert text must not contain ", \\, < or > outside placeholders, nor control characters: ${line}`,
      );
    }
  }
  const inputTemplate = lines.map((line) => `"${line}"`).join("\n");
  if (inputTemplate.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw new Error(
      `detection ${detection.id}: the input template is ${inputTemplate.length} characters, the maximum is ${MAX_INPUT_TEMPLATE_LENGTH}`,
    );
  }
  return { inputPaths, inputTemplate };
}

/**
 * The value at a JSON path of the input transformer (`$.detail.items[0].id`), or undefined when
 * the event has nothing there.
 */
export function valueAtPath(event: unknown, jsonPath: string): unknown {
  if (!jsonPath.startsWith("$.")) return undefined;
  let current: unknown = event;
  for (const segment of jsonPath.slice(2).split(".")) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(segment);
    if (!match) return undefined;
    const steps: (string | number)[] = [match[1]];
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
    for (const step of steps) {
      if (typeof step === "number") {
        if (!Array.isArray(current) || step >= current.length) return undefined;
        current = current[step];
      } else {
        if (typeof current !== "object" || current === null || Array.isArray(current)) {
          return undefined;
        }
        if (!Object.prototype.hasOwnProperty.call(current, step)) return undefined;
        current = (current as Record<string, unknown>)[step];
      }
    }
  }
  return current;
}

/** How EventBridge writes a value into a string template: strings as they are, the rest as JSON. */
function textOf(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Puts the values into a template the way EventBridge does (one pass, unknown names left as they are). */
function substitute(template: string, values: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name] : whole,
  );
}

/**
 * The alert EventBridge would publish for `event` (an EventBridge event, see
 * core/cloudtrailEvent.ts): the same transformer as {@link buildInputTransformer}, evaluated
 * locally.
 */
export function renderAlert(
  detection: Detection,
  event: unknown,
  options: AlertMessageOptions = {},
): RenderedAlert {
  const { inputPaths, inputTemplate } = buildInputTransformer(detection, options);
  const fields: Record<string, string> = {};
  for (const [name, path] of Object.entries(inputPaths)) {
    fields[name] = textOf(valueAtPath(event, path));
  }
  const lines = alertLines(detection, options).map((line) => substitute(line, fields));
  return {
    subject: lines[0],
    body: lines.slice(1).join("\n"),
    message: substitute(inputTemplate, fields),
    fields,
  };
}
