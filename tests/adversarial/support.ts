/**
 * What the adversarial suite shares: per remediation, a valid remediating event (a real
 * CloudTrail record), where its identifiers are, which of its calls change something, mocked
 * clients that answer "still unsafe" (so that any event that got through would be acted on), and
 * the handlers serialized as Pulumi ships them.
 */
import {
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeTagsCommand,
  EC2Client,
  ModifySnapshotAttributeCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import {
  IAMClient,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  UpdateAccessKeyCommand,
} from "@aws-sdk/client-iam";
import {
  CloudTrailClient,
  GetTrailStatusCommand,
  ListTagsCommand,
  StartLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CancelKeyDeletionCommand,
  EnableKeyCommand,
  KMSClient,
  ListResourceTagsCommand,
} from "@aws-sdk/client-kms";
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import {
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListTagsCommand as LambdaListTagsCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
} from "@aws-sdk/client-lambda";
import {
  GetDetectorCommand,
  GuardDutyClient,
  UpdateDetectorCommand,
} from "@aws-sdk/client-guardduty";
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
  S3ControlClient,
} from "@aws-sdk/client-s3-control";
import {
  EnableEbsEncryptionByDefaultCommand,
  GetEbsEncryptionByDefaultCommand,
} from "@aws-sdk/client-ec2";
import { GetBucketVersioningCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { RemediationId } from "../../core/types";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { serializeHandler } from "../helpers/serialize";
import { awsError, baseSettings, fixture, type Json, record, type Stub } from "../lambdas/harness";

/** The commands of each remediation that change something (the rest only read). */
export const MUTATING = new Set([
  "RevokeSecurityGroupIngress",
  "UpdateAccessKey",
  "StartLogging",
  "PutEventSelectors",
  "PutPublicAccessBlock",
  "CancelKeyDeletion",
  "EnableKey",
  "StartConfigurationRecorder",
  "ModifySnapshotAttribute",
  "ModifyImageAttribute",
  "RemovePermission",
  "UpdateFunctionUrlConfig",
  "PutBucketVersioning",
  "EnableEbsEncryptionByDefault",
  "UpdateDetector",
]);

export interface HandlerCase {
  /** A valid event the handler acts on (a real CloudTrail record, ids of the AWS format). */
  valid: () => Json;
  /** Sets every identifier the handler reads from the event to `value`. */
  setId: (event: Json, value: unknown) => void;
  /** The identifier of `valid()`. */
  id: string;
}

export const CASES: Record<RemediationId, HandlerCase> = {
  [RemediationId.RevokeWorldIngress]: {
    valid: () => fixture("aws_ec2_manual_security_group_changes", "Go Script Authorize Ingress"),
    setId: (e, v) => (e.detail.requestParameters.groupId = v),
    id: "sg-0d921df5d84f7270a",
  },
  [RemediationId.QuarantineAccessKey]: {
    valid: () => fixture("aws_iam_user_key_created", "user1 create keys for user2"),
    setId: (e, v) => (e.detail.responseElements.accessKey.accessKeyId = v),
    id: "AKIAIOSFODNN7EXAMPLE",
  },
  [RemediationId.RestartAuditLogging]: {
    valid: () => fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped"),
    setId: (e, v) => (e.detail.requestParameters.name = v),
    id: "arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail",
  },
  [RemediationId.BlockPublicBucket]: {
    valid: () =>
      fixture("aws_s3_delete_public_access_block", "Public Access Block Deleted Successfully"),
    setId: (e, v) => (e.detail.requestParameters.bucketName = v),
    id: "corporate-documents",
  },
  [RemediationId.CancelKeyDeletion]: {
    valid: () => fixture("aws_kms_cmk_loss", "KMS Key Scheduled For Deletion"),
    setId: (e, v) => {
      e.detail.resources[0].ARN = v;
      e.detail.responseElements.keyId = v;
      e.detail.requestParameters.keyId = v;
    },
    id: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  },
  [RemediationId.RestartConfigRecorder]: {
    valid: () =>
      record("config.amazonaws.com", "StopConfigurationRecorder", {
        configurationRecorderName: "default",
      }),
    setId: (e, v) => (e.detail.requestParameters.configurationRecorderName = v),
    id: "default",
  },
  [RemediationId.UnshareSnapshot]: {
    valid: () => fixture("aws_snapshot_made_public", "Snapshot Made Publicly Accessible"),
    setId: (e, v) => (e.detail.requestParameters.snapshotId = v),
    id: "snap-0123456789abcdef0",
  },
  [RemediationId.RemoveLambdaPermission]: {
    valid: () =>
      record("lambda.amazonaws.com", "AddPermission20150331v2", {
        functionName: "orders",
        statementId: "open",
        action: "lambda:InvokeFunction",
        principal: "*",
      }),
    setId: (e, v) => (e.detail.requestParameters.functionName = v),
    id: "orders",
  },
  [RemediationId.RestrictFunctionUrl]: {
    valid: () =>
      record("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", {
        functionName: "orders",
        authType: "NONE",
      }),
    setId: (e, v) => (e.detail.requestParameters.functionName = v),
    id: "orders",
  },
  [RemediationId.RestoreBucketVersioning]: {
    valid: () =>
      record("s3.amazonaws.com", "PutBucketVersioning", {
        bucketName: "invoices",
        VersioningConfiguration: { Status: "Suspended" },
      }),
    setId: (e, v) => (e.detail.requestParameters.bucketName = v),
    id: "invoices",
  },
  // An account-level setting: the account is its identifier.
  [RemediationId.RestoreEbsEncryption]: {
    valid: () => record("ec2.amazonaws.com", "DisableEbsEncryptionByDefault", {}),
    setId: (e, v) => {
      e.account = v;
      e.detail.recipientAccountId = v;
    },
    id: "123456789012",
  },
  [RemediationId.EnableGuardDuty]: {
    valid: () =>
      record("guardduty.amazonaws.com", "UpdateDetector", {
        detectorId: "12abc34d567e8fa901bc2d34e56789f0",
        enable: false,
      }),
    setId: (e, v) => (e.detail.requestParameters.detectorId = v),
    id: "12abc34d567e8fa901bc2d34e56789f0",
  },
  [RemediationId.BlockAccountPublicAccess]: {
    valid: () =>
      record("s3.amazonaws.com", "DeleteAccountPublicAccessBlock", { accountId: "123456789012" }),
    setId: (e, v) => (e.detail.requestParameters.accountId = v),
    id: "123456789012",
  },
};

/** Answers of every read: the resource is still unsafe and untagged; every change succeeds. */
export function answerUnsafe(m: Record<string, Stub>): void {
  m.ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: "sg-0d921df5d84f7270a",
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
      },
    ],
  });
  m.ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
  m.ec2
    .on(DescribeSnapshotAttributeCommand)
    .resolves({ CreateVolumePermissions: [{ Group: "all" }] });
  m.ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
  m.ec2.on(ModifySnapshotAttributeCommand).resolves({});
  m.iam.on(ListAccessKeysCommand).resolves({
    AccessKeyMetadata: [{ AccessKeyId: "AKIAIOSFODNN7EXAMPLE", Status: "Active" }],
  });
  m.iam.on(ListUserTagsCommand).resolves({ Tags: [] });
  m.iam.on(UpdateAccessKeyCommand).resolves({});
  m.ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
  m.ct.on(ListTagsCommand).resolves({ ResourceTagList: [] });
  m.ct.on(StartLoggingCommand).resolves({});
  m.s3.on(GetPublicAccessBlockCommand).rejects(awsError("NoSuchPublicAccessBlockConfiguration"));
  m.s3.on(GetBucketTaggingCommand).resolves({ TagSet: [] });
  m.s3.on(PutPublicAccessBlockCommand).resolves({});
  m.kms.on(ListResourceTagsCommand).resolves({ Tags: [] });
  m.kms.on(CancelKeyDeletionCommand).resolves({});
  m.kms.on(EnableKeyCommand).resolves({});
  m.cfg
    .on(DescribeConfigurationRecorderStatusCommand)
    .resolves({ ConfigurationRecordersStatus: [{ recording: false }] });
  m.cfg.on(StartConfigurationRecorderCommand).resolves({});
  m.lambda.on(GetPolicyCommand).resolves({
    Policy: JSON.stringify({ Statement: [{ Sid: "open", Effect: "Allow", Principal: "*" }] }),
  });
  m.lambda.on(LambdaListTagsCommand).resolves({ Tags: {} });
  m.lambda.on(RemovePermissionCommand).resolves({});
  m.lambda.on(GetFunctionUrlConfigCommand).resolves({ AuthType: "NONE" });
  m.lambda.on(UpdateFunctionUrlConfigCommand).resolves({});
  m.s3.on(GetBucketVersioningCommand).resolves({ Status: "Suspended" });
  m.s3.on(PutBucketVersioningCommand).resolves({});
  m.ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: false });
  m.ec2.on(EnableEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: true });
  m.gd.on(GetDetectorCommand).resolves({ Status: "DISABLED", Tags: {} });
  m.gd.on(UpdateDetectorCommand).resolves({});
  m.s3c
    .on(GetAccountPublicAccessBlockCommand)
    .rejects(awsError("NoSuchPublicAccessBlockConfiguration"));
  m.s3c.on(PutAccountPublicAccessBlockCommand).resolves({});
}

