/**
 * Attack scenarios: each one makes, with the real AWS SDK v3 against an endpoint (the local
 * emulator, see scripts/moto.ts), the dangerous change one remediation undoes, and builds the
 * CloudTrail record AWS would deliver for that API call. `verify` reads the state back and says
 * whether it is safe; `fix` makes it safe by hand (what a person would do), so that `verify` is
 * itself tested in both directions.
 *
 * Used by the integration tests of the remediation handlers, the `npm run drill` fire drill and
 * the benchmarks.
 */
import { randomBytes, randomUUID } from "crypto";
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImageAttributeCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  DisableEbsEncryptionByDefaultCommand,
  EC2Client,
  EnableEbsEncryptionByDefaultCommand,
  GetEbsEncryptionByDefaultCommand,
  IpPermission,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  SecurityGroupRule,
  Tag,
} from "@aws-sdk/client-ec2";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import {
  CreateBucketCommand,
  DeletePublicAccessBlockCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateDetectorCommand,
  GetDetectorCommand,
  GuardDutyClient,
  UpdateDetectorCommand,
} from "@aws-sdk/client-guardduty";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
} from "@aws-sdk/client-lambda";
import {
  DeletePublicAccessBlockCommand as DeleteAccountPublicAccessBlockCommand,
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
  S3ControlClient,
} from "@aws-sdk/client-s3-control";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { CloudTrailEventBridgeEvent, toEventBridgeEvent } from "../core/cloudtrailEvent";
import { RemediationId } from "../core/types";
import { MOTO_ACCOUNT, clientConfig } from "./moto";

/** A CloudTrail record as CloudTrail writes it (the `detail` of the EventBridge event). */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: Record<string, unknown>;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  eventType: "AwsApiCall";
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: "Management";
  [field: string]: unknown;
}

/**
 * Wraps a CloudTrail record as EventBridge delivers it (`source` `aws.<service>`, detail-type
 * "AWS API Call via CloudTrail", account, region, time, id, the record as `detail`).
 */
export function wrapAsEventBridge(record: CloudTrailRecord): CloudTrailEventBridgeEvent {
  return toEventBridgeEvent(record);
}

/** The SDK clients of a scenario context, created once per endpoint and region. */
export interface ScenarioClients {
  ec2: EC2Client;
  iam: IAMClient;
  cloudtrail: CloudTrailClient;
  s3: S3Client;
  kms: KMSClient;
  config: ConfigServiceClient;
  sns: SNSClient;
  sqs: SQSClient;
}

export interface ScenarioContext {
  endpoint: string;
  region: string;
  /** The account the endpoint acts as (moto: 123456789012). */
  account: string;
  clients: ScenarioClients;
  /**
   * Credentials of that account, when it is not the emulator's default one (the organization
   * drill's member accounts): clients a scenario makes itself use them too.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Creates the context (and its clients) for an endpoint such as the one `startMoto` returns. */
export function createScenarioContext(
  endpoint: string,
  region: string,
  account: string = MOTO_ACCOUNT,
): ScenarioContext {
  const config = clientConfig(endpoint, region);
  return {
    endpoint,
    region,
    account,
    clients: {
      ec2: new EC2Client(config),
      iam: new IAMClient(config),
      cloudtrail: new CloudTrailClient(config),
      s3: new S3Client(config),
      kms: new KMSClient(config),
      config: new ConfigServiceClient(config),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
    },
  };
}

export interface ScenarioSetupOptions {
  /** Tags put on the resource the remediation acts on (e.g. the exemption tag). @default none */
  tags?: Record<string, string>;
}

export interface ScenarioSetup {
  /** The CloudTrail record of the dangerous call. */
  record: CloudTrailRecord;
  /** The resource the remediation acts on: sg-..., access key id, trail name, bucket name... */
  resource: string;
}

export interface Verdict {
  safe: boolean;
  /** What was read, in words (for test failures and the drill's report). */
  detail: string;
}

export interface Scenario {
  id: string;
  title: string;
  remediation: RemediationId;
  /** Whether `setup` can tag the resource (`options.tags`), so that the exemption tag applies. */
  taggable: boolean;
  /** Makes the dangerous change and returns the CloudTrail record of it. */
  setup(ctx: ScenarioContext, options?: ScenarioSetupOptions): Promise<ScenarioSetup>;
  /** Reads the state back: safe once the change is undone (and nothing else was touched). */
  verify(ctx: ScenarioContext, setup: ScenarioSetup): Promise<Verdict>;
  /** Undoes the change by hand with the SDK. */
  fix(ctx: ScenarioContext, setup: ScenarioSetup): Promise<void>;
}

/** The IAM user who makes the dangerous changes in every scenario. */
export const ATTACKER = {
  userName: "attacker",
  principalId: "AIDAZ3ATTACKER7EXAMPLE",
  accessKeyId: "ASIAZ3ATTACKER7EXAMPL",
  sourceIPAddress: "203.0.113.66",
} as const;

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** CloudTrail's eventTime: ISO 8601 in UTC, whole seconds. */
function cloudTrailTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The date format CloudTrail uses inside some responseElements ("Sep 27, 2022, 5:09:18 PM"). */
function cloudTrailResponseDate(date: Date): string {
  const month = date.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  const hours = date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12;
  const pad = (n: number) => String(n).padStart(2, "0");
  const clock = `${hours}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${month} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${clock} ${date.getUTCHours() < 12 ? "AM" : "PM"}`;
}

/** The `aws-cli/2` user agent, with the command the attacker ran. */
function cliUserAgent(command: string): string {
  return `aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0-1016-aws md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exe/x86_64.ubuntu.22 prompt/off command/${command}`;
}

interface RecordInput {
  eventSource: string;
  eventName: string;
  /** The CLI command, for the user agent ("ec2.authorize-security-group-ingress"). */
  command: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  /** Region the record names; IAM (a global service) is recorded in us-east-1. */
  awsRegion?: string;
  /** The host name the call was sent to (tlsDetails.clientProvidedHostHeader). */
  host?: string;
  extra?: Record<string, unknown>;
}

/** The CloudTrail record of a successful call by the attacker, as CloudTrail writes it. */
export function attackerRecord(ctx: ScenarioContext, input: RecordInput): CloudTrailRecord {
  const now = new Date();
  const awsRegion = input.awsRegion ?? ctx.region;
  const service = input.eventSource.split(".")[0];
  const requestID = randomUUID();
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "IAMUser",
      principalId: ATTACKER.principalId,
      arn: `arn:aws:iam::${ctx.account}:user/${ATTACKER.userName}`,
      accountId: ctx.account,
      accessKeyId: ATTACKER.accessKeyId,
      userName: ATTACKER.userName,
      sessionContext: {
        sessionIssuer: {},
        webIdFederationData: {},
        attributes: {
          creationDate: cloudTrailTime(new Date(now.getTime() - 5 * 60_000)),
          mfaAuthenticated: "false",
        },
      },
    },
    eventTime: cloudTrailTime(now),
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion,
    sourceIPAddress: ATTACKER.sourceIPAddress,
    userAgent: cliUserAgent(input.command),
    requestParameters: input.requestParameters,
    // EC2 echoes the request id in the response elements.
    responseElements:
      input.responseElements !== null && "requestId" in input.responseElements
        ? { ...input.responseElements, requestId: requestID }
        : input.responseElements,
    requestID,
    eventID: randomUUID(),
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ctx.account,
    eventCategory: "Management",
    tlsDetails: {
      tlsVersion: "TLSv1.3",
      cipherSuite: "TLS_AES_128_GCM_SHA256",
      clientProvidedHostHeader: input.host ?? `${service}.${awsRegion}.amazonaws.com`,
    },
    ...input.extra,
  };
}

