/**
 * Regression tests of issue 18's defects outside the run loop that are decided before any AWS
 * call (pure planners on real-shaped CloudTrail records).
 */
import { expect } from "chai";
import { readCloudTrail } from "../../lambdas/runtime/event";
import { planRevokeWorldIngress } from "../../remediations/revoke-world-ingress/handler";
import { baseSettings, type Json, record } from "./harness";

const opened = (): Json =>
  record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", {
    groupId: "sg-0abc1234",
    ipPermissions: {
      items: [
        {
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
        },
      ],
    },
  });

describe("issue 18: event envelope and record must agree", () => {
  it("an envelope region that is not the record's awsRegion is rejected (the handler would act where nothing happened)", () => {
    const event = opened();
    const moved = {
      ...event,
      region: "ap-southeast-2",
      detail: { ...event.detail, awsRegion: "eu-west-1" },
    };
    expect(
      planRevokeWorldIngress(moved, { ...baseSettings(), allowedPublicPorts: [] }),
    ).to.deep.equal({
      kind: "reject",
      reason: `event ${event.detail.eventID}: the envelope's region is not the record's awsRegion`,
    });
  });

  it("the same region in both is read as the facts' region", () => {
    const event = opened();
    const same = {
      ...event,
      region: "eu-west-1",
      detail: { ...event.detail, awsRegion: "eu-west-1" },
    };
    const facts = readCloudTrail(same, {}, "ec2.amazonaws.com", ["AuthorizeSecurityGroupIngress"]);
    expect("kind" in facts ? facts : facts.region).to.equal("eu-west-1");
  });
});
