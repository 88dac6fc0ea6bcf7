import { neutralise } from "../../core/neutralise";
import { expect } from "chai";
import fc from "fast-check";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { S3Client } from "@aws-sdk/client-s3";
import { KMSClient } from "@aws-sdk/client-kms";
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import { RemediationId } from "../../core/types";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { causedByRole, type EventFacts } from "../../lambdas/runtime/event";
import { resolutionMessage } from "../../lambdas/runtime/messages";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { planRevokeWorldIngress } from "../../remediations/revoke-world-ingress/handler";
import { planQuarantineAccessKey } from "../../remediations/quarantine-access-key/handler";
import { planRestartAuditLogging } from "../../remediations/restart-audit-logging/handler";
import { planBlockPublicBucket } from "../../remediations/block-public-bucket/handler";
import { planCancelKeyDeletion } from "../../remediations/cancel-key-deletion/handler";
import {
  createRestartConfigRecorderHandler,
  planRestartConfigRecorder,
} from "../../remediations/restart-config-recorder/handler";
import { planUnshareSnapshot } from "../../remediations/unshare-snapshot/handler";
import { planRemoveLambdaPermission } from "../../remediations/remove-lambda-permission/handler";
import { planRestrictFunctionUrl } from "../../remediations/restrict-function-url/handler";
import { planRestoreBucketVersioning } from "../../remediations/restore-bucket-versioning/handler";
import { planRestoreEbsEncryption } from "../../remediations/restore-ebs-encryption/handler";
import { planEnableGuardDuty } from "../../remediations/enable-guardduty/handler";
import { planBlockAccountPublicAccess } from "../../remediations/block-account-public-access/handler";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { GuardDutyClient } from "@aws-sdk/client-guardduty";
import { S3ControlClient } from "@aws-sdk/client-s3-control";
import {
  BAD_VALUES,
  baseSettings,
  captureLogs,
  fixture,
  type Json,
  MALFORMING,
  mocked,
  record,
} from "./harness";
import { PINNED_INCIDENT_FIELDS } from "../helpers/incidentSchema";

const SETTINGS = { ...baseSettings(), allowedPublicPorts: [443], protectedKeyArns: [] };

/** Each remediation: its pure plan and one valid, remediating event. */
const PLANS: Record<RemediationId, { plan: (e: unknown) => { kind: string }; valid: () => Json }> =
  {
    [RemediationId.RevokeWorldIngress]: {
      plan: (e) => planRevokeWorldIngress(e, SETTINGS),
      valid: () => fixture("aws_ec2_manual_security_group_changes", "Go Script Authorize Ingress"),
    },
    [RemediationId.QuarantineAccessKey]: {
      plan: (e) => planQuarantineAccessKey(e, SETTINGS),
      valid: () => fixture("aws_iam_user_key_created", "user1 create keys for user2"),
    },
    [RemediationId.RestartAuditLogging]: {
      plan: (e) => planRestartAuditLogging(e, SETTINGS),
      valid: () => fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped"),
    },
    [RemediationId.BlockPublicBucket]: {
      plan: (e) => planBlockPublicBucket(e, SETTINGS),
      valid: () =>
        fixture("aws_s3_delete_public_access_block", "Public Access Block Deleted Successfully"),
    },
    [RemediationId.CancelKeyDeletion]: {
      plan: (e) => planCancelKeyDeletion(e, SETTINGS),
      valid: () => fixture("aws_kms_cmk_loss", "KMS Key Scheduled For Deletion"),
    },
    [RemediationId.RestartConfigRecorder]: {
      plan: (e) => planRestartConfigRecorder(e, SETTINGS),
      valid: () =>
        record("config.amazonaws.com", "StopConfigurationRecorder", {
          configurationRecorderName: "default",
        }),
    },
    [RemediationId.UnshareSnapshot]: {
      plan: (e) => planUnshareSnapshot(e, SETTINGS),
      valid: () => fixture("aws_snapshot_made_public", "Snapshot Made Publicly Accessible"),
    },
    [RemediationId.RemoveLambdaPermission]: {
      plan: (e) => planRemoveLambdaPermission(e, { ...SETTINGS, partnerAccountIds: [] }),
      valid: () =>
        record("lambda.amazonaws.com", "AddPermission20150331v2", {
          functionName: "my-fn",
          statementId: "open",
          action: "lambda:InvokeFunction",
          principal: "*",
        }),
    },
    [RemediationId.RestrictFunctionUrl]: {
      plan: (e) => planRestrictFunctionUrl(e, SETTINGS),
      valid: () =>
        record("lambda.amazonaws.com", "CreateFunctionUrlConfig20211031", {
          functionName: "my-fn",
          authType: "NONE",
        }),
    },
    [RemediationId.RestoreBucketVersioning]: {
      plan: (e) => planRestoreBucketVersioning(e, SETTINGS),
      valid: () =>
        record("s3.amazonaws.com", "PutBucketVersioning", {
          bucketName: "important-files-bucket",
          VersioningConfiguration: { Status: "Suspended" },
        }),
    },
    [RemediationId.RestoreEbsEncryption]: {
      plan: (e) => planRestoreEbsEncryption(e, SETTINGS),
      valid: () =>
        record("ec2.amazonaws.com", "DisableEbsEncryptionByDefault", {
          DisableEbsEncryptionByDefaultRequest: {},
        }),
    },
    [RemediationId.EnableGuardDuty]: {
      plan: (e) => planEnableGuardDuty(e, SETTINGS),
      valid: () =>
        record("guardduty.amazonaws.com", "UpdateDetector", {
          detectorId: "12abc34d567e8fa901bc2d34e56789f0",
          enable: false,
        }),
    },
    [RemediationId.BlockAccountPublicAccess]: {
      plan: (e) => planBlockAccountPublicAccess(e, SETTINGS),
      valid: () =>
        record("s3.amazonaws.com", "DeleteAccountPublicAccessBlock", {
          accountId: "123456789012",
        }),
    },
  };

