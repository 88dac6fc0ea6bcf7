/** restart-config-recorder: Restart the AWS Config configuration recorder. */
import type { RemediationSpec } from "../spec";
import { createRestartConfigRecorderHandler } from "./handler";
import { statements } from "./policy";

export const spec: RemediationSpec = {
  id: "restart-config-recorder",
  key: "RestartConfigRecorder",
  title: "Restart the AWS Config configuration recorder",
  factory: createRestartConfigRecorderHandler,
  statements,
  settings: {},
  detections: ["config-recorder-stopped"],
  docs: {
    undoes: "StopConfigurationRecorder (StartConfigurationRecorder again)",
    neverTouches: "the recorder's settings, the delivery channel, rules and conformance packs",
    roleCanStill:
      "start the region's configuration recorder: resource-level permission is not documented for the action",
  },
};
