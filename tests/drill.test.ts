import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseLiveArgs } from "../scripts/liveDrill";
import { PREEXISTING_SCENARIOS } from "../scripts/compliance";
import { SCENARIOS } from "../scripts/scenarios";

const ROOT = path.resolve(__dirname, "..");

/** The user's own drill record (`npm run incidents` reads it): the test suite never replaces it. */
const USER_INCIDENTS = path.join(ROOT, ".drill", "incidents.jsonl");
const stamp = (file: string) =>
  fs.existsSync(file) ? `${fs.statSync(file).mtimeMs} ${fs.readFileSync(file, "utf8")}` : "none";

describe("npm run drill (the fire drill of the README)", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "asw-drill-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("plays every attack through the whole chain against the emulator and exits 0", async () => {
    const incidents = path.join(dir, "incidents.jsonl");
    const before = stamp(USER_INCIDENTS);
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "scripts/drill.ts", "--incidents", incidents],
        { cwd: ROOT, timeout: 300_000, maxBuffer: 10 * 1024 * 1024 },
        (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
      ),
    );
    // The run's records went to the file it was given, one line per remediated attack at least,
    // and the user's own .drill/incidents.jsonl is as it was.
    const lines = fs.readFileSync(incidents, "utf8").trim().split("\n");
    expect(stdout).to.contain(
      `Incident records of this run: ${lines.length} in ${path.relative(ROOT, incidents)}`,
    );
    expect(lines.length).to.be.at.least(SCENARIOS.length);
    for (const line of lines) expect(JSON.parse(line).type).to.equal("incident");
    expect(stamp(USER_INCIDENTS)).to.equal(before);
    expect(stdout).to.contain("1/3 building the stack under Pulumi mocks");
    expect(stdout).to.contain(`3/3 playing ${SCENARIOS.length} attacks:`);
    for (const scenario of PREEXISTING_SCENARIOS) {
      const title = scenario.title.replace(/[()]/g, ".");
      expect(stdout, scenario.id).to.match(
        new RegExp(
          `\\] ok +${title}: config-${scenario.ruleKey}, remediated in \\d+ ms, then \\[RESOLVED\\] from AWS Config`,
        ),
      );
      expect(stdout, scenario.id).to.match(
        new RegExp(`^${scenario.id} +\\|.*\\| safe +\\| \\[REMEDIATED\\].*\\| logged +\\|`, "m"),
      );
    }
    for (const scenario of SCENARIOS) {
      expect(stdout, scenario.id).to.match(
        new RegExp(`\\] ok +${scenario.title.replace(/[()]/g, ".")}: `),
      );
      expect(stdout, scenario.id).to.match(
        new RegExp(`^${scenario.id} +\\|.*\\| safe +\\| \\[REMEDIATED\\].*\\| logged +\\|`, "m"),
      );
    }
    // The live attacks, then the pre-existing problems seen through AWS Config.
    const all = SCENARIOS.length + PREEXISTING_SCENARIOS.length;
    expect(stdout).to.contain(
      `${all} of ${all} attacks detected, undone, verified safe and resolved`,
    );
    // Every row says `logged`: the incident log holds one record per row, the pre-existing
    // problems' included (npm run incidents lists them).
    expect(stdout).to.contain(`Incident records of this run: ${all} in `);
    // The handlers' own log lines (incident records, metrics) are kept out of the report.
    expect(stdout).not.to.contain('{"type":"incident"');
    expect(code).to.equal(0);
  });
});

describe("drill --live arguments", () => {
  it("takes the region from the flag or the environment, and asks for confirmation by default", () => {
    expect(parseLiveArgs(["--live", "--region", "eu-west-2"], {})).to.deep.equal({
      region: "eu-west-2",
      yes: false,
      topicArn: undefined,
      timeoutSeconds: 180,
    });
    expect(
      parseLiveArgs(["--live", "--yes", "--timeout", "60"], { AWS_REGION: "us-east-1" }),
    ).to.deep.equal({
      region: "us-east-1",
      yes: true,
      topicArn: undefined,
      timeoutSeconds: 60,
    });
  });

  it("says what is missing", () => {
    expect(() => parseLiveArgs(["--live"], {})).to.throw(
      "set the region: --region eu-west-1 (or AWS_REGION)",
    );
    expect(() => parseLiveArgs(["--live", "--region"], {})).to.throw("--region needs a value");
    expect(() => parseLiveArgs(["--live", "--region", "eu-west-1", "--timeout", "5"], {})).to.throw(
      "--timeout: seconds from 10 to 900",
    );
  });
});
