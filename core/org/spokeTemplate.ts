/**
 * The spoke, rendered as AWS CloudFormation templates from the hub's detections: what every
 * member account and region of an organization holds (or a secondary region of one account).
 * Only resources that cost nothing while idle: EventBridge rules (free; events delivered to
 * another account's bus are billed as custom events), an IAM role, an SQS dead-letter queue (no
 * monthly fee), and once per account the member remediation roles. Plain data, no Pulumi.
 *
 * - `regionalSpokeTemplate`: the forwarding rules (core/org/forwarding.ts) to the hub's bus,
 *   their role and dead-letter queue, and a heartbeat (a schedule rule whose hourly event the
 *   hub counts: a spoke that stops forwarding is missed). Rules of global-service events carry
 *   the condition `InGlobalRegion`: deployed in us-east-1 only.
 * - `accountSpokeTemplate`: one member role per remediation (core/org/memberRoles.ts).
 *
 * The same template goes to every account and region; the few values that differ per hub are
 * parameters, so a StackSet has one template and one parameter set.
 */
import { Detection } from "../detection";
import { RemediationId } from "../types";
import { forwardingRules, ForwardingScope, GLOBAL_REGION } from "./forwarding";
import { memberRoleName, memberRolePolicy, memberTrustPolicy } from "./memberRoles";

/** Prefix of the spoke's rule names (`asw-spoke-ec2-1`, `asw-spoke-heartbeat`). */
export const SPOKE_RULE_PREFIX = "asw-spoke";
/** Name of the heartbeat schedule rule of every spoke region. */
export const HEARTBEAT_RULE_NAME = `${SPOKE_RULE_PREFIX}-heartbeat`;
/** How often a spoke region says it is alive. */
export const HEARTBEAT_SCHEDULE = "rate(1 hour)";

/** CloudFormation limits (AWS CloudFormation quotas). */
export const CFN_LIMITS = {
  /** Template body passed inline (CreateStack, CreateStackSet TemplateBody). */
  templateBodyBytes: 51_200,
  /** Template from S3 (TemplateURL). */
  templateUrlBytes: 1_000_000,
  resources: 500,
  parameters: 200,
  outputs: 200,
};

export type CfnTemplate = {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Parameters: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<
    string,
    { Type: string; Condition?: string; Properties: Record<string, unknown> }
  >;
  Outputs?: Record<string, Record<string, unknown>>;
};

/** `Fn::Sub` for strings that hold `${...}`, recursively; other values as they are. */
function sub(value: unknown): unknown {
  if (typeof value === "string") return value.includes("${") ? { "Fn::Sub": value } : value;
  if (Array.isArray(value)) return value.map(sub);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sub(v)]));
  }
  return value;
}

const pascal = (key: string): string =>
  key
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");

/** Logical id of the forwarding rule `key`. */
export const forwardRuleLogicalId = (key: string): string => `Forward${pascal(key)}`;
/** Logical id of the member role of a remediation. */
export const memberRoleLogicalId = (id: RemediationId): string => `MemberRole${pascal(id)}`;

export interface RegionalSpokeOptions {
  /** How many times EventBridge retries a delivery to the hub (0-185). @default 185 */
  readonly maximumRetryAttempts?: number;
  /** How long EventBridge retries (60-86400 s). @default 86400 */
  readonly maximumEventAgeSeconds?: number;
}

/** The regional part of the spoke. Parameter `HubEventBusArn`. */
export function regionalSpokeTemplate(
  detections: readonly Detection[],
  options: RegionalSpokeOptions = {},
): CfnTemplate {
  const rules = forwardingRules(detections);
  const retry = {
    MaximumRetryAttempts: options.maximumRetryAttempts ?? 185,
    MaximumEventAgeInSeconds: options.maximumEventAgeSeconds ?? 86400,
  };
  const target = {
    Id: "hub",
    Arn: { Ref: "HubEventBusArn" },
    RoleArn: { "Fn::GetAtt": ["ForwarderRole", "Arn"] },
    DeadLetterConfig: { Arn: { "Fn::GetAtt": ["ForwardDeadLetterQueue", "Arn"] } },
    RetryPolicy: retry,
  };
  const resources = spokeForwarderResources();
  for (const rule of rules) {
    resources[forwardRuleLogicalId(rule.key)] = {
      Type: "AWS::Events::Rule",
      ...(rule.scope === ForwardingScope.GlobalRegion ? { Condition: "InGlobalRegion" } : {}),
      Properties: {
        Name: `${SPOKE_RULE_PREFIX}-${rule.key}`,
        Description: rule.description.slice(0, 512),
        EventPattern: rule.eventPattern,
        State: rule.includeReadOnlyEvents
          ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
          : "ENABLED",
        Targets: [target],
      },
    };
  }
  resources.Heartbeat = {
    Type: "AWS::Events::Rule",
    Properties: {
      Name: HEARTBEAT_RULE_NAME,
      Description:
        "aws-security-watch spoke: hourly heartbeat to the hub (a missing one raises the hub's alarm)",
      ScheduleExpression: HEARTBEAT_SCHEDULE,
      State: "ENABLED",
      Targets: [{ Id: "hub", Arn: { Ref: "HubEventBusArn" }, RoleArn: target.RoleArn }],
    },
  };
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "aws-security-watch spoke (regional): forwards the events the hub's detections need to the hub's event bus; global-service events from us-east-1 only",
    Parameters: {
      HubEventBusArn: {
        Type: "String",
        Description: "ARN of the hub's central event bus",
        AllowedPattern: "^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[A-Za-z0-9._/-]+$",
      },
    },
    Conditions: { InGlobalRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, GLOBAL_REGION] } },
    Resources: resources,
    Outputs: {
      ForwardingRules: {
        Description: "Number of forwarding rules in this region",
        Value: {
          "Fn::If": [
            "InGlobalRegion",
            String(rules.length),
            String(rules.filter((r) => r.scope === ForwardingScope.EveryRegion).length),
          ],
        },
      },
    },
  };
}

