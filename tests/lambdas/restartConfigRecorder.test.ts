import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  ConfigServiceClient,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import {
  createRestartConfigRecorderHandler,
  planRestartConfigRecorder,
} from "../../lambdas/restartConfigRecorder";
import { awsError, baseSettings, captureLogs, record, sent, snsMock } from "./harness";

const SETTINGS = baseSettings();
const stopped = () =>
  record("config.amazonaws.com", "StopConfigurationRecorder", {
    configurationRecorderName: "default",
  });

describe("planRestartConfigRecorder", () => {
  it("StopConfigurationRecorder: restart the named recorder", () => {
    const plan = planRestartConfigRecorder(stopped(), SETTINGS);
    expect(plan).to.deep.include({
      kind: "act",
      resource: "default",
      target: { recorderName: "default" },
    });
  });
  it("rejects a record without the recorder name", () => {
    expect(
      planRestartConfigRecorder(
        record("config.amazonaws.com", "StopConfigurationRecorder", {}),
        SETTINGS,
      ).kind,
    ).to.equal("reject");
  });
});

describe("restart-config-recorder handler", () => {
  const cfg = mockClient(ConfigServiceClient);
  let sns = snsMock();
  beforeEach(() => {
    cfg.reset();
    sns.restore();
    sns = snsMock();
  });
  after(() => {
    cfg.restore();
    sns.restore();
  });

  it("enforce: one StartConfigurationRecorder (no tags to read)", async () => {
    cfg.on(StartConfigurationRecorderCommand).resolves({});
    const { result } = await captureLogs(() =>
      createRestartConfigRecorderHandler(SETTINGS)(stopped()),
    );
    expect(sent(cfg)).to.deep.equal([
      { name: "StartConfigurationRecorder", input: { ConfigurationRecorderName: "default" } },
    ]);
    expect(result?.outcome).to.equal("remediated");
    expect(sent(sns)[0].input.Subject).to.equal(
      "[REMEDIATED] default recorder stopped in eu-west-1",
    );
  });

  it("recorder deleted: already-safe", async () => {
    cfg
      .on(StartConfigurationRecorderCommand)
      .rejects(awsError("NoSuchConfigurationRecorderException"));
    const { result } = await captureLogs(() =>
      createRestartConfigRecorderHandler(SETTINGS)(stopped()),
    );
    expect(result?.outcome).to.equal("already-safe");
  });

  it("trusted principal is the only exemption", async () => {
    const handler = createRestartConfigRecorderHandler({
      ...SETTINGS,
      trustedPrincipalArns: ["arn:aws:sts::123456789012:assumed-role/Admin/alice"],
    });
    const { result } = await captureLogs(() => handler(stopped()));
    expect(cfg.calls()).to.have.length(0);
    expect(result?.outcome).to.equal("exempt");
  });

  it("dry-run: no call", async () => {
    const { result } = await captureLogs(() =>
      createRestartConfigRecorderHandler({ ...SETTINGS, mode: "dry-run" as never })(stopped()),
    );
    expect(cfg.calls()).to.have.length(0);
    expect(result).to.deep.include({
      outcome: "dry-run",
      actions: ["StartConfigurationRecorder default"],
    });
  });
});
