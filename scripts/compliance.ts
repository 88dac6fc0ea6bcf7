/**
 * Pre-existing problems and the AWS Config compliance changes they cause. moto records Config
 * resources (S3 buckets among them) but does not evaluate managed rules, so this module plays
 * Config's part: each evaluator reads the resource's real state in the emulator (for a bucket,
 * the configuration item moto's AWS Config holds; for the others, the service's own API, as the
 * managed rule does) and concludes what the managed rule would; `complianceChangeEvent` builds
 * the EventBridge event Config sends for that result.
 *
 * The evaluators are written from the managed rules' documented behaviour, apart from the
 * handlers' code, so that a handler is not judged by its own logic.
 *
 * Used by the drill (pre-existing scenarios), the compliance handler tests and the benchmarks.
 */
import { randomBytes, randomUUID } from "crypto";
import { Readable } from "stream";
import {
  ConfigServiceClient,
  GetResourceConfigHistoryCommand,
} from "@aws-sdk/client-config-service";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  IpPermission,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import type { InputTransformer } from "../core/alertMessage";
import { valueAtPath } from "../core/alertMessage";
import { COMPLIANCE_CHANGE, CONFIG_SOURCE, configRuleName } from "../core/catalog/configRules";
import type { RemediationId } from "../core/types";
import { configRuleRemediations } from "../remediations/registry";
import { clientConfig } from "./moto";
import type { ScenarioContext, Verdict } from "./scenarios";

export type ComplianceType = "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";

/** One evaluation result, as a managed rule would report it. */
export interface Evaluation {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: ComplianceType;
  readonly annotation?: string;
}

export interface ComplianceEventInput extends Evaluation {
  readonly account: string;
  readonly region: string;
  /** The deployed Config rule name (`<prefix>-<key>`). */
  readonly ruleName: string;
  /** The previous result, if any (a resolution needs NON_COMPLIANT here). */
  readonly oldComplianceType?: ComplianceType;
  readonly time?: Date;
  readonly id?: string;
}

/**
 * The "Config Rules Compliance Change" event AWS Config sends to EventBridge for one result
 * (https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html).
 */
export function complianceChangeEvent(input: ComplianceEventInput): Record<string, unknown> {
  const time = (input.time ?? new Date()).toISOString();
  const ruleId = `config-rule-${randomBytes(3).toString("hex")}`;
  const qualifier = {
    configRuleName: input.ruleName,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    evaluationMode: "DETECTIVE",
  };
  const result = (complianceType: ComplianceType, at: string) => ({
    evaluationResultIdentifier: { evaluationResultQualifier: qualifier, orderingTimestamp: at },
    complianceType,
    resultRecordedTime: at,
    configRuleInvokedTime: at,
    ...(input.annotation && complianceType === input.complianceType
      ? { annotation: input.annotation }
      : {}),
  });
  const earlier = new Date(Date.parse(time) - 3600_000).toISOString();
  return {
    version: "0",
    id: input.id ?? randomUUID(),
    "detail-type": COMPLIANCE_CHANGE,
    source: CONFIG_SOURCE,
    account: input.account,
    time,
    region: input.region,
    resources: [],
    detail: {
      resourceId: input.resourceId,
      awsRegion: input.region,
      awsAccountId: input.account,
      configRuleName: input.ruleName,
      recordVersion: "1.0",
      configRuleARN: `arn:aws:config:${input.region}:${input.account}:config-rule/${ruleId}`,
      messageType: "ComplianceChangeNotification",
      newEvaluationResult: result(input.complianceType, time),
      ...(input.oldComplianceType
        ? { oldEvaluationResult: result(input.oldComplianceType, earlier) }
        : {}),
      notificationCreationTime: time,
      resourceType: input.resourceType,
    },
  };
}

/** Renders an input transformer on an event the way EventBridge does (one line per quoted line). */
export function renderTransformer(transformer: InputTransformer, event: unknown): string[] {
  const values: Record<string, string> = {};
  for (const [name, path] of Object.entries(transformer.inputPaths)) {
    const v = valueAtPath(event, path);
    values[name] = v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  }
  return transformer.inputTemplate
    .split("\n")
    .map((line) => line.replace(/^"|"$/g, ""))
    .map((line) => line.replace(/<([A-Za-z0-9_-]+)>/g, (w, n: string) => values[n] ?? w));
}

