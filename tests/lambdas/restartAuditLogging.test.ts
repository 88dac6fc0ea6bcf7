import { expect } from "chai";
import {
  CloudTrailClient,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  createRestartAuditLoggingHandler,
  logsWriteManagementEvents,
  planRestartAuditLogging,
  restoredSelectors,
} from "../../remediations/restart-audit-logging/handler";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  mocked,
  record,
  sent,
} from "./harness";

const SETTINGS = baseSettings();
const TRAIL = "arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail";
const SELECTOR_TRAIL = "arn:aws:cloudtrail:us-west-2:123456789012:trail/sample-cloudtrail-name";

describe("planRestartAuditLogging", () => {
  const cases: [string, string, string, Json][] = [
    [
      "aws_cloudtrail_stopped",
      "CloudTrail Was Stopped",
      "act",
      { trailArn: TRAIL, action: "start-logging" },
    ],
    ["aws_cloudtrail_stopped", "Error Stopping CloudTrail", "ignore", undefined],
    ["aws_cloudtrail_stopped", "CloudTrail Was Started", "reject", undefined],
    [
      "aws_cloudtrail_event_selectors_disabled",
      "Event Selector Disabled",
      "act",
      { trailArn: SELECTOR_TRAIL, action: "restore-selectors" },
    ],
    ["aws_cloudtrail_event_selectors_disabled", "Event Selector Enabled", "ignore", undefined],
  ];
  for (const [file, name, kind, target] of cases) {
    it(`${file} / ${name}: ${kind}`, () => {
      const plan = planRestartAuditLogging(fixture(file, name), SETTINGS);
      expect(plan.kind).to.equal(kind);
      if (plan.kind === "act") expect(plan.target).to.deep.equal(target);
    });
  }

  it("a trail name becomes the trail ARN of the event's account and region", () => {
    const plan = planRestartAuditLogging(
      record("cloudtrail.amazonaws.com", "StopLogging", { name: "main" }),
      SETTINGS,
    );
    expect(plan.kind === "act" && plan.target.trailArn).to.equal(
      "arn:aws:cloudtrail:eu-west-1:123456789012:trail/main",
    );
  });

  const selectors: [string, Json, Json, boolean][] = [
    ["empty basic selectors", [], undefined, false],
    [
      "read-only management",
      [{ includeManagementEvents: true, readWriteType: "ReadOnly" }],
      undefined,
      false,
    ],
    [
      "write-only management",
      [{ includeManagementEvents: true, readWriteType: "WriteOnly" }],
      undefined,
      true,
    ],
    ["empty advanced selectors", undefined, [], false],
    [
      "advanced data events only",
      undefined,
      [{ name: "s3", fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }] }],
      false,
    ],
    [
      "advanced management",
      undefined,
      [{ name: "m", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }],
      true,
    ],
    [
      "advanced management read-only",
      undefined,
      [
        {
          name: "m",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Management"] },
            { field: "readOnly", equals: ["true"] },
          ],
        },
      ],
      false,
    ],
  ];
  for (const [name, basic, advanced, expected] of selectors) {
    it(`logsWriteManagementEvents: ${name} -> ${expected}`, () => {
      expect(logsWriteManagementEvents(basic, advanced)).to.equal(expected);
    });
  }

  it("restoredSelectors keeps data event selectors and adds management events", () => {
    const data = {
      ReadWriteType: "All",
      IncludeManagementEvents: false,
      DataResources: [{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }],
    };
    expect(restoredSelectors({ EventSelectors: [data] }, "All")).to.deep.equal({
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }, data],
    });
    expect(
      restoredSelectors({ AdvancedEventSelectors: [{ Name: "d" }] }, "WriteOnly"),
    ).to.deep.equal({
      AdvancedEventSelectors: [
        { Name: "d" },
        {
          Name: "Management events",
          FieldSelectors: [
            { Field: "eventCategory", Equals: ["Management"] },
            { Field: "readOnly", Equals: ["false"] },
          ],
        },
      ],
    });
  });
});

