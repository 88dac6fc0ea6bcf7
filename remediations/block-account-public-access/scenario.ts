/**
 * The drill scenario of block-account-public-access: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  DeletePublicAccessBlockCommand as DeleteAccountPublicAccessBlockCommand,
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
} from "@aws-sdk/client-s3-control";
import { RemediationId } from "../../core/types";
import { ALL_BLOCKED, Scenario, attackerRecord, moreClients } from "../../scripts/scenarioKit";

const accountPublicAccessBlockDeleted: Scenario = {
  id: "account-public-access-block-deleted",
  title: "S3 account-level public access block deleted",
  remediation: RemediationId.BlockAccountPublicAccess,
  taggable: false,
  async setup(ctx) {
    const { s3control } = moreClients(ctx);
    await s3control.send(
      new PutAccountPublicAccessBlockCommand({
        AccountId: ctx.account,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
    await s3control.send(new DeleteAccountPublicAccessBlockCommand({ AccountId: ctx.account }));
    const record = attackerRecord(ctx, {
      eventSource: "s3.amazonaws.com",
      eventName: "DeleteAccountPublicAccessBlock",
      command: "s3control.delete-public-access-block",
      host: `${ctx.account}.s3-control.${ctx.region}.amazonaws.com`,
      requestParameters: {
        accountId: ctx.account,
        Host: `${ctx.account}.s3-control.${ctx.region}.amazonaws.com`,
      },
      responseElements: null,
    });
    return { record, resource: `account ${ctx.account}` };
  },
  async verify(ctx) {
    try {
      const out = await moreClients(ctx).s3control.send(
        new GetAccountPublicAccessBlockCommand({ AccountId: ctx.account }),
      );
      const config = out.PublicAccessBlockConfiguration ?? {};
      const off = Object.keys(ALL_BLOCKED).filter(
        (key) => config[key as keyof typeof ALL_BLOCKED] !== true,
      );
      return {
        safe: off.length === 0,
        detail:
          off.length === 0 ? "account: all four settings on" : `account: ${off.join(", ")} off`,
      };
    } catch (error) {
      if ((error as Error).name === "NoSuchPublicAccessBlockConfiguration") {
        return { safe: false, detail: `account ${ctx.account} has no public access block` };
      }
      throw error;
    }
  },
  async fix(ctx) {
    await moreClients(ctx).s3control.send(
      new PutAccountPublicAccessBlockCommand({
        AccountId: ctx.account,
        PublicAccessBlockConfiguration: ALL_BLOCKED,
      }),
    );
  },
};

/** The drill scenarios of block-account-public-access, in drill order. */
export const scenarios: Scenario[] = [accountPublicAccessBlockDeleted];
