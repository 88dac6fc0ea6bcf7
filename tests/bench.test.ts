/**
 * The pure parts of the benchmarks (bench/): statistics, verdicts, the archive table, the call
 * classification, the cost calculator on a small inventory (figures worked out by hand), the
 * profile summary and the detection clones. No timing here.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CallKind, callRow, classify, floorOf, kindOf } from "../bench/awsCalls";
import { rewrite, substitutions } from "../bench/handlerLatency";
import { readSuiteOutput } from "../bench/testSuite";
import { median, percentile, table, writeResults } from "../bench/common";
import {
  Assumptions,
  DEFAULT_ASSUMPTIONS,
  Inventory,
  inventoryOf,
  monthlyCost,
  total,
} from "../bench/cost";
import { cloneDetections, flatConfig } from "../bench/driver";
import { archiveRows, INDEX_LIMIT_BYTES } from "../bench/lambdaSize";
import { packageOf, summarizeProfile } from "../bench/profile";
import { OPT_IN, parseArgs, summary } from "../bench/run";
import { growthVerdict } from "../bench/stackBuild";

describe("bench: statistics and tables", () => {
  it("median of odd and even lists, percentile by nearest rank", () => {
    expect(median([5, 1, 3])).to.equal(3);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).to.equal(9);
    expect(percentile([10, 20, 30], 90)).to.equal(30);
    expect(() => median([])).to.throw("median of no value");
  });

  it("table pads columns and right-aligns numeric ones", () => {
    expect(
      table(
        ["name", "n"],
        [
          ["a", "1"],
          ["bbb", "22"],
        ],
      ).split("\n"),
    ).to.deep.equal(["name   n", "----  --", "a      1", "bbb   22"]);
  });

  it("summary prints PASS, MISS and - for a figure without target", () => {
    const text = summary([
      { name: "x", figure: "1", target: "< 2", pass: true },
      { name: "y", figure: "3", target: "< 2", pass: false },
      { name: "z", figure: "4", target: "-", pass: undefined },
    ]);
    expect(
      text
        .split("\n")
        .slice(2)
        .map((l) => l.trim().split(/\s+/).pop()),
    ).to.deep.equal(["PASS", "MISS", "-"]);
  });

  it("growth verdict: 10x is linear, 15x the limit", () => {
    expect(growthVerdict(1000, 10_000)).to.deep.equal({
      ratio: 10,
      perDetection100: 10,
      perDetection1000: 10,
      pass: true,
    });
    expect(growthVerdict(1000, 15_000).pass).to.equal(true);
    expect(growthVerdict(1000, 15_001).pass).to.equal(false);
  });

  it("run options: --only names a benchmark, runs are bounded", () => {
    expect(parseArgs(["--only", "cost"])).to.deep.equal({
      only: "cost",
      buildRuns: 5,
      handlerRuns: 15,
    });
    expect(() => parseArgs(["--only", "speed"])).to.throw(
      "--only speed: not a benchmark; one of build, size, latency, calls, cost, org, tests",
    );
    expect(() => parseArgs(["--handler-runs", "0"])).to.throw(
      "--handler-runs 0: a whole number from 1 to 100",
    );
  });
});

describe("bench: build driver helpers", () => {
  it("clones are distinct, keep the source pattern, and pass the detection checks", async () => {
    const { CATALOG } = await import("../core/catalog");
    const { detectionOptionProblems } = await import("../core/detection");
    const clones = cloneDetections(CATALOG, CATALOG.length + 3);
    expect(new Set(clones.map((c) => c.id)).size).to.equal(CATALOG.length + 3);
    expect(clones[CATALOG.length].eventPattern).to.equal(CATALOG[0].eventPattern);
    expect(
      detectionOptionProblems(CATALOG, { custom: clones, ruleNamePrefix: "watch" }),
    ).to.deep.equal([]);
  });

  it("flatConfig forces every remediation to enforce and keeps the rest", async () => {
    const { REMEDIATION_IDS } = await import("../core/types");
    const flat = flatConfig(
      {
        "aws:region": "eu-west-1",
        "aws-security-watch:remediation": {
          defaultMode: "dry-run",
          remediations: {
            "revoke-world-ingress": { mode: "off", settings: { allowedPublicPorts: [443] } },
          },
          reservedConcurrency: 2,
        },
      },
      true,
    );
    expect(flat["aws:region"]).to.equal("eu-west-1");
    const remediation = JSON.parse(flat["aws-security-watch:remediation"]);
    expect(remediation.defaultMode).to.equal("enforce");
    expect(remediation.reservedConcurrency).to.equal(2);
    expect(Object.keys(remediation.remediations)).to.deep.equal([...REMEDIATION_IDS]);
    expect(remediation.remediations["revoke-world-ingress"]).to.deep.equal({
      mode: "enforce",
      settings: { allowedPublicPorts: [443] },
    });
    expect(
      new Set(Object.values(remediation.remediations).map((r) => (r as { mode: string }).mode)),
    ).to.deep.equal(new Set(["enforce"]));
  });
});

describe("bench: archive sizes", () => {
  it("a function passes with one entry within 16 KB, misses above or with more entries", () => {
    const rows = archiveRows({
      b: { entries: ["__index.js"], indexText: "x".repeat(INDEX_LIMIT_BYTES + 1), env: {} },
      a: { entries: ["__index.js"], indexText: "é".repeat(INDEX_LIMIT_BYTES / 2), env: {} },
      c: { entries: ["__index.js", "node_modules/x/index.js"], indexText: "y", env: {} },
    });
    expect(rows).to.deep.equal([
      { fn: "a", bytes: INDEX_LIMIT_BYTES, entries: 1, pass: true },
      { fn: "b", bytes: INDEX_LIMIT_BYTES + 1, entries: 1, pass: false },
      { fn: "c", bytes: 1, entries: 2, pass: false },
    ]);
  });
});

describe("bench: AWS calls", () => {
  const sg = [
    { client: "DynamoDBClient", command: "PutItemCommand" },
    { client: "EC2Client", command: "DescribeSecurityGroupsCommand" },
    { client: "EC2Client", command: "DescribeTagsCommand" },
    { client: "EC2Client", command: "RevokeSecurityGroupIngressCommand" },
    { client: "SNSClient", command: "PublishCommand" },
    { client: "DynamoDBClient", command: "UpdateItemCommand" },
  ];

  it("classifies the idempotency record's calls, reads, mutating calls and the SNS publish", () => {
    expect(sg.map(kindOf)).to.deep.equal([
      CallKind.Idempotency,
      CallKind.Read,
      CallKind.Read,
      CallKind.Mutating,
      CallKind.Publish,
      CallKind.Idempotency,
    ]);
    expect(classify(sg)).to.deep.equal({
      idempotency: 2,
      reads: 2,
      mutating: 1,
      publish: 1,
      total: 6,
    });
  });

  it("derives the floor from the recording: the first read, every mutating call, one publish", () => {
    expect(floorOf(sg)).to.deep.equal([1, 3, 4]);
    const key = [
      { client: "KMSClient", command: "ListResourceTagsCommand" },
      { client: "KMSClient", command: "CancelKeyDeletionCommand" },
      { client: "KMSClient", command: "EnableKeyCommand" },
      { client: "SNSClient", command: "PublishCommand" },
      { client: "SNSClient", command: "PublishCommand" },
    ];
    expect(floorOf(key)).to.deep.equal([0, 1, 2, 3]);
    const row = callRow("sg", "revoke-world-ingress", sg);
    expect(row.floor).to.equal(3);
    expect(row.floorCommands).to.equal(
      "DescribeSecurityGroups, RevokeSecurityGroupIngress, Publish",
    );
    expect(row.commands).to.equal(
      "PutItem, DescribeSecurityGroups, DescribeTags, RevokeSecurityGroupIngress, Publish, UpdateItem",
    );
  });

  it("a recording that undid nothing has no floor, and says what is missing", () => {
    expect(() => floorOf(sg.slice(0, 3))).to.throw(
      "no floor in PutItemCommand, DescribeSecurityGroupsCommand, DescribeTagsCommand: no mutating call, no Publish",
    );
    expect(() => floorOf([])).to.throw(
      "no floor in no call: no read, no mutating call, no Publish",
    );
  });

  it("the floor's calls name the round's resource: strings mapped from one record to the other", () => {
    const template = {
      eventID: "e-1",
      requestParameters: { groupId: "sg-0aaa1111", ipPermissions: { items: [{ fromPort: 22 }] } },
      responseElements: { securityGroupRuleSet: { items: [{ groupOwnerId: "123456789012" }] } },
    };
    const round = {
      eventID: "e-2",
      requestParameters: { groupId: "sg-0bbb2222", ipPermissions: { items: [{ fromPort: 22 }] } },
      responseElements: { securityGroupRuleSet: { items: [{ groupOwnerId: "123456789012" }] } },
    };
    const map = substitutions(template, round);
    expect([...map.entries()]).to.deep.equal([
      ["e-1", "e-2"],
      ["sg-0aaa1111", "sg-0bbb2222"],
    ]);
    expect(
      rewrite(
        {
          GroupId: "sg-0aaa1111",
          Message: "sg-0aaa1111 closed (event e-1)",
          IpPermissions: [{ FromPort: 22 }],
          When: new Date(0),
        },
        map,
      ),
    ).to.deep.equal({
      GroupId: "sg-0bbb2222",
      // Substrings of 4 characters or more only: "e-1" is too short to replace inside a text.
      Message: "sg-0bbb2222 closed (event e-1)",
      IpPermissions: [{ FromPort: 22 }],
      When: new Date(0),
    });
  });
});

describe("bench: results files and the test-suite part", () => {
  it("writes { part, measuredAt, node, machine, command, rows } to <part>.json", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asw-results-"));
    try {
      const file = writeResults(
        "latency",
        [{ remediation: "x", ratioMedian: 2.5 }],
        "npm run bench",
        dir,
      );
      expect(file).to.equal(path.join(dir, "latency.json"));
      const results = JSON.parse(fs.readFileSync(file, "utf8"));
      expect(Object.keys(results)).to.deep.equal([
        "part",
        "measuredAt",
        "node",
        "machine",
        "command",
        "rows",
      ]);
      expect(results.part).to.equal("latency");
      expect(results.node).to.equal(process.version);
      expect(results.command).to.equal("npm run bench");
      expect(Number.isNaN(Date.parse(results.measuredAt))).to.equal(false);
      expect(results.rows).to.deep.equal([{ remediation: "x", ratioMedian: 2.5 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads mocha's closing lines and Pulumi's leak block", () => {
    expect(
      readSuiteOutput(
        "  2290 passing (9m)\n  3 pending\n  1 failing\n\nThe Pulumi runtime detected that 16 promises were still active\n",
      ),
    ).to.deep.equal({ passing: 2290, failing: 1, pending: 3, leakedPromises: 16 });
    expect(readSuiteOutput("  12 passing (2m)\n")).to.deep.equal({
      passing: 12,
      failing: 0,
      pending: 0,
      leakedPromises: 0,
    });
  });

  it("the whole set leaves out the opt-in npm test part; --only tests asks for it", () => {
    expect(OPT_IN).to.deep.equal(["tests"]);
    expect(parseArgs(["--only", "tests"]).only).to.equal("tests");
  });
});

describe("bench: cost calculator", () => {
  const small: Inventory = {
    metricAlarms: 2,
    compositeAlarms: 1,
    contributorRules: 0,
    kmsKeys: 1,
    metricFilters: 0,
    metricFiltersWithDefault: 0,
    trails: 0,
    insightTypes: [],
    readEvents: true,
    dataEvents: false,
    trailToCloudWatchLogs: false,
    logRetentionDays: 0,
    bucketRetentionDays: 0,
    functions: 1,
    functionMemoryMb: 1024,
    queues: 1,
    forwardingRules: 0,
    detectionRules: 3,
    emailSubscriptions: 1,
    smsSubscriptions: 0,
    httpsSubscriptions: 0,
    alertTopics: 1,
  };
  const quiet: Assumptions = {
    ...DEFAULT_ASSUMPTIONS,
    alertsPerMonth: 0,
    criticalAlertsPerMonth: 0,
    remediationsPerMonth: 10,
    remediationSeconds: 2,
    remediationLogBytes: 0,
    forwardedEventsPerMonth: 0,
    otherKmsRequests: 10_000,
  };

  it("prices a small inventory to the cent worked out by hand", () => {
    // alarms 2 x 0.10 + composite 0.50 + key 1.00 + 10,000 KMS requests 0.03
    // + 10 publishes (0.000005) + 10 emails (0.0002) + 20 GB-s (0.000333334) + 10 requests (0.000002)
    expect(total(monthlyCost(small, quiet))).to.be.closeTo(1.730540334, 1e-9);
  });

  it("prices Contributor Insights rules at $0.50 each plus $0.02 per million events matched", () => {
    const lines = monthlyCost(
      { ...small, trails: 1, trailToCloudWatchLogs: true, contributorRules: 5 },
      { ...quiet, managementEventsPerMonth: 1_000_000, writeShare: 0.2 },
    );
    const rules = lines.find((l) => l.item.startsWith("Contributor Insights"))!;
    expect(rules.quantity).to.equal("5 rules, at most 5.0 M events matched");
    expect(rules.usd).to.be.closeTo(5 * 0.5 + 5 * 0.02, 1e-9);
    const without = monthlyCost({ ...small, contributorRules: 5 }, quiet).find((l) =>
      l.item.startsWith("Contributor Insights"),
    )!;
    expect(without.usd).to.be.closeTo(2.5, 1e-9);
  });

  it("Insights analyses write events twice and read events once (both types)", () => {
    const lines = monthlyCost(
      { ...small, trails: 1, insightTypes: ["ApiCallRateInsight", "ApiErrorRateInsight"] },
      { ...quiet, managementEventsPerMonth: 1_000_000, writeShare: 0.25 },
    );
    const insights = lines.find((l) => l.item.startsWith("Insights"))!;
    expect(insights.quantity).to.equal("1,250,000 events analysed");
    expect(insights.usd).to.be.closeTo(4.375, 1e-9);
    const callRateOnly = monthlyCost(
      { ...small, trails: 1, insightTypes: ["ApiCallRateInsight"] },
      { ...quiet, managementEventsPerMonth: 1_000_000, writeShare: 0.25 },
    ).find((l) => l.item.startsWith("Insights"))!;
    expect(callRateOnly.usd).to.be.closeTo(0.875, 1e-9);
  });

  it("operations: a dashboard at $3, free saved queries, the archive by volume and retention", () => {
    const lines = monthlyCost(
      { ...small, dashboards: 1, queryDefinitions: 5, archives: 1, archiveRetentionDays: 90 },
      { ...quiet, archivedEventsPerMonth: 1_000_000, bytesPerArchivedEvent: 1024 },
    );
    const dashboard = lines.find((l) => l.item.startsWith("1 dashboard(s), 5 saved"))!;
    expect(dashboard.usd).to.equal(3);
    const archive = lines.find((l) => l.item.startsWith("archive of the detections"))!;
    // 1,000,000 x 1 KiB = 0.953674 GB in at $0.10; 90 days of it stored at $0.023 per GB-month
    const gb = 1_000_000 / 1024 ** 2;
    expect(archive.usd).to.be.closeTo(gb * 0.1 + gb * (90 / (365 / 12)) * 0.023, 1e-9);
    expect(total(lines) - total(monthlyCost(small, quiet))).to.be.closeTo(3 + archive.usd, 1e-9);
  });

  it("counts the inventory from recorded resources", () => {
    const r = (type: string, name: string, inputs: object = {}, parent?: string) => ({
      type,
      name,
      inputs,
      parent,
    });
    const inv = inventoryOf([
      r("aws:cloudwatch/metricAlarm:MetricAlarm", "a1"),
      r("aws:cloudwatch/compositeAlarm:CompositeAlarm", "c1"),
      r("aws:cloudwatch/contributorInsightRule:ContributorInsightRule", "cr1"),
      r("aws:kms/key:Key", "k1"),
      r("aws:kms/key:Key", "k2"),
      r("aws:cloudwatch/logMetricFilter:LogMetricFilter", "f1", {
        metricTransformation: { value: "1", defaultValue: "0" },
      }),
      r("aws:cloudtrail/trail:Trail", "t", {
        cloudWatchLogsGroupArn: "arn:aws:logs:eu-west-1:1:log-group:/t:*",
        eventSelectors: [{ includeManagementEvents: true, readWriteType: "WriteOnly" }],
        insightSelectors: [{ insightType: "ApiCallRateInsight" }],
      }),
      r(
        "aws:cloudwatch/logGroup:LogGroup",
        "t-logs",
        { retentionInDays: 400 },
        "aws-security-watch:index:AuditTrail::audit",
      ),
      r("aws:cloudwatch/eventRule:EventRule", "watch-x"),
      r("aws:cloudwatch/eventRule:EventRule", "watch-fwd-x"),
      r("aws:sns/topicSubscription:TopicSubscription", "s1", { protocol: "sms" }),
    ]);
    expect(inv).to.include({
      metricAlarms: 1,
      compositeAlarms: 1,
      contributorRules: 1,
      kmsKeys: 2,
      metricFilters: 1,
      metricFiltersWithDefault: 1,
      trails: 1,
      readEvents: false,
      trailToCloudWatchLogs: true,
      logRetentionDays: 400,
      forwardingRules: 1,
      detectionRules: 1,
      smsSubscriptions: 1,
    });
    expect(inv.insightTypes).to.deep.equal(["ApiCallRateInsight"]);
  });
});

describe("bench: CPU profile summary", () => {
  it("adds self time by package and inclusive time of watched functions", () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: 0 }, children: [2] },
        {
          id: 2,
          callFrame: {
            functionName: "computeCodePaths",
            url: "file:///r/node_modules/@pulumi/pulumi/runtime/closure/codePaths.js",
            lineNumber: 1,
          },
          children: [3],
        },
        {
          id: 3,
          callFrame: {
            functionName: "loadVirtual",
            url: "file:///r/node_modules/@pulumi/pulumi/node_modules/@npmcli/arborist/lib/x.js",
            lineNumber: 1,
          },
        },
      ],
      samples: [2, 3, 3, 1],
      timeDeltas: [1000, 2000, 3000, 4000],
    };
    const s = summarizeProfile(profile, ["computeCodePaths", "prepareStackTrace"]);
    expect(s.totalMs).to.equal(10);
    expect(s.byPackage).to.deep.equal([
      ["@npmcli/arborist", 5],
      ["(vm)", 4],
      ["@pulumi/pulumi", 1],
    ]);
    expect(s.inclusive).to.deep.equal({ computeCodePaths: 6, prepareStackTrace: 0 });
    expect(packageOf("node:internal/modules/cjs/loader")).to.equal("node");
    expect(packageOf("file:///work/main/bench/out/stack.js")).to.equal("project");
  });
});
