import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  CloudTrailClient,
  GetEventSelectorsCommand,
  ListTagsCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import {
  createRestartAuditLoggingHandler,
  logsWriteManagementEvents,
  planRestartAuditLogging,
  restoredSelectors,
} from "../../lambdas/restartAuditLogging";
import {
  awsError,
  baseSettings,
  captureLogs,
  EXEMPT_TAG,
  fixture,
  type Json,
  record,
  sent,
  snsMock,
} from "./harness";

const SETTINGS = baseSettings();
const TRAIL = "arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail";
const SELECTOR_TRAIL = "arn:aws:cloudtrail:us-west-2:111122223333:trail/sample-cloudtrail-name";

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
  const ct = mockClient(CloudTrailClient);
  let sns = snsMock();
  beforeEach(() => {
    ct.reset();
    sns.restore();
    sns = snsMock();
    ct.on(ListTagsCommand).resolves({ ResourceTagList: [{ ResourceId: TRAIL, TagsList: [] }] });
  });
  after(() => {
    ct.restore();
    sns.restore();
  });

  it("StopLogging: ListTags then StartLogging", async () => {
    ct.on(StartLoggingCommand).resolves({});
    const { result } = await captureLogs(() =>
      createRestartAuditLoggingHandler(SETTINGS)(
        fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped"),
      ),
    );
    expect(sent(ct)).to.deep.equal([
      { name: "ListTags", input: { ResourceIdList: [TRAIL] } },
      { name: "StartLogging", input: { Name: TRAIL } },
    ]);
    expect(result?.outcome).to.equal("remediated");
  });

  it("selectors emptied: GetEventSelectors then PutEventSelectors with management events", async () => {
    ct.on(GetEventSelectorsCommand).resolves({ EventSelectors: [] });
    ct.on(PutEventSelectorsCommand).resolves({});
    await captureLogs(() =>
      createRestartAuditLoggingHandler(SETTINGS)(
        fixture("aws_cloudtrail_event_selectors_disabled", "Event Selector Disabled"),
      ),
    );
    expect(sent(ct).map((c) => c.name)).to.deep.equal([
      "ListTags",
      "GetEventSelectors",
      "PutEventSelectors",
    ]);
    expect(sent(ct)[2].input).to.deep.equal({
      TrailName: SELECTOR_TRAIL,
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }],
    });
  });

  it("selectors already restored meanwhile: already-safe, no put", async () => {
    ct.on(GetEventSelectorsCommand).resolves({
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }],
    });
    const { result } = await captureLogs(() =>
      createRestartAuditLoggingHandler(SETTINGS)(
        fixture("aws_cloudtrail_event_selectors_disabled", "Event Selector Disabled"),
      ),
    );
    expect(sent(ct).map((c) => c.name)).to.deep.equal(["ListTags", "GetEventSelectors"]);
    expect(result?.outcome).to.equal("already-safe");
  });

  it("exempt trail tag: no StartLogging", async () => {
    ct.on(ListTagsCommand).resolves({
      ResourceTagList: [
        { ResourceId: TRAIL, TagsList: [{ Key: EXEMPT_TAG.key, Value: EXEMPT_TAG.value }] },
      ],
    });
    const { result } = await captureLogs(() =>
      createRestartAuditLoggingHandler(SETTINGS)(
        fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped"),
      ),
    );
    expect(sent(ct).map((c) => c.name)).to.deep.equal(["ListTags"]);
    expect(result?.outcome).to.equal("exempt");
  });

  it("trail gone: already-safe", async () => {
    ct.on(ListTagsCommand).rejects(awsError("TrailNotFoundException"));
    const { result } = await captureLogs(() =>
      createRestartAuditLoggingHandler(SETTINGS)(
        fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped"),
      ),
    );
    expect(result?.outcome).to.equal("already-safe");
  });

  it("dry-run: no StartLogging", async () => {
    const { result } = await captureLogs(() =>
      createRestartAuditLoggingHandler({ ...SETTINGS, mode: "dry-run" as never })(
        fixture("aws_cloudtrail_stopped", "CloudTrail Was Stopped"),
      ),
    );
    expect(sent(ct).map((c) => c.name)).to.deep.equal(["ListTags"]);
    expect(result).to.deep.include({ outcome: "dry-run", actions: [`StartLogging ${TRAIL}`] });
  });
});
