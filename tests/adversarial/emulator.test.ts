/**
 * The handlers as Pulumi ships them, against the emulator (moto) with the idempotency table of
 * the AutoRemediator, under repeated and concurrent deliveries and injected faults:
 * - 10 simultaneous deliveries of one event give one change and one resolution message;
 * - a fault at every call position of a clean run (each read, each change, the idempotency
 *   writes, the publish), then the retries Lambda makes: the resource ends safe, each change is
 *   made once, and exactly one resolution message says "remediated".
 * Every SDK call goes through the SDK's one `Client.prototype.send`, which the test wraps to
 * record the calls the handler makes and to fail the one chosen.
 */
import { expect } from "chai";
import { randomUUID } from "crypto";
import { RemediationId, RemediationMode } from "../../core/types";
import { runtimeFactory } from "../../lambdas/bootstrap";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import {
  SCENARIOS,
  ScenarioContext,
  createIdempotencyTable,
  createResolutionInbox,
  createScenarioContext,
  wrapAsEventBridge,
} from "../../scripts/scenarios";
import { serializeHandler } from "../helpers/serialize";
import { captureLogs, type Json } from "../lambdas/harness";
import { type Call, interceptSends, MUTATING } from "./support";

const REGION = "eu-west-1";
const OWN_ROLE_ARN = "arn:aws:iam::123456789012:role/security-watch-remediator";
const TABLE = "remediate-idempotency";

type Handler = (event: unknown) => Promise<Json>;

