import { expect } from "chai";
import {
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  DescribeTagsCommand,
  ModifySnapshotAttributeCommand,
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
  S3Client,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
} from "@aws-sdk/client-s3";
import {
  KMSClient,
  ListResourceTagsCommand,
  CancelKeyDeletionCommand,
  EnableKeyCommand,
} from "@aws-sdk/client-kms";
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import { RemediationId } from "../../core/types";
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
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { serializeHandler } from "../helpers/serialize";
import {
  awsError,
  baseSettings,
  captureLogs,
  fixture,
  type Json,
  mocked,
  record,
  sent,
} from "./harness";

/**
 * Bound on the serialized handler text (the `__index.js` Pulumi ships), in bytes. It catches an
 * accidental capture (an SDK or Pulumi module would be megabytes) and code growth. Target 16 KB;
 * measured after the size work: 17.6-27.6 KB; the hardened run loop (idempotency record, account
 * check, time budget, clipping, incident schema, id validation) added about 14 KB to each:
 * 31.3-43.1 KB; the AWS Config compliance shape (lambdas/runtime/compliance.ts and a plan from the
 * resource's state) adds up to 9 KB to the four handlers that accept it (revoke-world-ingress:
 * about 52 KB); the organization hub's hook (lambdas/runtime/crossAccount.ts: member-role credentials,
 * account check, loop guard, settings check) adds about 5.3 KB to each (revoke-world-ingress:
 * about 60 KB); exactly-once against replays, mode changes and kills (the claim beside the reads,
 * the intent beside the change, the key's digest, the per-resource parts AWS Config leaves)
 * adds about 5.5 KB (revoke-world-ingress: about 67 KB), so the bound is 72 KB.
 */
const MAX_BYTES = 72 * 1024;

/** One remediating event per remediation, and the mutating command it must lead to. */
const CASES: Record<RemediationId, { event: () => Json; mutating: string; settings?: Json }> = {
  [RemediationId.RevokeWorldIngress]: {
    event: () => fixture("aws_ec2_manual_security_group_changes", "Go Script Authorize Ingress"),
    mutating: "RevokeSecurityGroupIngress",
  },
  [RemediationId.QuarantineAccessKey]: {
    event: () => fixture("aws_iam_user_key_created", "user1 create keys for user2"),
    mutating: "UpdateAccessKey",
  },
  [RemediationId.RestartAuditLogging]: {
    event: () => fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped"),
    mutating: "StartLogging",
  },
  [RemediationId.BlockPublicBucket]: {
    event: () =>
      fixture("aws_s3_delete_public_access_block", "Public Access Block Deleted Successfully"),
    mutating: "PutPublicAccessBlock",
  },
  [RemediationId.CancelKeyDeletion]: {
    event: () => fixture("aws_kms_cmk_loss", "KMS Key Scheduled For Deletion"),
    mutating: "CancelKeyDeletion",
  },
  [RemediationId.RestartConfigRecorder]: {
    event: () =>
      record("config.amazonaws.com", "StopConfigurationRecorder", {
        configurationRecorderName: "default",
      }),
    mutating: "StartConfigurationRecorder",
  },
  [RemediationId.UnshareSnapshot]: {
    event: () => fixture("aws_snapshot_made_public", "Snapshot Made Publicly Accessible"),
    mutating: "ModifySnapshotAttribute",
  },
  [RemediationId.RemoveLambdaPermission]: {
    event: () =>
      record("lambda.amazonaws.com", "AddPermission20150331v2", {
        functionName: "my-fn",
        statementId: "open",
        principal: "*",
      }),
    mutating: "RemovePermission",
  },
  [RemediationId.RestrictFunctionUrl]: {
    event: () =>
      record("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", {
        functionName: "my-fn",
        authType: "NONE",
      }),
    mutating: "UpdateFunctionUrlConfig",
  },
  [RemediationId.RestoreBucketVersioning]: {
    event: () => fixture("aws_s3_suspend_versioning", "Versioning Suspended Successfully"),
    mutating: "PutBucketVersioning",
  },
  [RemediationId.RestoreEbsEncryption]: {
    event: () => record("ec2.amazonaws.com", "DisableEbsEncryptionByDefault", {}),
    mutating: "EnableEbsEncryptionByDefault",
  },
  [RemediationId.EnableGuardDuty]: {
    event: () =>
      record("guardduty.amazonaws.com", "UpdateDetector", {
        detectorId: "12abc34d567e8fa901bc2d34e56789f0",
        enable: false,
      }),
    mutating: "UpdateDetector",
  },
  [RemediationId.BlockAccountPublicAccess]: {
    event: () =>
      record("s3.amazonaws.com", "DeleteAccountPublicAccessBlock", { accountId: "123456789012" }),
    mutating: "PutPublicAccessBlock",
  },
};

describe("serialized handlers (what Pulumi ships)", function () {
  this.timeout(120000);
  const m = mocked({
    ec2: EC2Client,
    iam: IAMClient,
    ct: CloudTrailClient,
    s3: S3Client,
    kms: KMSClient,
    cfg: ConfigServiceClient,
    lambda: LambdaClient,
    gd: GuardDutyClient,
    s3c: S3ControlClient,
  });
  const clients = () => [m.ec2, m.iam, m.ct, m.s3, m.kms, m.cfg, m.lambda, m.gd, m.s3c];
  beforeEach(() => {
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
    m.iam
      .on(ListAccessKeysCommand)
      .resolves({ AccessKeyMetadata: [{ AccessKeyId: "AKIAIOSFODNN7EXAMPLE", Status: "Active" }] });
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
    m.lambda
      .on(GetFunctionUrlConfigCommand)
      .resolves({ AuthType: "NONE", FunctionUrl: "https://x" });
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
  });
  const sizes: Record<string, number> = {};
  after(() => console.log(`      serialized handler sizes (bytes): ${JSON.stringify(sizes)}`));

  for (const id of Object.values(RemediationId)) {
    const { event, mutating } = CASES[id];
    it(`${id}: within ${MAX_BYTES} bytes, self-contained, and behaves like the source`, async () => {
      const settings = { ...baseSettings(), ...settingDefaults(id) };
      const factory = remediationSpec(id).factory;
      const { text, handler } = await serializeHandler(() => factory(settings));
      sizes[id] = Buffer.byteLength(text);
      expect(sizes[id]).to.be.at.most(MAX_BYTES);
      expect(text).not.to.match(/require\(["'](\.|\/)/);
      expect(text).not.to.contain("aws-security-watch");
      expect(text).not.to.contain("@pulumi");
      const fromSource = await captureLogs(() => factory(settings)(event()));
      const sourceCalls = clients().flatMap((c) => sent(c).map((x) => x.name));
      clients().forEach((c) => c.resetHistory());
      m.sns.resetHistory();
      const serialized = await captureLogs(() => handler(event()));
      const serializedCalls = clients().flatMap((c) => sent(c).map((x) => x.name));
      expect(serialized.error).to.equal(undefined);
      expect(serialized.result).to.deep.equal(fromSource.result);
      expect(serializedCalls).to.deep.equal(sourceCalls);
      expect(serializedCalls).to.include(mutating);
      expect((serialized.result as Json).outcome).to.equal("remediated");
      expect(sent(m.sns)).to.have.length(1);
      expect(serialized.stdout.map((l) => Object.keys(JSON.parse(l))[0])).to.deep.equal([
        "type",
        "_aws",
      ]);
    });
  }
});
