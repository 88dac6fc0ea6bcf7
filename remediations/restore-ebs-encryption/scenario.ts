/**
 * The drill scenario of restore-ebs-encryption: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  DisableEbsEncryptionByDefaultCommand,
  EnableEbsEncryptionByDefaultCommand,
  GetEbsEncryptionByDefaultCommand,
} from "@aws-sdk/client-ec2";
import { RemediationId } from "../../core/types";
import { Scenario, attackerRecord } from "../../scripts/scenarioKit";

const ebsEncryptionDisabled: Scenario = {
  id: "ebs-encryption-by-default-disabled",
  title: "EBS encryption by default disabled",
  remediation: RemediationId.RestoreEbsEncryption,
  taggable: false,
  async setup(ctx) {
    const { ec2 } = ctx.clients;
    await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
    await ec2.send(new DisableEbsEncryptionByDefaultCommand({}));
    const record = attackerRecord(ctx, {
      eventSource: "ec2.amazonaws.com",
      eventName: "DisableEbsEncryptionByDefault",
      command: "ec2.disable-ebs-encryption-by-default",
      requestParameters: { DisableEbsEncryptionByDefaultRequest: "" },
      responseElements: {
        requestId: "",
        DisableEbsEncryptionByDefaultResponse: {
          xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/",
          ebsEncryptionByDefault: false,
        },
      },
    });
    return { record, resource: `account ${ctx.account}` };
  },
  async verify(ctx) {
    const out = await ctx.clients.ec2.send(new GetEbsEncryptionByDefaultCommand({}));
    return {
      safe: out.EbsEncryptionByDefault === true,
      detail: `EBS encryption by default ${out.EbsEncryptionByDefault ? "on" : "off"} in ${ctx.region}`,
    };
  },
  async fix(ctx) {
    await ctx.clients.ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
  },
};

/** The drill scenarios of restore-ebs-encryption, in drill order. */
export const scenarios: Scenario[] = [ebsEncryptionDisabled];