/** A valid event broken at one required field. */
const malformedEvent = (valid: () => Json) =>
  fc
    .tuple(fc.constantFrom(...Object.keys(MALFORMING)), fc.constantFrom(...BAD_VALUES))
    .map(([field, bad]) => {
      const e = valid();
      MALFORMING[field](e, bad);
      return e;
    });

describe("malformed and unexpected events", () => {
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

  for (const id of Object.values(RemediationId)) {
    const { plan, valid } = PLANS[id];

    it(`${id}: the valid event plans an action`, () => {
      expect(plan(valid()).kind).to.equal("act");
    });

    it(`${id}: plan never throws on arbitrary JSON and never plans an action`, () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.jsonValue(), fc.anything(), fc.record({ detail: fc.jsonValue() })),
          (input) => {
            const result = plan(input);
            expect(["reject", "ignore"]).to.include(result.kind);
          },
        ),
        { numRuns: 300 },
      );
    });

    it(`${id}: a required field missing or of the wrong type is rejected`, () => {
      fc.assert(
        fc.property(malformedEvent(valid), (event) => {
          expect(plan(event).kind).to.equal("reject");
        }),
        { numRuns: 100 },
      );
    });

    it(`${id}: the handler throws, logs one rejected line and its metric, and calls no AWS API`, async () => {
      const handler = remediationSpec(id).factory({ ...baseSettings(), ...settingDefaults(id) });
      await fc.assert(
        fc.asyncProperty(fc.oneof(malformedEvent(valid), fc.jsonValue()), async (event) => {
          const { error, lines } = await captureLogs(() => handler(event));
          expect(error).to.be.instanceOf(Error);
          expect(error?.message).to.match(new RegExp(`^${id}: rejected event: `));
          expect(lines).to.have.length(2);
          expect(lines[0]).to.deep.include({ type: "rejected", schemaVersion: 1, remediation: id });
          expect(lines[1]).to.deep.include({
            remediation: id,
            outcome: "rejected",
            Remediations: 1,
          });
          expect(Object.values(m).map((c) => c.calls().length)).to.deep.equal([
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
          ]);
        }),
        { numRuns: 50 },
      );
    });
  }

  it("rejection reason names the event and what is wrong", () => {
    const e = PLANS[RemediationId.RestartAuditLogging].valid();
    e.detail.eventName = "DeleteTrail";
    expect(planRestartAuditLogging(e, SETTINGS)).to.deep.equal({
      kind: "reject",
      reason:
        "unexpected event cloudtrail.amazonaws.com:DeleteTrail (1); expected cloudtrail.amazonaws.com: StopLogging, PutEventSelectors",
    });
  });
});

