/**
 * The drill scenario of enable-guardduty: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  CreateDetectorCommand,
  GetDetectorCommand,
  UpdateDetectorCommand,
} from "@aws-sdk/client-guardduty";
import { RemediationId } from "../../core/types";
import { Scenario, attackerRecord, moreClients } from "../../scripts/scenarioKit";

const guardDutySuspended: Scenario = {
  id: "guardduty-detector-suspended",
  title: "GuardDuty detector suspended (UpdateDetector enable false)",
  remediation: RemediationId.EnableGuardDuty,
  taggable: true,
  async setup(ctx, options) {
    const { guardduty } = moreClients(ctx);
    const created = await guardduty.send(
      new CreateDetectorCommand({ Enable: true, Tags: options?.tags }),
    );
    const detectorId = created.DetectorId!;
    await guardduty.send(new UpdateDetectorCommand({ DetectorId: detectorId, Enable: false }));
    const record = attackerRecord(ctx, {
      eventSource: "guardduty.amazonaws.com",
      eventName: "UpdateDetector",
      command: "guardduty.update-detector",
      requestParameters: { detectorId, enable: false },
      responseElements: null,
    });
    return { record, resource: detectorId };
  },
  async verify(ctx, { resource }) {
    const out = await moreClients(ctx).guardduty.send(
      new GetDetectorCommand({ DetectorId: resource }),
    );
    return { safe: out.Status === "ENABLED", detail: `detector ${resource} ${out.Status}` };
  },
  async fix(ctx, { resource }) {
    await moreClients(ctx).guardduty.send(
      new UpdateDetectorCommand({ DetectorId: resource, Enable: true }),
    );
  },
};

/** The drill scenarios of enable-guardduty, in drill order. */
export const scenarios: Scenario[] = [guardDutySuspended];
