/**
 * The remediation handlers, serialized the way Pulumi ships them (`runtimeFactory` as the
 * `callbackFactory` of `aws.lambda.CallbackFunction`), run against the local AWS emulator with
 * the real AWS SDK v3: each attack scenario makes the dangerous change, the handler receives the
 * CloudTrail record as EventBridge delivers it, and the state is read back.
 */
import { expect } from "chai";
import { CATALOG } from "../../core/catalog";
import { matchesPattern } from "../../core/eventPattern";
import { RemediationId, RemediationMode } from "../../core/types";
import { runtimeFactory } from "../../lambdas/bootstrap";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { RemediationResult } from "../../lambdas/runtime/remediator";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import {
  CloudTrailRecord,
  ResolutionInbox,
  SCENARIOS,
  Scenario,
  ScenarioContext,
  asAssumedRole,
  createResolutionInbox,
  createScenarioContext,
  wrapAsEventBridge,
} from "../../scripts/scenarios";
import { serializeHandler } from "../helpers/serialize";

const REGION = "eu-west-1";
const OWN_ROLE_ARN = "arn:aws:iam::123456789012:role/security-watch-remediator";
const EXEMPT_TAG = { key: "security-watch:exempt", value: "true" };
/** How long to wait for a resolution message that must arrive (SNS -> SQS is immediate in moto). */
const ARRIVES_MS = 5_000;
/** How long to look for a resolution message that must not arrive. */
const ABSENT_MS = 300;

type Handler = (event: unknown) => Promise<RemediationResult>;

interface Invocation {
  result?: RemediationResult;
  error?: Error;
  /** The JSON lines the handler logged. */
  logs: Record<string, unknown>[];
}

/** Runs the handler, capturing its log lines (the incident record, the metric line). */
async function invoke(handler: Handler, event: unknown): Promise<Invocation> {
  const logs: Record<string, unknown>[] = [];
  const original = console.log;
  const write = process.stdout.write;
  const push = (line: string) => {
    try {
      logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      logs.push({ text: line });
    }
  };
  console.log = (...args: unknown[]) => push(args.map(String).join(" "));
  // The handlers write the incident record and the metric line to stdout, one JSON per line.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    String(chunk)
      .split("\n")
      .filter((line) => line !== "")
      .forEach(push);
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await handler(event), logs };
  } catch (error) {
    return { error: error as Error, logs };
  } finally {
    console.log = original;
    process.stdout.write = write;
  }
}

function incidents(logs: Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.filter((line) => line.type === "incident");
}

