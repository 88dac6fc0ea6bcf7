/**
 * The webhook notifier's IAM and resource policies, and the checks of its arguments that need no
 * Pulumi: plain JSON in, JSON out (components/webhookNotifier.ts deploys them).
 */
import { isKmsKeyArn, isSnsTopicArn, isKebabCase } from "./validation";

/** A policy statement as these builders write them. */
export interface WebhookPolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[] | string;
  Resource: string[] | string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** What the function's role may do, and on which resources. */
export interface WebhookRoleInput {
  readonly partition: string;
  readonly region: string;
  readonly logGroupArn: string;
  readonly secretArn: string;
  /** The customer-managed key of the secret; absent for the AWS-managed `aws/secretsmanager`. */
  readonly secretKmsKeyArn?: string;
  readonly deadLetterQueueArn: string;
}

/**
 * The role's policy: write its own log streams, read the one secret (and decrypt it with its key
 * only through Secrets Manager in this region), send failed events to its dead-letter queue.
 */
export function webhookRolePolicy(input: WebhookRoleInput): {
  Version: string;
  Statement: WebhookPolicyStatement[];
} {
  const suffix = input.partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${input.logGroupArn}:*`,
      },
      {
        Sid: "ReadWebhookSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: input.secretArn,
      },
      ...(input.secretKmsKeyArn
        ? [
            {
              Sid: "DecryptWebhookSecret",
              Effect: "Allow" as const,
              Action: ["kms:Decrypt"],
              Resource: input.secretKmsKeyArn,
              Condition: {
                StringEquals: { "kms:ViaService": `secretsmanager.${input.region}.${suffix}` },
              },
            },
          ]
        : []),
      {
        Sid: "OnFailureDestination",
        Effect: "Allow",
        Action: ["sqs:SendMessage"],
        Resource: input.deadLetterQueueArn,
      },
    ],
  };
}

/**
 * The dead-letter queue's policy: TLS only, and SNS may put there what it could not deliver to
 * the function, from the subscribed topics only.
 */
export function webhookQueuePolicy(
  queueArn: string,
  topicArns: string[],
): { Version: string; Statement: WebhookPolicyStatement[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "SnsDeliveryFailures",
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": [...topicArns].sort() } },
      },
    ],
  };
}

/** A Secrets Manager secret ARN: `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`. */
export function isSecretArn(value: string): boolean {
  return /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/.test(value);
}

/** Slack and Microsoft Teams incoming-webhook hosts (SNS cannot deliver to them). */
export function isChatWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return (
    host === "hooks.slack.com" ||
    host === "hooks.slack-gov.com" ||
    host.endsWith(".webhook.office.com") ||
    (host === "outlook.office.com" && url.pathname.toLowerCase().startsWith("/webhook")) ||
    (host === "outlook.office365.com" && url.pathname.toLowerCase().startsWith("/webhook")) ||
    (host.endsWith(".logic.azure.com") && url.pathname.includes("/workflows/"))
  );
}

/** What the component checks on plain (known) values, each line naming the key written. */
export function webhookArgsProblems(
  args: {
    readonly topicArns?: Record<string, unknown>;
    readonly secretArn?: unknown;
    readonly secretKmsKeyArn?: unknown;
    readonly channels?: Record<string, { readonly kind?: unknown }>;
  },
  kinds: readonly string[],
): string[] {
  const problems: string[] = [];
  const topics = Object.entries(args.topicArns ?? {});
  if (topics.length === 0) problems.push("topicArns must name at least one topic to subscribe to");
  for (const [label, arn] of topics) {
    if (!isKebabCase(label)) problems.push(`topicArns.${label}: the label must be kebab-case`);
    if (typeof arn === "string" && !isSnsTopicArn(arn)) {
      problems.push(`topicArns.${label} must be an SNS topic ARN, got ${JSON.stringify(arn)}`);
    }
  }
  const secret = args.secretArn;
  if (typeof secret === "string" && !isSecretArn(secret)) {
    problems.push(
      /^https?:\/\//i.test(secret)
        ? "secretArn must be the ARN of a Secrets Manager secret that holds the webhook URLs, not a URL: a URL in the stack file or the program is readable by anyone with the state"
        : `secretArn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>), got ${JSON.stringify(secret)}`,
    );
  }
  const key = args.secretKmsKeyArn;
  if (typeof key === "string" && !isKmsKeyArn(key)) {
    problems.push(
      `secretKmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got ${JSON.stringify(key)}${isSnsTopicArn(key) ? " (an SNS topic ARN)" : ""}`,
    );
  }
  const channels = Object.entries(args.channels ?? {});
  if (channels.length === 0) {
    problems.push(
      "channels must name at least one channel (a key of the secret's JSON object, with its kind)",
    );
  }
  for (const [label, channel] of channels) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(label)) {
      problems.push(`channels.${label}: the label must be letters, digits, - or _ (at most 64)`);
    }
    if (!kinds.includes(String(channel?.kind))) {
      problems.push(
        `channels.${label}.kind must be one of ${kinds.join(", ")}, got ${JSON.stringify(channel?.kind)}`,
      );
    }
  }
  return problems;
}
