/**
 * Restore EBS encryption by default: DisableEbsEncryptionByDefault -> EnableEbsEncryptionByDefault
 * in the event's region (an account-level setting: no tags, only trusted principals exempt).
 *
 * Calls: GetEbsEncryptionByDefault (on: already safe), then EnableEbsEncryptionByDefault.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, readCloudTrail } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export type RestoreEbsEncryptionSettings = RemediationSettings;

export function planRestoreEbsEncryption(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<{ region: string }> {
  const facts = readCloudTrail(event, settings, "ec2.amazonaws.com", [
    "DisableEbsEncryptionByDefault",
  ]);
  if ("kind" in facts) return facts;
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: `account ${facts.account}`,
    found: "EBS encryption by default disabled",
    target: { region: r },
    consoleUrl: `https://${r}.console.aws.amazon.com/ec2/home?region=${r}#Settings:tab=ebsEncryption`,
  };
}

export function createRestoreEbsEncryptionHandler(
  settings: RestoreEbsEncryptionSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("restore-ebs-encryption", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ec2: typeof import("@aws-sdk/client-ec2") = require("@aws-sdk/client-ec2");

  return makeHandler<{ region: string }>(s, {
    id: "restore-ebs-encryption" as RemediationId,
    plan: (event) => planRestoreEbsEncryption(event, s),
    gone: [],

    async inspect({ region }, { client }) {
      const c = client(ec2.EC2Client, region);
      const state = await c.send(new ec2.GetEbsEncryptionByDefaultCommand({}));
      if (state.EbsEncryptionByDefault === true) {
        return { done: "already-safe", message: `EBS encryption by default is on in ${region}.` };
      }
      return {
        state: `EBS encryption by default off in ${region}`,
        after: `EBS encryption by default on in ${region}`,
        actions: [`EnableEbsEncryptionByDefault in ${region}`],
        async apply() {
          await c.send(new ec2.EnableEbsEncryptionByDefaultCommand({}));
          return `Turned EBS encryption by default back on in ${region}.`;
        },
      };
    },
  });
}
