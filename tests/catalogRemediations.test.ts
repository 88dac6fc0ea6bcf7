/**
 * The link between a detection and its remediation, checked on every reviewed event: when a
 * detection fires, its EventBridge rule invokes the remediation's Lambda, and a plan that rejects
 * the event makes the handler throw (on-failure queue, "remediation failed" alarm, a page). So on
 * every event that fires a remediating detection the plan must act or ignore, never reject.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { CATALOG } from "../core/catalog";
import { toEventBridgeEvent } from "../core/cloudtrailEvent";
import { Detection } from "../core/detection";
import { matchesPattern } from "../core/eventPattern";
import { RemediationId, RemediationMode } from "../core/types";
import {
  planBlockPublicBucket,
  planBlockPublicBucketFromCompliance,
} from "../remediations/block-public-bucket/handler";
import {
  planCancelKeyDeletion,
  planCancelKeyDeletionFromCompliance,
} from "../remediations/cancel-key-deletion/handler";
import { isComplianceChange } from "../lambdas/runtime/compliance";
import { settingDefaults } from "../remediations/registry";
import { planQuarantineAccessKey } from "../remediations/quarantine-access-key/handler";
import { planRestartAuditLogging } from "../remediations/restart-audit-logging/handler";
import { planRestartConfigRecorder } from "../remediations/restart-config-recorder/handler";
import {
  planRevokeWorldIngress,
  planRevokeWorldIngressFromCompliance,
} from "../remediations/revoke-world-ingress/handler";
import {
  planUnshareSnapshot,
  planUnshareSnapshotFromCompliance,
} from "../remediations/unshare-snapshot/handler";
import { planRemoveLambdaPermission } from "../remediations/remove-lambda-permission/handler";
import { planRestrictFunctionUrl } from "../remediations/restrict-function-url/handler";
import { planRestoreBucketVersioning } from "../remediations/restore-bucket-versioning/handler";
import { planRestoreEbsEncryption } from "../remediations/restore-ebs-encryption/handler";
import { planEnableGuardDuty } from "../remediations/enable-guardduty/handler";
import { planBlockAccountPublicAccess } from "../remediations/block-account-public-access/handler";
import { EVENT_SAMPLES, PANTHER_DIR, VARIANTS } from "./helpers/detectionSamples";
import { TACTIC_SAMPLES } from "./helpers/tacticSamples";

type PlanKind = "act" | "ignore" | "reject";
// The plan functions take their own settings type; each receives the full settings below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PlanFunction = (event: unknown, settings: any) => { kind: PlanKind; reason?: string };

/** A handler's two plans, chosen by the event's shape as the handler chooses them. */
const either =
  (live: PlanFunction, compliance?: PlanFunction): PlanFunction =>
  (event, settings) =>
    compliance && isComplianceChange(event) ? compliance(event, settings) : live(event, settings);

/** The pure decision of each remediation handler (the registry holds only the factories). */
const PLANS: Record<RemediationId, PlanFunction> = {
  [RemediationId.RevokeWorldIngress]: either(
    planRevokeWorldIngress,
    planRevokeWorldIngressFromCompliance,
  ),
  [RemediationId.QuarantineAccessKey]: planQuarantineAccessKey,
  [RemediationId.RestartAuditLogging]: planRestartAuditLogging,
  [RemediationId.BlockPublicBucket]: either(
    planBlockPublicBucket,
    planBlockPublicBucketFromCompliance,
  ),
  [RemediationId.CancelKeyDeletion]: either(
    planCancelKeyDeletion,
    planCancelKeyDeletionFromCompliance,
  ),
  [RemediationId.RestartConfigRecorder]: planRestartConfigRecorder,
  [RemediationId.UnshareSnapshot]: either(planUnshareSnapshot, planUnshareSnapshotFromCompliance),
  [RemediationId.RemoveLambdaPermission]: planRemoveLambdaPermission,
  [RemediationId.RestrictFunctionUrl]: planRestrictFunctionUrl,
  [RemediationId.RestoreBucketVersioning]: planRestoreBucketVersioning,
  [RemediationId.RestoreEbsEncryption]: planRestoreEbsEncryption,
  [RemediationId.EnableGuardDuty]: planEnableGuardDuty,
  [RemediationId.BlockAccountPublicAccess]: planBlockAccountPublicAccess,
};

/** What the AutoRemediator gives a handler in enforce mode, plus the handler's own defaults. */
function settingsFor(id: RemediationId): Record<string, unknown> {
  return {
    mode: RemediationMode.Enforce,
    resolutionTopicArn: "arn:aws:sns:eu-west-1:123456789012:resolutions",
    exemptTag: { key: "security-watch:exempt", value: "true" },
    trustedPrincipalArns: [],
    ...settingDefaults(id),
  };
}

