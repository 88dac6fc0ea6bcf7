/**
 * The least-privilege IAM policy of each remediation Lambda: the statements of its own calls
 * (`remediations/<id>/policy.ts`, exactly the AWS calls its handler makes, on the narrowest
 * resources IAM allows) plus the shared ones: its own log group, the resolutions topic (and the
 * topic's KMS key) and its own idempotency records. Plain data, no Pulumi.
 *
 * Resource-level support per action: Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
/** IAM condition block: operator -> condition key -> value(s). */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface RemediationPolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: PolicyCondition;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly RemediationPolicyStatement[];
}

export interface RemediationPolicyContext {
  readonly partition: string;
  readonly account: string;
  /** The stack's region (where the functions, the log group and the resolutions topic are). */
  readonly region: string;
  readonly resolutionTopicArn: string;
  /** ARN of the function's log group (without the trailing `:*`). */
  readonly logGroupArn: string;
  /** Customer-managed KMS key of the resolutions topic, if it is encrypted. */
  readonly kmsKeyArn?: string;
  /** The DynamoDB table of idempotency records, if any. */
  readonly idempotencyTableArn?: string;
}

/** What a remediation's own statements are built from: the stack's partition, account and region. */
export type StatementContext = Pick<RemediationPolicyContext, "partition" | "account" | "region">;

/**
 * What the policy needs of a remediation (its registry spec): its id and the statements of its
 * calls, in the stack's own account and region. Resource ARNs name both where they can,
 * `aws:ResourceAccount` stands in where the ARN has no account (S3 buckets, EBS snapshots, AMIs),
 * `aws:RequestedRegion` where an action has no resource-level permission.
 */
export interface RemediationPermissions {
  readonly id: string;
  statements(ctx: StatementContext): RemediationPolicyStatement[];
}

/** An Allow statement (the Condition only when given). */
export function allow(
  sid: string,
  actions: readonly string[],
  resource: string | readonly string[],
  condition?: PolicyCondition,
): RemediationPolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: actions,
    Resource: resource,
    ...(condition ? { Condition: condition } : {}),
  };
}

/**
 * The whole policy of one remediation's role: its calls, its own log group, the resolutions
 * topic, the topic's key only as SNS uses it for that topic (`kms:EncryptionContext` and
 * `kms:ViaService`), and its own records in the idempotency table (`dynamodb:LeadingKeys`).
 */
export function remediationPolicy(
  remediation: RemediationPermissions,
  ctx: RemediationPolicyContext,
): PolicyDocument {
  const { id } = remediation;
  return {
    Version: "2012-10-17",
    Statement: [
      ...remediation.statements(ctx),
      allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], `${ctx.logGroupArn}:*`),
      allow("PublishResolutions", ["sns:Publish"], ctx.resolutionTopicArn),
      ...(ctx.kmsKeyArn
        ? [
            allow("UseTopicKey", ["kms:GenerateDataKey", "kms:Decrypt"], ctx.kmsKeyArn, {
              StringEquals: {
                "kms:EncryptionContext:aws:sns:topicArn": ctx.resolutionTopicArn,
                "kms:ViaService": `sns.${ctx.resolutionTopicArn.split(":")[3]}.amazonaws.com`,
              },
            }),
          ]
        : []),
      ...(ctx.idempotencyTableArn
        ? [
            allow(
              "OwnIdempotencyRecords",
              ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
              ctx.idempotencyTableArn,
              { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${id}#*`] } },
            ),
          ]
        : []),
    ],
  };
}
