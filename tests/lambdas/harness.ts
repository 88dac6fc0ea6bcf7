/**
 * Shared test support for the remediation handlers: real CloudTrail records wrapped as
 * EventBridge delivers them, base settings, log capture and SDK mock helpers.
 *
 * Mocha loads every test file before running any: a `mockClient(X)` at module top level would
 * patch the real SDK clients for the whole run (the moto integration tests included). Mocks are
 * made with `mocked()` inside a describe block, and live only while it runs.
 */
import * as fs from "fs";
import * as path from "path";
import type { AwsStub } from "aws-sdk-client-mock";
import { mockClient } from "aws-sdk-client-mock";
import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";
import type { RemediationMode } from "../../core/types";
import { PANTHER_DIR } from "../helpers/fixtures";

const PANTHER = PANTHER_DIR;

export const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:resolutions";
export const OWN_ROLE_ARN =
  "arn:aws:iam::123456789012:role/security-watch/revoke-world-ingress-role";
export const EXEMPT_TAG = { key: "security-watch:exempt", value: "true" };

export function baseSettings(mode = "enforce") {
  return {
    mode: mode as RemediationMode,
    resolutionTopicArn: TOPIC_ARN,
    ownRoleArn: OWN_ROLE_ARN,
    exemptTag: EXEMPT_TAG,
    trustedPrincipalArns: [] as string[],
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The account of the functions under test (that of OWN_ROLE_ARN and TOPIC_ARN). */
export const ACCOUNT = "123456789012";

/**
 * A CloudTrail record as EventBridge delivers it, in the account of the functions under test:
 * the record's recipientAccountId is set to it (Panther's records come from many accounts, some
 * with fewer than 12 digits; the handlers act only for their own account, and reject a record
 * whose recipientAccountId is not the envelope's account).
 */
export function wrap(record: Json): Json {
  const service = String(record.eventSource ?? "unknown.amazonaws.com").split(".")[0];
  const original = record.recipientAccountId;
  if (typeof original === "string" && original !== ACCOUNT) {
    // The record's ARNs in its account (trail, key) move with it.
    const moved = JSON.stringify(record).split(`:${original}:`).join(`:${ACCOUNT}:`);
    Object.assign(record, JSON.parse(moved), { recipientAccountId: ACCOUNT });
  }
  return {
    version: "0",
    id: "5f1c1f2e-0000-4000-8000-000000000001",
    "detail-type": "AWS API Call via CloudTrail",
    source: `aws.${service}`,
    account: ACCOUNT,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

/**
 * Panther's records carry placeholder ids that are not of the AWS format, which the handlers
 * validate before any call: each is replaced by an id of the real format (AWS's documentation
 * examples). Only these exact JSON string values are replaced, and a `keyId` of "1".
 */
export const REAL_IDS: Record<string, string> = {
  ABCDEFG: "AKIAIOSFODNN7EXAMPLE",
  "1111": "AKIAI44QH8DHBEXAMPLE",
  "ami-1111": "ami-0123456789abcdef0",
  "sg-1": "sg-0123456789abcdef0",
  "snap-1111": "snap-0123456789abcdef0",
  "arn:aws:kms:us-west-2:123456789012:key/1":
    "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
};

/** The record of test `name` in a Panther fixture file, wrapped as an EventBridge event. */
export function fixture(file: string, name: string): Json {
  const data = JSON.parse(fs.readFileSync(path.join(PANTHER, `${file}.json`), "utf8"));
  const test = data.tests.find((t: Json) => t.name === name);
  if (!test) throw new Error(`no test '${name}' in ${file}`);
  const text = JSON.stringify(test.event)
    .replace(/"keyId":"1"/g, '"keyId":"1234abcd-12ab-34cd-56ef-1234567890ab"')
    .replace(/"([^"\\]*)"/g, (whole, value: string) =>
      value in REAL_IDS ? JSON.stringify(REAL_IDS[value]) : whole,
    );
  return wrap(JSON.parse(text));
}

/** A minimal CloudTrail record made by an assumed-role session, for hand-built edge cases. */
export function record(
  eventSource: string,
  eventName: string,
  requestParameters: Json,
  extra: Json = {},
): Json {
  return wrap({
    eventVersion: "1.08",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLE:alice",
      arn: "arn:aws:sts::123456789012:assumed-role/Admin/alice",
      accountId: "123456789012",
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          arn: "arn:aws:iam::123456789012:role/Admin",
          accountId: "123456789012",
          userName: "Admin",
        },
      },
    },
    eventTime: "2024-05-01T10:00:00Z",
    eventSource,
    eventName,
    awsRegion: "eu-west-1",
    sourceIPAddress: "198.51.100.7",
    userAgent: "aws-cli/2.15.0",
    requestParameters,
    responseElements: null,
    eventID: "11111111-2222-3333-4444-555555555555",
    eventType: "AwsApiCall",
    recipientAccountId: "123456789012",
    ...extra,
  });
}

