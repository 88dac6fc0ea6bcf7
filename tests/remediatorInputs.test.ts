/**
 * ARN lists a program gets from other resources (Outputs) reach the remediation handlers: they
 * cannot be captured in the serialized code, so they travel in the function's environment
 * (`DEPLOYED_SETTINGS`), and the uploaded code reads them at cold start.
 */
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { EC2Client, DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { ACCOUNT_ID, REGION, setup, settle } from "./helpers/mocks";

const recorder = setup();

import * as pulumi from "@pulumi/pulumi";
import * as lib from "../lib";
import { archiveEntries, handlerOf } from "../scripts/lambdaCode";

const DEPLOYER = `arn:aws:iam::${ACCOUNT_ID}:role/deployer`;
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** A world-open ingress rule added by `principal` (a session of `issuer`), as EventBridge delivers it. */
function ingressEvent(principal: string, issuer = principal) {
  return {
    version: "0",
    id: "e-1",
    "detail-type": "AWS API Call via CloudTrail",
    source: "aws.ec2",
    account: ACCOUNT_ID,
    time: "2026-11-21T10:00:00Z",
    region: REGION,
    resources: [],
    detail: {
      eventVersion: "1.09",
      eventID: "ct-1",
      eventTime: "2026-11-21T10:00:00Z",
      eventSource: "ec2.amazonaws.com",
      eventName: "AuthorizeSecurityGroupIngress",
      awsRegion: REGION,
      sourceIPAddress: "198.51.100.7",
      userAgent: "aws-cli/2",
      recipientAccountId: ACCOUNT_ID,
      userIdentity: {
        type: "AssumedRole",
        arn: principal,
        accountId: ACCOUNT_ID,
        sessionContext: { sessionIssuer: { type: "Role", arn: issuer } },
      },
      requestParameters: {
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
      },
      responseElements: { _return: true },
    },
  };
}

describe("AutoRemediator: ARN lists given as Outputs", () => {
  beforeEach(() => recorder.reset());

  it("sends them in DEPLOYED_SETTINGS, not in the code, and the uploaded handler exempts the trusted principal", async () => {
    new lib.AutoRemediator("fix", {
      resolutionTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:resolutions`,
      failureAlarmTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:high`,
      unwired: true,
      defaultMode: lib.RemediationMode.Enforce,
      trustedPrincipalArns: [pulumi.output(DEPLOYER)],
      remediations: {
        [lib.RemediationId.CancelKeyDeletion]: {
          settings: { protectedKeyArns: [pulumi.output(KEY)] },
        },
      },
    });
    await settle();

    const keyFn = recorder.get("aws:lambda/function:Function", "fix-cancel-key-deletion-fn");
    expect(JSON.parse(keyFn.inputs.environment.variables.DEPLOYED_SETTINGS)).to.deep.equal({
      trustedPrincipalArns: [DEPLOYER],
      protectedKeyArns: [KEY],
    });
    const fn = recorder.get("aws:lambda/function:Function", "fix-revoke-world-ingress-fn");
    const env = fn.inputs.environment.variables as Record<string, string>;
    expect(JSON.parse(env.DEPLOYED_SETTINGS)).to.deep.equal({ trustedPrincipalArns: [DEPLOYER] });
    const text = (await archiveEntries(fn.inputs.code))["__index.js"];
    expect(text).not.to.contain(DEPLOYER);

    const ec2 = mockClient(EC2Client);
    const sns = mockClient(SNSClient);
    const ddb = mockClient(DynamoDBClient);
    try {
      ddb.on(PutItemCommand).resolves({});
      ddb.on(UpdateItemCommand).resolves({});
      ec2.on(DescribeSecurityGroupsCommand).resolves({
        SecurityGroups: [
          {
            GroupId: "sg-0abc1234",
            Tags: [],
            IpPermissions: [
              { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
            ],
          },
        ],
      });
      sns.on(PublishCommand).resolves({ MessageId: "m-1" });
      const trusted = (await handlerOf(
        text,
        env,
      )(ingressEvent(`arn:aws:sts::${ACCOUNT_ID}:assumed-role/deployer/pipeline`, DEPLOYER))) as {
        outcome: string;
      };
      expect(trusted.outcome).to.equal("exempt");
    } finally {
      ec2.restore();
      sns.restore();
      ddb.restore();
    }

    // Without the environment's lists the settings are incomplete: the cold start refuses.
    const { DEPLOYED_SETTINGS: _omitted, ...withoutLists } = env;
    let refused = "";
    try {
      await handlerOf(text, withoutLists)(ingressEvent(`arn:aws:iam::${ACCOUNT_ID}:user/mallory`));
    } catch (e) {
      refused = (e as Error).message;
    }
    expect(refused).to.match(/invalid settings/);
    let malformed = "";
    try {
      await handlerOf(text, { ...env, DEPLOYED_SETTINGS: "[1," })(ingressEvent(DEPLOYER));
    } catch (e) {
      malformed = (e as Error).message;
    }
    expect(malformed).to.equal("invalid settings: DEPLOYED_SETTINGS is not a JSON object");
  });

  it("keeps plain lists in the code, with no DEPLOYED_SETTINGS", async () => {
    new lib.AutoRemediator("plain", {
      resolutionTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:resolutions`,
      failureAlarmTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:high`,
      unwired: true,
      trustedPrincipalArns: [DEPLOYER],
    });
    await settle();
    const fn = recorder.get("aws:lambda/function:Function", "plain-revoke-world-ingress-fn");
    expect(fn.inputs.environment.variables).to.not.have.property("DEPLOYED_SETTINGS");
    expect((await archiveEntries(fn.inputs.code))["__index.js"]).to.contain(DEPLOYER);
  });
});
