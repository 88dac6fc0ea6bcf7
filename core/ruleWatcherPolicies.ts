/**
 * Pure builders for SecurityRuleWatcher: the dead-letter queue policy and the role that forwards
 * global-service events from us-east-1 to the home region's default event bus. Plain data in,
 * plain JSON out; no Pulumi import.
 */

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | { readonly Service: string };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export const EVENTS_PRINCIPAL = "events.amazonaws.com";

/** The ARN pattern of the rules whose names start with `<namePrefix>-` in one region. */
export function ruleArnPattern(p: {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly namePrefix: string;
}): string {
  return `arn:${p.partition}:events:${p.region}:${p.account}:rule/${p.namePrefix}-*`;
}

/** The ARN of the default event bus of a region. */
export function defaultEventBusArn(p: {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}): string {
  return `arn:${p.partition}:events:${p.region}:${p.account}:event-bus/default`;
}

/**
 * The policy of a dead-letter queue of EventBridge targets: only EventBridge, only for the
 * rules of this watcher (`aws:SourceArn` ArnLike the rule-name prefix, so that the targets that
 * AutoRemediator adds to the same rules may use it too) and of this account; TLS only.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
 */
export function deadLetterQueuePolicy(p: {
  readonly queueArn: string;
  readonly account: string;
  readonly sourceRuleArnPattern: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowEventBridgeRulesOfThisWatcher",
        Effect: "Allow",
        Principal: { Service: EVENTS_PRINCIPAL },
        Action: "sqs:SendMessage",
        Resource: p.queueArn,
        Condition: {
          ArnLike: { "aws:SourceArn": p.sourceRuleArnPattern },
          StringEquals: { "aws:SourceAccount": p.account },
        },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: p.queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/**
 * Trust policy of the forwarding role: EventBridge, for the forwarding rules of this watcher in
 * this account only (confused-deputy guard).
 */
export function forwarderTrustPolicy(p: {
  readonly account: string;
  readonly sourceRuleArnPattern: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeForwardingRules",
        Effect: "Allow",
        Principal: { Service: EVENTS_PRINCIPAL },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": p.account },
          ArnLike: { "aws:SourceArn": p.sourceRuleArnPattern },
        },
      },
    ],
  };
}

/** Permissions of the forwarding role: PutEvents on the home region's default bus, nothing else. */
export function forwarderPolicy(p: { readonly eventBusArn: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PutEventsOnHomeBus",
        Effect: "Allow",
        Action: "events:PutEvents",
        Resource: p.eventBusArn,
      },
    ],
  };
}