/**
 * Runs `fn` with its log output captured: the lines the handlers write to stdout (the incident
 * record and the metric line, one JSON object per line) and any console.log. Returns the lines,
 * parsed as JSON where they are (else `{ text }`), and whether each came from stdout.
 */
export async function captureLogs<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: Error; lines: Json[]; stdout: string[] }> {
  const write = process.stdout.write;
  const log = console.log;
  const lines: Json[] = [];
  const stdout: string[] = [];
  const push = (text: string) => {
    try {
      lines.push(JSON.parse(text));
    } catch {
      lines.push({ text });
    }
  };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of String(chunk)
      .split("\n")
      .filter((l) => l !== "")) {
      stdout.push(line);
      push(line);
    }
    return true;
  }) as typeof process.stdout.write;
  console.log = (...args: unknown[]) => push(args.map(String).join(" "));
  try {
    return { result: await fn(), lines, stdout };
  } catch (error) {
    return { error: error as Error, lines, stdout };
  } finally {
    process.stdout.write = write;
    console.log = log;
  }
}

/** Names and inputs of the commands a mocked client received. */
export function sent(mock: Stub): { name: string; input: Json }[] {
  return mock.calls().map((c) => {
    const cmd = c.args[0] as { constructor: { name: string }; input: Json };
    return { name: cmd.constructor.name.replace(/Command$/, ""), input: cmd.input };
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Stub = AwsStub<any, any, any>;

/**
 * Mocks of the given SDK clients and of SNS (Publish answers MessageId "msg-1") for the enclosing
 * describe block: created in `before`, reset before each test, restored in `after`. The returned
 * object is filled in `before`: use its fields inside hooks and tests only.
 */
export function mocked<K extends string>(
  clients: Record<K, new (...args: never[]) => unknown>,
): Record<K | "sns", Stub> {
  const stubs = {} as Record<K | "sns", Stub>;
  const all = () => Object.values(stubs) as Stub[];
  before(() => {
    for (const [name, client] of Object.entries(clients)) {
      stubs[name as K] = mockClient(client as never);
    }
    stubs.sns = mockClient(SNSClient);
  });
  beforeEach(() => {
    all().forEach((s) => s.reset());
    stubs.sns.on(PublishCommand).resolves({ MessageId: "msg-1" });
  });
  after(() => all().forEach((s) => s.restore()));
  return stubs;
}

/** An AWS SDK style service error. */
export function awsError(name: string): Error {
  return Object.assign(new Error(`${name} (test)`), { name });
}

/** Mutations that make a valid event malformed: a required field removed or of the wrong type. */
export const MALFORMING: Record<string, (e: Json, bad: unknown) => void> = {
  detail: (e, bad) => (e.detail = bad),
  eventID: (e, bad) => (e.detail.eventID = bad),
  eventName: (e, bad) => (e.detail.eventName = bad),
  eventSource: (e, bad) => (e.detail.eventSource = bad),
  userIdentity: (e, bad) => (e.detail.userIdentity = bad),
  region: (e, bad) => {
    e.region = bad;
    e.detail.awsRegion = bad;
  },
  account: (e, bad) => {
    e.account = bad;
    e.detail.recipientAccountId = bad;
  },
  // A missing requestParameters is legitimate (CreateAccessKey for oneself); a non-object is not.
  requestParameters: (e, bad) =>
    (e.detail.requestParameters =
      bad === undefined || bad === null ? 42 : typeof bad === "object" ? [bad] : bad),
};

/** Values that are never a valid value for a required field. */
export const BAD_VALUES: unknown[] = [undefined, null, 42, true, [], ""];
