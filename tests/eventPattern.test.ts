import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PANTHER_DIR } from "./helpers/fixtures";
import {
  EventPattern,
  explainMatch,
  matchesPattern,
  MAX_PATTERN_LENGTH,
  validatePattern,
} from "../core/eventPattern";

/** One documented pattern with an event it matches and one it does not. */
interface Case {
  name: string;
  pattern: EventPattern;
  matches: unknown;
  doesNotMatch: unknown;
}

function runTable(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(`${c.name}: valid, matches one event, not the other`, () => {
        expect(validatePattern(c.pattern)).to.deep.equal([]);
        expect(matchesPattern(c.pattern, c.matches)).to.equal(true);
        expect(matchesPattern(c.pattern, c.doesNotMatch)).to.equal(false);
      });
    }
  });
}

const ec2StateChange = (state: string) => ({
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state },
});

const autoScalingLaunch = (detail: Record<string, unknown>) => ({
  version: "0",
  id: "3e3c153a-8339-4e30-8c35-687ebef853fe",
  "detail-type": "EC2 Instance Launch Successful",
  source: "aws.autoscaling",
  account: "123456789012",
  time: "2015-11-11T21:31:47Z",
  region: "us-east-1",
  resources: [],
  detail,
});

const withDetail = (detail: Record<string, unknown>) => ({ source: "aws.ec2", detail });

// Doc page: "Amazon EventBridge event patterns" (and its "Matching events on event field values").
runTable("Amazon EventBridge event patterns", [
  {
    name: "instance-termination events",
    pattern: {
      source: ["aws.ec2"],
      "detail-type": ["EC2 Instance State-change Notification"],
      detail: { state: ["terminated"] },
    },
    matches: ec2StateChange("terminated"),
    doesNotMatch: ec2StateChange("running"),
  },
  {
    name: "match values: source is aws.ec2 or aws.fargate",
    pattern: { source: ["aws.ec2", "aws.fargate"] },
    matches: { source: "aws.fargate" },
    doesNotMatch: { source: "aws.s3" },
  },
  {
    name: "field matching on a null responseElements",
    pattern: {
      source: ["aws.autoscaling"],
      "detail-type": ["EC2 Instance Launch Successful"],
      detail: { responseElements: [null] },
    },
    matches: autoScalingLaunch({ eventVersion: "", responseElements: null }),
    doesNotMatch: autoScalingLaunch({ eventVersion: "", responseElements: {} }),
  },
  {
    name: "value matching: risk score 80 and trigger risk 8",
    pattern: {
      source: ["aws.macie"],
      "detail-type": ["Macie Alert"],
      detail: { "risk-score": [80], trigger: { risk: [8] } },
    },
    matches: {
      source: "aws.macie",
      "detail-type": "Macie Alert",
      detail: { tags: ["Custom_Alert", "Insider"], "risk-score": 80, trigger: { risk: 8 } },
    },
    doesNotMatch: {
      source: "aws.macie",
      "detail-type": "Macie Alert",
      detail: { "risk-score": 80, trigger: { risk: 7 } },
    },
  },
]);

// Doc page: "Matching null values and empty strings in Amazon EventBridge event patterns".
runTable("Matching null values and empty strings", [
  {
    name: "an empty eventVersion",
    pattern: { detail: { eventVersion: [""] } },
    matches: autoScalingLaunch({ eventVersion: "", responseElements: null }),
    doesNotMatch: autoScalingLaunch({ eventVersion: null, responseElements: null }),
  },
  {
    name: "a null responseElements (an empty string is not null)",
    pattern: { detail: { responseElements: [null] } },
    matches: autoScalingLaunch({ eventVersion: "", responseElements: null }),
    doesNotMatch: autoScalingLaunch({ eventVersion: "", responseElements: "" }),
  },
  {
    name: "a missing field is not null",
    pattern: { detail: { responseElements: [null] } },
    matches: autoScalingLaunch({ responseElements: null }),
    doesNotMatch: autoScalingLaunch({ eventVersion: "" }),
  },
]);

// Doc page: "Arrays in Amazon EventBridge event patterns".
runTable("Arrays in Amazon EventBridge event patterns", [
  {
    name: "the pattern and event arrays intersect",
    pattern: {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
      ],
    },
    matches: {
      resources: [
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
      ],
    },
    doesNotMatch: {
      resources: [
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
      ],
    },
  },
]);

