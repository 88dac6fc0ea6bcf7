/**
 * Issue 21, first bullet: request forms the catalog used to miss. The change is made for real
 * in the emulator with the legacy form, its CloudTrail record is written as CloudTrail writes
 * that form, the catalog's detection must fire on it, and the serialized remediation must undo
 * exactly the unsafe part.
 *
 * - AuthorizeSecurityGroupIngress with the legacy flat parameters (`CidrIp`, `IpProtocol`,
 *   `FromPort`, `ToPort` at the top level): `requestParameters: {groupId, ipProtocol, fromPort,
 *   toPort, cidrIp}`;
 * - PutBucketAcl granting AllUsers or AuthenticatedUsers through an `x-amz-grant-*` header:
 *   `requestParameters: {bucketName, Host, acl: [""], "x-amz-grant-read": "uri=\"…/AllUsers\""}`.
 */
import { expect } from "chai";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import {
  CreateBucketCommand,
  GetPublicAccessBlockCommand,
  PutBucketAclCommand,
} from "@aws-sdk/client-s3";
import { CATALOG } from "../../core/catalog";
import { matchesPattern } from "../../core/eventPattern";
import { RemediationId, RemediationMode } from "../../core/types";
import { remediationSpec, settingDefaults } from "../../remediations/registry";
import { runtimeFactory } from "../../lambdas/bootstrap";
import { planRevokeWorldIngress } from "../../remediations/revoke-world-ingress/handler";
import { MotoServer, startMoto, useMotoEnvironment } from "../../scripts/moto";
import {
  attackerRecord,
  createResolutionInbox,
  createScenarioContext,
  ScenarioContext,
  wrapAsEventBridge,
} from "../../scripts/scenarios";
import { serializeHandler } from "../helpers/serialize";
import { captureLogs, type Json } from "./harness";

const REGION = "eu-west-1";
const firing = (event: unknown) =>
  CATALOG.filter((d) => matchesPattern(d.eventPattern, event)).map((d) => d.id);