describe("adversarial: deliveries and faults against the emulator", function () {
  this.timeout(300_000);
  let moto: MotoServer;
  let restoreEnv: () => void;
  let ctx: ScenarioContext;
  let topicArn: string;
  let sends: ReturnType<typeof interceptSends>;
  const saved = { ...process.env };
  const handlers = new Map<RemediationId, Handler>();
  const figures = { concurrentRuns: 0, extraChanges: 0, extraMessages: 0, faultRuns: 0 };

  async function handlerFor(id: RemediationId): Promise<Handler> {
    let handler = handlers.get(id);
    if (!handler) {
      const settings = {
        ...settingDefaults(id),
        mode: RemediationMode.Enforce,
        exemptTag: { key: "security-watch:exempt", value: "true" },
        trustedPrincipalArns: [],
        ...(id === RemediationId.RevokeWorldIngress ? { allowedPublicPorts: [443] } : {}),
      };
      handler = (await serializeHandler(runtimeFactory(remediationSpec(id).factory, settings)))
        .handler as Handler;
      handlers.set(id, handler);
    }
    return handler;
  }

  before(async () => {
    moto = await startMoto();
    restoreEnv = useMotoEnvironment(moto.endpoint, REGION);
    ctx = createScenarioContext(moto.endpoint, REGION);
    topicArn = (await createResolutionInbox(ctx)).topicArn;
    await createIdempotencyTable(ctx, TABLE);
    Object.assign(process.env, {
      RESOLUTION_TOPIC_ARN: topicArn,
      OWN_ROLE_ARN,
      IDEMPOTENCY_TABLE: TABLE,
    });
    sends = interceptSends();
  });

  after(async () => {
    console.log(
      `      concurrency: ${figures.concurrentRuns} events x 10 simultaneous deliveries: ${figures.extraChanges} duplicate changes, ${figures.extraMessages} duplicate messages; fault injection: ${figures.faultRuns} runs (one per call position)`,
    );
    sends?.restore();
    for (const key of ["RESOLUTION_TOPIC_ARN", "OWN_ROLE_ARN", "IDEMPOTENCY_TABLE"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    restoreEnv?.();
    await moto?.stop();
  });

  const published = (calls: Call[]) => calls.filter((c) => c.name === "Publish" && c.ok);
  const changes = (calls: Call[]) => calls.filter((c) => MUTATING.has(c.name) && c.ok);
  const outcomeOf = (c: Call) => c.input.MessageAttributes?.outcome?.StringValue;

  for (const scenario of SCENARIOS) {
    it(`${scenario.id}: 10 simultaneous deliveries make 1 change and publish 1 message`, async () => {
      const handler = await handlerFor(scenario.remediation);
      const setup = await scenario.setup(ctx);
      const event = wrapAsEventBridge(setup.record);
      sends.start();
      const runs = await captureLogs(() =>
        Promise.all(Array.from({ length: 10 }, () => handler(JSON.parse(JSON.stringify(event))))),
      );
      sends.stop();
      expect(runs.error, runs.error?.stack).to.equal(undefined);
      const outcomes = (runs.result as Json[]).map((r) => r.outcome).sort();
      expect(outcomes).to.deep.equal([...Array(9).fill("duplicate"), "remediated"]);
      figures.concurrentRuns++;
      const names = changes(sends.calls).map((c) => c.name);
      figures.extraChanges += names.length - new Set(names).size;
      figures.extraMessages += Math.max(published(sends.calls).length - 1, 0);
      expect(published(sends.calls).map(outcomeOf)).to.deep.equal(["remediated"]);
      const clean = changes(sends.calls).length;
      expect(clean, "changes").to.be.within(1, 2);
      expect(new Set(changes(sends.calls).map((c) => c.name)).size).to.equal(clean);
      const incidents = runs.lines.filter((l) => l.type === "incident");
      expect(incidents.map((l) => l.outcome).sort()).to.deep.equal(outcomes);
      expect((await scenario.verify(ctx, setup)).safe).to.equal(true);

      // A late duplicate, after the fact: nothing changed, nothing published.
      sends.start();
      const late = await captureLogs(() => handler(event));
      sends.stop();
      expect((late.result as Json).outcome).to.equal("duplicate");
      expect(changes(sends.calls)).to.deep.equal([]);
      expect(published(sends.calls)).to.deep.equal([]);
    });

    it(`${scenario.id}: a fault at every call position, then Lambda's retries: safe, each change once, one "remediated" message`, async () => {
      const handler = await handlerFor(scenario.remediation);
      // The clean run: the call positions.
      const first = await scenario.setup(ctx);
      sends.start();
      await captureLogs(() => handler(wrapAsEventBridge(first.record)));
      sends.stop();
      const positions = sends.calls.map((c) => c.name);
      const cleanChanges = changes(sends.calls).map((c) => c.name);
      expect(positions).to.include("Publish");
      // The claim, the intent beside the change and the outcome beside the publish (and, for
      // the remediations AWS Config reports on too, the per-resource record).
      const eventWrites = sends.calls.filter(
        (c) => c.name === "UpdateItem" && !String(c.input.Key?.id?.S).includes("#res#"),
      );
      expect(eventWrites).to.have.length(3);

      for (const [failAt, name] of positions.entries()) {
        const setup = await scenario.setup(ctx);
        const event = wrapAsEventBridge({ ...setup.record, eventID: randomUUID() });
        const all: Call[] = [];
        const attempts: string[] = [];
        // The first delivery with the fault, then at most the 2 retries of an async invocation.
        for (let attempt = 0; attempt < 3; attempt++) {
          sends.start(attempt === 0 ? failAt : -1);
          const run = await captureLogs(() => handler(event));
          sends.stop();
          all.push(...sends.calls.map((c) => ({ ...c })));
          const incident = run.lines.find((l) => l.type === "incident");
          expect(incident, `${name}: an incident record on every attempt`).to.not.equal(undefined);
          attempts.push(incident!.outcome);
          if (!run.error) break;
        }
        figures.faultRuns++;
        const at = `fault at #${failAt} ${name} (attempts: ${attempts.join(", ")})`;
        expect(attempts.at(-1), at).to.not.equal("failed");
        expect((await scenario.verify(ctx, setup)).safe, at).to.equal(true);
        expect(published(all).map(outcomeOf), at).to.deep.equal(["remediated"]);
        expect(
          changes(all).map((c) => c.name),
          at,
        ).to.deep.equal(cleanChanges);
      }
    });
  }
});