/** The service clients the handlers use (SNS apart). */
export const SERVICE_CLIENTS = {
  ec2: EC2Client,
  iam: IAMClient,
  ct: CloudTrailClient,
  s3: S3Client,
  kms: KMSClient,
  cfg: ConfigServiceClient,
  lambda: LambdaClient,
  gd: GuardDutyClient,
  s3c: S3ControlClient,
};

export type Handler = (event: unknown) => Promise<unknown>;

/** The serialized handler of a remediation (enforce) with extra settings, built once per key. */
export async function serialized(
  id: RemediationId,
  extra: Json = {},
  cache = new Map<string, Handler>(),
): Promise<Handler> {
  const key = `${id}/${JSON.stringify(extra)}`;
  let handler = cache.get(key);
  if (!handler) {
    const settings = { ...baseSettings(), ...settingDefaults(id), ...extra };
    handler = (await serializeHandler(() => remediationSpec(id).factory(settings))).handler;
    cache.set(key, handler);
  }
  return handler;
}

export interface Call {
  name: string;
  ok?: boolean;
  input: Json;
  /** The answer (PublishCommand: its MessageId). */
  output?: Json;
}

/**
 * Wraps the SDK's shared `send`: while `active`, records each call (name, input, whether it
 * succeeded) and throws an injected fault instead of making call number `failAt` (0-based).
 */
