import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { EC2Client, DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { ACCOUNT_ID, REGION, setup, settle } from "./helpers/mocks";
import { buildOnce } from "./helpers/stacks";

const recorder = setup();

import type * as RemediatorModule from "../components/autoRemediator";
import type * as WatcherModule from "../components/securityRuleWatcher";
import { remediationSpec } from "../remediations/registry";
import { remediationPolicy } from "../core/remediationPolicies";
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { CATALOG } from "../core/catalog";
import { REMEDIATION_IDS, RemediationId, RemediationMode } from "../core/types";
import { archiveEntries, handlerOf } from "../scripts/lambdaCode";

const TYPE = "aws-security-watch:index:AutoRemediator";
const RESOLUTIONS = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-resolutions`;
const HIGH = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-high`;
const TOPIC_KEY = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/topic-key`;
const TOPICS = {
  critical: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-critical`,
  high: HIGH,
  medium: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-medium`,
  info: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-info`,
};

const PER_REMEDIATION = [
  ["aws:cloudwatch/logGroup:LogGroup", "logs"],
  ["aws:iam/role:Role", "role"],
  ["aws:iam/rolePolicy:RolePolicy", "role-policy"],
  ["aws:lambda/function:Function", "fn"],
  ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "invoke-config"],
];
const SHARED = [
  "aws:sqs/queue:Queue::fix-failures",
  "aws:dynamodb/table:Table::fix-idempotency",
  "aws:sqs/queuePolicy:QueuePolicy::fix-failures-policy",
  "aws:cloudwatch/metricAlarm:MetricAlarm::fix-failures-alarm",
];

let remediatorModule: typeof RemediatorModule;
let watcherModule: typeof WatcherModule;

