import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";
import { toEventBridgeEvent } from "../core/cloudtrailEvent";
import { main } from "../scripts/detect";
import { pantherRecord } from "./helpers/detectionSamples";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "detect.ts");

/** Runs `detect` as `npm run detect` would, in a child process. */
function detect(
  args: string[],
  input?: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", SCRIPT, ...args],
    { cwd: ROOT, input, encoding: "utf8", timeout: 60000 },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("detect CLI", () => {
  let dir: string;
  const sgRecord = pantherRecord(
    "aws_ec2_manual_security_group_changes",
    "Go Script Authorize Ingress",
  );
  const benignRecord = pantherRecord(
    "aws_ec2_security_group_modified",
    "Security Group Not Modified",
  );

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "detect-cli-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: string): string {
    const target = path.join(dir, name);
    fs.writeFileSync(target, content);
    return target;
  }

  it("prints the detections that fire on a record, with their alerts", () => {
    const result = detect([file("sg.json", JSON.stringify(sgRecord))]);
    expect(result.stderr).to.equal("");
    expect(result.status).to.equal(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).to.equal("event 42155429-7e8e-43b5-9b5e-6953f80d51d5: 2 detection(s) fire");
    expect(lines).to.include("--- security-group-changes (info)");
    expect(lines).to.include(
      "--- security-group-open-to-world (critical, remediation revoke-world-ingress)",
    );
    expect(lines).to.include(
      "[CRITICAL] sg-0d921df5d84f7270a opened to the internet on port 22 in us-east-1",
    );
    expect(lines).to.include(
      "Console: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/42155429-7e8e-43b5-9b5e-6953f80d51d5",
    );
  });

  it("reads a CloudTrail log file and prints JSON with --json", () => {
    const logFile = file("log.json", JSON.stringify({ Records: [sgRecord, benignRecord] }));
    const result = detect([logFile, "--json"]);
    expect(result.status).to.equal(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.map((r: { event: string }) => r.event)).to.deep.equal([
      "42155429-7e8e-43b5-9b5e-6953f80d51d5",
      "1",
    ]);
    expect(parsed[0].detections.map((d: { id: string }) => d.id)).to.deep.equal([
      "security-group-changes",
      "security-group-open-to-world",
    ]);
    expect(parsed[0].detections[1]).to.include({
      severity: "critical",
      remediation: "revoke-world-ingress",
      subject: "[CRITICAL] sg-0d921df5d84f7270a opened to the internet on port 22 in us-east-1",
    });
    expect(parsed[1].detections).to.deep.equal([]);
  });

  it("reads an EventBridge event from standard input and says when nothing fires", () => {
    const result = detect(["-"], JSON.stringify(toEventBridgeEvent(benignRecord)));
    expect(result.status).to.equal(0);
    expect(result.stdout).to.equal("event 1: no detection fires\n");
  });

  it("fails with a clear message on malformed JSON", () => {
    const bad = file("bad.json", '{"eventSource": ');
    const result = detect([bad]);
    expect(result.status).to.equal(2);
    expect(result.stdout).to.equal("");
    expect(result.stderr).to.match(
      new RegExp(`^detect: ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON: `),
    );
  });

  it("fails with a clear message on JSON that is not a record, and on a missing file", () => {
    const notRecord = detect([file("other.json", JSON.stringify([sgRecord, { hello: "world" }]))]);
    expect(notRecord.status).to.equal(2);
    expect(notRecord.stderr).to.equal(
      "detect: item 2: neither a CloudTrail record (eventSource, eventName) nor an EventBridge event (source, detail-type, detail)\n",
    );
    const missing = detect([path.join(dir, "nope.json")]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.contain(`detect: cannot read ${path.join(dir, "nope.json")}: ENOENT`);
  });

  it("prints the usage when called without a file", () => {
    const result = detect([]);
    expect(result.status).to.equal(2);
    expect(result.stderr).to.equal("usage: detect <file|-> [--json] [--stack <name>]\n");
  });

  describe("--stack: the detections the stack deploys", () => {
    const dev = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    /** Writes Pulumi.<name>.yaml: the dev stack's configuration with other detection settings. */
    function stackFile(name: string, detections: Record<string, unknown>): void {
      const config = { ...dev.config, "aws-security-watch:detections": detections };
      fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), yaml.dump({ config }));
    }
    function run(args: string[]): { code: number; out: string; err: string } {
      let out = "";
      let err = "";
      const code = main(
        args,
        (t) => (out += t),
        (t) => (err += t),
        dir,
      );
      return { code, out, err };
    }

    it("leaves out the stack's disabled detections and applies its severity overrides", () => {
      stackFile("edited", {
        disabled: ["security-group-changes"],
        severityOverrides: { "security-group-open-to-world": "high" },
      });
      const result = run([
        file("sg.json", JSON.stringify(sgRecord)),
        "--json",
        "--stack",
        "edited",
      ]);
      expect(result.err).to.equal("");
      expect(result.code).to.equal(0);
      const [hits] = JSON.parse(result.out) as {
        detections: { id: string; severity: string; subject: string }[];
      }[];
      expect(hits.detections.map((d) => [d.id, d.severity, d.subject])).to.deep.equal([
        [
          "security-group-open-to-world",
          "high",
          "[HIGH] sg-0d921df5d84f7270a opened to the internet on port 22 in us-east-1",
        ],
      ]);
    });

    it("reads the repository's dev stack", () => {
      const result = main(
        [file("sg2.json", JSON.stringify(sgRecord)), "--json", "--stack", "dev"],
        () => undefined,
        (t) => expect.fail(t),
        ROOT,
      );
      expect(result).to.equal(0);
    });

    it("names the stack files there are when the stack has none", () => {
      const result = run([file("sg3.json", JSON.stringify(sgRecord)), "--stack", "prod"]);
      expect(result.code).to.equal(2);
      expect(result.err).to.equal(
        `detect: --stack prod: no Pulumi.prod.yaml in ${dir} (stacks here: edited)`,
      );
    });

    it("reports the stack configuration's own message for an unknown detection id", () => {
      stackFile("typo", { disabled: ["security-group-chnages"] });
      const result = run([file("sg4.json", JSON.stringify(sgRecord)), "--stack", "typo"]);
      expect(result.code).to.equal(2);
      expect(result.err).to.match(/^detect: Pulumi\.typo\.yaml: .*security-group-chnages/);
    });

    it("asks for the stack's name", () => {
      expect(run([file("sg5.json", "{}"), "--stack"]).err).to.equal(
        "usage: detect <file|-> [--json] [--stack <name>]",
      );
    });
  });
});