/**
 * Fixture records that AWS never delivers as they are (Panther wrote them by hand for its own
 * rules), with what is wrong: a plan rightly rejects them (the handlers validate every id
 * against its AWS format before any call, and act only for the record's own account), and no
 * other event may be rejected. Real-shaped copies of some (below: the same fields, valid ids)
 * give every remediating detection a record it acts on.
 */
const MALFORMED_FIXTURES: Readonly<Record<string, string>> = {
  "aws_resource_made_public/All Restrictive Conditions Types (Should Not Alert)":
    "PutBucketPolicy without requestParameters.bucketName",
  "aws_kms_cmk_loss/KMS Key Disabled": "key id '1' is not a key id (a UUID, or mrk- and 32 hex)",
  "aws_kms_cmk_loss/KMS Key Scheduled For Deletion":
    "key id '1' is not a key id (a UUID, or mrk- and 32 hex)",
  "aws_kms_cmk_loss/KMS Key Scheduled For Deletion - missing resources":
    "key id '1' is not a key id (a UUID, or mrk- and 32 hex)",
  "aws_iam_user_key_created/user1 create keys for user1":
    "recipientAccountId '123456789' is not an account id (EventBridge's envelope names a 12-digit one)",
  "aws_iam_user_key_created/user1 create keys for user2":
    "recipientAccountId '123456789' is not an account id; access key id 'ABCDEFG' is not one",
  "aws_iam_user_key_created/jackson create keys for jack":
    "recipientAccountId '123456789' is not an account id; access key id 'ABCDEFG' is not one",
  "aws_iam_user_key_created/jack create keys for jackson":
    "recipientAccountId '123456789' is not an account id; access key id 'ABCDEFG' is not one",
  "aws_root_access_key_created/Root Created Access Key For User":
    "access key id '1111' is not an access key id (AKIA and 16 letters or digits)",
  "aws_snapshot_made_public/Snapshot Made Publicly Accessible":
    "snapshot id 'snap-1111' is not a snapshot id (snap- and 8 or 17 hex)",
  "aws_ami_modified_for_public_access/AMI Made Public":
    "image id 'ami-1111' is not an AMI id (ami- and 8 or 17 hex)",
  "aws_ec2_ebs_encryption_disabled/DisableEbsEncryptionByDefault Event":
    "DisableEbsEncryptionByDefault without eventID, userIdentity and account",
};

/**
 * Real-shaped copies of fixture records: the record as Panther wrote it, with each placeholder
 * value (exact JSON string) replaced by one of the AWS format (AWS's documentation examples).
 */
const REAL_SHAPED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "aws_kms_cmk_loss/KMS Key Disabled": {
    "arn:aws:kms:us-west-2:123456789012:key/1":
      "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  },
  "aws_kms_cmk_loss/KMS Key Scheduled For Deletion": {
    "arn:aws:kms:us-west-2:123456789012:key/1":
      "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  },
  "aws_iam_user_key_created/user1 create keys for user2": {
    "123456789": "123456789012",
    ABCDEFG: "AKIAIOSFODNN7EXAMPLE",
  },
  "aws_root_access_key_created/Root Created Access Key For User": {
    "1111": "AKIAI44QH8DHBEXAMPLE",
  },
  "aws_snapshot_made_public/Snapshot Made Publicly Accessible": {
    "snap-1111": "snap-0123456789abcdef0",
  },
  "aws_ami_modified_for_public_access/AMI Made Public": { "ami-1111": "ami-0123456789abcdef0" },
};

/** `record` with the exact JSON string values of `replacements` replaced. */
function realShaped(record: unknown, replacements: Readonly<Record<string, string>>): unknown {
  return JSON.parse(
    JSON.stringify(record).replace(/"([^"\\]*)"/g, (whole, value: string) =>
      value in replacements ? JSON.stringify(replacements[value]) : whole,
    ),
  );
}

interface LabelledEvent {
  readonly label: string;
  readonly event: unknown;
}

/** A real 12-digit account for the envelope of fixture records that lack one (see wrap). */
const FIXTURE_ACCOUNT = "123456789012";

/**
 * A CloudTrail record as EventBridge delivers it. Some Panther records carry a shortened account
 * id ("123456789") or none: EventBridge always sets the 12-digit account of the bus, so the
 * envelope gets one (the record itself is left as it is).
 */
function wrap(record: Record<string, unknown>): ReturnType<typeof toEventBridgeEvent> {
  const event = toEventBridgeEvent(record);
  return /^\d{12}$/.test(event.account) ? event : { ...event, account: FIXTURE_ACCOUNT };
}

/**
 * Every reviewed event, as EventBridge delivers it: each Panther record (wrapped), each variant
 * (wrapped) and each hand-made non-CloudTrail event.
 */
