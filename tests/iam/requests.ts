/**
 * From an AWS SDK v3 command (as a function sent it) to the IAM request(s) AWS authorizes for it:
 * the action (the Service Authorization Reference's name, which differs from the API's for a few
 * S3 operations), the resource ARN, the resource's account, the region the request is signed for,
 * the request's own condition keys, and the resource policy that also decides (a topic's policy,
 * a key's policy, a role's trust policy). SNS Publish to a topic with a customer-managed key also
 * makes SNS use the key on the caller's behalf (`kms:GenerateDataKey` and `kms:Decrypt` via SNS,
 * with the topic in the encryption context): those are requests of the caller too.
 */
import type { RecordedCall } from "./recordCalls";
import type { PolicyJson } from "./roles";

export interface IamRequest {
  /** What the request is, for a person reading a failure. */
  readonly label: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  /** The region the request is made in (`aws:RequestedRegion`). */
  readonly region: string;
  /** Condition keys the request carries beyond the principal's and the region. */
  readonly context?: Record<string, string | string[]>;
  readonly resourcePolicy?: PolicyJson;
}

/** What the stack knows about the resources that have policies of their own. */
export interface ResourceDirectory {
  /** Topic ARN -> its customer-managed key ARN. */
  readonly topicKeys: Record<string, string>;
  readonly topicPolicies: Record<string, PolicyJson>;
  readonly keyPolicies: Record<string, PolicyJson>;
  /** Role ARN -> trust policy (the member roles a hub function assumes). */
  readonly trustPolicies: Record<string, PolicyJson>;
  /** Accounts of the organization (for `aws:ResourceOrgID`), and its id. */
  readonly organization?: { readonly id: string; readonly accounts: readonly string[] };
}

const PREFIX: Record<string, string> = {
  EC2Client: "ec2",
  IAMClient: "iam",
  CloudTrailClient: "cloudtrail",
  S3Client: "s3",
  S3ControlClient: "s3",
  KMSClient: "kms",
  ConfigServiceClient: "config",
  DynamoDBClient: "dynamodb",
  SNSClient: "sns",
  STSClient: "sts",
  LambdaClient: "lambda",
  GuardDutyClient: "guardduty",
  CloudWatchClient: "cloudwatch",
};

/** API operation -> IAM action, where the names differ (Service Authorization Reference). */
const RENAMED: Record<string, string> = {
  "S3Client.GetPublicAccessBlock": "GetBucketPublicAccessBlock",
  "S3Client.PutPublicAccessBlock": "PutBucketPublicAccessBlock",
  "S3Client.DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
  "S3ControlClient.GetPublicAccessBlock": "GetAccountPublicAccessBlock",
  "S3ControlClient.PutPublicAccessBlock": "PutAccountPublicAccessBlock",
};

const accountOfRole = (arn: string): string => arn.split(":")[4];

/** The principal whose credentials a call carried. */
export function principalOf(call: RecordedCall): string {
  return call.assumedRoleArn ?? call.functionRoleArn;
}

function trailArn(nameOrArn: string, region: string, account: string): string {
  return nameOrArn.startsWith("arn:")
    ? nameOrArn
    : `arn:aws:cloudtrail:${region}:${account}:trail/${nameOrArn}`;
}

function keyArn(id: string, region: string, account: string): string {
  return id.startsWith("arn:") ? id : `arn:aws:kms:${region}:${account}:key/${id}`;
}

function functionArn(nameOrArn: string, region: string, account: string): string {
  if (nameOrArn.startsWith("arn:")) return nameOrArn.split(":").slice(0, 7).join(":");
  return `arn:aws:lambda:${region}:${account}:function:${nameOrArn.split(":")[0]}`;
}

/**
 * The `ec2:Add/*` and `ec2:Remove/*` values of a permission change, in either form the API
 * takes: `{Add, Remove}` lists, or `OperationType` with `GroupNames`/`UserIds`.
 */
