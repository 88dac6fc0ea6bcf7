/**
 * Regressions of the policies the IAM simulator found wrong, evaluated by the simulator on the
 * pure policy builders (no stack, no emulator: fast). The whole-stack evaluation is
 * tests/iam/simulator.test.ts.
 */
import { expect } from "chai";
import { memberRolePolicy } from "../../core/org/memberRoles";
import { remediationPolicy } from "../../core/remediationPolicies";
import { remediationSpec } from "../../remediations/registry";
import { RemediationId } from "../../core/types";
import { evaluate, evaluateRequest } from "./evaluate";
import type { IamRequest } from "./requests";
import type { RoleUnderTest } from "./roles";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const SPOKE_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const TOPIC_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function functionRole(id: RemediationId): RoleUnderTest {
  return {
    key: `function/${id}`,
    arn: `arn:aws:iam::${ACCOUNT}:role/remediate-${id}`,
    account: ACCOUNT,
    trustPolicy: {},
    policies: [
      {
        name: id,
        policy: remediationPolicy(remediationSpec(id), {
          partition: "aws",
          account: ACCOUNT,
          region: REGION,
          resolutionTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:resolutions`,
          logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:fn`,
          kmsKeyArn: TOPIC_KEY,
        }),
      },
    ],
  };
}

function memberRole(id: RemediationId, account = "111111111111"): RoleUnderTest {
  return {
    key: `member/${id}`,
    arn: `arn:aws:iam::${account}:role/asw-member-${id}`,
    account,
    trustPolicy: {},
    policies: [
      {
        name: id,
        policy: memberRolePolicy(id, { partition: "aws", account, regions: SPOKE_REGIONS }),
      },
    ],
  };
}

const request = (
  action: string,
  resource: string,
  extra: Partial<IamRequest> = {},
  account = ACCOUNT,
): IamRequest => ({
  label: `${action} ${resource}`,
  action,
  resource,
  resourceAccount: account,
  region: REGION,
  ...extra,
});