// Doc page: "Content filtering in Amazon EventBridge event patterns".
runTable("Content filtering in Amazon EventBridge event patterns", [
  {
    name: "prefix matching",
    pattern: { time: [{ prefix: "2017-10-02" }] },
    matches: { time: "2017-10-02T18:43:48Z" },
    doesNotMatch: { time: "2017-10-03T18:43:48Z" },
  },
  {
    name: "prefix matching while ignoring case",
    pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
    matches: withDetail({ service: "eventbridge" }),
    doesNotMatch: withDetail({ service: "Lambda" }),
  },
  {
    name: "suffix matching",
    pattern: { FileName: [{ suffix: ".png" }] },
    matches: { FileName: "image.png" },
    doesNotMatch: { FileName: "image.PNG" },
  },
  {
    name: "suffix matching while ignoring case",
    pattern: { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
    matches: withDetail({ FileName: "image.PNG" }),
    doesNotMatch: withDetail({ FileName: "image.jpg" }),
  },
  {
    name: "anything-but a string",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    matches: withDetail({ state: "running" }),
    doesNotMatch: withDetail({ state: "initializing" }),
  },
  {
    name: "anything-but a number",
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    matches: withDetail({ "x-limit": 456 }),
    doesNotMatch: withDetail({ "x-limit": 123 }),
  },
  {
    name: "anything-but a list of strings",
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    matches: withDetail({ state: "running" }),
    doesNotMatch: withDetail({ state: "overloaded" }),
  },
  {
    name: "anything-but a list of numbers",
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    matches: withDetail({ "x-limit": 301.8 }),
    doesNotMatch: withDetail({ "x-limit": 200 }),
  },
  {
    name: "anything-but a prefix",
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    matches: withDetail({ state: "running" }),
    doesNotMatch: withDetail({ state: "initializing" }),
  },
  {
    name: "anything-but a suffix",
    pattern: { detail: { FileName: [{ "anything-but": { suffix: ".png" } }] } },
    matches: withDetail({ FileName: "notes.txt" }),
    doesNotMatch: withDetail({ FileName: "image.png" }),
  },
  {
    name: "anything-but ignoring case",
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } },
    matches: withDetail({ state: "running" }),
    doesNotMatch: withDetail({ state: "INITIALIZING" }),
  },
  {
    name: "anything-but ignoring case, a list",
    pattern: {
      detail: {
        state: [{ "anything-but": { "equals-ignore-case": ["initializing", "stopped"] } }],
      },
    },
    matches: withDetail({ state: "running" }),
    doesNotMatch: withDetail({ state: "Stopped" }),
  },
  {
    name: "anything-but using a wildcard",
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    matches: withDetail({ FilePath: "/usr/bin/env" }),
    doesNotMatch: withDetail({ FilePath: "/usr/lib/libc.so" }),
  },
  {
    name: "numeric matching (every field must hold)",
    pattern: {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    },
    matches: withDetail({ "c-count": 5, "d-count": 3, "x-limit": 301.8 }),
    doesNotMatch: withDetail({ "c-count": 6, "d-count": 3, "x-limit": 301.8 }),
  },
  {
    name: "IP address matching (IPv4)",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    matches: withDetail({ sourceIPAddress: "10.0.0.255" }),
    doesNotMatch: withDetail({ sourceIPAddress: "10.0.1.0" }),
  },
  {
    name: "IP address matching (IPv6)",
    pattern: { detail: { sourceIPAddress: [{ cidr: "2001:db8::/64" }] } },
    matches: withDetail({ sourceIPAddress: "2001:DB8:0:0:ffff::1" }),
    doesNotMatch: withDetail({ sourceIPAddress: "2001:db8:0:1::1" }),
  },
  {
    name: "exists matching (true)",
    pattern: { detail: { state: [{ exists: true }] } },
    matches: {
      version: "0",
      "detail-type": "EC2 Instance State-change Notification",
      source: "aws.ec2",
      detail: { "instance-id": "i-abcd1111", state: "pending" },
    },
    doesNotMatch: {
      "detail-type": ["EC2 Instance State-change Notification"],
      resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
      detail: { "c-count": { c1: 100 } },
    },
  },
  {
    name: "exists matching (false)",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    matches: {
      "detail-type": ["EC2 Instance State-change Notification"],
      detail: { state: ["initializing", "running"] },
    },
    doesNotMatch: { detail: { state: ["initializing", "running"], "c-count": 5 } },
  },
  {
    name: "exists false also matches a non-leaf field",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    matches: { detail: { state: ["initializing", "running"], "c-count": { c1: 100 } } },
    doesNotMatch: { detail: { "c-count": null } },
  },
  {
    name: "equals-ignore-case matching",
    pattern: { detail: { name: [{ "equals-ignore-case": "alice" }] } },
    matches: withDetail({ name: "ALICE" }),
    doesNotMatch: withDetail({ name: "alicia" }),
  },
  {
    name: "wildcard matching",
    pattern: { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
    matches: { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/default" },
    doesNotMatch: { EventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/default" },
  },
  {
    name: "$or matching",
    pattern: {
      detail: {
        $or: [
          { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
          { "d-count": [{ numeric: ["<", 10] }] },
          { "x-limit": [{ numeric: ["=", 3.018e2] }] },
        ],
      },
    },
    matches: withDetail({ "c-count": 9, "d-count": 20, "x-limit": 301.8 }),
    doesNotMatch: withDetail({ "c-count": 9, "d-count": 20, "x-limit": 300 }),
  },
  {
    name: "complex example with multiple matching",
    pattern: {
      time: [{ prefix: "2017-10-02" }],
      detail: {
        state: [{ "anything-but": "initializing" }],
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ "anything-but": [100, 200, 300] }],
      },
    },
    matches: {
      time: "2017-10-02T16:24:49Z",
      detail: { state: "running", "c-count": 5, "d-count": 3, "x-limit": 301.8 },
    },
    doesNotMatch: {
      time: "2017-10-02T16:24:49Z",
      detail: { state: "running", "c-count": 5, "d-count": 3, "x-limit": 300 },
    },
  },
]);

// Doc page: "Comparison operators for use in event patterns in Amazon EventBridge".
runTable("Comparison operators for use in event patterns", [
  {
    name: "And",
    pattern: { Location: ["New York"], Day: ["Monday"] },
    matches: { Location: "New York", Day: "Monday" },
    doesNotMatch: { Location: "New York", Day: "Tuesday" },
  },
  {
    name: "Or (values)",
    pattern: { PaymentType: ["Credit", "Debit"] },
    matches: { PaymentType: "Debit" },
    doesNotMatch: { PaymentType: "Cash" },
  },
  {
    name: "Or (fields)",
    pattern: { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] },
    matches: { Location: "Paris", Day: "Monday" },
    doesNotMatch: { Location: "Paris", Day: "Tuesday" },
  },
  {
    name: "Not",
    pattern: { Weather: [{ "anything-but": ["Raining"] }] },
    matches: { Weather: "Sunny" },
    doesNotMatch: { Weather: "Raining" },
  },
  {
    name: "Numeric (equals)",
    pattern: { Price: [{ numeric: ["=", 100] }] },
    matches: { Price: 100 },
    doesNotMatch: { Price: 100.5 },
  },
  {
    name: "Numeric (range)",
    pattern: { Price: [{ numeric: [">", 10, "<=", 20] }] },
    matches: { Price: 20 },
    doesNotMatch: { Price: 10 },
  },
  {
    name: "Exists",
    pattern: { ProductName: [{ exists: true }] },
    matches: { ProductName: "Widget" },
    doesNotMatch: { Product: "Widget" },
  },
  {
    name: "Does not exist",
    pattern: { ProductName: [{ exists: false }] },
    matches: { Product: "Widget" },
    doesNotMatch: { ProductName: "Widget" },
  },
  {
    name: "Begins with",
    pattern: { Region: [{ prefix: "us-" }] },
    matches: { Region: "us-east-1" },
    doesNotMatch: { Region: "eu-west-1" },
  },
  {
    name: "Anything-but (begins with)",
    pattern: { Region: [{ "anything-but": { prefix: "us-" } }] },
    matches: { Region: "eu-west-1" },
    doesNotMatch: { Region: "us-east-1" },
  },
  {
    name: "Empty",
    pattern: { LastName: [""] },
    matches: { LastName: "" },
    doesNotMatch: { LastName: null },
  },
  {
    name: "Null",
    pattern: { UserID: [null] },
    matches: { UserID: null },
    doesNotMatch: { UserID: "" },
  },
  {
    name: "Equals",
    pattern: { Name: ["Alice"] },
    matches: { Name: "Alice" },
    doesNotMatch: { Name: "alice" },
  },
  {
    name: "Ends with (ignore case)",
    pattern: { service: [{ suffix: { "equals-ignore-case": "tbridge" } }] },
    matches: { service: "EVENTBRIDGE" },
    doesNotMatch: { service: "eventbus" },
  },
  {
    name: "Wildcard",
    pattern: { FileName: [{ wildcard: "dir/*.png" }] },
    matches: { FileName: "dir/photo.png" },
    doesNotMatch: { FileName: "other/photo.png" },
  },
]);

