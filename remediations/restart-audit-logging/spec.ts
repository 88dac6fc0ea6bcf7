/** restart-audit-logging: Restart a trail's logging, or restore its write management events. */
import type { RemediationSpec } from "../spec";
import { createRestartAuditLoggingHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "restart-audit-logging",
  key: "RestartAuditLogging",
  title: "Restart a trail's logging, or restore its write management events",
  factory: createRestartAuditLoggingHandler,
  statements,
  settings: {},
  detections: ["cloudtrail-logging-stopped", "cloudtrail-event-selectors-reduced"],
  docs: {
    undoes:
      "StopLogging (StartLogging again) and event selectors that stop write management events (put back)",
    neverTouches:
      "other trails, the trail's bucket, key and data event selectors beyond management events",
    roleCanStill:
      "start logging and put any event selectors on the region's trails (so also weaken them): CloudTrail has no condition key on the selectors put",
  },
};
