import { expect } from "chai";
import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  StartConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import {
  createRestartConfigRecorderHandler,
  planRestartConfigRecorder,
} from "../../remediations/restart-config-recorder/handler";
import { awsError, baseSettings, captureLogs, type Json, mocked, record, sent } from "./harness";

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
  const m = mocked({ cfg: ConfigServiceClient });
  const status = (recording: boolean) => ({
    ConfigurationRecordersStatus: [{ name: "default", recording }],
  });
  beforeEach(() => {
    m.cfg.on(DescribeConfigurationRecorderStatusCommand).resolves(status(false));
    m.cfg.on(StartConfigurationRecorderCommand).resolves({});
  });
  const run = (settings: Json = {}) =>
    captureLogs(() => createRestartConfigRecorderHandler({ ...SETTINGS, ...settings })(stopped()));

  it("enforce: DescribeConfigurationRecorderStatus (stopped), StartConfigurationRecorder (no tags to read)", async () => {
    const { result } = await run();
    expect(sent(m.cfg)).to.deep.equal([
      {
        name: "DescribeConfigurationRecorderStatus",
        input: { ConfigurationRecorderNames: ["default"] },
      },
      { name: "StartConfigurationRecorder", input: { ConfigurationRecorderName: "default" } },
    ]);
    expect(result).to.deep.include({
      outcome: "remediated",
      message: "Restarted configuration recorder default.",
    });
    expect(sent(m.sns)[0].input.Subject).to.equal(
      "[REMEDIATED] default recorder stopped in eu-west-1",
    );
  });

  it("recording again: one read, already-safe", async () => {
    m.cfg.on(DescribeConfigurationRecorderStatusCommand).resolves(status(true));
    const { result } = await run();
    expect(sent(m.cfg).map((c) => c.name)).to.deep.equal(["DescribeConfigurationRecorderStatus"]);
    expect(result).to.deep.include({
      outcome: "already-safe",
      actions: [],
      message: "Recorder default is recording.",
    });
  });

  it("recorder deleted: already-safe", async () => {
    m.cfg
      .on(DescribeConfigurationRecorderStatusCommand)
      .rejects(awsError("NoSuchConfigurationRecorderException"));
    const { result } = await run();
    expect(result?.outcome).to.equal("already-safe");
  });

  it("trusted principal is the only exemption: no call", async () => {
    const { result } = await run({
      trustedPrincipalArns: ["arn:aws:sts::123456789012:assumed-role/Admin/alice"],
    });
    expect(m.cfg.calls()).to.have.length(0);
    expect(result?.outcome).to.equal("exempt");
  });

  it("dry-run: the read only", async () => {
    const { result } = await run({ mode: "dry-run" });
    expect(sent(m.cfg).map((c) => c.name)).to.deep.equal(["DescribeConfigurationRecorderStatus"]);
    expect(result).to.deep.include({
      outcome: "dry-run",
      actions: ["StartConfigurationRecorder default"],
    });
  });
});