describe("IAM policy regressions, through the simulator", () => {
  describe("D3: unshare-snapshot and AMIs", () => {
    const role = functionRole(RemediationId.UnshareSnapshot);
    const image = `arn:aws:ec2:${REGION}::image/ami-0123456789abcdef0`;
    const snapshot = `arn:aws:ec2:${REGION}::snapshot/snap-0123456789abcdef0`;

    it("allows making a public AMI private (the handler's ModifyImageAttribute)", async () => {
      const result = await evaluateRequest(
        role,
        request("ec2:ModifyImageAttribute", image, {
          context: { "ec2:Remove/group": ["all"], "ec2:Public": "true" },
        }),
      );
      expect(result.decision).to.equal("Allowed");
      // Why the old Allow never matched: AWS sets no ec2:Remove/group on this action.
      expect(result.ignoredKeys).to.deep.equal(["ec2:Remove/group"]);
    });

    it("denies making a private AMI public or sharing it, and any AMI of another account", async () => {
      const contexts: Record<string, string | string[]>[] = [
        { "ec2:Public": "false" },
        { "ec2:Add/group": ["all"], "ec2:Public": "false" },
        { "ec2:Add/userId": ["999988887777"], "ec2:Public": "false" },
      ];
      for (const context of contexts) {
        const decision = await evaluate(
          role,
          request("ec2:ModifyImageAttribute", image, { context }),
        );
        expect(decision, JSON.stringify(context)).to.equal("ImplicitlyDenied");
      }
      expect(
        await evaluate(
          role,
          request(
            "ec2:ModifyImageAttribute",
            image,
            { context: { "ec2:Public": "true" } },
            "999988887777",
          ),
        ),
      ).to.equal("ImplicitlyDenied");
    });

    it("snapshots: allows removing the group all, denies adding anyone", async () => {
      expect(
        await evaluate(
          role,
          request("ec2:ModifySnapshotAttribute", snapshot, {
            context: { "ec2:Remove/group": ["all"] },
          }),
        ),
      ).to.equal("Allowed");
      expect(
        await evaluate(
          role,
          request("ec2:ModifySnapshotAttribute", snapshot, {
            context: { "ec2:Remove/group": ["all"], "ec2:Add/userId": ["999988887777"] },
          }),
        ),
      ).to.equal("ExplicitlyDenied");
      expect(
        await evaluate(
          role,
          request("ec2:ModifySnapshotAttribute", snapshot, {
            context: { "ec2:Add/group": ["all"] },
          }),
        ),
      ).to.equal("ExplicitlyDenied");
    });
  });

  describe("D12: member roles act only in the spokes' regions", () => {
    const cases: [RemediationId, string, string][] = [
      [
        RemediationId.RevokeWorldIngress,
        "ec2:RevokeSecurityGroupIngress",
        "arn:aws:ec2:{r}:111111111111:security-group/sg-0123456789abcdef0",
      ],
      [
        RemediationId.UnshareSnapshot,
        "ec2:ModifySnapshotAttribute",
        "arn:aws:ec2:{r}::snapshot/snap-0123456789abcdef0",
      ],
      [
        RemediationId.RestartAuditLogging,
        "cloudtrail:StartLogging",
        "arn:aws:cloudtrail:{r}:111111111111:trail/main",
      ],
      [
        RemediationId.CancelKeyDeletion,
        "kms:CancelKeyDeletion",
        "arn:aws:kms:{r}:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      ],
      [
        RemediationId.RemoveLambdaPermission,
        "lambda:RemovePermission",
        "arn:aws:lambda:{r}:111111111111:function:f",
      ],
      [
        RemediationId.EnableGuardDuty,
        "guardduty:UpdateDetector",
        "arn:aws:guardduty:{r}:111111111111:detector/12abc34d567e8fa901bc2d34e56789f0",
      ],
      [RemediationId.BlockPublicBucket, "s3:PutBucketPublicAccessBlock", "arn:aws:s3:::b"],
    ];
    for (const [id, action, pattern] of cases) {
      it(`${id}: ${action} allowed in a spoke region, denied in me-south-1`, async () => {
        const role = memberRole(id);
        const at = (region: string): IamRequest => ({
          ...request(action, pattern.replace("{r}", region), {}, "111111111111"),
          region,
          ...(id === RemediationId.UnshareSnapshot
            ? { context: { "ec2:Remove/group": ["all"] } }
            : {}),
        });
        expect(await evaluate(role, at("ap-southeast-2"))).to.equal("Allowed");
        expect(await evaluate(role, at("me-south-1"))).to.equal("ImplicitlyDenied");
      });
    }

    it("quarantine-access-key: IAM is global, still allowed (its endpoint signs for us-east-1)", async () => {
      const role = memberRole(RemediationId.QuarantineAccessKey);
      const update = {
        ...request(
          "iam:UpdateAccessKey",
          "arn:aws:iam::111111111111:user/alice",
          {},
          "111111111111",
        ),
        region: "us-east-1",
      };
      expect(await evaluate(role, update)).to.equal("Allowed");
    });
  });

  describe("block-public-bucket and restore-bucket-versioning: the stack's region", () => {
    for (const [id, action] of [
      [RemediationId.BlockPublicBucket, "s3:PutBucketPublicAccessBlock"],
      [RemediationId.RestoreBucketVersioning, "s3:PutBucketVersioning"],
    ] as const) {
      it(`${id}: ${action} on a bucket of this region only`, async () => {
        const role = functionRole(id);
        const put = request(action, "arn:aws:s3:::data-bucket");
        expect(await evaluate(role, put)).to.equal("Allowed");
        expect(await evaluate(role, { ...put, region: "me-south-1" })).to.equal("ImplicitlyDenied");
      });
    }
  });

  describe("restrict-function-url: never a public URL", () => {
    const role = functionRole(RemediationId.RestrictFunctionUrl);
    const fn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:billing`;
    it("allows AuthType AWS_IAM, denies AuthType NONE", async () => {
      const update = (authType: string) =>
        request("lambda:UpdateFunctionUrlConfig", fn, {
          context: { "lambda:FunctionUrlAuthType": authType },
        });
      expect(await evaluate(role, update("AWS_IAM"))).to.equal("Allowed");
      expect(await evaluate(role, update("NONE"))).to.equal("ImplicitlyDenied");
    });
  });

  describe("the topic key (kms:EncryptionContext, which the simulator's validation drops, evaluated)", () => {
    const role = functionRole(RemediationId.RevokeWorldIngress);
    const viaSns = (topic: string, via = `sns.${REGION}.amazonaws.com`): IamRequest =>
      request("kms:GenerateDataKey", TOPIC_KEY, {
        context: { "kms:ViaService": via, "kms:EncryptionContext:aws:sns:topicArn": topic },
      });
    it("allows SNS to use it for the resolutions topic only", async () => {
      const topic = (name: string) => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
      expect(await evaluate(role, viaSns(topic("resolutions")))).to.equal("Allowed");
      expect(await evaluate(role, viaSns(topic("alerts-critical")))).to.equal("ImplicitlyDenied");
      expect(
        await evaluate(role, viaSns(topic("resolutions"), "s3.eu-west-1.amazonaws.com")),
      ).to.equal("ImplicitlyDenied");
      expect(await evaluate(role, request("kms:Decrypt", TOPIC_KEY))).to.equal("ImplicitlyDenied");
    });
  });
});