/**
 * The same record as if the call had been made by a session of `roleArn` (an assumed role): for
 * tests of "events caused by the remediator's own role are ignored" and of trusted principals.
 */
export function asAssumedRole(
  record: CloudTrailRecord,
  roleArn: string,
  sessionName = "remediation",
): CloudTrailRecord {
  const match = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (match === null) {
    throw new Error(`asAssumedRole: ${roleArn} is not an IAM role ARN`);
  }
  const [, partition, account, roleName] = match;
  const roleId = "AROAZ3REMEDIATOREXAMP";
  return {
    ...record,
    eventID: randomUUID(),
    userIdentity: {
      type: "AssumedRole",
      principalId: `${roleId}:${sessionName}`,
      arn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      accountId: account,
      accessKeyId: "ASIAZ3REMEDIATOREXAM",
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: roleId,
          arn: roleArn,
          accountId: account,
          userName: roleName,
        },
        attributes: { creationDate: record.eventTime, mfaAuthenticated: "false" },
      },
    },
    // A Lambda function calls from an AWS address with the SDK of its runtime.
    sourceIPAddress: "3.248.12.34",
    userAgent:
      "aws-sdk-js/3.1169.0 ua/2.1 os/linux lang/js md/nodejs#20.19.0 exec-env/AWS_Lambda_nodejs20.x",
  };
}

function ec2Tags(tags: Record<string, string> | undefined): Tag[] {
  return Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

function ec2TagSpecifications(
  resourceType: "security-group" | "snapshot" | "image",
  tags: Record<string, string> | undefined,
): { TagSpecifications?: { ResourceType: typeof resourceType; Tags: Tag[] }[] } {
  const list = ec2Tags(tags);
  return list.length > 0 ? { TagSpecifications: [{ ResourceType: resourceType, Tags: list }] } : {};
}

// ---------------------------------------------------------------------------------------------
// Security groups opened to the world

interface WorldRule {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
}

function toIpPermission(rule: WorldRule): IpPermission {
  return {
    IpProtocol: rule.ipProtocol,
    ...(rule.ipProtocol === "-1" ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIpv4 !== undefined ? { IpRanges: [{ CidrIp: rule.cidrIpv4 }] } : {}),
    ...(rule.cidrIpv6 !== undefined ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6 }] } : {}),
  };
}

/** requestParameters.ipPermissions.items[i] as CloudTrail writes it for EC2 query lists. */
function cloudTrailPermission(rule: WorldRule): Record<string, unknown> {
  return {
    ipProtocol: rule.ipProtocol,
    ...(rule.ipProtocol === "-1" ? {} : { fromPort: rule.fromPort, toPort: rule.toPort }),
    groups: {},
    ipRanges: rule.cidrIpv4 !== undefined ? { items: [{ cidrIp: rule.cidrIpv4 }] } : {},
    ipv6Ranges: rule.cidrIpv6 !== undefined ? { items: [{ cidrIpv6: rule.cidrIpv6 }] } : {},
    prefixListIds: {},
  };
}

