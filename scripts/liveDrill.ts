/**
 * `npm run drill -- --live`: the fire drill against a real AWS account where the stack is
 * deployed (`pulumi up`), to measure the real time from a dangerous API call to the remediated
 * state and the resolution message. It asks for confirmation (type the account id), creates only
 * throwaway resources named `asw-drill-<run>` and tagged `aws-security-watch:drill=<run>`, and
 * deletes them afterwards, whatever happened.
 *
 * Scenarios: a security group of the default VPC opened to 0.0.0.0/0 on 22, an access key created
 * for a throwaway IAM user, and a throwaway bucket's public access block deleted. (Stopping the
 * real trail, scheduling a KMS key deletion or stopping the Config recorder are not played live:
 * they would touch shared or billed resources.)
 *
 * Credentials and region come from the AWS SDK's default chain (AWS_PROFILE, AWS_REGION...).
 * The remediations must be in `enforce` mode for the state to be undone; in `dry-run` the drill
 * reports the resolution message and what would have been done.
 */
import { randomBytes } from "crypto";
import * as readline from "readline";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  IAMClient,
  ListAccessKeysCommand,
} from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  ListTopicsCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

export interface LiveOptions {
  region: string;
  yes: boolean;
  topicArn?: string;
  timeoutSeconds: number;
}

/** Parses `--live [--region R] [--resolutions-topic-arn ARN] [--timeout S] [--yes]`. */
export function parseLiveArgs(args: string[], env: NodeJS.ProcessEnv = process.env): LiveOptions {
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (!v || v.startsWith("--")) throw new Error(`${flag} needs a value`);
    return v;
  };
  const region = value("--region") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error("set the region: --region eu-west-1 (or AWS_REGION)");
  const timeout = Number(value("--timeout") ?? "180");
  if (!Number.isInteger(timeout) || timeout < 10 || timeout > 900) {
    throw new Error("--timeout: seconds from 10 to 900");
  }
  return {
    region,
    yes: args.includes("--yes"),
    topicArn: value("--resolutions-topic-arn"),
    timeoutSeconds: timeout,
  };
}

interface LiveScenario {
  id: string;
  title: string;
  /** Makes the dangerous change; returns the cleanup and the check of the remediated state. */
  attack(): Promise<{ safe(): Promise<boolean>; cleanup(): Promise<void> }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ask(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await new Promise((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}

/** What the live scenarios share: the run's names and tag, the account, the clients. */
interface LiveRun {
  name: string;
  tag: { Key: string; Value: string };
  account: string;
  region: string;
  ec2: EC2Client;
  iam: IAMClient;
  s3: S3Client;
}

/** A security group of the default VPC opened to 0.0.0.0/0 on 22. */
function sgWorldSsh(r: LiveRun): LiveScenario {
  const { name, tag, ec2 } = r;
  return {
    id: "sg-world-ssh",
    title: "security group opened to 0.0.0.0/0 on port 22",
    async attack() {
      const vpc = (
        await ec2.send(
          new DescribeVpcsCommand({ Filters: [{ Name: "isDefault", Values: ["true"] }] }),
        )
      ).Vpcs?.[0];
      if (!vpc) throw new Error("no default VPC in this region");
      const groupId = (
        await ec2.send(
          new CreateSecurityGroupCommand({
            GroupName: name,
            Description: "aws-security-watch live drill (throwaway)",
            VpcId: vpc.VpcId,
            TagSpecifications: [{ ResourceType: "security-group", Tags: [tag] }],
          }),
        )
      ).GroupId!;
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          ],
        }),
      );
      return {
        async safe() {
          const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
            .SecurityGroups?.[0];
          return !(group?.IpPermissions ?? []).some((p) =>
            (p.IpRanges ?? []).some((r) => r.CidrIp === "0.0.0.0/0"),
          );
        },
        cleanup: async () =>
          void (await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }))),
      };
    },
  };
}

/** An access key created for a throwaway IAM user. */
function accessKeyForAnotherUser(r: LiveRun): LiveScenario {
  const { name, tag, iam } = r;
  return {
    id: "access-key-for-another-user",
    title: "access key created for another (throwaway) user",
    async attack() {
      await iam.send(
        new CreateUserCommand({
          UserName: name,
          Path: "/aws-security-watch-drill/",
          Tags: [tag],
        }),
      );
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return {
        async safe() {
          const keys =
            (await iam.send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata ?? [];
          return keys.every((k) => k.AccessKeyId !== key.AccessKeyId || k.Status === "Inactive");
        },
        async cleanup() {
          await iam.send(
            new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: key.AccessKeyId }),
          );
          await iam.send(new DeleteUserCommand({ UserName: name }));
        },
      };
    },
  };
}

/** A throwaway bucket's public access block deleted. */
function bucketPublicAccessBlockDeleted(r: LiveRun): LiveScenario {
  const { name, tag, account, s3 } = r;
  return {
    id: "bucket-public-access-block-deleted",
    title: "public access block deleted on a throwaway bucket",
    async attack() {
      const bucket = `${name}-${account}`;
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(r.region === "us-east-1"
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: r.region as never } }),
        }),
      );
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [tag] } }));
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
      return {
        async safe() {
          try {
            const c = (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))
              .PublicAccessBlockConfiguration;
            return !!(
              c?.BlockPublicAcls &&
              c.IgnorePublicAcls &&
              c.BlockPublicPolicy &&
              c.RestrictPublicBuckets
            );
          } catch {
            return false;
          }
        },
        cleanup: async () => void (await s3.send(new DeleteBucketCommand({ Bucket: bucket }))),
      };
    },
  };
}