describe("matching rules the documentation implies", () => {
  it("anything-but does not match a missing field, but matches null", () => {
    const pattern = { detail: { state: [{ "anything-but": "initializing" }] } };
    expect(matchesPattern(pattern, withDetail({}))).to.equal(false);
    expect(matchesPattern(pattern, { source: "aws.ec2" })).to.equal(false);
    expect(matchesPattern(pattern, withDetail({ state: null }))).to.equal(true);
  });

  it("anything-but string forms never exclude a non-string value", () => {
    const pattern = { n: [{ "anything-but": { prefix: "1" } }] };
    expect(matchesPattern(pattern, { n: 12 })).to.equal(true);
    expect(matchesPattern(pattern, { n: "12" })).to.equal(false);
  });

  it("exact values compare type and value", () => {
    expect(matchesPattern({ n: [5] }, { n: "5" })).to.equal(false);
    expect(matchesPattern({ n: ["5"] }, { n: 5 })).to.equal(false);
    expect(matchesPattern({ b: [true] }, { b: "true" })).to.equal(false);
    expect(matchesPattern({ b: [true] }, { b: true })).to.equal(true);
    expect(matchesPattern({ n: [300] }, JSON.parse('{"n": 300.0}'))).to.equal(true);
  });

  it("numeric, prefix, suffix, wildcard, equals-ignore-case and cidr only see their type", () => {
    expect(matchesPattern({ p: [{ numeric: [">", 0] }] }, { p: "22" })).to.equal(false);
    expect(matchesPattern({ p: [{ prefix: "2" }] }, { p: 22 })).to.equal(false);
    expect(matchesPattern({ p: [{ suffix: "2" }] }, { p: 22 })).to.equal(false);
    expect(matchesPattern({ p: [{ wildcard: "*" }] }, { p: 22 })).to.equal(false);
    expect(matchesPattern({ p: [{ "equals-ignore-case": "true" }] }, { p: true })).to.equal(false);
    expect(matchesPattern({ p: [{ cidr: "10.0.0.0/8" }] }, { p: "AWS Internal" })).to.equal(false);
  });

  it("cidr compares address families and host bits exactly", () => {
    const v4 = { ip: [{ cidr: "10.0.0.0/24" }] };
    expect(matchesPattern(v4, { ip: "10.0.0.0" })).to.equal(true);
    expect(matchesPattern(v4, { ip: "::ffff:10.0.0.1" })).to.equal(false);
    expect(matchesPattern(v4, { ip: "10.0.0.1/32" })).to.equal(false);
    expect(matchesPattern({ ip: [{ cidr: "0.0.0.0/0" }] }, { ip: "203.0.113.9" })).to.equal(true);
    expect(matchesPattern({ ip: [{ cidr: "::/0" }] }, { ip: "203.0.113.9" })).to.equal(false);
    expect(matchesPattern({ ip: [{ cidr: "::/0" }] }, { ip: "fe80::1" })).to.equal(true);
    const mapped = { ip: [{ cidr: "::ffff:0:0/96" }] };
    expect(matchesPattern(mapped, { ip: "::ffff:192.0.2.1" })).to.equal(true);
    expect(matchesPattern({ ip: [{ cidr: "192.0.2.7/32" }] }, { ip: "192.0.2.7" })).to.equal(true);
    expect(matchesPattern({ ip: [{ cidr: "192.0.2.7/32" }] }, { ip: "192.0.2.8" })).to.equal(false);
  });

  it("wildcard escapes: \\* is a literal star, \\\\ a backslash", () => {
    expect(matchesPattern({ f: [{ wildcard: "a\\*b" }] }, { f: "a*b" })).to.equal(true);
    expect(matchesPattern({ f: [{ wildcard: "a\\*b" }] }, { f: "axb" })).to.equal(false);
    expect(matchesPattern({ f: [{ wildcard: "a\\\\b" }] }, { f: "a\\b" })).to.equal(true);
    expect(matchesPattern({ f: [{ wildcard: "*a*a" }] }, { f: "aa" })).to.equal(true);
    expect(matchesPattern({ f: [{ wildcard: "*a*a" }] }, { f: "ab" })).to.equal(false);
    expect(matchesPattern({ f: [{ wildcard: "ab*ba" }] }, { f: "aba" })).to.equal(false);
  });

  it("a leaf of an event array matches when any element matches", () => {
    const pattern = { tags: [{ "anything-but": "Insider" }] };
    expect(matchesPattern(pattern, { tags: ["Custom_Alert", "Insider"] })).to.equal(true);
    expect(matchesPattern(pattern, { tags: ["Insider"] })).to.equal(false);
    expect(matchesPattern({ tags: [{ exists: true }] }, { tags: [] })).to.equal(false);
    expect(matchesPattern({ tags: [{ exists: false }] }, { tags: [] })).to.equal(true);
  });

  it("$or nests at any level and combines with AND", () => {
    // source && (metricName || (metricType && namespace && (metricId || spaceId)) || scope)
    const pattern = {
      source: ["aws.cloudwatch"],
      $or: [
        { metricName: ["CPUUtilization", "ReadLatency"] },
        {
          metricType: ["MetricType"],
          namespace: ["AWS/EC2", "AWS/ES"],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ["Service"] },
      ],
    };
    const base = { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/EC2" };
    expect(matchesPattern(pattern, { ...base, spaceId: 1000 })).to.equal(true);
    expect(matchesPattern(pattern, { ...base, spaceId: 1001 })).to.equal(false);
    expect(matchesPattern(pattern, { source: "aws.cloudwatch", scope: "Service" })).to.equal(true);
    expect(matchesPattern(pattern, { source: "aws.ec2", scope: "Service" })).to.equal(false);
    expect(explainMatch(pattern, { ...base, spaceId: 1001 })).to.deep.equal({
      matched: false,
      failedPaths: [
        "$or[0].metricName",
        "$or[1].$or[0].metricId",
        "$or[1].$or[1].spaceId",
        "$or[2].scope",
      ],
    });
  });

  it("parallel $or at two levels must both hold", () => {
    const pattern = {
      $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }],
      detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["Alarm"] }] },
    };
    expect(
      matchesPattern(pattern, { namespace: "AWS/EC2", detail: { "detail-type": "Alarm" } }),
    ).to.equal(true);
    expect(matchesPattern(pattern, { namespace: "AWS/EC2", detail: { source: "x" } })).to.equal(
      false,
    );
    expect(matchesPattern(pattern, { namespace: "AWS/EC2" })).to.equal(false);
  });
});

