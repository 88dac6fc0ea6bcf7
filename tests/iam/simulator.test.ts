/**
 * IAM evaluated, not assumed: every role the dev and org-hub stacks create, under a real IAM
 * policy simulator (@cloud-copilot/iam-simulate).
 *
 * - ALLOWED: every AWS call the functions' SERIALIZED code makes in the fire drill (`npm run
 *   drill`: 20 attacks, dev stack) and the organization drill (`npm run drill -- --org`: the hub's
 *   functions assuming the member roles of the spoke templates), recorded at the SDK's `send`
 *   against the emulator, mapped to its IAM action, resource ARN, account, region and request
 *   condition keys; plus the calls AWS services make with the roles (Lambda's logs and
 *   destinations, CloudTrail's log delivery, EventBridge's forwarding, the threshold reports,
 *   AWS Chatbot's reads with the chat role: chat is off in Pulumi.dev.yaml, so its channels are
 *   built as the stack builds them when it is on).
 * - DENIED: the abuse calls of tests/iam/abuses.ts, for every role.
 * - ALLOWED, knowingly: the abuses IAM cannot tell apart from the fix (tests/iam/allowedAbuses.ts,
 *   the README's "What a remediation role can still do").
 *
 * Each stack is built once (by the drill that plays it). The allow/deny counts per role are
 * printed at the end.
 */
import { expect } from "chai";
import { settle, setup } from "../helpers/mocks";

const recorder = setup();

import { REMEDIATION_IDS, RemediationId } from "../../core/types";
import { runDrill } from "../../scripts/drill";
import { MEMBER_ACCOUNTS, runOrgDrill } from "../../scripts/orgDrill";
import { abusesFor } from "./abuses";
import { ALLOWED_ABUSES } from "./allowedAbuses";
import { type Decision, evaluate } from "./evaluate";
import { type RecordedCall, recordFunctionCalls } from "./recordCalls";
import { type IamRequest, principalOf, requestsOfCall } from "./requests";
import type { RoleUnderTest } from "./roles";
import { type StackIam, stackIam } from "./stackIam";

const HUB_ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const ORG = "o-a1b2c3d4e5";
const OUTSIDE_ACCOUNT = "999988887777";
/** A region neither stack nor spoke covers (D12). */
const OTHER_REGION = "me-south-1";

interface Tally {
  allowed: Set<string>;
  denied: Set<string>;
  knowinglyAllowed: Set<string>;
}

const requestKey = (r: IamRequest) =>
  `${r.action} ${r.resource} ${r.region} ${JSON.stringify(r.context ?? {})}`;

