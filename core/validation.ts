/**
 * Pure validators for user input: email addresses, E.164 phone numbers, HTTPS URLs, ARNs and
 * stable labels, plus one way to phrase a validation failure. No Pulumi import: components call
 * `problemWith` on their plain-string inputs before they create anything.
 *
 * Only plain strings can be checked. A `pulumi.Input<string>` that is an Output (or a Promise)
 * has no value at construction time, so `problemWith` skips it and AWS rejects a bad value at
 * deployment instead.
 */

/** A check on a string and the phrase that says what a valid value is ("a valid email address"). */
export interface StringRule {
  readonly test: (value: string) => boolean;
  /** Completes "<value> is not ..." */
  readonly expected: string;
}

const EMAIL_LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * An address SNS can deliver to: `local@domain`, dot-atom local part (no quoted strings, no
 * leading, trailing or double dots, at most 64 characters), a domain of at least two labels
 * with an alphabetic (or IDNA `xn--`) top-level label, at most 254 characters in all.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf("@");
  if (at <= 0 || at !== value.indexOf("@")) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !local.split(".").every((atom) => EMAIL_LOCAL_ATOM.test(atom))) {
    return false;
  }
  const labels = domain.split(".");
  return (
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    TOP_LEVEL_DOMAIN.test(labels[labels.length - 1])
  );
}

/**
 * An E.164 number as SNS SMS expects it: `+`, a country code that does not start with 0, and
 * at most 15 digits in all; no spaces, dashes or brackets.
 * https://docs.aws.amazon.com/sns/latest/dg/sms_sending-overview.html
 */
export function isE164PhoneNumber(value: string): boolean {
  return /^\+[1-9][0-9]{1,14}$/.test(value);
}

/** An absolute `https://` URL with a host name, no whitespace. */
export function isHttpsUrl(value: string): boolean {
  // WHATWG URL parsing would read "https:///path" as host "path": require the authority.
  if (!/^https:\/\/[^/?#]/.test(value) || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname.length > 0;
  } catch {
    return false;
  }
}

const PARTITION = "aws(?:-[a-z]+)*";
const REGION = "[a-z]{2}(?:-[a-z]+)+-[0-9]";
const ACCOUNT = "[0-9]{12}";

/** `arn:aws:iam::123456789012:role/path/name` (any partition, optional path). */
export function isIamRoleArn(value: string): boolean {
  return new RegExp(
    `^arn:${PARTITION}:iam::${ACCOUNT}:role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}$`,
  ).test(value);
}

/** `arn:aws:lambda:eu-west-1:123456789012:function:name`, optionally `:version` or `:alias`. */
export function isLambdaFunctionArn(value: string): boolean {
  return new RegExp(
    `^arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`,
  ).test(value);
}

/** `arn:aws:sqs:eu-west-1:123456789012:queue-name` (standard or `.fifo`). */
export function isSqsQueueArn(value: string): boolean {
  return new RegExp(
    `^arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:[A-Za-z0-9_-]{1,75}(?:\\.fifo)?$`,
  ).test(value);
}

/** `arn:aws:sns:eu-west-1:123456789012:topic-name` (standard or `.fifo`). */
export function isSnsTopicArn(value: string): boolean {
  return new RegExp(
    `^arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:[A-Za-z0-9_-]{1,251}(?:\\.fifo)?$`,
  ).test(value);
}

/** `arn:aws:kms:eu-west-1:123456789012:key/<key id>`. */
export function isKmsKeyArn(value: string): boolean {
  return new RegExp(`^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/[A-Za-z0-9-]{1,128}$`).test(
    value,
  );
}

/** Lower-case letters and digits in words joined by single hyphens: `on-call`, `critical`. */
export function isKebabCase(value: string): boolean {
  return /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value);
}

export const EMAIL_ADDRESS: StringRule = {
  test: isEmailAddress,
  expected: "a valid email address",
};

export const E164_PHONE_NUMBER: StringRule = {
  test: isE164PhoneNumber,
  expected:
    'an E.164 phone number ("+", country code and number, digits only, e.g. "+14155550100")',
};

export const HTTPS_URL: StringRule = {
  test: isHttpsUrl,
  expected: 'an absolute https:// URL (e.g. "https://hooks.example.com/alerts")',
};

export const IAM_ROLE_ARN: StringRule = {
  test: isIamRoleArn,
  expected: "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
};

export const LAMBDA_FUNCTION_ARN: StringRule = {
  test: isLambdaFunctionArn,
  expected: "a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)",
};

export const SQS_QUEUE_ARN: StringRule = {
  test: isSqsQueueArn,
  expected: "an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue name>)",
};

export const SNS_TOPIC_ARN: StringRule = {
  test: isSnsTopicArn,
  expected: "an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic name>)",
};

export const KMS_KEY_ARN: StringRule = {
  test: isKmsKeyArn,
  expected: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)",
};

/** Labels that key a Record and end up in resource names. */
export const KEBAB_CASE_LABEL: StringRule = {
  test: (value) => isKebabCase(value) && value.length <= 64,
  expected:
    "a kebab-case label (lower-case letters and digits, single hyphens between words, at most 64 characters)",
};

/**
 * The message for a value that breaks `rule`, or undefined when it is valid or not a plain
 * string (an Output or Promise cannot be checked before deployment):
 * `alerts.topics.critical.emails.oncall: "foo@" is not a valid email address`.
 */
export function problemWith(path: string, value: unknown, rule: StringRule): string | undefined {
  if (typeof value !== "string") return undefined;
  return rule.test(value) ? undefined : `${path}: ${JSON.stringify(value)} is not ${rule.expected}`;
}

/**
 * A field path for messages: `fieldPath("alerts", "topics", "critical")` is
 * `alerts.topics.critical`; segments that are not identifier-like are quoted,
 * `alerts.topics["Bad Key"]`.
 */
export function fieldPath(root: string, ...segments: readonly string[]): string {
  return segments.reduce(
    (path, segment) =>
      /^[A-Za-z0-9_-]+$/.test(segment)
        ? `${path}.${segment}`
        : `${path}[${JSON.stringify(segment)}]`,
    root,
  );
}
