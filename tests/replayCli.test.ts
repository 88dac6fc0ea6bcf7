/**
 * `npm run replay` on a machine without AWS configuration says what to set, not the SDK's texts.
 * Run as a user runs it, in a child process with no AWS variables and an empty home folder (no
 * ~/.aws), the instance metadata service disabled (no network).
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { explainAwsError } from "../scripts/awsHints";

const ROOT = path.resolve(__dirname, "..");

function replay(extraEnv: Record<string, string>): { status: number | null; stderr: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "asw-home-"));
  try {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: home };
    const result = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "scripts/replay.ts",
        "--archive",
        "asw-dev-archive",
        "--from",
        "2026-11-30T10:00:00Z",
        "--to",
        "2026-11-30T12:00:00Z",
      ],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
        env: { ...env, AWS_EC2_METADATA_DISABLED: "true", ...extraEnv },
      },
    );
    // Node 20 here: the SDK prints a deprecation warning on stderr first; keep the command's own
    // lines (and make sure the SDK's raw texts are not among them).
    const own = result.stderr.split("\n").filter((l) => l.startsWith("replay: "));
    expect(result.stderr).to.not.match(/Region is missing|Could not load credentials/);
    return { status: result.status, stderr: own.map((l) => `${l}\n`).join("") };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

describe("npm run replay without AWS configuration", function () {
  this.timeout(120_000);

  it("without a region: says to pass --region or set AWS_REGION", () => {
    const result = replay({});
    expect(result.status).to.equal(1);
    expect(result.stderr).to.equal(
      "replay: no AWS region: pass --region (the stack's aws:region, e.g. npm run replay -- --region eu-west-1) or set AWS_REGION\n",
    );
  });

  it("without credentials: says how to sign in", () => {
    const result = replay({ AWS_REGION: "eu-west-1" });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.equal(
      "replay: no AWS credentials: sign in to the stack's account (aws sso login --profile <profile>, then AWS_PROFILE=<profile>), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n",
    );
  });

  it("passes any other error through as it is", () => {
    expect(explainAwsError(new Error("archive x: no ARN"), "npm run replay --")).to.equal(
      "archive x: no ARN",
    );
    expect(
      explainAwsError(Object.assign(new Error("expired"), { name: "ExpiredTokenException" }), "x"),
    ).to.equal("the AWS session has expired (expired): sign in again (aws sso login) and re-run");
  });
});