export function interceptSends(): {
  calls: Call[];
  start(failAt?: number): void;
  stop(): void;
  restore(): void;
} {
  const proto = Object.getPrototypeOf(EC2Client.prototype) as {
    send: (command: Json, ...rest: unknown[]) => Promise<Json>;
  };
  const original = proto.send;
  const state = { active: false, failAt: -1, calls: [] as Call[] };
  proto.send = function (this: unknown, command: Json, ...rest: unknown[]) {
    if (!state.active) return original.call(this, command, ...rest);
    const call: Call = {
      name: command.constructor.name.replace(/Command$/, ""),
      input: command.input,
    };
    const position = state.calls.push(call) - 1;
    if (position === state.failAt) {
      call.ok = false;
      const fault = Object.assign(new Error(`injected fault at ${call.name}`), {
        name: "InternalFailure",
        $fault: "server",
      });
      return Promise.reject(fault);
    }
    return original.call(this, command, ...rest).then(
      (out: Json) => {
        call.ok = true;
        call.output = out;
        return out;
      },
      (err: unknown) => {
        call.ok = false;
        throw err;
      },
    );
  };
  return {
    calls: state.calls,
    start(failAt = -1) {
      state.calls.length = 0;
      state.failAt = failAt;
      state.active = true;
    },
    stop() {
      state.active = false;
    },
    restore() {
      proto.send = original;
    },
  };
}

