import { expect } from "chai";
import { execFile } from "child_process";
import * as path from "path";
import { MEMBER_ACCOUNTS } from "../scripts/orgDrill";
import { SCENARIOS } from "../scripts/scenarios";
import { REMEDIATION_IDS } from "../core/types";

const ROOT = path.resolve(__dirname, "..");

describe("npm run drill -- --org (the organization drill of the README)", () => {
  it("deploys the spokes into two member accounts, and every attack there is forwarded once, detected at the hub and undone through the member role", async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "scripts/drill.ts", "--org"],
        { cwd: ROOT, timeout: 300_000, maxBuffer: 10 * 1024 * 1024 },
        (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
      ),
    );
    for (const account of MEMBER_ACCOUNTS) {
      expect(stdout).to.match(
        new RegExp(
          `${account}: stacks account CREATE_COMPLETE, eu-west-1 CREATE_COMPLETE, us-east-1 CREATE_COMPLETE; ${REMEDIATION_IDS.length} member roles; rules (\\d+) in eu-west-1, (\\d+) in us-east-1`,
        ),
      );
    }
    SCENARIOS.forEach((scenario, i) => {
      const account = MEMBER_ACCOUNTS[i % MEMBER_ACCOUNTS.length];
      expect(stdout, scenario.id).to.match(
        new RegExp(
          `^${scenario.id} +\\| ${account} \\| asw-spoke-[a-z0-9-]+ \\((eu-west-1|us-east-1)\\) +\\|.*\\| remediated: .*\\| safe +\\| \\[REMEDIATED\\]`,
          "m",
        ),
      );
    });
    expect(stdout).to.contain(
      `${SCENARIOS.length} of ${SCENARIOS.length} attacks in member accounts forwarded once, detected at the hub, undone through the member role and verified safe in the member account`,
    );
    expect(stdout).not.to.contain('{"type":"incident"');
    expect(code).to.equal(0);
  });
});