describe("restart-audit-logging handler", () => {
  const m = mocked({ ct: CloudTrailClient });
  beforeEach(() => {
    m.ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    m.ct.on(ListTagsCommand).resolves({ ResourceTagList: [{ ResourceId: TRAIL, TagsList: [] }] });
    m.ct.on(StartLoggingCommand).resolves({});
  });
  const stopped = () => fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped");
  const emptied = () =>
    fixture("aws_cloudtrail_event_selectors_disabled", "Event Selector Disabled");
  const run = (e: Json, mode = "enforce") =>
    captureLogs(() => createRestartAuditLoggingHandler({ ...SETTINGS, mode: mode as never })(e));

  it("StopLogging: GetTrailStatus (not logging), ListTags, StartLogging", async () => {
    const { result } = await run(stopped());
    expect(sent(m.ct)).to.deep.equal([
      { name: "GetTrailStatus", input: { Name: TRAIL } },
      { name: "ListTags", input: { ResourceIdList: [TRAIL] } },
      { name: "StartLogging", input: { Name: TRAIL } },
    ]);
    expect(result).to.deep.include({
      outcome: "remediated",
      actions: [`StartLogging ${TRAIL}`],
      message: `Logging restarted on ${TRAIL}.`,
    });
  });

  it("StopLogging on a trail that is logging again: one read, already-safe", async () => {
    m.ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const { result } = await run(stopped());
    expect(sent(m.ct).map((c) => c.name)).to.deep.equal(["GetTrailStatus"]);
    expect(result).to.deep.include({ outcome: "already-safe", actions: [] });
    expect(sent(m.sns)).to.have.length(1);
  });

  it("selectors emptied: GetEventSelectors, ListTags, PutEventSelectors with management events", async () => {
    m.ct.on(GetEventSelectorsCommand).resolves({ EventSelectors: [] });
    m.ct.on(PutEventSelectorsCommand).resolves({});
    await run(emptied());
    expect(sent(m.ct)).to.deep.equal([
      { name: "GetEventSelectors", input: { TrailName: SELECTOR_TRAIL } },
      { name: "ListTags", input: { ResourceIdList: [SELECTOR_TRAIL] } },
      {
        name: "PutEventSelectors",
        input: {
          TrailName: SELECTOR_TRAIL,
          EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }],
        },
      },
    ]);
  });

  it("selectors already restored meanwhile: already-safe, no put", async () => {
    m.ct.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }],
    });
    const { result } = await run(emptied());
    expect(sent(m.ct).map((c) => c.name)).to.deep.equal(["GetEventSelectors"]);
    expect(result?.outcome).to.equal("already-safe");
  });

  it("exempt trail tag: no StartLogging", async () => {
    m.ct.on(ListTagsCommand).resolves({
      ResourceTagList: [
        { ResourceId: TRAIL, TagsList: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }] },
      ],
    });
    const { result } = await run(stopped());
    expect(sent(m.ct).map((c) => c.name)).to.deep.equal(["GetTrailStatus", "ListTags"]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("trail gone: already-safe", async () => {
    m.ct.on(GetTrailStatusCommand).rejects(awsError("TrailNotFoundException"));
    const { result } = await run(stopped());
    expect(result).to.deep.include({
      outcome: "already-safe",
      message: `${TRAIL} no longer exists (TrailNotFoundException).`,
    });
  });

  it("dry-run: reads, no StartLogging", async () => {
    const { result } = await run(stopped(), "dry-run");
    expect(sent(m.ct).map((c) => c.name)).to.deep.equal(["GetTrailStatus", "ListTags"]);
    expect(result).to.deep.include({ outcome: "dry-run", actions: [`StartLogging ${TRAIL}`] });
  });

  it("dry-run on a trail that is logging: already-safe", async () => {
    m.ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const { result } = await run(stopped(), "dry-run");
    expect(result?.outcome).to.equal("already-safe");
  });
});
