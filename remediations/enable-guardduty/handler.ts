/**
 * Enable GuardDuty: UpdateDetector with enable false -> UpdateDetector Enable true.
 *
 * Calls: GetDetector (status ENABLED: already safe; its tags decide the exemption), then
 * UpdateDetector Enable true. A detector id is checked against its format before any call.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, readCloudTrail, str } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export type EnableGuardDutySettings = RemediationSettings;

export function planEnableGuardDuty(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<{ detectorId: string }> {
  const facts = readCloudTrail(event, settings, "guardduty.amazonaws.com", ["UpdateDetector"]);
  if ("kind" in facts) return facts;
  const detectorId = str(facts.request.detectorId);
  if (!detectorId || !/^[a-z0-9]{1,300}$/.test(detectorId)) {
    return { kind: "reject", reason: `${facts.eventId}: no valid detectorId` };
  }
  if (facts.request.enable !== false) {
    return { kind: "ignore", facts, resource: detectorId, reason: "the detector was not disabled" };
  }
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: detectorId,
    found: "detector suspended",
    target: { detectorId },
    consoleUrl: `https://${r}.console.aws.amazon.com/guardduty/home?region=${r}#/settings`,
  };
}

export function createEnableGuardDutyHandler(
  settings: EnableGuardDutySettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("enable-guardduty", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gd: typeof import("@aws-sdk/client-guardduty") = require("@aws-sdk/client-guardduty");

  return makeHandler<{ detectorId: string }>(s, {
    id: "enable-guardduty" as RemediationId,
    plan: (event) => planEnableGuardDuty(event, s),
    gone: [],

    async inspect({ detectorId }, { facts, client }) {
      const c = client(gd.GuardDutyClient, facts.region);
      const detector = await c.send(new gd.GetDetectorCommand({ DetectorId: detectorId }));
      if (detector.Status === "ENABLED") {
        return { done: "already-safe", message: `Detector ${detectorId} is enabled.` };
      }
      return {
        tags: new Map(Object.entries(detector.Tags ?? {})),
        state: `detector ${detectorId} ${detector.Status ?? "?"}`,
        after: `detector ${detectorId} ENABLED`,
        actions: [`UpdateDetector ${detectorId} Enable=true`],
        async apply() {
          await c.send(new gd.UpdateDetectorCommand({ DetectorId: detectorId, Enable: true }));
          return `Enabled GuardDuty detector ${detectorId} again.`;
        },
      };
    },
  });
}