describe("request forms (issue 21): detection and undo of the legacy and header forms, against the emulator", function () {
  this.timeout(120_000);
  let moto: MotoServer | undefined;
  let restore: (() => void) | undefined;
  let ctx: ScenarioContext;
  const saved = { ...process.env };

  async function handlerFor(id: RemediationId): Promise<(e: unknown) => Promise<Json>> {
    const settings = {
      ...settingDefaults(id),
      mode: RemediationMode.Enforce,
      exemptTag: { key: "security-watch:exempt", value: "true" },
      trustedPrincipalArns: [],
    };
    return (await serializeHandler(runtimeFactory(remediationSpec(id).factory, settings)))
      .handler as (e: unknown) => Promise<Json>;
  }

  before(async () => {
    moto = await startMoto();
    restore = useMotoEnvironment(moto.endpoint, REGION);
    ctx = createScenarioContext(moto.endpoint, REGION);
    const inbox = await createResolutionInbox(ctx);
    Object.assign(process.env, {
      RESOLUTION_TOPIC_ARN: inbox.topicArn,
      OWN_ROLE_ARN: "arn:aws:iam::123456789012:role/security-watch-remediator",
    });
  });
  after(async () => {
    for (const key of ["RESOLUTION_TOPIC_ARN", "OWN_ROLE_ARN"]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    restore?.();
    await moto?.stop();
  });

  it("AuthorizeSecurityGroupIngress, legacy flat form (cidrIp at the top level): security-group-open-to-world fires, revoke-world-ingress removes exactly that rule", async () => {
    const { ec2 } = ctx.clients;
    const groupId = (
      await ec2.send(
        new CreateSecurityGroupCommand({ GroupName: "legacy-form", Description: "issue 21" }),
      )
    ).GroupId!;
    // The legacy form, as attack tools send it; and a rule that must stay.
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpProtocol: "tcp",
        FromPort: 22,
        ToPort: 22,
        CidrIp: "0.0.0.0/0",
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpProtocol: "tcp",
        FromPort: 5432,
        ToPort: 5432,
        CidrIp: "10.0.0.0/16",
      }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "AuthorizeSecurityGroupIngress",
      command: "ec2.authorize-security-group-ingress",
      requestParameters: {
        groupId,
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIp: "0.0.0.0/0",
      },
      responseElements: { requestId: "-", _return: true },
    });
    const event = wrapAsEventBridge(record);
    const fired = firing(event);
    expect(fired).to.include("security-group-open-to-world");
    expect(fired).to.not.include("security-group-open-all-ports");
    const alert = CATALOG.find((d) => d.id === "security-group-open-to-world")!;
    expect(alert.remediation).to.equal(RemediationId.RevokeWorldIngress);

    const handler = await handlerFor(RemediationId.RevokeWorldIngress);
    const { result, error } = await captureLogs(() => handler(event));
    expect(error).to.equal(undefined);
    expect(result).to.deep.include({ outcome: "remediated", resource: groupId });
    const group = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))
      .SecurityGroups![0];
    const rules = (group.IpPermissions ?? []).flatMap((p) =>
      (p.IpRanges ?? []).map((r) => `${p.IpProtocol}:${p.FromPort}-${p.ToPort} ${r.CidrIp}`),
    );
    expect(rules).to.deep.equal(["tcp:5432-5432 10.0.0.0/16"]);
  });

  it("the legacy flat form beside an empty ipPermissions is still read as one permission", () => {
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "AuthorizeSecurityGroupIngress",
      command: "ec2.authorize-security-group-ingress",
      requestParameters: {
        groupId: "sg-0123456789abcdef0",
        ipPermissions: {},
        ipProtocol: "tcp",
        fromPort: 3389,
        toPort: 3389,
        cidrIp: "0.0.0.0/0",
      },
      responseElements: { requestId: "-", _return: true },
    });
    const event = wrapAsEventBridge(record);
    expect(firing(event)).to.include("security-group-open-to-world");
    expect(
      planRevokeWorldIngress(event, { allowedPublicPorts: [], ownRoleArn: undefined }),
    ).to.deep.include({ kind: "act", found: "opened 0.0.0.0/0 tcp:3389" });
  });

  it("the legacy flat form with all traffic (ipProtocol -1) fires security-group-open-all-ports", () => {
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "AuthorizeSecurityGroupIngress",
      command: "ec2.authorize-security-group-ingress",
      requestParameters: { groupId: "sg-0123456789abcdef0", ipProtocol: "-1", cidrIp: "0.0.0.0/0" },
      responseElements: { requestId: "-", _return: true },
    });
    const fired = firing(wrapAsEventBridge(record));
    expect(fired).to.include("security-group-open-all-ports");
    expect(fired).to.not.include("security-group-open-to-world");
  });

  const GRANTS: [string, string, string][] = [
    ["x-amz-grant-read", "GrantRead", 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'],
    [
      "x-amz-grant-full-control",
      "GrantFullControl",
      'id="79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"',
    ],
  ];
  for (const [header, sdkField, value] of GRANTS) {
    it(`PutBucketAcl granting a public group through ${header}: s3-bucket-made-public fires, block-public-bucket blocks public access`, async () => {
      const { s3 } = ctx.clients;
      const bucket = `issue21-${header.replace(/[^a-z]/g, "")}`;
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: REGION },
        }),
      );
      await s3.send(new PutBucketAclCommand({ Bucket: bucket, [sdkField]: value }));
      const record = attackerRecord(ctx, {
        eventSource: "s3.amazonaws.com",
        eventName: "PutBucketAcl",
        command: "s3api.put-bucket-acl",
        requestParameters: {
          bucketName: bucket,
          Host: `${bucket}.s3.${REGION}.amazonaws.com`,
          acl: [""],
          [header]: value,
        },
        responseElements: null,
        host: `${bucket}.s3.${REGION}.amazonaws.com`,
      });
      const event = wrapAsEventBridge(record);
      expect(firing(event)).to.include("s3-bucket-made-public");
      // The same call granting a private grantee only does not fire.
      const privateOnly = wrapAsEventBridge({
        ...record,
        requestParameters: { ...record.requestParameters, [header]: 'id="79a59df9"' },
      });
      expect(firing(privateOnly)).to.not.include("s3-bucket-made-public");

      const handler = await handlerFor(RemediationId.BlockPublicBucket);
      const { result, error } = await captureLogs(() => handler(event));
      expect(error).to.equal(undefined);
      expect(result).to.deep.include({ outcome: "remediated", resource: bucket });
      const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
      expect(block.PublicAccessBlockConfiguration).to.deep.equal({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      });
    });
  }
});