/** responseElements.securityGroupRuleSet.items[i] from the rule AWS returned. */
function cloudTrailRule(rule: SecurityGroupRule, account: string): Record<string, unknown> {
  return {
    groupOwnerId: account,
    groupId: rule.GroupId,
    securityGroupRuleId: rule.SecurityGroupRuleId,
    isEgress: rule.IsEgress ?? false,
    ipProtocol: rule.IpProtocol,
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    ...(rule.CidrIpv4 !== undefined ? { cidrIpv4: rule.CidrIpv4 } : {}),
    ...(rule.CidrIpv6 !== undefined ? { cidrIpv6: rule.CidrIpv6 } : {}),
  };
}

/** Whether the group's ingress permissions contain `rule` (same protocol, ports and CIDR). */
function hasIngress(permissions: IpPermission[], rule: WorldRule): boolean {
  return permissions.some(
    (p) =>
      p.IpProtocol === rule.ipProtocol &&
      (rule.ipProtocol === "-1" || (p.FromPort === rule.fromPort && p.ToPort === rule.toPort)) &&
      (rule.cidrIpv4 !== undefined
        ? (p.IpRanges ?? []).some((r) => r.CidrIp === rule.cidrIpv4)
        : (p.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === rule.cidrIpv6)),
  );
}

function describeRule(rule: WorldRule): string {
  const ports = rule.ipProtocol === "-1" ? "all" : `${rule.ipProtocol}:${rule.fromPort}`;
  return `${rule.cidrIpv4 ?? rule.cidrIpv6} ${ports}`;
}

/**
 * Rules the owner set before the attack, which the remediation must leave alone: SSH from the
 * private network, and HTTPS from the world (revoke only what the event added).
 */
const LEGITIMATE_INGRESS: readonly WorldRule[] = [
  { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "10.0.0.0/8" },
  { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
];

function worldIngressScenario(id: string, title: string, attack: WorldRule): Scenario {
  return {
    id,
    title,
    remediation: RemediationId.RevokeWorldIngress,
    taggable: true,
    async setup(ctx, options) {
      const { ec2 } = ctx.clients;
      const group = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: uniqueName("web"),
          Description: "web servers",
          ...ec2TagSpecifications("security-group", options?.tags),
        }),
      );
      const groupId = group.GroupId!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: LEGITIMATE_INGRESS.map(toIpPermission),
        }),
      );
      const rules = [attack];
      const added = await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: rules.map(toIpPermission),
        }),
      );
      const record = attackerRecord(ctx, {
        eventSource: "ec2.amazonaws.com",
        eventName: "AuthorizeSecurityGroupIngress",
        command: "ec2.authorize-security-group-ingress",
        requestParameters: {
          groupId,
          ipPermissions: { items: rules.map(cloudTrailPermission) },
        },
        responseElements: {
          requestId: "",
          _return: true,
          securityGroupRuleSet: {
            items: (added.SecurityGroupRules ?? []).map((r) => cloudTrailRule(r, ctx.account)),
          },
        },
      });
      return { record, resource: groupId };
    },
    async verify(ctx, { resource }) {
      const out = await ctx.clients.ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [resource] }),
      );
      const ingress = out.SecurityGroups?.[0]?.IpPermissions ?? [];
      const open = [attack].filter((rule) => hasIngress(ingress, rule));
      const missing = LEGITIMATE_INGRESS.filter((rule) => !hasIngress(ingress, rule));
      const problems = [
        ...open.map((rule) => `still open: ${describeRule(rule)}`),
        ...missing.map((rule) => `legitimate rule removed: ${describeRule(rule)}`),
      ];
      return {
        safe: problems.length === 0,
        detail:
          problems.length === 0
            ? `${resource}: ${describeRule(attack)} revoked, legitimate rules kept`
            : `${resource}: ${problems.join("; ")}`,
      };
    },
    async fix(ctx, { resource }) {
      await ctx.clients.ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: resource,
          IpPermissions: [toIpPermission(attack)],
        }),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Access key created for another user

async function ensureUser(iam: IAMClient, userName: string, tags?: Record<string, string>) {
  try {
    await iam.send(
      new CreateUserCommand({
        UserName: userName,
        Tags: Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  } catch (error) {
    if ((error as Error).name !== "EntityAlreadyExistsException") {
      throw error;
    }
  }
}

const accessKeyForAnotherUser: Scenario = {
  id: "access-key-for-another-user",
  title: "access key created for another IAM user",
  remediation: RemediationId.QuarantineAccessKey,
  taggable: true,
  async setup(ctx, options) {
    const { iam } = ctx.clients;
    await ensureUser(iam, ATTACKER.userName);
    const victim = uniqueName("deploy-bot");
    await ensureUser(iam, victim, options?.tags);
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: victim }))).AccessKey!;
    const record = attackerRecord(ctx, {
      eventSource: "iam.amazonaws.com",
      eventName: "CreateAccessKey",
      command: "iam.create-access-key",
      awsRegion: "us-east-1",
      host: "iam.amazonaws.com",
      requestParameters: { userName: victim },
      responseElements: {
        accessKey: {
          userName: victim,
          accessKeyId: key.AccessKeyId,
          status: "Active",
          createDate: cloudTrailResponseDate(key.CreateDate ?? new Date()),
        },
      },
    });
    return { record, resource: key.AccessKeyId! };
  },
  async verify(ctx, { record, resource }) {
    const userName = (record.requestParameters as { userName: string }).userName;
    const keys = await ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: userName }));
    const key = (keys.AccessKeyMetadata ?? []).find((k) => k.AccessKeyId === resource);
    if (key === undefined) {
      return {
        safe: false,
        detail: `${resource} of ${userName} was deleted (expected: deactivated)`,
      };
    }
    return {
      safe: key.Status === "Inactive",
      detail: `${resource} of ${userName} is ${key.Status}`,
    };
  },
  async fix(ctx, { record, resource }) {
    const userName = (record.requestParameters as { userName: string }).userName;
    await ctx.clients.iam.send(
      new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: resource, Status: "Inactive" }),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// CloudTrail logging stopped