describe("remediation handlers against moto (serialized)", function () {
  this.timeout(60_000);

  let moto: MotoServer;
  let restoreEnv: () => void;
  let ctx: ScenarioContext;
  let inbox: ResolutionInbox;
  const savedRuntimeEnv = {
    RESOLUTION_TOPIC_ARN: process.env.RESOLUTION_TOPIC_ARN,
    OWN_ROLE_ARN: process.env.OWN_ROLE_ARN,
  };
  const handlers = new Map<string, Handler>();

  /** The serialized handler of a remediation in a mode, built once. */
  async function handlerFor(remediation: RemediationId, mode: RemediationMode): Promise<Handler> {
    const key = `${remediation}/${mode}`;
    let handler = handlers.get(key);
    if (handler === undefined) {
      const settings = {
        ...settingDefaults(remediation),
        mode,
        exemptTag: EXEMPT_TAG,
        trustedPrincipalArns: [],
        ...(remediation === RemediationId.RevokeWorldIngress ? { allowedPublicPorts: [443] } : {}),
      };
      const serialized = await serializeHandler(
        runtimeFactory(remediationSpec(remediation).factory, settings),
      );
      handler = serialized.handler as Handler;
      handlers.set(key, handler);
    }
    return handler;
  }

  before(async () => {
    moto = await startMoto();
    restoreEnv = useMotoEnvironment(moto.endpoint, REGION);
    ctx = createScenarioContext(moto.endpoint, REGION);
    inbox = await createResolutionInbox(ctx);
    // What the AutoRemediator puts in the function's environment (read at cold start).
    process.env.RESOLUTION_TOPIC_ARN = inbox.topicArn;
    process.env.OWN_ROLE_ARN = OWN_ROLE_ARN;
  });

  after(async () => {
    for (const [key, value] of Object.entries(savedRuntimeEnv)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
    restoreEnv?.();
    await moto?.stop();
  });

  /** Sets the scenario up and checks that it is unsafe before any handler runs. */
  async function unsafeSetup(scenario: Scenario, tags?: Record<string, string>) {
    const setup = await scenario.setup(ctx, tags === undefined ? undefined : { tags });
    const before = await scenario.verify(ctx, setup);
    expect(before.safe, `precondition: ${before.detail}`).to.equal(false);
    return setup;
  }

  async function expectUnsafe(
    scenario: Scenario,
    setup: { record: CloudTrailRecord; resource: string },
  ) {
    const after = await scenario.verify(ctx, setup);
    expect(after.safe, after.detail).to.equal(false);
  }

  describe("scenarios (no handler)", () => {
    it("have unique ids and cover every remediation", () => {
      expect(new Set(SCENARIOS.map((s) => s.id)).size).to.equal(SCENARIOS.length);
      expect([...new Set(SCENARIOS.map((s) => s.remediation))].sort()).to.deep.equal(
        Object.values(RemediationId).sort(),
      );
    });

    for (const scenario of SCENARIOS) {
      it(`${scenario.id}: setup is unsafe, the record is what CloudTrail writes and a detection with the remediation matches it, a manual fix is safe`, async () => {
        const setup = await unsafeSetup(scenario);
        const record = setup.record;
        expect(record).to.include({
          eventVersion: "1.09",
          eventType: "AwsApiCall",
          readOnly: false,
          managementEvent: true,
          recipientAccountId: "123456789012",
          sourceIPAddress: "203.0.113.66",
        });
        expect(record.eventID).to.match(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
        );
        expect(record.eventTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(record.userIdentity).to.include({
          type: "IAMUser",
          arn: "arn:aws:iam::123456789012:user/attacker",
          accountId: "123456789012",
          userName: "attacker",
        });
        expect(record.awsRegion).to.equal(
          record.eventSource === "iam.amazonaws.com" ? "us-east-1" : REGION,
        );
        const event = wrapAsEventBridge(record);
        expect(event).to.include({
          "detail-type": "AWS API Call via CloudTrail",
          source: `aws.${record.eventSource.split(".")[0]}`,
          account: "123456789012",
          region: record.awsRegion,
          time: record.eventTime,
        });
        expect(event.detail).to.equal(record);
        const detections = CATALOG.filter(
          (d) => d.remediation === scenario.remediation && matchesPattern(d.eventPattern, event),
        );
        expect(
          detections.map((d) => d.id),
          "matching detections",
        ).to.have.length.greaterThan(0);

        await scenario.fix(ctx, setup);
        const fixed = await scenario.verify(ctx, setup);
        expect(fixed.safe, fixed.detail).to.equal(true);
      });
    }

    it("the inbox keeps messages of other events for later and returns undefined after the timeout", async () => {
      const { PublishCommand } = await import("@aws-sdk/client-sns");
      const publish = (eventId: string) =>
        ctx.clients.sns.send(
          new PublishCommand({
            TopicArn: inbox.topicArn,
            Subject: `[TEST] ${eventId}`,
            Message: `resolves ${eventId}`,
            MessageAttributes: { eventId: { DataType: "String", StringValue: eventId } },
          }),
        );
      await publish("inbox-a");
      await publish("inbox-b");
      const b = await inbox.receive("inbox-b", ARRIVES_MS);
      expect(b).to.deep.equal({
        subject: "[TEST] inbox-b",
        message: "resolves inbox-b",
        attributes: { eventId: "inbox-b" },
      });
      expect((await inbox.receive("inbox-a", ARRIVES_MS))?.subject).to.equal("[TEST] inbox-a");
      const started = Date.now();
      expect(await inbox.receive("inbox-a", 200)).to.equal(undefined);
      expect(Date.now() - started).to.be.lessThan(1_500);
    });
  });

  for (const scenario of SCENARIOS) {
    describe(`${scenario.id}: ${scenario.title} (${scenario.remediation})`, () => {
      it("enforce undoes the change, logs an incident and publishes a resolution naming the event", async () => {
        const setup = await unsafeSetup(scenario);
        const handler = await handlerFor(scenario.remediation, RemediationMode.Enforce);
        const eventId = setup.record.eventID;

        const { result, error, logs } = await invoke(handler, wrapAsEventBridge(setup.record));

        expect(error, error?.message).to.equal(undefined);
        expect(result!.outcome, result!.message).to.equal("remediated");
        expect(result!.remediation).to.equal(scenario.remediation);
        expect(result!.eventId).to.equal(eventId);
        expect(result!.principal).to.equal("arn:aws:iam::123456789012:user/attacker");
        expect(result!.actions).to.have.length.greaterThan(0);
        const verdict = await scenario.verify(ctx, setup);
        expect(verdict.safe, verdict.detail).to.equal(true);

        const records = incidents(logs);
        expect(records).to.have.length(1);
        expect(records[0]).to.include({
          eventId,
          remediation: scenario.remediation,
          outcome: "remediated",
          mode: "enforce",
        });

        const resolution = await inbox.receive(eventId, ARRIVES_MS);
        expect(resolution, "resolution message").to.not.equal(undefined);
        expect(resolution!.attributes).to.include({
          eventId,
          remediation: scenario.remediation,
          outcome: "remediated",
          resource: result!.resource,
        });
        expect(resolution!.message).to.contain(eventId);
        expect(resolution!.subject.length).to.be.within(1, 99);
      });

      it("enforce twice: the second run finds it already safe and changes nothing", async () => {
        const setup = await unsafeSetup(scenario);
        const handler = await handlerFor(scenario.remediation, RemediationMode.Enforce);
        const event = wrapAsEventBridge(setup.record);

        const first = await invoke(handler, event);
        expect(first.error, first.error?.message).to.equal(undefined);
        expect(first.result!.outcome).to.equal("remediated");
        const second = await invoke(handler, event);

        expect(second.error, second.error?.message).to.equal(undefined);
        expect(second.result!.outcome, second.result!.message).to.equal("already-safe");
        expect(second.result!.actions).to.deep.equal([]);
        const verdict = await scenario.verify(ctx, setup);
        expect(verdict.safe, verdict.detail).to.equal(true);
        expect(await inbox.receive(setup.record.eventID, ARRIVES_MS)).to.not.equal(undefined);
        const again = await inbox.receive(setup.record.eventID, ARRIVES_MS);
        expect(again?.attributes.outcome).to.equal("already-safe");
      });

      it("dry-run changes nothing and publishes what it would do", async () => {
        const setup = await unsafeSetup(scenario);
        const handler = await handlerFor(scenario.remediation, RemediationMode.DryRun);

        const { result, error } = await invoke(handler, wrapAsEventBridge(setup.record));

        expect(error, error?.message).to.equal(undefined);
        expect(result!.outcome, result!.message).to.equal("dry-run");
        expect(result!.actions).to.have.length.greaterThan(0);
        await expectUnsafe(scenario, setup);
        const resolution = await inbox.receive(setup.record.eventID, ARRIVES_MS);
        expect(resolution, "resolution message").to.not.equal(undefined);
        expect(resolution!.attributes).to.include({ outcome: "dry-run", mode: "dry-run" });
        for (const action of result!.actions) {
          expect(resolution!.message).to.contain(action);
        }
      });

      if (scenario.taggable) {
        it("leaves a resource carrying the exemption tag alone", async () => {
          const setup = await unsafeSetup(scenario, { [EXEMPT_TAG.key]: EXEMPT_TAG.value });
          const handler = await handlerFor(scenario.remediation, RemediationMode.Enforce);

          const { result, error } = await invoke(handler, wrapAsEventBridge(setup.record));

          expect(error, error?.message).to.equal(undefined);
          expect(result!.outcome, result!.message).to.equal("exempt");
          expect(result!.actions).to.deep.equal([]);
          await expectUnsafe(scenario, setup);
          const resolution = await inbox.receive(setup.record.eventID, ARRIVES_MS);
          expect(resolution?.attributes.outcome).to.equal("exempt");
        });
      }

      it("ignores the event when the remediator's own role made the change", async () => {
        const setup = await unsafeSetup(scenario);
        const handler = await handlerFor(scenario.remediation, RemediationMode.Enforce);
        const record = asAssumedRole(setup.record, OWN_ROLE_ARN);

        const { result, error, logs } = await invoke(handler, wrapAsEventBridge(record));

        expect(error, error?.message).to.equal(undefined);
        expect(result!.outcome).to.equal("ignored");
        expect(result!.actions).to.deep.equal([]);
        expect(incidents(logs)).to.have.length(1);
        await expectUnsafe(scenario, setup);
        expect(await inbox.receive(record.eventID, ABSENT_MS)).to.equal(undefined);
      });

      it("throws on malformed or unexpected events and changes nothing", async () => {
        const setup = await unsafeSetup(scenario);
        const handler = await handlerFor(scenario.remediation, RemediationMode.Enforce);
        const event = wrapAsEventBridge(setup.record);
        const malformed: [string, unknown][] = [
          ["not an object", "AuthorizeSecurityGroupIngress"],
          ["no detail", { ...event, detail: undefined }],
          ["detail without eventID", { ...event, detail: { ...setup.record, eventID: undefined } }],
          [
            "requestParameters not an object",
            { ...event, detail: { ...setup.record, requestParameters: "oops" } },
          ],
          [
            "an event name this remediation does not handle",
            { ...event, detail: { ...setup.record, eventName: "DescribeAccountAttributes" } },
          ],
        ];
        for (const [what, bad] of malformed) {
          const { result, error } = await invoke(handler, bad);
          expect(result, `${what}: must throw`).to.equal(undefined);
          expect(error!.message, what).to.match(
            new RegExp(`^${scenario.remediation}: rejected event: `),
          );
        }
        await expectUnsafe(scenario, setup);
        expect(await inbox.receive(setup.record.eventID, ABSENT_MS)).to.equal(undefined);
      });
    });
  }
});
