/**
 * Restart AWS Config: StopConfigurationRecorder -> StartConfigurationRecorder.
 *
 * Calls: DescribeConfigurationRecorderStatus (recording already: safe, nothing to do), then
 * StartConfigurationRecorder. Configuration recorders carry no tags: the only exemption is a
 * trusted principal. NoSuchConfigurationRecorderException: the recorder is gone.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, readCloudTrail, str } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export type RestartConfigRecorderSettings = RemediationSettings;

export interface RecorderTarget {
  recorderName: string;
}

export function planRestartConfigRecorder(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<RecorderTarget> {
  const facts = readCloudTrail(event, settings, "config.amazonaws.com", [
    "StopConfigurationRecorder",
  ]);
  if ("kind" in facts) return facts;
  const recorderName = str(facts.request.configurationRecorderName);
  if (!recorderName || !/^[\w.-]{1,256}$/.test(recorderName)) {
    return { kind: "reject", reason: `${facts.eventId}: no valid configurationRecorderName` };
  }
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: recorderName,
    found: "recorder stopped",
    target: { recorderName },
    consoleUrl: `https://${r}.console.aws.amazon.com/config/home?region=${r}#/settings`,
  };
}

export function createRestartConfigRecorderHandler(
  settings: RestartConfigRecorderSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("restart-config-recorder", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cfg: typeof import("@aws-sdk/client-config-service") = require("@aws-sdk/client-config-service");

  return makeHandler<RecorderTarget>(s, {
    id: "restart-config-recorder" as RemediationId,
    plan: (event) => planRestartConfigRecorder(event, s),
    gone: ["NoSuchConfigurationRecorderException"],

    async inspect({ recorderName: name }, { facts, client }) {
      const c = client(cfg.ConfigServiceClient, facts.region);
      const status = await c.send(
        new cfg.DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [name] }),
      );
      if (status.ConfigurationRecordersStatus?.[0]?.recording) {
        return { done: "already-safe", message: `Recorder ${name} is recording.` };
      }
      return {
        state: `recorder ${name} not recording`,
        after: `recorder ${name} recording`,
        actions: [`StartConfigurationRecorder ${name}`],
        async apply() {
          await c.send(
            new cfg.StartConfigurationRecorderCommand({ ConfigurationRecorderName: name }),
          );
          return `Restarted configuration recorder ${name}.`;
        },
      };
    },
  });
}
