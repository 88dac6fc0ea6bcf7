/**
 * aws-security-watch/testing: the mocks answer every invoke the components call, as AWS would
 * (the user-facing run of the mocks is in tests/package.test.ts, from the packed package).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { answerInvoke, MOCKED_INVOKES, resourceState } from "../testing";

const ROOT = path.resolve(__dirname, "..");

/** `aws.getFooOutput(` / `aws.getFoo(` / `aws.svc.getFoo(` in the components and remediations. */
function invokedTokens(): string[] {
  const tokens = new Set<string>();
  for (const dir of ["components", "remediations", "lambdas"]) {
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const full = path.join(d, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith(".ts")) {
          const text = fs.readFileSync(full, "utf8");
          for (const m of text.matchAll(
            /\baws\.(?:([a-z0-9]+)\.)?get([A-Z][A-Za-z0-9]*?)(?:Output)?\(/g,
          )) {
            const fn = `get${m[2]}`;
            tokens.add(`aws:${m[1] ?? "index"}/${fn}:${fn}`);
          }
        }
      }
    };
    if (fs.existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
  }
  return [...tokens].sort();
}

describe("aws-security-watch/testing", () => {
  it("answers every invoke the package's components call", () => {
    const called = invokedTokens();
    expect(called).to.include("aws:index/getRegion:getRegion");
    expect(called.filter((t) => !MOCKED_INVOKES.includes(t))).to.deep.equal([]);
    for (const token of MOCKED_INVOKES) {
      expect(answerInvoke(token, {}), token).to.not.equal(undefined);
    }
  });

  it("answers for the account, the default region, an explicit provider's region, the partition", () => {
    expect(
      answerInvoke(
        "aws:index/getCallerIdentity:getCallerIdentity",
        {},
        { accountId: "210987654321" },
      ),
    ).to.include({
      accountId: "210987654321",
      arn: "arn:aws:sts::210987654321:assumed-role/ci-deployer/session",
    });
    expect(answerInvoke("aws:index/getRegion:getRegion", {})).to.include({
      name: "eu-west-1",
      region: "eu-west-1",
    });
    expect(
      answerInvoke("aws:index/getRegion:getRegion", {}, { providerRegion: "us-east-1" }),
    ).to.include({
      region: "us-east-1",
    });
    expect(
      answerInvoke("aws:index/getPartition:getPartition", {}, { partition: "aws-cn" }),
    ).to.include({
      partition: "aws-cn",
      dnsSuffix: "amazonaws.com.cn",
    });
    expect(answerInvoke("aws:ec2/getVpc:getVpc", {})).to.equal(undefined);
  });

  it("gives created resources the ARNs AWS gives them", () => {
    const cases: [string, string, Record<string, unknown>, string][] = [
      ["aws:sns/topic:Topic", "alerts-high", {}, "arn:aws:sns:eu-west-1:123456789012:alerts-high"],
      [
        "aws:iam/role:Role",
        "fix-role",
        { name: "fix-role-1a2b" },
        "arn:aws:iam::123456789012:role/fix-role-1a2b",
      ],
      ["aws:sqs/queue:Queue", "dlq", {}, "arn:aws:sqs:eu-west-1:123456789012:dlq"],
      [
        "aws:lambda/function:Function",
        "fn",
        {},
        "arn:aws:lambda:eu-west-1:123456789012:function:fn",
      ],
      [
        "aws:cloudwatch/eventRule:EventRule",
        "r",
        {},
        "arn:aws:events:eu-west-1:123456789012:rule/r",
      ],
      [
        "aws:cloudwatch/logGroup:LogGroup",
        "lg",
        {},
        "arn:aws:logs:eu-west-1:123456789012:log-group:lg",
      ],
      ["aws:s3/bucket:Bucket", "b", { bucket: "trail-b" }, "arn:aws:s3:::trail-b"],
      [
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "a",
        { name: "cis-4-3" },
        "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:cis-4-3",
      ],
    ];
    for (const [type, name, inputs, arn] of cases) {
      expect(resourceState(type, name, inputs).arn, type).to.equal(arn);
    }
    const key = resourceState("aws:kms/key:Key", "k", {});
    expect(key.arn).to.equal(`arn:aws:kms:eu-west-1:123456789012:key/${key.keyId}`);
    expect(resourceState("aws:sqs/queue:Queue", "q", {}, { region: "us-east-1" }).url).to.equal(
      "https://sqs.us-east-1.amazonaws.com/123456789012/q",
    );
  });
});
