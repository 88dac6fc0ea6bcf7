/**
 * The cost model's three corrections (issue 19) and the bench's result files: AWS Config in the
 * total when the build records it, rotating KMS keys priced by the year of their life, SMS billed
 * per 140-byte part of the real critical alerts; `bench/results/<part>.json` written and read back.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeResults } from "../bench/common";
import { result } from "../scripts/docs";
import { Assumptions, DEFAULT_ASSUMPTIONS, Inventory, monthlyCost, total } from "../bench/cost";
import { criticalAlertSizes, smsParts, SMS_PART_BYTES } from "../bench/smsParts";

const small: Inventory = {
  metricAlarms: 0,
  compositeAlarms: 0,
  contributorRules: 0,
  kmsKeys: 2,
  rotatingKmsKeys: 2,
  metricFilters: 0,
  metricFiltersWithDefault: 0,
  trails: 0,
  insightTypes: [],
  readEvents: true,
  dataEvents: false,
  trailToCloudWatchLogs: false,
  logRetentionDays: 0,
  bucketRetentionDays: 0,
  functions: 0,
  functionMemoryMb: 128,
  queues: 0,
  forwardingRules: 0,
  detectionRules: 0,
  emailSubscriptions: 0,
  smsSubscriptions: 2,
  httpsSubscriptions: 0,
  alertTopics: 1,
};
const quiet: Assumptions = {
  ...DEFAULT_ASSUMPTIONS,
  alertsPerMonth: 0,
  criticalAlertsPerMonth: 10,
  remediationsPerMonth: 0,
  otherKmsRequests: 0,
  forwardedEventsPerMonth: 0,
  smsPartsPerAlert: 1,
};
const line = (inv: Inventory, a: Assumptions, start: string) =>
  monthlyCost(inv, a).find((l) => l.item.startsWith(start))!;

describe("bench: cost model corrections", () => {
  it("prices a rotating key $1, $2, then $3 a month in years 1, 2 and 3 on; a key that does not rotate $1", () => {
    const keys = (year: number, rotating = 2) =>
      line(
        { ...small, rotatingKmsKeys: rotating },
        { ...quiet, kmsKeyYear: year },
        "customer managed keys",
      ).usd;
    expect([1, 2, 3, 4].map((y) => keys(y))).to.deep.equal([2, 4, 6, 6]);
    expect(keys(3, 0)).to.equal(2);
    expect(keys(3, 1)).to.equal(4);
    expect(DEFAULT_ASSUMPTIONS.kmsKeyYear).to.equal(3);
  });

  it("bills each SMS part: 10 critical alerts of 7 parts to 2 numbers are 140 messages", () => {
    const sms = line(small, { ...quiet, smsPartsPerAlert: 7 }, "SMS to the critical");
    expect(sms.quantity).to.equal("20 alerts, 140 billed SMS parts");
    expect(sms.usd).to.be.closeTo(140 * 0.04, 1e-9);
  });

  it("counts 140-byte parts of the UTF-8 text", () => {
    expect(SMS_PART_BYTES).to.equal(140);
    expect(smsParts("")).to.equal(1);
    expect(smsParts("x".repeat(140))).to.equal(1);
    expect(smsParts("x".repeat(141))).to.equal(2);
    expect(smsParts("é".repeat(70))).to.equal(1);
    expect(smsParts("é".repeat(71))).to.equal(2);
  });

  it("sizes the real critical alerts: several parts each, the median between min and max", () => {
    const sizes = criticalAlertSizes();
    expect(sizes.alerts).to.be.greaterThan(3);
    expect(sizes.minBytes).to.be.at.most(sizes.medianBytes);
    expect(sizes.medianBytes).to.be.at.most(sizes.maxBytes);
    // A real alert (who, from where, what to do, console link) never fits one SMS.
    expect(sizes.medianParts).to.be.greaterThan(1);
    expect(sizes.medianParts).to.equal(Math.ceil(sizes.medianBytes / 140));
  });

  it("adds AWS Config when the build records it, and nothing when it does not", () => {
    const without = total(monthlyCost(small, quiet));
    const withConfig = monthlyCost(
      { ...small, configRecording: { mode: "continuous", usd: 6.63 } },
      quiet,
    );
    expect(withConfig.find((l) => l.service === "AWS Config")!.usd).to.equal(6.63);
    expect(total(withConfig) - without).to.be.closeTo(6.63, 1e-9);
    expect(monthlyCost(small, quiet).some((l) => l.service === "AWS Config")).to.equal(false);
  });
});

describe("bench: result files", () => {
  it("writes bench/results/<part>.json with its command, date and machine, and reads it back", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asw-results-"));
    try {
      const rows = [{ name: "x", figure: "1 s", target: "< 2 s", pass: true }];
      const file = writeResults("size", rows, "npm run bench -- --only size", dir);
      expect(file).to.equal(path.join(dir, "size.json"));
      const back = result("size", dir)!;
      expect(back.part).to.equal("size");
      expect(back.command).to.equal("npm run bench -- --only size");
      expect(back.rows).to.deep.equal(rows);
      expect(back.node).to.equal(process.version);
      expect(back.machine).to.match(/CPUs/);
      expect(Date.now() - Date.parse(back.measuredAt)).to.be.within(0, 60_000);
      expect(result("org", dir)).to.equal(undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