function build(
  args: Partial<RemediatorModule.AutoRemediatorArgs> = {},
  wired = true,
): RemediatorModule.AutoRemediator {
  const watcher = wired
    ? new watcherModule.SecurityRuleWatcher("watch", { alertTopicArns: TOPICS, homeRegion: REGION })
    : undefined;
  return new remediatorModule.AutoRemediator("fix", {
    resolutionTopicArn: RESOLUTIONS,
    topicKmsKeyArn: TOPIC_KEY,
    failureAlarmTopicArn: HIGH,
    watcher,
    ...(wired ? {} : { unwired: true }),
    ...args,
  });
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("AutoRemediator", () => {
  before(async () => {
    remediatorModule = await import("../components/autoRemediator");
    watcherModule = await import("../components/securityRuleWatcher");
  });
  beforeEach(() => recorder.reset());

  it("creates, per remediation, exactly its log group, role, function and invoke config, and one failure queue and alarm", async () => {
    await buildOnce(recorder, "AutoRemediator fix, defaults, no watcher", () => build({}, false));
    const children = recorder
      .childrenOf(TYPE, "fix")
      .map((r) => `${r.type}::${r.name}`)
      .sort();
    const expected = [
      ...SHARED,
      ...REMEDIATION_IDS.flatMap((id) =>
        PER_REMEDIATION.map(([type, role]) => `${type}::fix-${id}-${role}`),
      ),
    ].sort();
    expect(children).to.deep.equal(expected);
  });

  it("never lets CallbackFunction create its default role with full-access managed policies", async () => {
    await buildOnce(recorder, "AutoRemediator fix, defaults, wired to the watcher", () => build());
    expect(recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.deep.equal([]);
    for (const fn of recorder.ofType("aws:lambda/function:Function")) {
      expect(fn.inputs.role).to.match(/^arn:aws:iam::123456789012:role\/fix-[a-z-]+-role$/);
    }
  });

  it("configures each function: runtime, limits, own log group, environment", async () => {
    await buildOnce(recorder, "AutoRemediator fix, defaults, no watcher", () => build({}, false));
    for (const id of REMEDIATION_IDS) {
      const fn = recorder.get("aws:lambda/function:Function", `fix-${id}-fn`);
      expect(fn.inputs.runtime).to.equal("nodejs22.x");
      expect(fn.inputs.handler).to.equal("__index.handler");
      expect(fn.inputs.timeout).to.equal(30);
      expect(fn.inputs.memorySize).to.equal(256);
      expect(fn.inputs.reservedConcurrentExecutions).to.equal(2);
      expect(fn.inputs.loggingConfig).to.deep.equal({
        logFormat: "Text",
        logGroup: `fix-${id}-logs`,
      });
      expect(fn.inputs.environment.variables).to.deep.equal({
        RESOLUTION_TOPIC_ARN: RESOLUTIONS,
        OWN_ROLE_ARN: `arn:aws:iam::${ACCOUNT_ID}:role/fix-${id}-role`,
        IDEMPOTENCY_TABLE: "fix-idempotency",
        NODE_OPTIONS: "--enable-source-maps",
      });
      expect(fn.inputs.description).to.equal(`aws-security-watch: ${id} (dry-run)`);
      const logs = recorder.get("aws:cloudwatch/logGroup:LogGroup", `fix-${id}-logs`);
      expect(logs.inputs.retentionInDays).to.equal(365);
    }
  });

  it("gives each role exactly its handler's actions, its log group, the topic, its key and its failure queue", async () => {
    await buildOnce(recorder, "AutoRemediator fix, defaults, no watcher", () => build({}, false));
    for (const id of REMEDIATION_IDS) {
      const role = recorder.get("aws:iam/role:Role", `fix-${id}-role`);
      expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      });
      const policy = JSON.parse(
        recorder.get("aws:iam/rolePolicy:RolePolicy", `fix-${id}-role-policy`).inputs.policy,
      );
      const expected = remediationPolicy(remediationSpec(id), {
        partition: "aws",
        account: ACCOUNT_ID,
        region: REGION,
        resolutionTopicArn: RESOLUTIONS,
        logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:fix-${id}-logs`,
        kmsKeyArn: TOPIC_KEY,
        idempotencyTableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/fix-idempotency`,
      });
      expect(policy).to.deep.equal({
        ...expected,
        Statement: [
          ...expected.Statement,
          {
            Sid: "OnFailureDestination",
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:fix-failures`,
          },
        ],
      });
      for (const statement of policy.Statement) {
        for (const action of [statement.Action].flat()) {
          expect(action, `${id} ${statement.Sid}`).to.match(/^[a-z0-9-]+:[A-Za-z]+$/);
        }
      }
    }
  });

  it("keeps failed events in one encrypted, TLS-only queue and alarms the high topic on it", async () => {
    await buildOnce(recorder, "AutoRemediator fix, defaults, no watcher", () => build({}, false));
    const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:fix-failures`;
    const queue = recorder.get("aws:sqs/queue:Queue", "fix-failures");
    expect(queue.inputs.sqsManagedSseEnabled).to.equal(true);
    expect(queue.inputs.messageRetentionSeconds).to.equal(1209600);
    const queuePolicy = recorder.get("aws:sqs/queuePolicy:QueuePolicy", "fix-failures-policy");
    expect(JSON.parse(queuePolicy.inputs.policy).Statement).to.deep.equal([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    for (const id of REMEDIATION_IDS) {
      const invoke = recorder.get(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
        `fix-${id}-invoke-config`,
      );
      expect(invoke.inputs).to.deep.equal({
        functionName: `fix-${id}-fn`,
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destination: queueArn } },
      });
    }
    const alarm = recorder.get("aws:cloudwatch/metricAlarm:MetricAlarm", "fix-failures-alarm");
    expect(alarm.inputs).to.include({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    expect(alarm.inputs.dimensions).to.deep.equal({ QueueName: "fix-failures" });
    expect(alarm.inputs.alarmActions).to.deep.equal([HIGH]);
    expect(alarm.inputs.okActions).to.deep.equal([RESOLUTIONS]);
  });

  it("creates nothing but the component when every remediation is off", async () => {
    const remediator = build({ defaultMode: RemediationMode.Off }, false);
    await settle();
    expect(recorder.childrenOf(TYPE, "fix")).to.deep.equal([]);
    expect(remediator.failureQueueArn).to.equal(undefined);
  });

  it("wires every detection that names a remediation to its function, with a permission and the watcher's DLQ", async () => {
    await buildOnce(recorder, "AutoRemediator fix, defaults, wired to the watcher", () => build());
    const linked = CATALOG.filter((d) => d.remediation);
    const targets = recorder
      .childrenOf(TYPE, "fix")
      .filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget");
    expect(targets.map((t) => t.name).sort()).to.deep.equal(
      linked.map((d) => `fix-${d.id}-target`).sort(),
    );
    for (const detection of linked) {
      const target = recorder.get(
        "aws:cloudwatch/eventTarget:EventTarget",
        `fix-${detection.id}-target`,
      );
      expect(target.inputs.rule).to.equal(`watch-${detection.id}`);
      expect(target.inputs.arn).to.equal(
        `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:fix-${detection.remediation}-fn`,
      );
      expect(target.inputs.deadLetterConfig).to.deep.equal({
        arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:watch-dlq`,
      });
      expect(target.inputs.retryPolicy).to.deep.equal({
        maximumEventAgeInSeconds: 3600,
        maximumRetryAttempts: 10,
      });
      const permission = recorder.get(
        "aws:lambda/permission:Permission",
        `fix-${detection.id}-invoke`,
      );
      expect(permission.inputs).to.deep.equal({
        action: "lambda:InvokeFunction",
        function: `fix-${detection.remediation}-fn`,
        principal: "events.amazonaws.com",
        sourceArn: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/watch-${detection.id}`,
      });
    }
  });

  it("deploys nothing for a remediation that is off, and sets each mode", async () => {
    const remediator = build({
      defaultMode: RemediationMode.Enforce,
      remediations: { [RemediationId.UnshareSnapshot]: { mode: RemediationMode.Off } },
    });
    await settle();
    expect(remediator.modes[RemediationId.UnshareSnapshot]).to.equal(RemediationMode.Off);
    expect(remediator.modes[RemediationId.RevokeWorldIngress]).to.equal(RemediationMode.Enforce);
    const unshareDetections = CATALOG.filter(
      (d) => d.remediation === RemediationId.UnshareSnapshot,
    ).map((d) => d.id);
    expect(unshareDetections).to.not.deep.equal([]);
    const leftovers = recorder
      .childrenOf(TYPE, "fix")
      .filter(
        (r) =>
          r.name.startsWith("fix-unshare-snapshot-") ||
          unshareDetections.some((id) => r.name.startsWith(`fix-${id}-`)),
      );
    expect(leftovers.map((r) => r.name)).to.deep.equal([]);
    expect(
      recorder.get("aws:lambda/function:Function", "fix-revoke-world-ingress-fn").inputs
        .description,
    ).to.equal("aws-security-watch: revoke-world-ingress (enforce)");
  });

  it("uploads the handler alone, and the uploaded code runs: dry-run decides, changes nothing, and reports", async () => {
    build(
      {
        remediations: {
          [RemediationId.RevokeWorldIngress]: { settings: { allowedPublicPorts: [443] } },
        },
      },
      false,
    );
    await settle();
    const fn = recorder.get("aws:lambda/function:Function", "fix-revoke-world-ingress-fn");
    const entries = await archiveEntries(fn.inputs.code);
    expect(Object.keys(entries)).to.deep.equal(["__index.js"]);
    const text = entries["__index.js"];
    expect(text).not.to.match(/require\("(\.|\/|aws-security-watch|@pulumi)/);

    const ec2 = mockClient(EC2Client);
    const sns = mockClient(SNSClient);
    const ddb = mockClient(DynamoDBClient);
    try {
      ddb.on(PutItemCommand).resolves({});
      ddb.on(UpdateItemCommand).resolves({});
      ec2.on(DescribeSecurityGroupsCommand).resolves({
        SecurityGroups: [
          {
            GroupId: "sg-0abc1234",
            Tags: [],
            IpPermissions: [
              { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
            ],
          },
        ],
      });
      sns.on(PublishCommand).resolves({ MessageId: "m-1" });
      const handler = handlerOf(text, fn.inputs.environment.variables);
      const event = {
        version: "0",
        id: "e-1",
        "detail-type": "AWS API Call via CloudTrail",
        source: "aws.ec2",
        account: ACCOUNT_ID,
        time: "2026-11-21T10:00:00Z",
        region: REGION,
        resources: [],
        detail: {
          eventVersion: "1.09",
          eventID: "ct-1",
          eventTime: "2026-11-21T10:00:00Z",
          eventSource: "ec2.amazonaws.com",
          eventName: "AuthorizeSecurityGroupIngress",
          awsRegion: REGION,
          sourceIPAddress: "198.51.100.7",
          userAgent: "aws-cli/2",
          recipientAccountId: ACCOUNT_ID,
          userIdentity: {
            type: "IAMUser",
            arn: `arn:aws:iam::${ACCOUNT_ID}:user/mallory`,
            accountId: ACCOUNT_ID,
            userName: "mallory",
          },
          requestParameters: {
            groupId: "sg-0abc1234",
            ipPermissions: {
              items: [
                {
                  ipProtocol: "tcp",
                  fromPort: 22,
                  toPort: 22,
                  ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
                },
              ],
            },
          },
          responseElements: { _return: true },
        },
      };
      const result = (await handler(event)) as { outcome: string; eventId: string };
      expect(result.outcome).to.equal("dry-run");
      expect(result.eventId).to.equal("ct-1");
      expect(ec2.commandCalls(DescribeSecurityGroupsCommand)).to.have.length(1);
      expect(ec2.calls().map((c) => c.args[0].constructor.name)).to.deep.equal([
        "DescribeSecurityGroupsCommand",
      ]);
      const publish = sns.commandCalls(PublishCommand);
      expect(publish).to.have.length(1);
      expect(publish[0].args[0].input.TopicArn).to.equal(RESOLUTIONS);
      expect(publish[0].args[0].input.Message).to.contain("ct-1");
      // The event was claimed in the idempotency table named in the environment: one
      // conditional UpdateItem, keyed by remediation, account, event id and mode (a dry-run
      // claim never blocks a later enforce run), and no PutItem.
      expect(ddb.commandCalls(PutItemCommand)).to.have.length(0);
      const claims = ddb
        .commandCalls(UpdateItemCommand)
        .filter((c) => c.args[0].input.ConditionExpression?.startsWith("attribute_not_exists(id)"));
      expect(claims).to.have.length(1);
      expect(claims[0].args[0].input).to.deep.include({
        TableName: "fix-idempotency",
        ConditionExpression:
          "attribute_not_exists(id) OR #status = :failed OR (#status = :status AND leaseUntil < :now)",
      });
      expect(claims[0].args[0].input.Key?.id.S).to.match(
        new RegExp(`^revoke-world-ingress#${ACCOUNT_ID}#ct-1#dry-run#[0-9a-f]{32}$`),
      );
    } finally {
      ec2.restore();
      sns.restore();
      ddb.restore();
    }
  });

  it("names each function's catalog detections, with their ATT&CK ids, for its incident records", () => {
    expect(
      remediatorModule.detectionLinks(CATALOG, RemediationId.QuarantineAccessKey),
    ).to.deep.equal([
      {
        id: "access-key-created-for-other-user",
        attackIds: ["T1098.001"],
        eventNames: ["CreateAccessKey"],
        detailTypes: ["AWS API Call via CloudTrail"],
      },
      {
        id: "access-key-exposed",
        attackIds: ["T1552.001", "T1078.004"],
        eventNames: [],
        detailTypes: ["AWS Health Event"],
      },
    ]);
    for (const id of REMEDIATION_IDS) {
      const links = remediatorModule.detectionLinks(CATALOG, id);
      expect(links.map((l) => l.id)).to.deep.equal(
        CATALOG.filter((d) => d.remediation === id).map((d) => d.id),
      );
      expect(links.every((l) => l.eventNames.length > 0 || l.detailTypes.length > 0)).to.equal(
        true,
      );
    }
  });

  it("rejects bad settings with a message that says what to change, before creating anything", async () => {
    const cases: [Partial<RemediatorModule.AutoRemediatorArgs>, string][] = [
      [
        { defaultMode: "on" as RemediationMode },
        'defaultMode: "on" is not one of off, dry-run, enforce',
      ],
      [
        { remediations: { "nuke-it": {} } as never },
        "remediations.nuke-it: unknown remediation; known: " + REMEDIATION_IDS.join(", "),
      ],
      [
        {
          remediations: {
            [RemediationId.RevokeWorldIngress]: { settings: { allowedPublicPorts: [443, 70000] } },
          },
        },
        "remediations.revoke-world-ingress.settings.allowedPublicPorts[1]: 70000 is not a port (0-65535)",
      ],
      [
        {
          remediations: {
            [RemediationId.RevokeWorldIngress]: { allowedPublicPorts: [443] },
          } as never,
        },
        "remediations.revoke-world-ingress.allowedPublicPorts: not a field of a remediation's options (mode, settings); a remediation's own settings go under remediations.revoke-world-ingress.settings",
      ],
      [
        {
          remediations: { [RemediationId.CancelKeyDeletion]: { settings: { protectedKeys: [] } } },
        },
        "remediations.cancel-key-deletion.settings.protectedKeys: unknown setting of cancel-key-deletion; known: protectedKeyArns",
      ],
      [
        {
          remediations: {
            [RemediationId.CancelKeyDeletion]: {
              settings: { protectedKeyArns: [`arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-high`] },
            },
          },
        },
        `remediations.cancel-key-deletion.settings.protectedKeyArns[0]: "arn:aws:sns:${REGION}:${ACCOUNT_ID}:alerts-high" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>)`,
      ],
      [
        { remediations: { [RemediationId.QuarantineAccessKey]: { settings: { x: 1 } } } },
        "remediations.quarantine-access-key.settings.x: unknown setting of quarantine-access-key; known: none (it has no settings)",
      ],
      [
        {
          trustedPrincipalArns: [
            `arn:aws:iam::${ACCOUNT_ID}:role/deploy`,
            "arn:aws:s3:::my-bucket",
          ],
        },
        'trustedPrincipalArns[1]: "arn:aws:s3:::my-bucket" is not an IAM user or role ARN, or an STS assumed-role ARN',
      ],
      [
        { logRetentionDays: 100 },
        "logRetentionDays: 100 is not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
      ],
      [{ reservedConcurrency: -1 }, "reservedConcurrency: -1 must be a whole number >= 0"],
      [{ timeoutSeconds: 901 }, "timeoutSeconds: 901 must be a whole number from 1 to 900"],
      [{ memorySizeMb: 64 }, "memorySizeMb: 64 must be a whole number from 128 to 10240"],
      [{ exemptTag: { key: "", value: "x" } }, "exemptTag.key: must not be empty"],
      [
        { unwired: false },
        "watcher: no watcher, so no rule triggers the functions; pass the SecurityRuleWatcher (or its ruleNames and deadLetterQueueArn), or set unwired: true to deploy them untriggered",
      ],
      [
        {
          crossAccount: {
            organizationId: "o-a1b2c3d4e5",
            externalId: "x1",
            memberRemediations: [RemediationId.RevokeWorldIngress],
          },
          remediations: { [RemediationId.UnshareSnapshot]: { mode: RemediationMode.Off } },
        },
        `crossAccount.memberRemediations: no member role for ${REMEDIATION_IDS.filter(
          (id) => id !== RemediationId.RevokeWorldIngress && id !== RemediationId.UnshareSnapshot,
        ).join(
          ", ",
        )} (enabled here, so its function would fail AssumeRole in every member account); add it to the OrganizationHub's remediations, or set remediations.<id>.mode to off`,
      ],
      [
        { defaultMode: "on" as RemediationMode, logRetentionDays: 100, memorySizeMb: 64 },
        [
          'defaultMode: "on" is not one of off, dry-run, enforce',
          "logRetentionDays: 100 is not a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)",
          "memorySizeMb: 64 must be a whole number from 128 to 10240",
        ].join("\n"),
      ],
    ];
    for (const [args, message] of cases) {
      recorder.reset();
      expect(errorOf(() => build(args, false))).to.equal(message);
      await settle();
      expect(
        recorder.resources.filter((r) => r.type.startsWith("aws:")),
        message,
      ).to.deep.equal([]);
    }
  });

  it("excludes every dependency of the program's package.json from the archive", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asw-codepaths-"));
    const nested = path.join(dir, "src", "deep");
    fs.mkdirSync(nested, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({
        dependencies: { "aws-security-watch": "^0.1.0", "@pulumi/aws": "^7", lodash: "4" },
      }),
    );
    const cwd = process.cwd();
    try {
      process.chdir(nested);
      const first = remediatorModule.handlerOnlyCodePaths();
      expect(first).to.deep.equal({
        extraExcludePackages: ["aws-security-watch", "@pulumi/aws", "lodash"],
      });
      first.extraExcludePackages.push("aws-sdk");
      expect(remediatorModule.handlerOnlyCodePaths().extraExcludePackages).to.have.length(3);
    } finally {
      process.chdir(cwd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