/** One invocation under `interceptKills`: its calls, and the call after which its process dies. */
export interface Life {
  /** 0-based position of the call that takes effect and after which the process dies (-1: none). */
  killAt: number;
  dead: boolean;
  calls: Call[];
  /** Lines the invocation wrote to stdout while alive. */
  lines: Json[];
}

/**
 * Kills instead of faults: `run(handler, event, killAt, context)` runs one invocation in its own
 * async context; its call number `killAt` is sent and takes effect, and then the process dies:
 * that call's answer and every later call of the invocation never return, nothing it writes to
 * stdout after is kept, no catch runs and no record is written. `run` returns once the
 * invocation ends or dies (its remaining timers run out with nothing left to reach).
 */
export function interceptKills(): {
  run(
    handler: (event: unknown, context?: unknown) => Promise<unknown>,
    event: unknown,
    killAt: number,
    context: Json,
  ): Promise<Life & { result?: Json; error?: Error }>;
  restore(): void;
} {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AsyncLocalStorage } = require("async_hooks") as typeof import("async_hooks");
  const als = new AsyncLocalStorage<Life & { died: () => void }>();
  const proto = Object.getPrototypeOf(EC2Client.prototype) as {
    send: (command: Json, ...rest: unknown[]) => Promise<Json>;
  };
  const original = proto.send;
  const never = () => new Promise<never>(() => undefined);
  proto.send = function (this: unknown, command: Json, ...rest: unknown[]) {
    const life = als.getStore();
    if (!life) return original.call(this, command, ...rest);
    if (life.dead) return never();
    const call: Call = {
      name: command.constructor.name.replace(/Command$/, ""),
      input: command.input,
    };
    const position = life.calls.push(call) - 1;
    const sent = original.call(this, command, ...rest).then(
      (out: Json) => {
        call.ok = true;
        call.output = out;
        return out;
      },
      (err: unknown) => {
        call.ok = false;
        throw err;
      },
    );
    if (position !== life.killAt) return sent;
    return sent.then(
      () => (life.died(), never()),
      () => (life.died(), never()),
    );
  };
  const write = process.stdout.write;
  // An invocation's lines are its own (none once it is dead); everything else passes.
  process.stdout.write = function (this: unknown, chunk: string | Uint8Array, ...rest: never[]) {
    const owner = als.getStore();
    if (!owner) return write.call(process.stdout, chunk, ...rest);
    if (!owner.dead) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        owner.lines.push(JSON.parse(line));
      }
    }
    return true;
  } as typeof process.stdout.write;
  return {
    async run(handler, event, killAt, context) {
      let died = () => undefined as void;
      const death = new Promise<void>((resolve) => (died = resolve));
      const life = {
        killAt,
        dead: false,
        calls: [] as Call[],
        lines: [] as Json[],
        died: () => {
          life.dead = true;
          died();
        },
      };
      const outcome = als
        .run(life, () => handler(event, context))
        .then(
          (result) => ({ result: result as Json }),
          (error: Error) => ({ error }),
        );
      const ended = await Promise.race([outcome, death.then(() => ({}))]);
      const { dead, calls, lines } = life;
      return { killAt, dead, calls, lines, ...ended };
    },
    restore() {
      proto.send = original;
      process.stdout.write = write;
    },
  };
}