// ---------------------------------------------------------------------------------------------
// Evaluators: what the managed rule concludes from the state

/**
 * VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS: NON_COMPLIANT when 0.0.0.0/0 or ::/0 may reach a TCP or
 * UDP port that is not authorized, or any other protocol (all traffic included).
 */
export async function evaluateSecurityGroup(
  ctx: ScenarioContext,
  groupId: string,
  authorizedPorts: readonly number[],
): Promise<Evaluation> {
  const out = await ctx.clients.ec2.send(
    new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
  );
  const open: string[] = [];
  for (const p of out.SecurityGroups?.[0]?.IpPermissions ?? []) {
    const world =
      (p.IpRanges ?? []).some((r) => r.CidrIp === "0.0.0.0/0") ||
      (p.Ipv6Ranges ?? []).some((r) => r.CidrIpv6 === "::/0");
    if (!world) continue;
    const proto = p.IpProtocol ?? "-1";
    if (proto !== "tcp" && proto !== "udp") {
      open.push(proto === "-1" ? "all traffic" : proto);
      continue;
    }
    for (let port = p.FromPort ?? 0; port <= (p.ToPort ?? 65535); port++) {
      if (!authorizedPorts.includes(port)) {
        open.push(`${proto}:${p.FromPort}-${p.ToPort}`);
        break;
      }
    }
  }
  return {
    resourceType: "AWS::EC2::SecurityGroup",
    resourceId: groupId,
    complianceType: open.length ? "NON_COMPLIANT" : "COMPLIANT",
    ...(open.length ? { annotation: `Unrestricted access on ${open.join(", ")}.` } : {}),
  };
}

const configClients = new Map<string, ConfigServiceClient>();

/**
 * An AWS Config client for reading configuration items from moto 5.2.1, which writes their
 * timestamps as "2026-11-30 23:41:51.575736+00:00" where AWS sends epoch seconds (the SDK then
 * fails with "Expected real number"): a middleware rewrites those two fields in the raw body.
 */
export function configItemsClient(ctx: ScenarioContext): ConfigServiceClient {
  const key = `${ctx.endpoint}|${ctx.region}`;
  let client = configClients.get(key);
  if (!client) {
    client = new ConfigServiceClient(clientConfig(ctx.endpoint, ctx.region));
    client.middlewareStack.add(
      (next) => async (args) => {
        const out = (await next(args)) as { response: { body: AsyncIterable<Uint8Array> } };
        const chunks: Buffer[] = [];
        for await (const chunk of out.response.body) chunks.push(Buffer.from(chunk));
        const text = Buffer.concat(chunks)
          .toString("utf8")
          .replace(
            /"(configurationItemCaptureTime|resourceCreationTime)": "([^"]+)"/g,
            (_m, field: string, value: string) =>
              `"${field}": ${Date.parse(value.replace(" ", "T")) / 1000}`,
          );
        out.response.body = Readable.from([Buffer.from(text)]);
        return out as never;
      },
      { step: "deserialize", priority: "low", name: "motoConfigItemTimes" },
    );
    configClients.set(key, client);
  }
  return client;
}

/**
 * S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED, from the bucket's latest configuration item in
 * AWS Config (moto records it): NON_COMPLIANT unless the four public access block settings are on.
 */
export async function evaluateBucket(ctx: ScenarioContext, bucket: string): Promise<Evaluation> {
  const config = configItemsClient(ctx);
  const history = await config.send(
    new GetResourceConfigHistoryCommand({
      resourceType: "AWS::S3::Bucket",
      resourceId: bucket,
      limit: 1,
    }),
  );
  const item = history.configurationItems?.[0];
  if (!item) throw new Error(`AWS Config has no configuration item for bucket ${bucket}`);
  const raw = item.supplementaryConfiguration?.PublicAccessBlockConfiguration;
  const block = raw ? (JSON.parse(raw) as Record<string, boolean>) : {};
  const flags = [
    "blockPublicAcls",
    "ignorePublicAcls",
    "blockPublicPolicy",
    "restrictPublicBuckets",
  ];
  const off = flags.filter((f) => block[f] !== true);
  return {
    resourceType: "AWS::S3::Bucket",
    resourceId: bucket,
    complianceType: off.length ? "NON_COMPLIANT" : "COMPLIANT",
    ...(off.length
      ? {
          annotation: raw
            ? `Public access block settings off: ${off.join(", ")}.`
            : "No bucket-level public access block.",
        }
      : {}),
  };
}

/** EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK: the account is NON_COMPLIANT if it owns a public snapshot. */
export async function evaluateSnapshots(ctx: ScenarioContext): Promise<Evaluation> {
  const { ec2 } = ctx.clients;
  const owned = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
  const open: string[] = [];
  for (const snap of owned.Snapshots ?? []) {
    const attr = await ec2.send(
      new DescribeSnapshotAttributeCommand({
        SnapshotId: snap.SnapshotId!,
        Attribute: "createVolumePermission",
      }),
    );
    if ((attr.CreateVolumePermissions ?? []).some((p) => p.Group === "all"))
      open.push(snap.SnapshotId!);
  }
  return {
    resourceType: "AWS::::Account",
    resourceId: ctx.account,
    complianceType: open.length ? "NON_COMPLIANT" : "COMPLIANT",
    ...(open.length ? { annotation: `Public snapshots: ${open.join(", ")}.` } : {}),
  };
}

/** KMS_CMK_NOT_SCHEDULED_FOR_DELETION: NON_COMPLIANT while the key is pending deletion. */
export async function evaluateKey(ctx: ScenarioContext, keyId: string): Promise<Evaluation> {
  const key = await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
  const pending = key.KeyMetadata?.KeyState === "PendingDeletion";
  return {
    resourceType: "AWS::KMS::Key",
    resourceId: key.KeyMetadata!.KeyId!,
    complianceType: pending ? "NON_COMPLIANT" : "COMPLIANT",
    ...(pending ? { annotation: "The key is scheduled for deletion." } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Pre-existing problems: made before the stack exists

/** A misconfiguration made before the stack is deployed, found by an AWS Config rule. */
export interface PreexistingScenario {
  readonly id: string;
  readonly title: string;
  /** The Config rule key (core/catalog/configRules.ts) that finds it. */
  readonly ruleKey: string;
  readonly remediation: RemediationId;
  /** Makes the misconfiguration; returns the resource the rule evaluates. */
  setup(ctx: ScenarioContext): Promise<string>;
  /** What the rule concludes now. */
  evaluate(
    ctx: ScenarioContext,
    resource: string,
    allowedPorts: readonly number[],
  ): Promise<Evaluation>;
  /** Whether the state is safe, and the legitimate parts kept. */
  verify(ctx: ScenarioContext, resource: string, allowedPorts: readonly number[]): Promise<Verdict>;
}

const suffix = () => randomBytes(3).toString("hex");

const LEGITIMATE: IpPermission[] = [
  { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
  { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
];

const PREEXISTING: readonly Omit<PreexistingScenario, "remediation">[] = [
  {
    id: "preexisting-open-group",
    title: "Security group open to the world before the stack (SSH, RDP over IPv6, all UDP)",
    ruleKey: "sg-open-ports",
    async setup(ctx) {
      const { ec2 } = ctx.clients;
      const group = await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: `legacy-${suffix()}`, Description: "legacy" }),
      );
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: group.GroupId!,
          IpPermissions: [
            ...LEGITIMATE,
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
            { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
            { IpProtocol: "udp", FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          ],
        }),
      );
      return group.GroupId!;
    },
    evaluate: (ctx, groupId, ports) => evaluateSecurityGroup(ctx, groupId, ports),
    async verify(ctx, groupId, ports) {
      const evaluation = await evaluateSecurityGroup(ctx, groupId, ports);
      const out = await ctx.clients.ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }),
      );
      const perms = out.SecurityGroups?.[0]?.IpPermissions ?? [];
      const kept = LEGITIMATE.every((l) =>
        perms.some(
          (p) =>
            p.IpProtocol === l.IpProtocol &&
            p.FromPort === l.FromPort &&
            (p.IpRanges ?? []).some((r) => r.CidrIp === l.IpRanges![0].CidrIp),
        ),
      );
      return {
        safe: evaluation.complianceType === "COMPLIANT" && kept,
        detail: `${groupId}: ${evaluation.annotation ?? "no world-open port outside the allowed ones"}; legitimate rules ${kept ? "kept" : "REMOVED"}`,
      };
    },
  },
  {
    id: "preexisting-public-bucket",
    title: "Bucket without a public access block before the stack",
    ruleKey: "bucket-public-access",
    async setup(ctx) {
      const bucket = `legacy-exports-${suffix()}`;
      await ctx.clients.s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(ctx.region === "us-east-1"
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: ctx.region as never } }),
        }),
      );
      return bucket;
    },
    evaluate: (ctx, bucket) => evaluateBucket(ctx, bucket),
    async verify(ctx, bucket) {
      const evaluation = await evaluateBucket(ctx, bucket);
      return {
        safe: evaluation.complianceType === "COMPLIANT",
        detail: `${bucket}: ${evaluation.annotation ?? "the four public access block settings are on (AWS Config item)"}`,
      };
    },
  },
  {
    id: "preexisting-public-snapshot",
    title: "EBS snapshot public before the stack",
    ruleKey: "ebs-public-snapshot",
    async setup(ctx) {
      const { ec2 } = ctx.clients;
      const volume = await ec2.send(
        new CreateVolumeCommand({ AvailabilityZone: `${ctx.region}a`, Size: 8 }),
      );
      const snap = await ec2.send(
        new CreateSnapshotCommand({ VolumeId: volume.VolumeId!, Description: "old backup" }),
      );
      await ec2.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: snap.SnapshotId!,
          Attribute: "createVolumePermission",
          OperationType: "add",
          GroupNames: ["all"],
        }),
      );
      return ctx.account;
    },
    evaluate: (ctx) => evaluateSnapshots(ctx),
    async verify(ctx) {
      const evaluation = await evaluateSnapshots(ctx);
      return {
        safe: evaluation.complianceType === "COMPLIANT",
        detail: `account ${ctx.account}: ${evaluation.annotation ?? "no public snapshot"}`,
      };
    },
  },
  {
    id: "preexisting-key-pending-deletion",
    title: "KMS key pending deletion before the stack",
    ruleKey: "key-pending-deletion",
    async setup(ctx) {
      const { kms } = ctx.clients;
      const key = await kms.send(new CreateKeyCommand({ Description: "legacy data" }));
      await kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata!.KeyId!, PendingWindowInDays: 7 }),
      );
      return key.KeyMetadata!.KeyId!;
    },
    evaluate: (ctx, keyId) => evaluateKey(ctx, keyId),
    async verify(ctx, keyId) {
      const key = await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      const state = key.KeyMetadata?.KeyState;
      return { safe: state === "Enabled", detail: `key ${keyId} is ${state}` };
    },
  },
];

/** The scenarios, each with the remediation whose spec links its rule (the registry). */
export const PREEXISTING_SCENARIOS: readonly PreexistingScenario[] = PREEXISTING.map((s) => ({
  ...s,
  remediation: configRuleRemediations()[s.ruleKey] as RemediationId,
}));

/** The compliance change Config would send for a scenario's resource, from its state now. */
export async function complianceEventFor(
  scenario: PreexistingScenario,
  ctx: ScenarioContext,
  resource: string,
  options: { rulePrefix: string; allowedPorts: readonly number[]; old?: ComplianceType },
): Promise<{ evaluation: Evaluation; event: Record<string, unknown> }> {
  const evaluation = await scenario.evaluate(ctx, resource, options.allowedPorts);
  const event = complianceChangeEvent({
    ...evaluation,
    account: ctx.account,
    region: ctx.region,
    ruleName: configRuleName(options.rulePrefix, scenario.ruleKey),
    oldComplianceType: options.old,
  });
  return { evaluation, event };
}