function permissionKeys(
  change: unknown,
  input: Record<string, unknown> = {},
): Record<string, string[]> {
  const c = (change ?? {}) as Record<string, { Group?: string; UserId?: string }[] | undefined>;
  const keys: Record<string, string[]> = {};
  const add = (key: string, values: string[]) => {
    if (values.length) keys[key] = [...(keys[key] ?? []), ...values];
  };
  for (const op of ["Add", "Remove"] as const) {
    add(
      `ec2:${op}/group`,
      (c[op] ?? []).flatMap((p) => (p.Group ? [p.Group] : [])),
    );
    add(
      `ec2:${op}/userId`,
      (c[op] ?? []).flatMap((p) => (p.UserId ? [p.UserId] : [])),
    );
  }
  const type = String(input.OperationType ?? "").toLowerCase();
  if (type === "add" || type === "remove") {
    const op = type === "add" ? "Add" : "Remove";
    add(`ec2:${op}/group`, (input.GroupNames as string[] | undefined) ?? []);
    add(`ec2:${op}/userId`, (input.UserIds as string[] | undefined) ?? []);
  }
  return keys;
}

/** The key policy KMS gives a key created without one: the account, through IAM policies. */
export function defaultKeyPolicy(account: string): PolicyJson {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

/**
 * The IAM requests of one recorded call. `earlier` are the calls the same function made before
 * it in the run (an image's launch permissions read before it is changed: `ec2:Public`).
 */
export function requestsOfCall(
  call: RecordedCall,
  dir: ResourceDirectory,
  earlier: readonly RecordedCall[] = [],
): IamRequest[] {
  const prefix = PREFIX[call.client];
  if (!prefix) throw new Error(`no IAM service prefix known for ${call.client}`);
  const op = `${call.client}.${call.command}`;
  const action = `${prefix}:${RENAMED[op] ?? call.command}`;
  const account = accountOfRole(principalOf(call));
  const r = call.region;
  const input = call.input as Record<string, unknown> & Record<string, string>;
  const label = `${op} ${JSON.stringify(input).slice(0, 160)}`;
  const one = (
    resource: string,
    extra: Partial<IamRequest> = {},
    resourceAccount = account,
  ): IamRequest[] => [{ label, action, resource, resourceAccount, region: r, ...extra }];
  switch (op) {
    case "EC2Client.RevokeSecurityGroupIngress":
      return one(`arn:aws:ec2:${r}:${account}:security-group/${input.GroupId}`);
    case "EC2Client.ModifySnapshotAttribute":
      return one(`arn:aws:ec2:${r}::snapshot/${input.SnapshotId}`, {
        context: permissionKeys(input.CreateVolumePermission, input),
      });
    case "EC2Client.ModifyImageAttribute": {
      // ec2:Public is the image's state when the request arrives: what the function read.
      const read = [...earlier]
        .reverse()
        .find((c) => c.command === "DescribeImageAttribute" && c.input.ImageId === input.ImageId);
      if (!read?.output) throw new Error(`${label}: no launch permissions read before`);
      const perms = (read.output.LaunchPermissions ?? []) as { Group?: string }[];
      return one(`arn:aws:ec2:${r}::image/${input.ImageId}`, {
        context: {
          ...permissionKeys(input.LaunchPermission, input),
          "ec2:Public": String(perms.some((p) => p.Group === "all")),
        },
      });
    }
    case "EC2Client.DescribeSecurityGroups":
    case "EC2Client.DescribeSnapshots":
    case "EC2Client.DescribeSnapshotAttribute":
    case "EC2Client.DescribeImageAttribute":
    case "EC2Client.DescribeTags":
    case "EC2Client.GetEbsEncryptionByDefault":
    case "EC2Client.EnableEbsEncryptionByDefault":
    case "ConfigServiceClient.DescribeConfigurationRecorderStatus":
    case "ConfigServiceClient.StartConfigurationRecorder":
    case "S3ControlClient.GetPublicAccessBlock":
    case "S3ControlClient.PutPublicAccessBlock":
      // No resource-level permission for these calls as the functions make them: "*".
      return one("*");
    case "IAMClient.ListAccessKeys":
    case "IAMClient.ListUserTags":
    case "IAMClient.UpdateAccessKey":
      return one(`arn:aws:iam::${account}:user/${input.UserName}`);
    case "CloudTrailClient.GetTrailStatus":
    case "CloudTrailClient.StartLogging":
      return one(trailArn(input.Name, r, account));
    case "CloudTrailClient.GetEventSelectors":
    case "CloudTrailClient.PutEventSelectors":
      return one(trailArn(input.TrailName, r, account));
    case "CloudTrailClient.ListTags":
      return (input.ResourceIdList as unknown as string[]).flatMap((id) =>
        one(trailArn(id, r, account)),
      );
    case "S3Client.GetPublicAccessBlock":
    case "S3Client.PutPublicAccessBlock":
    case "S3Client.GetBucketPolicyStatus":
    case "S3Client.GetBucketTagging":
    case "S3Client.GetBucketVersioning":
    case "S3Client.PutBucketVersioning":
      return one(`arn:aws:s3:::${input.Bucket}`);
    case "KMSClient.ListResourceTags":
    case "KMSClient.CancelKeyDeletion":
    case "KMSClient.EnableKey": {
      const arn = keyArn(input.KeyId, r, account);
      return one(arn, { resourcePolicy: dir.keyPolicies[arn] ?? defaultKeyPolicy(account) });
    }
    case "LambdaClient.GetPolicy":
    case "LambdaClient.RemovePermission":
    case "LambdaClient.GetFunctionUrlConfig":
      return one(functionArn(input.FunctionName, r, account));
    case "LambdaClient.UpdateFunctionUrlConfig":
      return one(functionArn(input.FunctionName, r, account), {
        context: input.AuthType ? { "lambda:FunctionUrlAuthType": input.AuthType } : {},
      });
    case "LambdaClient.ListTags":
      return one(functionArn(input.Resource, r, account));
    case "GuardDutyClient.GetDetector":
    case "GuardDutyClient.UpdateDetector":
      return one(`arn:aws:guardduty:${r}:${account}:detector/${input.DetectorId}`);
    case "DynamoDBClient.GetItem":
    case "DynamoDBClient.PutItem":
    case "DynamoDBClient.UpdateItem": {
      const item = (input.Key ?? input.Item) as unknown as Record<string, { S?: string }>;
      return one(`arn:aws:dynamodb:${r}:${account}:table/${input.TableName}`, {
        context: { "dynamodb:LeadingKeys": [String(item.id?.S)] },
      });
    }
    case "SNSClient.Publish": {
      const topic = input.TopicArn;
      const key = dir.topicKeys[topic];
      const publish = one(topic, { resourcePolicy: dir.topicPolicies[topic] });
      if (!key) return publish;
      const viaSns = (kmsAction: string): IamRequest => ({
        label: `${label} (SNS uses the topic's key: ${kmsAction})`,
        action: kmsAction,
        resource: key,
        resourceAccount: key.split(":")[4],
        region: r,
        context: {
          "kms:ViaService": `sns.${r}.amazonaws.com`,
          "kms:EncryptionContext:aws:sns:topicArn": topic,
          "kms:CallerAccount": account,
        },
        resourcePolicy: dir.keyPolicies[key],
      });
      return [...publish, viaSns("kms:GenerateDataKey"), viaSns("kms:Decrypt")];
    }
    case "STSClient.AssumeRole": {
      const role = input.RoleArn;
      const target = role.split(":")[4];
      const org = dir.organization;
      return one(
        role,
        {
          context: {
            ...(input.ExternalId ? { "sts:ExternalId": input.ExternalId } : {}),
            ...(org && org.accounts.includes(target) ? { "aws:ResourceOrgID": org.id } : {}),
          },
          resourcePolicy: dir.trustPolicies[role],
        },
        target,
      );
    }
    case "CloudWatchClient.GetInsightRuleReport":
      return one(`arn:aws:cloudwatch:${r}:${account}:insight-rule/${input.RuleName}`);
  }
  throw new Error(`no IAM mapping for ${op}: add it (Service Authorization Reference)`);
}