describe("IAM evaluated by a policy simulator (every role of the dev and org-hub stacks)", function () {
  this.timeout(900_000);
  let dev: StackIam;
  let org: StackIam;
  let chat: StackIam;
  let devCalls: RecordedCall[] = [];
  let orgCalls: RecordedCall[] = [];
  const tally = new Map<string, Tally>();
  const count = (role: RoleUnderTest, kind: keyof Tally, r: IamRequest) => {
    // A spoke role is the same in every member account: counted once, over the accounts.
    const key = role.key.replace(/@\d{12}$/, ` (${MEMBER_ACCOUNTS.length} member accounts)`);
    const t = tally.get(key) ?? {
      allowed: new Set<string>(),
      denied: new Set<string>(),
      knowinglyAllowed: new Set<string>(),
    };
    t[kind].add(`${role.account} ${requestKey(r)}`);
    tally.set(key, t);
  };

  /** The ChatChannels of the dev stack with Slack and Teams on; AWS Chatbot reads alarms with its role. */
  async function buildChat(): Promise<StackIam> {
    const { ChatChannels } = await import("../../components/chatChannels");
    new ChatChannels("chat", {
      topicArn: `arn:aws:sns:${REGION}:${HUB_ACCOUNT}:alerts-chat`,
      resolutionTopicArn: `arn:aws:sns:${REGION}:${HUB_ACCOUNT}:alerts-resolutions`,
      detections: { "root-usage": { ruleName: "asw-test-root-usage" } },
      deadLetterQueueArn: `arn:aws:sqs:${REGION}:${HUB_ACCOUNT}:watch-dlq`,
      slack: { teamId: "T07EA123LEP", channelId: "C07EZ1ABC23" },
      teams: {
        teamId: "5f1b1a3e-2c4d-4e6f-8a9b-0c1d2e3f4a5b",
        tenantId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        channelId: "19:a1b2c3d4e5f6@thread.tacv2",
      },
    });
    await settle();
    const built = stackIam(recorder, { stack: "dev", account: HUB_ACCOUNT, region: REGION });
    // What AWS Chatbot reads to render an alarm notification (its NotificationsOnly policy).
    for (const role of built.roles.filter((r) => r.arn.endsWith(":role/chat-role"))) {
      built.serviceCalls.set(
        role.arn,
        ["cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"].map(
          (action) => ({
            label: `AWS Chatbot: ${action}`,
            action,
            resource: "*",
            resourceAccount: HUB_ACCOUNT,
            region: REGION,
          }),
        ),
      );
    }
    return built;
  }

  before(async () => {
    const recording = recordFunctionCalls();
    try {
      recorder.reset();
      const devRows = await runDrill(() => undefined);
      expect(devRows.filter((r) => !r.ok).map((r) => `${r.scenario}: ${r.problem}`)).to.deep.equal(
        [],
      );
      devCalls = recording.calls.splice(0);
      dev = stackIam(recorder, { stack: "dev", account: HUB_ACCOUNT, region: REGION });
      recorder.reset();
      // Chat is off in Pulumi.dev.yaml: its channels as the stack builds them when it is on.
      chat = await buildChat();
      recorder.reset();
      const orgRows = await runOrgDrill(() => undefined);
      expect(orgRows.filter((r) => !r.ok).map((r) => `${r.scenario}: ${r.problem}`)).to.deep.equal(
        [],
      );
      orgCalls = recording.calls.splice(0);
      org = stackIam(recorder, {
        stack: "org-hub",
        account: HUB_ACCOUNT,
        region: REGION,
        organization: { id: ORG, accounts: [HUB_ACCOUNT, ...MEMBER_ACCOUNTS] },
        memberAccounts: MEMBER_ACCOUNTS,
      });
    } finally {
      recording.stop();
      recorder.reset();
    }
  });

  after(() => {
    if (tally.size === 0) return;
    const rows = [...tally.entries()].map(
      ([key, t]) =>
        `      ${key.padEnd(58)} ${String(t.allowed.size).padStart(4)} allowed ${String(t.denied.size).padStart(4)} denied ${String(t.knowinglyAllowed.size).padStart(3)} allowed abuses`,
    );
    console.log(
      `      IAM simulator, distinct requests per role (${tally.size} roles):\n${rows.join("\n")}`,
    );
  });

  const roleOf = (stack: StackIam, arn: string): RoleUnderTest => {
    const role = stack.roles.find((r) => r.arn === arn);
    if (!role)
      throw new Error(
        `no role ${arn} in the stack (known: ${stack.roles.map((r) => r.arn).join(", ")})`,
      );
    return role;
  };
  const orgIdOf = (stack: StackIam) => stack.directory.organization?.id;

  /** Evaluates the recorded calls of a stack: every one must be allowed. */
  async function recordedCallsAllowed(stack: StackIam, calls: RecordedCall[]): Promise<string[]> {
    const failures: string[] = [];
    for (const [i, call] of calls.entries()) {
      // The drill's resolutions go to an inbox topic: the deployed function publishes to its own.
      const deployed = stack.resolutionTopics.get(call.functionRoleArn);
      const effective =
        call.command === "Publish" && deployed
          ? { ...call, input: { ...call.input, TopicArn: deployed } }
          : call;
      const earlier = calls.slice(0, i).filter((c) => c.functionRoleArn === call.functionRoleArn);
      const role = roleOf(stack, principalOf(call));
      for (const request of requestsOfCall(effective, stack.directory, earlier)) {
        const decision = await evaluate(role, request, { organizationId: orgIdOf(stack) });
        if (decision === "Allowed") count(role, "allowed", request);
        else
          failures.push(
            `${role.key}: ${decision} ${request.action} on ${request.resource}: ${request.label}`,
          );
      }
    }
    return failures;
  }

  it("allows every call the dev stack's functions make in the fire drill", async () => {
    expect(devCalls.length).to.be.greaterThan(100);
    const commands = new Set(devCalls.map((c) => `${c.client}.${c.command}`));
    expect(commands.size).to.be.greaterThan(35);
    expect(await recordedCallsAllowed(dev, devCalls)).to.deep.equal([]);
  });

  it("allows every call the org hub's functions make in the organization drill, through the member roles", async () => {
    expect(orgCalls.filter((c) => c.assumedRoleArn).length).to.be.greaterThan(30);
    expect(orgCalls.filter((c) => c.command === "AssumeRole").length).to.be.greaterThan(12);
    expect(await recordedCallsAllowed(org, orgCalls)).to.deep.equal([]);
  });

  it("allows the calls AWS services make with the roles (logs, destinations, log delivery, forwarding, reports)", async () => {
    const failures: string[] = [];
    for (const stack of [dev, chat, org]) {
      for (const [arn, requests] of stack.serviceCalls) {
        const role = roleOf(stack, arn);
        for (const request of requests) {
          const decision = await evaluate(role, request, { organizationId: orgIdOf(stack) });
          if (decision === "Allowed") count(role, "allowed", request);
          else
            failures.push(
              `${role.key}: ${decision} ${request.action} on ${request.resource}: ${request.label}`,
            );
        }
      }
    }
    expect([...dev.serviceCalls.keys()].length).to.be.greaterThan(15);
    expect(failures).to.deep.equal([]);
  });

  it("lets the hub's functions assume only their own member role, only with the external id, only in the organization", async () => {
    const hubRole = roleOf(org, `arn:aws:iam::${HUB_ACCOUNT}:role/asw-hub-revoke-world-ingress`);
    const member = (account: string, id: RemediationId) =>
      `arn:aws:iam::${account}:role/asw-member-${id}`;
    const assume = (roleArn: string, extra: Record<string, string> = {}) => ({
      label: `assume ${roleArn}`,
      action: "sts:AssumeRole",
      resource: roleArn,
      resourceAccount: roleArn.split(":")[4],
      region: REGION,
      context: {
        "aws:ResourceOrgID": ORG,
        "sts:ExternalId": "aws-security-watch-o-a1b2c3d4e5",
        ...extra,
      },
      resourcePolicy: org.directory.trustPolicies[roleArn],
    });
    const own = member(MEMBER_ACCOUNTS[0], RemediationId.RevokeWorldIngress);
    expect(await evaluate(hubRole, assume(own), { organizationId: ORG })).to.equal("Allowed");
    const cases: [string, IamRequest, string | undefined][] = [
      [
        "another remediation's member role",
        assume(member(MEMBER_ACCOUNTS[0], RemediationId.QuarantineAccessKey)),
        ORG,
      ],
      ["a wrong external id", assume(own, { "sts:ExternalId": "guess" }), ORG],
      [
        "a role of that name outside the organization",
        {
          ...assume(member(OUTSIDE_ACCOUNT, RemediationId.RevokeWorldIngress)),
          context: {
            "sts:ExternalId": "aws-security-watch-o-a1b2c3d4e5",
            "aws:ResourceOrgID": "o-other12345",
          },
        },
        ORG,
      ],
    ];
    for (const [why, request, orgId] of cases) {
      const decision = await evaluate(hubRole, request, { organizationId: orgId });
      expect(decision, why).not.to.equal("Allowed");
      count(hubRole, "denied", request);
    }
  });

  /** The abuse context of a role of `stack`. */
  function abuseContext(stack: StackIam, role: RoleUnderTest) {
    const name = role.arn.split("/").pop() as string;
    const remediation = REMEDIATION_IDS.find(
      (id) =>
        name === `asw-member-${id}` || name === `asw-hub-${id}` || name === `remediate-${id}-role`,
    );
    const resolutionTopicArn = stack.resolutionTopics.get(role.arn);
    return {
      account: role.account,
      region: REGION,
      otherRegion: OTHER_REGION,
      otherAccount: OUTSIDE_ACCOUNT,
      ...(remediation ? { remediation } : {}),
      ...(stack.tables.has(role.arn) ? { idempotencyTableArn: stack.tables.get(role.arn) } : {}),
      ...(resolutionTopicArn
        ? {
            resolutionTopicArn,
            alertTopicArn: stack.alertTopics.find((t) => t !== resolutionTopicArn),
            topicKeyArn: stack.directory.topicKeys[resolutionTopicArn],
          }
        : {}),
    };
  }

  it("denies every abuse call, for every role", async () => {
    const failures: string[] = [];
    let roles = 0;
    for (const stack of [dev, chat, org]) {
      for (const role of stack.roles) {
        roles++;
        for (const abuse of abusesFor(abuseContext(stack, role))) {
          const decision: Decision = await evaluate(role, abuse.request, {
            organizationId: orgIdOf(stack),
          });
          if (decision === "Allowed")
            failures.push(
              `${role.key}: ${abuse.id} (${abuse.request.action} on ${abuse.request.resource})`,
            );
          else count(role, "denied", abuse.request);
        }
      }
    }
    // 16 dev roles, the chat role and the card renderer's; 13 hub function roles, and per member
    // account 13 member roles and the forwarder.
    expect(roles).to.equal(16 + 2 + 13 + MEMBER_ACCOUNTS.length * 14);
    expect(failures).to.deep.equal([]);
  });

  it("allows, knowingly, only the abuses IAM cannot tell apart from the fix (the README's table)", async () => {
    const failures: string[] = [];
    for (const stack of [dev, org]) {
      for (const role of stack.roles) {
        const ctx = abuseContext(stack, role);
        if (!ctx.remediation) continue;
        for (const abuse of ALLOWED_ABUSES.filter(
          (a) => (a.remediation ?? ctx.remediation) === ctx.remediation,
        )) {
          if (!abuse.remediation && !ctx.resolutionTopicArn) continue; // member roles publish nothing
          const request = abuse.example(role.account, REGION, ctx);
          const decision = await evaluate(role, request, { organizationId: orgIdOf(stack) });
          if (decision !== "Allowed") failures.push(`${role.key}: ${decision} ${abuse.canStill}`);
          else count(role, "knowinglyAllowed", request);
        }
      }
    }
    expect(failures).to.deep.equal([]);
  });
});