async function createBucket(ctx: ScenarioContext, bucket: string): Promise<void> {
  await ctx.clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(ctx.region === "us-east-1"
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: ctx.region as never } }),
    }),
  );
}

const trailStopped: Scenario = {
  id: "trail-stopped",
  title: "CloudTrail logging stopped (StopLogging)",
  remediation: RemediationId.RestartAuditLogging,
  taggable: true,
  async setup(ctx, options) {
    const { cloudtrail } = ctx.clients;
    const name = uniqueName("audit");
    await createBucket(ctx, `${name}-logs`);
    await cloudtrail.send(
      new CreateTrailCommand({
        Name: name,
        S3BucketName: `${name}-logs`,
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
        TagsList: Object.entries(options?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await cloudtrail.send(new StartLoggingCommand({ Name: name }));
    // By name, as `aws cloudtrail stop-logging --name <name>` does; CloudTrail records the name
    // as given (the console gives the ARN, which plain moto 5.2.1 rejects: see MOTO_COMPAT_SHIMS).
    await cloudtrail.send(new StopLoggingCommand({ Name: name }));
    const record = attackerRecord(ctx, {
      eventSource: "cloudtrail.amazonaws.com",
      eventName: "StopLogging",
      command: "cloudtrail.stop-logging",
      requestParameters: { name },
      responseElements: null,
    });
    return { record, resource: name };
  },
  async verify(ctx, { resource }) {
    const status = await ctx.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: resource }));
    return {
      safe: status.IsLogging === true,
      detail: `trail ${resource} is ${status.IsLogging ? "logging" : "not logging"}`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.cloudtrail.send(new StartLoggingCommand({ Name: resource }));
  },
};

// ---------------------------------------------------------------------------------------------
// S3 public access block deleted

const ALL_BLOCKED = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
} as const;

const publicAccessBlockDeleted: Scenario = {
  id: "bucket-public-access-block-deleted",
  title: "S3 bucket public access block deleted",
  remediation: RemediationId.BlockPublicBucket,
  taggable: true,
  async setup(ctx, options) {
    const { s3 } = ctx.clients;
    const bucket = uniqueName("customer-exports");
    await createBucket(ctx, bucket);
    const tags = Object.entries(options?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    if (tags.length > 0) {
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags } }));
    }
    await s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    const record = attackerRecord(ctx, {
      eventSource: "s3.amazonaws.com",
      eventName: "DeleteBucketPublicAccessBlock",
      command: "s3api.delete-public-access-block",
      host: `s3.${ctx.region}.amazonaws.com`,
      requestParameters: {
        publicAccessBlock: "",
        bucketName: bucket,
        Host: `s3.${ctx.region}.amazonaws.com`,
      },
      responseElements: null,
      extra: {
        additionalEventData: {
          SignatureVersion: "SigV4",
          CipherSuite: "TLS_AES_128_GCM_SHA256",
          bytesTransferredIn: 0,
          AuthenticationMethod: "AuthHeader",
          "x-amz-id-2": randomBytes(48).toString("base64"),
          bytesTransferredOut: 0,
        },
        resources: [
          { accountId: ctx.account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` },
        ],
      },
    });
    return { record, resource: bucket };
  },
  async verify(ctx, { resource }) {
    try {
      const out = await ctx.clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: resource }));
      const config = out.PublicAccessBlockConfiguration ?? {};
      const off = Object.keys(ALL_BLOCKED).filter(
        (key) => config[key as keyof typeof ALL_BLOCKED] !== true,
      );
      return {
        safe: off.length === 0,
        detail:
          off.length === 0
            ? `bucket ${resource}: all four public access block settings on`
            : `bucket ${resource}: ${off.join(", ")} off`,
      };
    } catch (error) {
      if ((error as Error).name === "NoSuchPublicAccessBlockConfiguration") {
        return { safe: false, detail: `bucket ${resource} has no public access block` };
      }
      throw error;
    }
  },
  async fix(ctx, { resource }) {
    await ctx.clients.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: resource,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// KMS key scheduled for deletion

const keyScheduledForDeletion: Scenario = {
  id: "kms-key-scheduled-for-deletion",
  title: "KMS key scheduled for deletion",
  remediation: RemediationId.CancelKeyDeletion,
  taggable: true,
  async setup(ctx, options) {
    const { kms } = ctx.clients;
    const key = (
      await kms.send(
        new CreateKeyCommand({
          Description: "customer data",
          Tags: Object.entries(options?.tags ?? {}).map(([TagKey, TagValue]) => ({
            TagKey,
            TagValue,
          })),
        }),
      )
    ).KeyMetadata!;
    const scheduled = await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: key.KeyId!, PendingWindowInDays: 7 }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "kms.amazonaws.com",
      eventName: "ScheduleKeyDeletion",
      command: "kms.schedule-key-deletion",
      requestParameters: { keyId: key.KeyId, pendingWindowInDays: 7 },
      responseElements: {
        keyId: key.Arn,
        deletionDate: cloudTrailResponseDate(scheduled.DeletionDate ?? new Date()),
        keyState: "PendingDeletion",
        pendingWindowInDays: 7,
      },
      extra: {
        resources: [{ accountId: ctx.account, type: "AWS::KMS::Key", ARN: key.Arn }],
      },
    });
    return { record, resource: key.Arn! };
  },
  async verify(ctx, { record }) {
    const keyId = (record.requestParameters as { keyId: string }).keyId;
    const key = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    return {
      safe: key.KeyState === "Enabled" && key.DeletionDate === undefined,
      detail: `key ${keyId} is ${key.KeyState}${key.DeletionDate ? `, deletion on ${key.DeletionDate.toISOString()}` : ""}`,
    };
  },
  async fix(ctx, { record }) {
    // moto 5.2.1 accepts only the bare key id here (AWS also takes the key ARN).
    const keyId = (record.requestParameters as { keyId: string }).keyId;
    await ctx.clients.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    await ctx.clients.kms.send(new EnableKeyCommand({ KeyId: keyId }));
  },
};

// ---------------------------------------------------------------------------------------------
// AWS Config recorder stopped

/** AWS allows one configuration recorder per region: the scenario (re)uses "default". */
const RECORDER = "default";

const configRecorderStopped: Scenario = {
  id: "config-recorder-stopped",
  title: "AWS Config recorder stopped",
  remediation: RemediationId.RestartConfigRecorder,
  taggable: false,
  async setup(ctx) {
    const { config } = ctx.clients;
    const bucket = uniqueName("config-history");
    await createBucket(ctx, bucket);
    await config.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: RECORDER,
          roleARN: `arn:aws:iam::${ctx.account}:role/aws-config-recorder`,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
        },
      }),
    );
    await config.send(
      new PutDeliveryChannelCommand({ DeliveryChannel: { name: RECORDER, s3BucketName: bucket } }),
    );
    await config.send(
      new StartConfigurationRecorderCommand({ ConfigurationRecorderName: RECORDER }),
    );
    await config.send(
      new StopConfigurationRecorderCommand({ ConfigurationRecorderName: RECORDER }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "config.amazonaws.com",
      eventName: "StopConfigurationRecorder",
      command: "configservice.stop-configuration-recorder",
      requestParameters: { configurationRecorderName: RECORDER },
      responseElements: null,
    });
    return { record, resource: RECORDER };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.config.send(
      new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [resource] }),
    );
    const recording = out.ConfigurationRecordersStatus?.[0]?.recording === true;
    return {
      safe: recording,
      detail: `configuration recorder ${resource} is ${recording ? "recording" : "stopped"}`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.config.send(
      new StartConfigurationRecorderCommand({ ConfigurationRecorderName: resource }),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// EBS snapshot and AMI made public

const snapshotMadePublic: Scenario = {
  id: "snapshot-made-public",
  title: "EBS snapshot shared publicly",
  remediation: RemediationId.UnshareSnapshot,
  taggable: true,
  async setup(ctx, options) {
    const { ec2 } = ctx.clients;
    const volume = await ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: `${ctx.region}a`, Size: 8 }),
    );
    const snapshot = await ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volume.VolumeId!,
        Description: "database backup",
        ...ec2TagSpecifications("snapshot", options?.tags),
      }),
    );
    const snapshotId = snapshot.SnapshotId!;
    // The flat form (OperationType + GroupNames), as the CLI's --group-names sends it: moto 5.2.1
    // ignores the CreateVolumePermission.Add/Remove structure without an error.
    await ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snapshotId,
        Attribute: "createVolumePermission",
        OperationType: "add",
        GroupNames: ["all"],
      }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "ModifySnapshotAttribute",
      command: "ec2.modify-snapshot-attribute",
      requestParameters: {
        snapshotId,
        createVolumePermission: { add: { items: [{ group: "all" }] } },
        attributeType: "CREATE_VOLUME_PERMISSION",
      },
      responseElements: { requestId: "", _return: true },
    });
    return { record, resource: snapshotId };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.ec2.send(
      new DescribeSnapshotAttributeCommand({
        SnapshotId: resource,
        Attribute: "createVolumePermission",
      }),
    );
    const permissions = out.CreateVolumePermissions ?? [];
    const isPublic = permissions.some((p) => p.Group === "all");
    return {
      safe: !isPublic,
      detail: `snapshot ${resource} is ${isPublic ? "public" : "private"} (${permissions.length} create-volume permission(s))`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: resource,
        Attribute: "createVolumePermission",
        OperationType: "remove",
        GroupNames: ["all"],
      }),
    );
  },
};

/** An AMI that moto ships (Windows Server 2008 R2), to launch the instance the image is made of. */
export const MOTO_BASE_AMI = "ami-12c6146b";

const amiMadePublic: Scenario = {
  id: "ami-made-public",
  title: "AMI made public",
  remediation: RemediationId.UnshareSnapshot,
  taggable: true,
  async setup(ctx, options) {
    const { ec2 } = ctx.clients;
    const instance = await ec2.send(
      new RunInstancesCommand({
        ImageId: MOTO_BASE_AMI,
        MinCount: 1,
        MaxCount: 1,
        InstanceType: "t3.micro",
      }),
    );
    const image = await ec2.send(
      new CreateImageCommand({
        InstanceId: instance.Instances![0].InstanceId!,
        Name: uniqueName("golden-image"),
        ...ec2TagSpecifications("image", options?.tags),
      }),
    );
    const imageId = image.ImageId!;
    await ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: imageId,
        LaunchPermission: { Add: [{ Group: "all" }] },
      }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "ModifyImageAttribute",
      command: "ec2.modify-image-attribute",
      requestParameters: {
        imageId,
        launchPermission: { add: { items: [{ group: "all" }] } },
        attributeType: "launchPermission",
      },
      responseElements: { requestId: "", _return: true },
    });
    return { record, resource: imageId };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.ec2.send(
      new DescribeImageAttributeCommand({ ImageId: resource, Attribute: "launchPermission" }),
    );
    const permissions = out.LaunchPermissions ?? [];
    const isPublic = permissions.some((p) => p.Group === "all");
    return {
      safe: !isPublic,
      detail: `image ${resource} is ${isPublic ? "public" : "private"} (${permissions.length} launch permission(s))`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: resource,
        LaunchPermission: { Remove: [{ Group: "all" }] },
      }),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// Lambda permissions and function URLs, bucket versioning, EBS default encryption, GuardDuty,
// the account-level public access block (the `detect` branch's remediations). Their clients are
// made from the context's endpoint and region when needed.

/** The SDK clients these scenarios use, beyond the context's. */
function moreClients(ctx: ScenarioContext) {
  const config = {
    ...clientConfig(ctx.endpoint, ctx.region),
    ...(ctx.credentials ? { credentials: ctx.credentials } : {}),
  };
  return {
    lambda: new LambdaClient(config),
    guardduty: new GuardDutyClient(config),
    // S3 Control puts the account id in the host name; an emulator endpoint cannot take that.
    s3control: new S3ControlClient({
      ...config,
      endpointProvider: () => ({ url: new URL(ctx.endpoint) }),
    }),
  };
}

/** An empty but valid zip archive (end of central directory only): moto stores it as the code. */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);

/** A function (and its execution role) for the Lambda scenarios. */
async function createFunction(
  ctx: ScenarioContext,
  tags: Record<string, string> | undefined,
): Promise<{ name: string; arn: string }> {
  const name = uniqueName("orders-api");
  const role = await ctx.clients.iam.send(
    new CreateRoleCommand({
      RoleName: `${name}-role`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    }),
  );
  const fn = await moreClients(ctx).lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Role: role.Role!.Arn!,
      Code: { ZipFile: EMPTY_ZIP },
      Tags: tags,
    }),
  );
  return { name, arn: fn.FunctionArn! };
}

/** The statement ids of a function's resource policy ([] when it has none). */
async function statementIds(ctx: ScenarioContext, name: string): Promise<string[]> {
  try {
    const out = await moreClients(ctx).lambda.send(new GetPolicyCommand({ FunctionName: name }));
    const policy = JSON.parse(out.Policy ?? "{}") as { Statement?: { Sid?: string }[] };
    return (policy.Statement ?? []).map((s) => s.Sid ?? "");
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return [];
    throw error;
  }
}

const lambdaPermissionPublic: Scenario = {
  id: "lambda-permission-public",
  title: "Lambda function opened to everyone (AddPermission to any principal)",
  remediation: RemediationId.RemoveLambdaPermission,
  taggable: true,
  async setup(ctx, options) {
    const { lambda } = moreClients(ctx);
    const fn = await createFunction(ctx, options?.tags);
    // The owner's own grant, which must stay: S3 notifications of one bucket.
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: fn.name,
        StatementId: "s3-notifications",
        Action: "lambda:InvokeFunction",
        Principal: "s3.amazonaws.com",
        SourceArn: "arn:aws:s3:::orders-inbox",
      }),
    );
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: fn.name,
        StatementId: "public-invoke",
        Action: "lambda:InvokeFunction",
        Principal: "*",
      }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "lambda.amazonaws.com",
      eventName: "AddPermission20150331v2",
      command: "lambda.add-permission",
      requestParameters: {
        functionName: fn.name,
        statementId: "public-invoke",
        action: "lambda:InvokeFunction",
        principal: "*",
      },
      responseElements: {
        statement: JSON.stringify({
          Sid: "public-invoke",
          Effect: "Allow",
          Principal: "*",
          Action: "lambda:InvokeFunction",
          Resource: fn.arn,
        }),
      },
    });
    return { record, resource: fn.name };
  },
  async verify(ctx, { resource }) {
    const sids = await statementIds(ctx, resource);
    return {
      safe: !sids.includes("public-invoke") && sids.includes("s3-notifications"),
      detail: `function ${resource} policy statements: ${sids.join(", ") || "none"}`,
    };
  },
  async fix(ctx, { resource }) {
    await moreClients(ctx).lambda.send(
      new RemovePermissionCommand({ FunctionName: resource, StatementId: "public-invoke" }),
    );
  },
};

const functionUrlPublic: Scenario = {
  id: "lambda-function-url-public",
  title: "Lambda function URL without authentication (AuthType NONE)",
  remediation: RemediationId.RestrictFunctionUrl,
  taggable: true,
  async setup(ctx, options) {
    const fn = await createFunction(ctx, options?.tags);
    const url = await moreClients(ctx).lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: fn.name, AuthType: "NONE" }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "lambda.amazonaws.com",
      eventName: "CreateFunctionUrlConfig20211031",
      command: "lambda.create-function-url-config",
      requestParameters: { functionName: fn.name, authType: "NONE" },
      responseElements: {
        functionUrl: url.FunctionUrl,
        functionArn: fn.arn,
        authType: "NONE",
        creationTime: url.CreationTime,
      },
    });
    return { record, resource: fn.name };
  },
  async verify(ctx, { resource }) {
    const url = await moreClients(ctx).lambda.send(
      new GetFunctionUrlConfigCommand({ FunctionName: resource }),
    );
    return {
      safe: url.AuthType === "AWS_IAM",
      detail: `function ${resource} URL auth type ${url.AuthType}`,
    };
  },
  async fix(ctx, { resource }) {
    await moreClients(ctx).lambda.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: resource, AuthType: "AWS_IAM" }),
    );
  },
};

const bucketVersioningSuspended: Scenario = {
  id: "bucket-versioning-suspended",
  title: "S3 bucket versioning suspended",
  remediation: RemediationId.RestoreBucketVersioning,
  taggable: true,
  async setup(ctx, options) {
    const { s3 } = ctx.clients;
    const bucket = uniqueName("invoices");
    await createBucket(ctx, bucket);
    const tags = Object.entries(options?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    if (tags.length > 0) {
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags } }));
    }
    const versioning = (Status: "Enabled" | "Suspended") =>
      s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status } }),
      );
    await versioning("Enabled");
    await versioning("Suspended");
    const record = attackerRecord(ctx, {
      eventSource: "s3.amazonaws.com",
      eventName: "PutBucketVersioning",
      command: "s3api.put-bucket-versioning",
      host: `s3.${ctx.region}.amazonaws.com`,
      requestParameters: {
        bucketName: bucket,
        Host: `s3.${ctx.region}.amazonaws.com`,
        versioning: "",
        VersioningConfiguration: {
          Status: "Suspended",
          xmlns: "http://s3.amazonaws.com/doc/2006-03-01/",
        },
      },
      responseElements: null,
      extra: {
        resources: [
          { accountId: ctx.account, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` },
        ],
      },
    });
    return { record, resource: bucket };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.s3.send(new GetBucketVersioningCommand({ Bucket: resource }));
    return {
      safe: out.Status === "Enabled",
      detail: `bucket ${resource} versioning ${out.Status ?? "never enabled"}`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.s3.send(
      new PutBucketVersioningCommand({
        Bucket: resource,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
  },
};

const ebsEncryptionDisabled: Scenario = {
  id: "ebs-encryption-by-default-disabled",
  title: "EBS encryption by default disabled",
  remediation: RemediationId.RestoreEbsEncryption,
  taggable: false,
  async setup(ctx) {
    const { ec2 } = ctx.clients;
    await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
    await ec2.send(new DisableEbsEncryptionByDefaultCommand({}));
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "DisableEbsEncryptionByDefault",
      command: "ec2.disable-ebs-encryption-by-default",
      requestParameters: { DisableEbsEncryptionByDefaultRequest: "" },
      responseElements: {
        requestId: "",
        DisableEbsEncryptionByDefaultResponse: {
          xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/",
          ebsEncryptionByDefault: false,
        },
      },
    });
    return { record, resource: `account ${ctx.account}` };
  },
  async verify(ctx) {
    const out = await ctx.clients.ec2.send(new GetEbsEncryptionByDefaultCommand({}));
    return {
      safe: out.EbsEncryptionByDefault === true,
      detail: `EBS encryption by default ${out.EbsEncryptionByDefault ? "on" : "off"} in ${ctx.region}`,
    };
  },
  async fix(ctx) {
    await ctx.clients.ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
  },
};

