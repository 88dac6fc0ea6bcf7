/**
 * The kit of the attack scenarios (each remediation's own is remediations/<id>/scenario.ts,
 * listed by scripts/scenarios.ts): each one makes, with the real AWS SDK v3 against an endpoint (the local
 * emulator, see scripts/moto.ts), the dangerous change one remediation undoes, and builds the
 * CloudTrail record AWS would deliver for that API call. `verify` reads the state back and says
 * whether it is safe; `fix` makes it safe by hand (what a person would do), so that `verify` is
 * itself tested in both directions.
 *
 * Used by the integration tests of the remediation handlers, the `npm run drill` fire drill and
 * the benchmarks.
 */
import { randomBytes, randomUUID } from "crypto";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client, Tag } from "@aws-sdk/client-ec2";
import { CreateRoleCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GuardDutyClient } from "@aws-sdk/client-guardduty";
import { CreateFunctionCommand, GetPolicyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { S3ControlClient } from "@aws-sdk/client-s3-control";
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

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/** CloudTrail's eventTime: ISO 8601 in UTC, whole seconds. */
function cloudTrailTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The date format CloudTrail uses inside some responseElements ("Sep 27, 2022, 5:09:18 PM"). */
export function cloudTrailResponseDate(date: Date): string {
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

export function ec2TagSpecifications(
  resourceType: "security-group" | "snapshot" | "image",
  tags: Record<string, string> | undefined,
): { TagSpecifications?: { ResourceType: typeof resourceType; Tags: Tag[] }[] } {
  const list = ec2Tags(tags);
  return list.length > 0 ? { TagSpecifications: [{ ResourceType: resourceType, Tags: list }] } : {};
}

// ---------------------------------------------------------------------------------------------
// Security groups opened to the world

// ---------------------------------------------------------------------------------------------
// Access key created for another user

export async function ensureUser(iam: IAMClient, userName: string, tags?: Record<string, string>) {
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

// ---------------------------------------------------------------------------------------------
// CloudTrail logging stopped

export async function createBucket(ctx: ScenarioContext, bucket: string): Promise<void> {
  await ctx.clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(ctx.region === "us-east-1"
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: ctx.region as never } }),
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// S3 public access block deleted

export const ALL_BLOCKED = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
} as const;

// ---------------------------------------------------------------------------------------------
// KMS key scheduled for deletion

// ---------------------------------------------------------------------------------------------
// AWS Config recorder stopped

// ---------------------------------------------------------------------------------------------
// EBS snapshot and AMI made public

/** An AMI that moto ships (Windows Server 2008 R2), to launch the instance the image is made of. */
export const MOTO_BASE_AMI = "ami-12c6146b";

// ---------------------------------------------------------------------------------------------
// Lambda permissions and function URLs, bucket versioning, EBS default encryption, GuardDuty,
// the account-level public access block (the `detect` branch's remediations). Their clients are
// made from the context's endpoint and region when needed.

/** The SDK clients these scenarios use, beyond the context's. */
export function moreClients(ctx: ScenarioContext) {
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
export async function createFunction(
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
export async function statementIds(ctx: ScenarioContext, name: string): Promise<string[]> {
  try {
    const out = await moreClients(ctx).lambda.send(new GetPolicyCommand({ FunctionName: name }));
    const policy = JSON.parse(out.Policy ?? "{}") as { Statement?: { Sid?: string }[] };
    return (policy.Statement ?? []).map((s) => s.Sid ?? "");
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return [];
    throw error;
  }
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