describe("own role detection", () => {
  const facts = (principal: string, issuerArn?: string) => ({ principal, issuerArn }) as EventFacts;
  const role = "arn:aws:iam::123456789012:role/path/remediator";
  const cases: [string, string, string | undefined, boolean][] = [
    [
      "session issuer is the role",
      "arn:aws:sts::123456789012:assumed-role/remediator/x",
      role,
      true,
    ],
    [
      "assumed-role session of the role (path dropped in STS ARNs)",
      "arn:aws:sts::123456789012:assumed-role/remediator/fn",
      undefined,
      true,
    ],
    [
      "another role with the same prefix",
      "arn:aws:sts::123456789012:assumed-role/remediator-2/fn",
      undefined,
      false,
    ],
    [
      "same role name in another account",
      "arn:aws:sts::999999999999:assumed-role/remediator/fn",
      undefined,
      false,
    ],
  ];
  for (const [name, principal, issuer, expected] of cases) {
    it(`${name}: ${expected}`, () => {
      expect(causedByRole(facts(principal, issuer), role)).to.equal(expected);
    });
  }
});

describe("resolution message", () => {
  const facts = {
    eventId: "e-1",
    eventName: "StopLogging",
    region: "eu-west-1",
    account: "123456789012",
    principal: "arn:aws:iam::123456789012:user/bob",
    sourceIp: "",
    userAgent: "",
    time: "2024-05-01T10:00:00Z",
  } as EventFacts;
  const result = (resource: string, outcome: RemediationResult["outcome"] = "exempt") => ({
    remediation: RemediationId.RestartAuditLogging,
    eventId: "e-1",
    outcome,
    resource,
    principal: facts.principal,
    actions: [],
    message: "Left as is.",
  });

  it("subject is printable ASCII under 100 characters, whatever the resource", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (resource) => {
        const subject = resolutionMessage(result(resource), facts, "enforce", "x", "-").Subject;
        expect(subject.length).to.be.lessThan(100);
        expect(subject).to.match(/^[\x20-\x7e]*$/);
        if (resource.length < 60 && /^[\x20-\x7e]*$/.test(resource)) {
          // Mentions, links and markup neutralised (issue 18, D7), the rest as written.
          expect(subject).to.equal(
            `[EXEMPT] ${neutralise(resource, { ascii: true, max: 200 })} x in eu-west-1`,
          );
        }
      }),
    );
  });

  it("labels: REMEDIATED, ALREADY SAFE, EXEMPT, DRY-RUN", () => {
    const labels = (["remediated", "already-safe", "exempt", "dry-run"] as const).map(
      (o) => resolutionMessage(result("r", o), facts, "enforce", "x", "-").Subject,
    );
    expect(labels).to.deep.equal([
      "[REMEDIATED] r x in eu-west-1",
      "[ALREADY SAFE] r x in eu-west-1",
      "[EXEMPT] r x in eu-west-1",
      "[DRY-RUN] r x in eu-west-1",
    ]);
  });

  it("attributes carry the structured fields, never empty", () => {
    const msg = resolutionMessage(
      result("trail"),
      facts,
      "enforce",
      "logging stopped",
      "https://console",
    );
    expect(msg.Subject).to.equal("[EXEMPT] trail logging stopped in eu-west-1");
    expect(msg.Message.split("\n")).to.deep.equal([
      "EXEMPT: Left as is.",
      "",
      "Resolves the alert for CloudTrail event e-1 (StopLogging).",
      "Found: trail logging stopped",
      "Nothing was changed.",
      "",
      "Who: arn:aws:iam::123456789012:user/bob",
      "User agent: -",
      "When: 2024-05-01T10:00:00Z",
      "Where: account 123456789012, region eu-west-1",
      "Remediation: restart-audit-logging (mode enforce)",
      "Console: https://console",
    ]);
    expect(Object.keys(msg.MessageAttributes)).to.deep.equal([
      "eventId",
      "remediation",
      "outcome",
      "resource",
      "mode",
      "account",
      "region",
      "principal",
    ]);
    expect(
      Object.values(msg.MessageAttributes).every(
        (a) => a.DataType === "String" && a.StringValue.length > 0,
      ),
    ).to.equal(true);
  });
});

