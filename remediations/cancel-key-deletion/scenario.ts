/**
 * The drill scenario of cancel-key-deletion: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EnableKeyCommand,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import { RemediationId } from "../../core/types";
import { Scenario, attackerRecord, cloudTrailResponseDate } from "../../scripts/scenarioKit";

const keyScheduledForDeletion: Scenario = {
  id: "kms-key-scheduled-for-deletion",
  title: "KMS key scheduled for deletion",
  remediation: RemediationId.CancelKeyDeletion,
  taggable: true,
  async setup(ctx, options) {
    const { kms } = ctx.clients;
    const key = (
      await kms.send(
        new CreateKeyCommand({
          Description: "customer data",
          Tags: Object.entries(options?.tags ?? {}).map(([TagKey, TagValue]) => ({
            TagKey,
            TagValue,
          })),
        }),
      )
    ).KeyMetadata!;
    const scheduled = await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: key.KeyId!, PendingWindowInDays: 7 }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "kms.amazonaws.com",
      eventName: "ScheduleKeyDeletion",
      command: "kms.schedule-key-deletion",
      requestParameters: { keyId: key.KeyId, pendingWindowInDays: 7 },
      responseElements: {
        keyId: key.Arn,
        deletionDate: cloudTrailResponseDate(scheduled.DeletionDate ?? new Date()),
        keyState: "PendingDeletion",
        pendingWindowInDays: 7,
      },
      extra: {
        resources: [{ accountId: ctx.account, type: "AWS::KMS::Key", ARN: key.Arn }],
      },
    });
    return { record, resource: key.Arn! };
  },
  async verify(ctx, { record }) {
    const keyId = (record.requestParameters as { keyId: string }).keyId;
    const key = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    return {
      safe: key.KeyState === "Enabled" && key.DeletionDate === undefined,
      detail: `key ${keyId} is ${key.KeyState}${key.DeletionDate ? `, deletion on ${key.DeletionDate.toISOString()}` : ""}`,
    };
  },
  async fix(ctx, { record }) {
    // moto 5.2.1 accepts only the bare key id here (AWS also takes the key ARN).
    const keyId = (record.requestParameters as { keyId: string }).keyId;
    await ctx.clients.kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }));
    await ctx.clients.kms.send(new EnableKeyCommand({ KeyId: keyId }));
  },
};

/** The drill scenarios of cancel-key-deletion, in drill order. */
export const scenarios: Scenario[] = [keyScheduledForDeletion];
