/** enable-guardduty: Re-enable a suspended GuardDuty detector. */
import type { RemediationSpec } from "../spec";
import { createEnableGuardDutyHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "enable-guardduty",
  key: "EnableGuardDuty",
  title: "Re-enable a suspended GuardDuty detector",
  factory: createEnableGuardDutyHandler,
  statements,
  settings: {},
  detections: ["guardduty-detector-suspended"],
  docs: {
    undoes: "UpdateDetector with enable false (Enable true again)",
    neverTouches: "the detector's findings, filters, protection plans and publishing destinations",
    roleCanStill:
      "update any detector of the account in the region (also its features and publishing frequency): GuardDuty has no condition key on the fields updated",
  },
};