describe("incident record and metric line", () => {
  const m = mocked({ cfg: ConfigServiceClient });
  const stopped = () =>
    record("config.amazonaws.com", "StopConfigurationRecorder", {
      configurationRecorderName: "default",
    });

  it("are two JSON objects written alone on their lines to stdout (EMF extraction needs that)", async () => {
    m.cfg
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ recording: false }] });
    m.cfg.on(StartConfigurationRecorderCommand).resolves({});
    const before = Date.now();
    const { stdout } = await captureLogs(() =>
      createRestartConfigRecorderHandler(baseSettings())(stopped()),
    );
    expect(stdout).to.have.length(2);
    const [incident, metric] = stdout.map((line) => JSON.parse(line));
    expect(incident).to.deep.include({
      type: "incident",
      eventId: "11111111-2222-3333-4444-555555555555",
      eventName: "StopConfigurationRecorder",
      remediation: "restart-config-recorder",
      mode: "enforce",
      principal: "arn:aws:sts::123456789012:assumed-role/Admin/alice",
      resource: "default",
      region: "eu-west-1",
      account: "123456789012",
      decision: "default recorder stopped",
      actions: ["StartConfigurationRecorder default"],
      outcome: "remediated",
      published: "msg-1",
    });
    // EMF: _aws.Timestamp in epoch ms, the directive, the dimension and metric values at the root.
    expect(Object.keys(metric._aws)).to.deep.equal(["Timestamp", "CloudWatchMetrics"]);
    expect(metric._aws.Timestamp).to.be.a("number").within(before, Date.now());
    expect(metric._aws.CloudWatchMetrics).to.deep.equal([
      {
        Namespace: "AwsSecurityWatch",
        Dimensions: [["remediation", "outcome"]],
        Metrics: [
          { Name: "Remediations", Unit: "Count" },
          { Name: "DurationMs", Unit: "Milliseconds" },
        ],
      },
    ]);
    expect(metric).to.deep.include({
      remediation: "restart-config-recorder",
      outcome: "remediated",
      Remediations: 1,
    });
    expect(metric.DurationMs).to.equal(incident.durationMs);
  });

  it("the incident record has exactly the fields of schema version 1, in order (the contract with dashboards and queries)", async () => {
    m.cfg
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ recording: false }] });
    m.cfg.on(StartConfigurationRecorderCommand).resolves({});
    const env = { ...process.env };
    process.env.AWS_LAMBDA_FUNCTION_NAME = "remediate-restart-config-recorder-fn";
    process.env.AWS_LAMBDA_FUNCTION_VERSION = "$LATEST";
    const detections = [
      {
        id: "config-recorder-stopped",
        attackIds: ["T1562.008"],
        eventNames: ["StopConfigurationRecorder"],
        detailTypes: ["AWS API Call via CloudTrail"],
      },
    ];
    try {
      const handler = createRestartConfigRecorderHandler({ ...baseSettings(), detections });
      const before = Date.now();
      const { stdout } = await captureLogs(() => handler(stopped()));
      const incident = JSON.parse(stdout[0]);
      expect(Object.keys(incident)).to.deep.equal(PINNED_INCIDENT_FIELDS);
      expect(incident).to.deep.include({
        schemaVersion: 1,
        eventTime: "2024-05-01T10:00:00Z",
        sourceIp: "198.51.100.7",
        userAgent: "aws-cli/2.15.0",
        detection: "config-recorder-stopped",
        attackIds: ["T1562.008"],
        stateBefore: "recorder default not recording",
        stateAfter: "recorder default recording",
        message: "Restarted configuration recorder default.",
        error: "",
        functionName: "remediate-restart-config-recorder-fn",
        functionVersion: "$LATEST",
      });
      const eventMs = Date.parse("2024-05-01T10:00:00Z");
      expect(incident.latencyMs).to.be.within(before - eventMs, Date.now() - eventMs);
    } finally {
      process.env = env;
    }
  });

  it("a failure is logged with outcome failed in both lines, and thrown", async () => {
    m.cfg
      .on(DescribeConfigurationRecorderStatusCommand)
      .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const { error, stdout } = await captureLogs(() =>
      createRestartConfigRecorderHandler(baseSettings())(stopped()),
    );
    expect(error?.message).to.equal(
      "restart-config-recorder: remediation of default failed: AccessDeniedException: denied",
    );
    const [incident, metric] = stdout.map((line) => JSON.parse(line));
    expect(incident).to.deep.include({ outcome: "failed", actions: [] });
    expect(metric.outcome).to.equal("failed");
    expect(m.sns.calls()).to.have.length(0);
  });

  it("a publish failure fails the invocation (the event goes to the failure destination)", async () => {
    m.cfg
      .on(DescribeConfigurationRecorderStatusCommand)
      .resolves({ ConfigurationRecordersStatus: [{ recording: true }] });
    m.sns.rejects(Object.assign(new Error("no key access"), { name: "KMSAccessDenied" }));
    const { error, stdout } = await captureLogs(() =>
      createRestartConfigRecorderHandler(baseSettings())(stopped()),
    );
    expect(error?.message).to.equal(
      "restart-config-recorder: could not publish the resolution message: KMSAccessDenied: no key access",
    );
    expect(JSON.parse(stdout[0])).to.deep.include({
      outcome: "failed",
      message: "Recorder default is recording.",
    });
  });
});