const guardDutySuspended: Scenario = {
  id: "guardduty-detector-suspended",
  title: "GuardDuty detector suspended (UpdateDetector enable false)",
  remediation: RemediationId.EnableGuardDuty,
  taggable: true,
  async setup(ctx, options) {
    const { guardduty } = moreClients(ctx);
    const created = await guardduty.send(
      new CreateDetectorCommand({ Enable: true, Tags: options?.tags }),
    );
    const detectorId = created.DetectorId!;
    await guardduty.send(new UpdateDetectorCommand({ DetectorId: detectorId, Enable: false }));
    const record = attackerRecord(ctx, {
      eventSource: "guardduty.amazonaws.com",
      eventName: "UpdateDetector",
      command: "guardduty.update-detector",
      requestParameters: { detectorId, enable: false },
      responseElements: null,
    });
    return { record, resource: detectorId };
  },
  async verify(ctx, { resource }) {
    const out = await moreClients(ctx).guardduty.send(
      new GetDetectorCommand({ DetectorId: resource }),
    );
    return { safe: out.Status === "ENABLED", detail: `detector ${resource} ${out.Status}` };
  },
  async fix(ctx, { resource }) {
    await moreClients(ctx).guardduty.send(
      new UpdateDetectorCommand({ DetectorId: resource, Enable: true }),
    );
  },
};