describe("arrays of objects: a real AuthorizeSecurityGroupIngress record", () => {
  const fixtures = PANTHER_DIR;
  const record = (file: string, name: string): Record<string, unknown> => {
    const data = JSON.parse(fs.readFileSync(path.join(fixtures, file), "utf8")) as {
      tests: { name: string; event: Record<string, unknown> }[];
    };
    const found = data.tests.find((t) => t.name === name);
    if (found === undefined) throw new Error(`no test ${name} in ${file}`);
    return found.event;
  };
  // As EventBridge delivers CloudTrail records (fixtures/README.md).
  const asEventBridge = (r: Record<string, unknown>) => ({
    version: "0",
    source: `aws.${String(r.eventSource).split(".")[0]}`,
    "detail-type": "AWS API Call via CloudTrail",
    account: r.recipientAccountId,
    region: r.awsRegion,
    time: r.eventTime,
    resources: [],
    detail: r,
  });
  const worldOpen = asEventBridge(
    record("aws_ec2_manual_security_group_changes.json", "Go Script Authorize Ingress"),
  );
  const toMyIp = asEventBridge(
    record("aws_ec2_security_group_modified.json", "Security Group Modified"),
  );
  const egress = asEventBridge(
    record(
      "aws_ec2_manual_security_group_changes.json",
      "Terraform Security Group Authorize Egress",
    ),
  );
  const failedCall = asEventBridge(
    record(
      "aws_ec2_manual_security_group_changes.json",
      "AWS Console - Ingress SG Authorization Error",
    ),
  );
  const pattern: EventPattern = {
    source: ["aws.ec2"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: {
      eventName: ["AuthorizeSecurityGroupIngress"],
      errorCode: [{ exists: false }],
      requestParameters: {
        ipPermissions: { items: { ipRanges: { items: { cidrIp: ["0.0.0.0/0"] } } } },
      },
    },
  };

  it("matches the world-open ingress through two levels of arrays", () => {
    expect(explainMatch(pattern, worldOpen)).to.deep.equal({ matched: true, failedPaths: [] });
  });

  it("does not match a /32 ingress, an egress rule or a failed call, and says why", () => {
    expect(explainMatch(pattern, toMyIp)).to.deep.equal({
      matched: false,
      failedPaths: ["detail.requestParameters.ipPermissions.items.ipRanges.items.cidrIp"],
    });
    expect(explainMatch(pattern, egress)).to.deep.equal({
      matched: false,
      failedPaths: ["detail.eventName"],
    });
    expect(explainMatch(pattern, failedCall)).to.deep.equal({
      matched: false,
      failedPaths: [
        "detail.errorCode",
        "detail.requestParameters.ipPermissions.items.ipRanges.items.cidrIp",
      ],
    });
  });

  it('numeric ports match numbers only (the console record carries "443" as a string)', () => {
    const port = (numeric: unknown[]) => ({
      detail: { requestParameters: { ipPermissions: { items: { fromPort: [{ numeric }] } } } },
    });
    expect(matchesPattern(port(["=", 22]), worldOpen)).to.equal(true);
    expect(matchesPattern(port([">=", 0, "<", 1024]), failedCall)).to.equal(false);
  });

  it("flattens: fields of different array elements combine (crushed-out arrays)", () => {
    const twoRules = {
      detail: {
        requestParameters: {
          ipPermissions: {
            items: [
              { fromPort: 22, ipRanges: { items: [{ cidrIp: "10.0.0.0/8" }] } },
              { fromPort: 443, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } },
            ],
          },
        },
      },
    };
    const sshFromAnywhere = {
      detail: {
        requestParameters: {
          ipPermissions: {
            items: { fromPort: [22], ipRanges: { items: { cidrIp: ["0.0.0.0/0"] } } },
          },
        },
      },
    };
    expect(matchesPattern(sshFromAnywhere, twoRules)).to.equal(true);
  });
});

