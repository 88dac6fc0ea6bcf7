import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  DescribeTagsCommand,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import { IAMClient, ListUserTagsCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { CloudTrailClient, ListTagsCommand, StartLoggingCommand } from "@aws-sdk/client-cloudtrail";
import { S3Client, GetBucketTaggingCommand, PutPublicAccessBlockCommand } from "@aws-sdk/client-s3";
import {
  KMSClient,
  ListResourceTagsCommand,
  CancelKeyDeletionCommand,
  EnableKeyCommand,
} from "@aws-sdk/client-kms";
import {
  ConfigServiceClient,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import { RemediationId } from "../../core/types";
import { HANDLER_FACTORIES, DEFAULT_SETTINGS } from "../../lambdas";
import { serializeHandler } from "../helpers/serialize";
import { baseSettings, captureLogs, fixture, type Json, record, sent, snsMock } from "./harness";

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
};

describe("serialized handlers (what Pulumi ships)", function () {
  this.timeout(120000);
  const clients = [
    EC2Client,
    IAMClient,
    CloudTrailClient,
    S3Client,
    KMSClient,
    ConfigServiceClient,
  ].map((c) => mockClient(c as never));
  const [ec2, iam, ct, s3, kms, cfg] = clients;
  let sns = snsMock();
  beforeEach(() => {
    clients.forEach((c) => c.reset());
    sns.restore();
    sns = snsMock();
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: "sg-0d921df5d84f7270a",
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          ],
        },
      ],
    });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    ec2.on(ModifySnapshotAttributeCommand).resolves({});
    iam.on(ListUserTagsCommand).resolves({ Tags: [] });
    iam.on(UpdateAccessKeyCommand).resolves({});
    ct.on(ListTagsCommand).resolves({ ResourceTagList: [] });
    ct.on(StartLoggingCommand).resolves({});
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [] });
    s3.on(PutPublicAccessBlockCommand).resolves({});
    kms.on(ListResourceTagsCommand).resolves({ Tags: [] });
    kms.on(CancelKeyDeletionCommand).resolves({});
    kms.on(EnableKeyCommand).resolves({});
    cfg.on(StartConfigurationRecorderCommand).resolves({});
  });
  after(() => {
    clients.forEach((c) => c.restore());
    sns.restore();
  });

  for (const id of Object.values(RemediationId)) {
    const { event, mutating } = CASES[id];
    it(`${id}: under 40 KB, self-contained, and behaves like the source`, async () => {
      const settings = { ...baseSettings(), ...DEFAULT_SETTINGS[id] };
      const factory = HANDLER_FACTORIES[id];
      const { text, handler } = await serializeHandler(() => factory(settings));
      // Unminified closure text with Pulumi's per-function wrappers: 22-36 KB today. The bound
      // catches an accidental capture (an SDK or Pulumi module would be megabytes).
      expect(text.length).to.be.lessThan(40 * 1024);
      expect(text).not.to.match(/require\(["'](\.|\/)/);
      expect(text).not.to.contain("aws-security-watch");
      expect(text).not.to.contain("@pulumi");
      const fromSource = await captureLogs(() => factory(settings)(event()));
      const sourceCalls = clients.flatMap((c) => sent(c).map((x) => x.name));
      clients.forEach((c) => c.resetHistory());
      sns.resetHistory();
      const serialized = await captureLogs(() => handler(event()));
      const serializedCalls = clients.flatMap((c) => sent(c).map((x) => x.name));
      expect(serialized.error).to.equal(undefined);
      expect(serialized.result).to.deep.equal(fromSource.result);
      expect(serializedCalls).to.deep.equal(sourceCalls);
      expect(serializedCalls).to.include(mutating);
      expect((serialized.result as Json).outcome).to.equal("remediated");
      expect(sent(sns)).to.have.length(1);
    });
  }
});