const accountPublicAccessBlockDeleted: Scenario = {
  id: "account-public-access-block-deleted",
  title: "S3 account-level public access block deleted",
  remediation: RemediationId.BlockAccountPublicAccess,
  taggable: false,
  async setup(ctx) {
    const { s3control } = moreClients(ctx);
    await s3control.send(
      new PutAccountPublicAccessBlockCommand({
        AccountId: ctx.account,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
    await s3control.send(new DeleteAccountPublicAccessBlockCommand({ AccountId: ctx.account }));
    const record = attackerRecord(ctx, {
      eventSource: "s3.amazonaws.com",
      eventName: "DeleteAccountPublicAccessBlock",
      command: "s3control.delete-public-access-block",
      host: `${ctx.account}.s3-control.${ctx.region}.amazonaws.com`,
      requestParameters: {
        accountId: ctx.account,
        Host: `${ctx.account}.s3-control.${ctx.region}.amazonaws.com`,
      },
      responseElements: null,
    });
    return { record, resource: `account ${ctx.account}` };
  },
  async verify(ctx) {
    try {
      const out = await moreClients(ctx).s3control.send(
        new GetAccountPublicAccessBlockCommand({ AccountId: ctx.account }),
      );
      const config = out.PublicAccessBlockConfiguration ?? {};
      const off = Object.keys(ALL_BLOCKED).filter(
        (key) => config[key as keyof typeof ALL_BLOCKED] !== true,
      );
      return {
        safe: off.length === 0,
        detail:
          off.length === 0 ? "account: all four settings on" : `account: ${off.join(", ")} off`,
      };
    } catch (error) {
      if ((error as Error).name === "NoSuchPublicAccessBlockConfiguration") {
        return { safe: false, detail: `account ${ctx.account} has no public access block` };
      }
      throw error;
    }
  },
  async fix(ctx) {
    await moreClients(ctx).s3control.send(
      new PutAccountPublicAccessBlockCommand({
        AccountId: ctx.account,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
  },
};

/** Every scenario, keyed order: one or more per remediation. */
export const SCENARIOS: readonly Scenario[] = [
  worldIngressScenario("sg-world-ssh-ipv4", "security group opened to 0.0.0.0/0 on port 22", {
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv4: "0.0.0.0/0",
  }),
  worldIngressScenario("sg-world-ssh-ipv6", "security group opened to ::/0 on port 22", {
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    cidrIpv6: "::/0",
  }),
  worldIngressScenario("sg-world-all-traffic", "security group opened to 0.0.0.0/0, all traffic", {
    ipProtocol: "-1",
    cidrIpv4: "0.0.0.0/0",
  }),
  accessKeyForAnotherUser,
  trailStopped,
  publicAccessBlockDeleted,
  keyScheduledForDeletion,
  configRecorderStopped,
  snapshotMadePublic,
  amiMadePublic,
  lambdaPermissionPublic,
  functionUrlPublic,
  bucketVersioningSuspended,
  ebsEncryptionDisabled,
  guardDutySuspended,
  accountPublicAccessBlockDeleted,
];

/** The scenario with this id; throws with the known ids otherwise. */
export function scenario(id: string): Scenario {
  const found = SCENARIOS.find((s) => s.id === id);
  if (found === undefined) {
    throw new Error(`Unknown scenario ${id}; known: ${SCENARIOS.map((s) => s.id).join(", ")}`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Resolution inbox: SNS topic "resolutions" -> SQS queue

export interface ResolutionMessage {
  subject: string;
  message: string;
  /** The SNS message attributes (eventId, remediation, outcome, resource...), as strings. */
  attributes: Record<string, string>;
}

export interface ResolutionInbox {
  topicArn: string;
  queueUrl: string;
  /**
   * The resolution message for `eventId` (by its `eventId` attribute, else its body naming the
   * event id), waiting up to `timeoutMs`; undefined if none arrived. Messages for other events
   * are kept for later calls.
   */
  receive(eventId: string, timeoutMs: number): Promise<ResolutionMessage | undefined>;
}

/** Decodes one SQS body: the SNS notification envelope (raw delivery off). */
function parseNotification(body: string): ResolutionMessage | undefined {
  try {
    const envelope = JSON.parse(body) as {
      Type?: string;
      Subject?: string;
      Message?: string;
      MessageAttributes?: Record<string, { Value?: string }>;
    };
    if (envelope.Type !== "Notification" || typeof envelope.Message !== "string") {
      return undefined;
    }
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(envelope.MessageAttributes ?? {})) {
      attributes[key] = String(value.Value ?? "");
    }
    return { subject: envelope.Subject ?? "", message: envelope.Message, attributes };
  } catch {
    return undefined;
  }
}

function matches(message: ResolutionMessage, eventId: string): boolean {
  return message.attributes.eventId === eventId || message.message.includes(eventId);
}

/**
 * Creates the idempotency table as the AutoRemediator declares it (partition key `id`, string;
 * on demand) under `name`, so that the deployed functions' IDEMPOTENCY_TABLE exists.
 */
export async function createIdempotencyTable(ctx: ScenarioContext, name: string): Promise<void> {
  const ddb = new DynamoDBClient(clientConfig(ctx.endpoint, ctx.region));
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    }),
  );
  ddb.destroy();
}

/**
 * Creates the SNS topic `resolutions` and an SQS queue subscribed to it (raw delivery off, so the
 * SNS envelope with its Subject arrives), so that a test can read resolution messages back.
 */
export async function createResolutionInbox(ctx: ScenarioContext): Promise<ResolutionInbox> {
  const { sns, sqs } = ctx.clients;
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: "resolutions" }))).TopicArn!;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("inbox") })))
    .QueueUrl!;
  const queueArn = (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    )
  ).Attributes!.QueueArn!;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: "sqs",
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: "false" },
    }),
  );
  const received: ResolutionMessage[] = [];

  return {
    topicArn,
    queueUrl,
    async receive(eventId, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((m) => matches(m, eventId));
        if (index >= 0) {
          return received.splice(index, 1)[0];
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          return undefined;
        }
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: Math.min(1, Math.floor(left / 1000)),
          }),
        );
        const messages = out.Messages ?? [];
        for (const m of messages) {
          const parsed = parseNotification(m.Body ?? "");
          if (parsed !== undefined) {
            received.push(parsed);
          }
        }
        if (messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
        } else if (left < 1000) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(100, left)));
        }
      }
    },
  };
}