/** The drill's queue, where SNS may send the resolution topic's messages (and only those). */
async function createResolutionQueue(
  sqs: SQSClient,
  name: string,
  tag: { Key: string; Value: string },
  topicArn: string,
): Promise<{ queueUrl: string; queueArn: string }> {
  const queueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: name, tags: { [tag.Key]: tag.Value } }))
  ).QueueUrl!;
  const queueArn = (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }),
    )
  ).Attributes!.QueueArn!;
  const { SetQueueAttributesCommand } = await import("@aws-sdk/client-sqs");
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "sns.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: queueArn,
              Condition: { ArnEquals: { "aws:SourceArn": topicArn } },
            },
          ],
        }),
      },
    }),
  );
  return { queueUrl, queueArn };
}

/** One live scenario: the attack, the wait for the safe state, the resolution, the cleanup. */
async function playLive(
  scenario: LiveScenario,
  sqs: SQSClient,
  queueUrl: string,
  timeoutSeconds: number,
  name: string,
): Promise<boolean> {
  let ok = false;
  process.stdout.write(`- ${scenario.title}: `);
  const started = Date.now();
  let attack: Awaited<ReturnType<LiveScenario["attack"]>> | undefined;
  try {
    attack = await scenario.attack();
    let safeAfter: number | undefined;
    while (Date.now() - started < timeoutSeconds * 1000) {
      if (await attack.safe()) {
        safeAfter = Date.now() - started;
        break;
      }
      await sleep(1000);
    }
    const messages =
      (
        await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 10,
          }),
        )
      ).Messages ?? [];
    const subjects = messages.map(
      (m) => (JSON.parse(m.Body ?? "{}") as { Subject?: string }).Subject ?? "",
    );
    if (safeAfter === undefined) {
      console.log(
        `NOT undone within ${timeoutSeconds} s (is the remediation in enforce mode?) ${subjects.join(" | ")}`,
      );
    } else {
      console.log(
        `undone ${(safeAfter / 1000).toFixed(1)} s after the API call; resolution: ${subjects.join(" | ") || "(not yet)"}`,
      );
      ok = true;
    }
  } catch (e) {
    console.log(`failed: ${(e as Error).message}`);
  } finally {
    await attack
      ?.cleanup()
      .catch((e) =>
        console.log(`  cleanup failed (delete ${name}* by hand): ${(e as Error).message}`),
      );
  }
  return ok;
}

export async function runLiveDrill(args: string[]): Promise<number> {
  const options = parseLiveArgs(args);
  const run = randomBytes(4).toString("hex");
  const name = `asw-drill-${run}`;
  const tag = { Key: "aws-security-watch:drill", Value: run };
  const ec2 = new EC2Client({ region: options.region });
  const iam = new IAMClient({ region: options.region });
  const s3 = new S3Client({ region: options.region });
  const sns = new SNSClient({ region: options.region });
  const sqs = new SQSClient({ region: options.region });
  const identity = await new STSClient({ region: options.region }).send(
    new GetCallerIdentityCommand({}),
  );
  const account = identity.Account as string;

  console.log(
    `LIVE fire drill in account ${account}, region ${options.region}, as ${identity.Arn}`,
  );
  console.log(
    `It creates throwaway resources named ${name}* (tag aws-security-watch:drill=${run}),`,
  );
  console.log("makes them dangerous, waits for the deployed remediations, and deletes them.");
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      console.error("No terminal to confirm on: pass --yes to confirm non-interactively.");
      return 2;
    }
    const answer = await ask(`Type the account id (${account}) to go on: `);
    if (answer.trim() !== account) {
      console.log("Not confirmed: nothing was created.");
      return 2;
    }
  }

  const topicArn =
    options.topicArn ??
    ((await sns.send(new ListTopicsCommand({}))).Topics ?? [])
      .map((t) => t.TopicArn as string)
      .find((arn) => /:alerts-resolutions(-[0-9a-f]+)?$/.test(arn));
  if (!topicArn) {
    console.error(
      "No resolutions topic found: pass --resolutions-topic-arn (pulumi stack output alertTopicArns).",
    );
    return 2;
  }
  const { queueUrl, queueArn } = await createResolutionQueue(sqs, name, tag, topicArn);
  const subscription = await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn }),
  );

  const live: LiveRun = { name, tag, account, region: options.region, ec2, iam, s3 };
  const scenarios: LiveScenario[] = [
    sgWorldSsh(live),
    accessKeyForAnotherUser(live),
    bucketPublicAccessBlockDeleted(live),
  ];

  let failures = 0;
  try {
    for (const scenario of scenarios) {
      if (!(await playLive(scenario, sqs, queueUrl, options.timeoutSeconds, name))) failures++;
    }
  } finally {
    await sns
      .send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn }))
      .catch(() => undefined);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
  }
  return failures ? 1 : 0;
}