function reviewedEvents(): LabelledEvent[] {
  const events: LabelledEvent[] = [];
  for (const file of fs.readdirSync(PANTHER_DIR).filter((f) => f.endsWith(".json"))) {
    const document = JSON.parse(fs.readFileSync(path.join(PANTHER_DIR, file), "utf8"));
    for (const test of document.tests as { name: string; event: Record<string, unknown> }[]) {
      if (typeof test.event.eventSource !== "string") continue;
      const label = `${file.replace(/\.json$/, "")}/${test.name}`;
      events.push({ label, event: wrap(test.event) });
      if (label in REAL_SHAPED) {
        const record = realShaped(test.event, REAL_SHAPED[label]) as Record<string, unknown>;
        events.push({ label: `real-shaped/${label}`, event: wrap(record) });
      }
    }
  }
  for (const sample of VARIANTS) {
    events.push({ label: `variant/${sample.name}`, event: wrap(sample.record) });
  }
  for (const sample of EVENT_SAMPLES) {
    events.push({ label: `event/${sample.name}`, event: sample.event });
  }
  for (const sample of TACTIC_SAMPLES) {
    events.push({ label: `tactic/${sample.id}/positive`, event: wrap(sample.positive) });
    events.push({ label: `tactic/${sample.id}/negative`, event: wrap(sample.negative) });
  }
  return events;
}

interface Decision {
  readonly detection: string;
  readonly label: string;
  readonly kind: PlanKind;
  readonly reason?: string;
}

/** The plan's decision for every (remediating detection, event that fires it) pair. */
function decisions(catalog: readonly Detection[], events: readonly LabelledEvent[]): Decision[] {
  const out: Decision[] = [];
  for (const detection of catalog) {
    const id = detection.remediation;
    if (!id) continue;
    for (const { label, event } of events) {
      if (!matchesPattern(detection.eventPattern, event)) continue;
      const plan = PLANS[id](event, settingsFor(id));
      out.push({ detection: detection.id, label, kind: plan.kind, reason: plan.reason });
    }
  }
  return out;
}

describe("catalog remediation links", () => {
  const events = reviewedEvents();
  const all = decisions(CATALOG, events);
  const remediating = CATALOG.filter((d) => d.remediation);

  it("reads the Panther fixtures, the variants and the non-CloudTrail samples", () => {
    expect(events.length).to.be.at.least(200);
    expect(events.filter((e) => e.label.startsWith("variant/")).length).to.equal(VARIANTS.length);
    expect(events.filter((e) => e.label.startsWith("event/")).length).to.equal(
      EVENT_SAMPLES.length,
    );
  });

  it("has a plan function for every remediation the catalog names", () => {
    for (const detection of remediating) {
      expect(PLANS[detection.remediation!], detection.id).to.be.a("function");
    }
  });

  it("never has a plan reject an event that fires its detection", () => {
    const rejected = all
      .filter((d) => d.kind === "reject" && !(d.label in MALFORMED_FIXTURES))
      .map((d) => `${d.detection} on ${d.label}: ${d.reason}`);
    expect(rejected).to.deep.equal([]);
  });

  it("has real-shaped copies of the malformed fixture records, which the plans never reject", () => {
    const copies = all.filter((d) => d.label.startsWith("real-shaped/"));
    expect(
      [...new Set(copies.map((d) => d.label.replace(/^real-shaped\//, "")))].sort(),
    ).to.deep.equal(Object.keys(REAL_SHAPED).sort());
    for (const copy of copies) expect(copy.kind, copy.label).to.not.equal("reject");
  });

  it("rejects the malformed fixture records, which fire a remediating detection", () => {
    const malformed = all.filter((d) => d.label in MALFORMED_FIXTURES);
    expect(malformed.map((d) => d.label).sort()).to.deep.equal(
      Object.keys(MALFORMED_FIXTURES).sort(),
    );
    for (const decision of malformed) expect(decision.kind, decision.label).to.equal("reject");
  });

  for (const detection of remediating) {
    it(`${detection.id}: ${detection.remediation} acts on at least one reviewed event that fires it`, () => {
      const mine = all.filter((d) => d.detection === detection.id);
      expect(mine.length, "events that fire it").to.be.at.least(1);
      expect(mine.filter((d) => d.kind === "act").length, "events it acts on").to.be.at.least(1);
    });
  }

  it("catches a link to a remediation that does not handle the detection's events", () => {
    // The defect this file guards against: an RDS snapshot made public linked to unshare-snapshot
    // (EC2 snapshots and AMIs only). The check must report it.
    const rds = events.filter((e) => e.label === "variant/RDS snapshot made public");
    expect(rds.length).to.equal(1);
    const broken: Detection = {
      ...CATALOG.find((d) => d.id === "rds-snapshot-made-public")!,
      remediation: RemediationId.UnshareSnapshot,
    };
    expect(decisions([broken], rds)).to.deep.equal([
      {
        detection: "rds-snapshot-made-public",
        label: "variant/RDS snapshot made public",
        kind: "reject",
        reason: PLANS[RemediationId.UnshareSnapshot](rds[0].event, {}).reason,
      },
    ]);
    expect(decisions([broken], rds)[0].reason).to.match(/^unexpected event rds\.amazonaws\.com/);
  });
});