/**
 * The per-account part of the spoke: the member role of each remediation. Parameters
 * `HubAccountId`, `OrganizationId`, `ExternalId`, `Regions` (comma-separated).
 */
export function accountSpokeTemplate(remediations: readonly RemediationId[]): CfnTemplate {
  const resources: CfnTemplate["Resources"] = {};
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const id of remediations) {
    const logical = memberRoleLogicalId(id);
    resources[logical] = {
      Type: "AWS::IAM::Role",
      Properties: {
        RoleName: memberRoleName(id),
        Description: `aws-security-watch member role: the hub's ${id} remediation acts here`,
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: sub(
          memberTrustPolicy(id, {
            partition: "${AWS::Partition}",
            hubAccount: "${HubAccountId}",
            organizationId: "${OrganizationId}",
            externalId: "${ExternalId}",
          }),
        ),
        Policies: [
          {
            PolicyName: id,
            PolicyDocument: sub(
              memberRolePolicy(id, {
                partition: "${AWS::Partition}",
                account: "${AWS::AccountId}",
                regions: { Ref: "Regions" },
              }),
            ),
          },
        ],
      },
    };
    outputs[`${logical}Arn`] = { Value: { "Fn::GetAtt": [logical, "Arn"] } };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "aws-security-watch spoke (account): one member role per remediation, assumable only by the hub's function role of that remediation",
    Parameters: {
      HubAccountId: {
        Type: "String",
        Description: "The hub (security) account",
        AllowedPattern: "^\\d{12}$",
      },
      OrganizationId: {
        Type: "String",
        Description: "The organization id (o-...)",
        AllowedPattern: "^o-[a-z0-9]{10,32}$",
      },
      ExternalId: {
        Type: "String",
        Description: "The external id the hub names when it assumes a member role",
        AllowedPattern: "^[\\w+=,.@:/-]{2,1224}$",
      },
      Regions: {
        Type: "CommaDelimitedList",
        Description: "The regions of the spokes: where the member roles may act",
      },
    },
    Resources: resources,
    Outputs: outputs,
  };
}

/** The template body as CloudFormation receives it (compact JSON) and its size in bytes. */
export function templateBody(template: CfnTemplate): { body: string; bytes: number } {
  const body = JSON.stringify(template);
  return { body, bytes: Buffer.byteLength(body) };
}

/** The hub-side pattern of the spokes' heartbeats (the schedule events of the heartbeat rule). */
export function heartbeatPattern(): Record<string, unknown> {
  return {
    source: ["aws.events"],
    "detail-type": ["Scheduled Event"],
    resources: [{ suffix: `:rule/${HEARTBEAT_RULE_NAME}` }],
  };
}

/**
 * The spoke's fixed resources: the role EventBridge assumes to put events on the hub bus, and
 * the forwarding rules' dead-letter queue with its policy (this account's spoke rules only).
 */
function spokeForwarderResources(): CfnTemplate["Resources"] {
  return {
    ForwarderRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        Description:
          "aws-security-watch spoke: EventBridge puts this region's events on the hub bus",
        AssumeRolePolicyDocument: sub({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sts:AssumeRole",
              Condition: {
                StringEquals: { "aws:SourceAccount": "${AWS::AccountId}" },
                ArnLike: {
                  "aws:SourceArn": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${SPOKE_RULE_PREFIX}-*`,
                },
              },
            },
          ],
        }),
        Policies: [
          {
            PolicyName: "put-events-on-hub-bus",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Action: "events:PutEvents",
                  Resource: { Ref: "HubEventBusArn" },
                },
              ],
            },
          },
        ],
      },
    },
    ForwardDeadLetterQueue: {
      Type: "AWS::SQS::Queue",
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 },
    },
    ForwardDeadLetterQueuePolicy: {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        Queues: [{ Ref: "ForwardDeadLetterQueue" }],
        PolicyDocument: sub({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "SpokeRulesOnly",
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: "${ForwardDeadLetterQueue.Arn}",
              Condition: {
                StringEquals: { "aws:SourceAccount": "${AWS::AccountId}" },
                ArnLike: {
                  "aws:SourceArn": `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${SPOKE_RULE_PREFIX}-*`,
                },
              },
            },
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "sqs:*",
              Resource: "${ForwardDeadLetterQueue.Arn}",
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ],
        }),
      },
    },
  };
}