describe("validatePattern", () => {
  const cases: [string, unknown, string[]][] = [
    ["a pattern that is not an object", "aws.ec2", ["pattern: must be a JSON object"]],
    ["an array pattern", [{ source: ["a"] }], ["pattern: must be a JSON object"]],
    ["an empty pattern", {}, ["pattern: must not be an empty object"]],
    ["an empty nested object", { detail: {} }, ["detail: must not be an empty object"]],
    [
      "a leaf that is not an array",
      { detail: { eventName: "CreateUser" } },
      ["detail.eventName: value must be an array"],
    ],
    ["a null leaf", { detail: { eventName: null } }, ["detail.eventName: value must be an array"]],
    ["an empty array", { source: [] }, ["source: array must not be empty"]],
    [
      "a nested array value",
      { source: [["aws.ec2"]] },
      ["source: values must be strings, numbers, booleans, null or operator objects"],
    ],
    [
      "a NaN value",
      { n: [NaN] },
      ["n: values must be strings, numbers, booleans, null or operator objects"],
    ],
    [
      "an unknown operator",
      { source: [{ contains: "ec2" }] },
      [
        'source: unknown operator "contains" (expected one of prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr, exists)',
      ],
    ],
    [
      "two operators in one object",
      { source: [{ prefix: "aws.", suffix: "ec2" }] },
      ["source: an operator object must have exactly one key, found 2"],
    ],
    [
      "an operator object without operator",
      { source: [{}] },
      ["source: an operator object must have exactly one key, found 0"],
    ],
    [
      "a prefix that is not a string",
      { source: [{ prefix: 1 }] },
      ['source: prefix must be a string or {"equals-ignore-case": string}'],
    ],
    [
      "a suffix with a list",
      { source: [{ suffix: { "equals-ignore-case": ["a"] } }] },
      ['source: suffix must be a string or {"equals-ignore-case": string}'],
    ],
    [
      "equals-ignore-case with a number",
      { source: [{ "equals-ignore-case": 5 }] },
      ["source: equals-ignore-case must be a string"],
    ],
    ["a wildcard that is not a string", { f: [{ wildcard: 1 }] }, ["f: wildcard must be a string"]],
    [
      "consecutive wildcards",
      { f: [{ wildcard: "a**b" }] },
      ['f: wildcard must not contain consecutive "*"'],
    ],
    [
      "a wildcard escaping another character",
      { f: [{ wildcard: "a\\b" }] },
      ['f: wildcard may only escape "*" or "\\"'],
    ],
    [
      "a wildcard ending with a backslash",
      { f: [{ wildcard: "a\\" }] },
      ['f: wildcard may only escape "*" or "\\"'],
    ],
    [
      "an empty anything-but list",
      { s: [{ "anything-but": [] }] },
      ["s: anything-but list must be non-empty and contain only strings or only numbers"],
    ],
    [
      "a mixed anything-but list",
      { s: [{ "anything-but": ["a", 1] }] },
      ["s: anything-but list must be non-empty and contain only strings or only numbers"],
    ],
    [
      "anything-but null",
      { s: [{ "anything-but": [null] }] },
      ["s: anything-but list must be non-empty and contain only strings or only numbers"],
    ],
    [
      "anything-but a boolean",
      { s: [{ "anything-but": true }] },
      [
        "s: anything-but must be a string, a number, a list of strings or of numbers, or one of {prefix}, {suffix}, {equals-ignore-case}, {wildcard}",
      ],
    ],
    [
      "anything-but a list of prefixes",
      { s: [{ "anything-but": { prefix: ["a", "b"] } }] },
      ["s: anything-but prefix must be a string"],
    ],
    [
      "anything-but an unknown operator",
      { s: [{ "anything-but": { numeric: [">", 1] } }] },
      [
        's: unknown anything-but operator "numeric" (expected prefix, suffix, equals-ignore-case or wildcard)',
      ],
    ],
    [
      "anything-but equals-ignore-case with a number",
      { s: [{ "anything-but": { "equals-ignore-case": 1 } }] },
      ["s: anything-but equals-ignore-case must be a string or a non-empty list of strings"],
    ],
    [
      "anything-but a bad wildcard",
      { s: [{ "anything-but": { wildcard: ["ok*", "a**"] } }] },
      ['s: wildcard must not contain consecutive "*"'],
    ],
    [
      "numeric with one element",
      { n: [{ numeric: [">"] }] },
      ["n: numeric must be [operator, number] or [lower operator, number, upper operator, number]"],
    ],
    [
      "numeric with three comparisons",
      { n: [{ numeric: [">", 0, "<", 5, "<", 6] }] },
      ["n: numeric must be [operator, number] or [lower operator, number, upper operator, number]"],
    ],
    [
      "numeric with a bad operator",
      { n: [{ numeric: ["!=", 1] }] },
      ['n: numeric operator "!=" is not one of =, <, <=, >, >='],
    ],
    [
      "numeric with a string bound",
      { n: [{ numeric: [">", "1"] }] },
      ['n: numeric value "1" must be a number between -5e9 and 5e9'],
    ],
    [
      "numeric beyond the limit",
      { n: [{ numeric: ["<", 6e9] }] },
      ["n: numeric value 6000000000 must be a number between -5e9 and 5e9"],
    ],
    [
      "numeric range with two lower bounds",
      { n: [{ numeric: [">", 1, ">", 2] }] },
      ['n: numeric range must be [">" or ">=", lower, "<" or "<=", upper]'],
    ],
    [
      "numeric range upper first",
      { n: [{ numeric: ["<", 5, ">", 1] }] },
      ['n: numeric range must be [">" or ">=", lower, "<" or "<=", upper]'],
    ],
    [
      "numeric empty range",
      { n: [{ numeric: [">", 5, "<", 5] }] },
      ["n: numeric range lower bound must be less than its upper bound"],
    ],
    [
      "cidr with a prefix length too long",
      { ip: [{ cidr: "10.0.0.0/33" }] },
      ['ip: cidr "10.0.0.0/33" is not a valid IPv4 or IPv6 CIDR block'],
    ],
    [
      "cidr without a prefix length",
      { ip: [{ cidr: "10.0.0.1" }] },
      ['ip: cidr "10.0.0.1" is not a valid IPv4 or IPv6 CIDR block'],
    ],
    [
      "cidr with a bad octet",
      { ip: [{ cidr: "300.0.0.0/8" }] },
      ['ip: cidr "300.0.0.0/8" is not a valid IPv4 or IPv6 CIDR block'],
    ],
    [
      "cidr IPv6 with a prefix length too long",
      { ip: [{ cidr: "2001:db8::/129" }] },
      ['ip: cidr "2001:db8::/129" is not a valid IPv4 or IPv6 CIDR block'],
    ],
    [
      "cidr IPv6 with two ::",
      { ip: [{ cidr: "2001::db8::/64" }] },
      ['ip: cidr "2001::db8::/64" is not a valid IPv4 or IPv6 CIDR block'],
    ],
    [
      "cidr that is a number",
      { ip: [{ cidr: 10 }] },
      ["ip: cidr 10 is not a valid IPv4 or IPv6 CIDR block"],
    ],
    ["exists with a string", { f: [{ exists: "yes" }] }, ["f: exists must be true or false"]],
    ["$or with one branch", { $or: [{ a: [1] }] }, ["$or: must be a list of at least 2 objects"]],
    [
      "$or that is an object",
      { detail: { $or: { a: [1], b: [2] } } },
      ["detail.$or: must be a list of at least 2 objects"],
    ],
    ["$or of values", { $or: ["a", "b"] }, ["$or: must be a list of at least 2 objects"]],
    [
      "an invalid $or branch",
      { detail: { $or: [{ a: [1] }, { b: "x" }] } },
      ["detail.$or[1].b: value must be an array"],
    ],
    [
      "several problems at once",
      { source: "aws.ec2", detail: { n: [{ numeric: ["~", 1] }], s: [] } },
      [
        "source: value must be an array",
        'detail.n: numeric operator "~" is not one of =, <, <=, >, >=',
        "detail.s: array must not be empty",
      ],
    ],
  ];
  for (const [name, pattern, errors] of cases) {
    it(`reports ${name}`, () => {
      expect(validatePattern(pattern)).to.deep.equal(errors);
    });
  }

  it("accepts the documented operator forms", () => {
    expect(
      validatePattern({
        a: ["x", 1, true, null, ""],
        b: [{ prefix: "" }, { suffix: { "equals-ignore-case": "X" } }],
        c: [{ "anything-but": { wildcard: ["*/lib/*", "\\**"] } }, { "anything-but": 1 }],
        d: [{ numeric: [">=", -5e9, "<=", 5e9] }, { numeric: ["=", 0] }],
        e: [{ cidr: "::/0" }, { cidr: "0.0.0.0/0" }, { cidr: "::ffff:10.0.0.0/104" }],
        $or: [{ f: [{ exists: true }] }, { g: { h: [{ wildcard: "*" }] } }],
      }),
    ).to.deep.equal([]);
  });

  it(`limits a pattern to ${MAX_PATTERN_LENGTH} characters`, () => {
    const atLimit = { k: ["x".repeat(MAX_PATTERN_LENGTH - '{"k":[""]}'.length)] };
    expect(JSON.stringify(atLimit).length).to.equal(MAX_PATTERN_LENGTH);
    expect(validatePattern(atLimit)).to.deep.equal([]);
    const over = { k: ["x".repeat(MAX_PATTERN_LENGTH + 1 - '{"k":[""]}'.length)] };
    expect(validatePattern(over)).to.deep.equal([
      "pattern: is 2049 characters long, the maximum is 2048",
    ]);
  });

  it("makes matchesPattern and explainMatch throw with every message", () => {
    const invalid = { detail: { eventName: "CreateUser", n: [] } };
    const message =
      "Invalid event pattern: detail.eventName: value must be an array; detail.n: array must not be empty";
    expect(() => matchesPattern(invalid, {})).to.throw(Error, message);
    expect(() => explainMatch(invalid, {})).to.throw(Error, message);
  });
});
