/**
 * Restart AWS Config: StopConfigurationRecorder -> StartConfigurationRecorder.
 *
 * Configuration recorders carry no tags: the only exemption is a trusted principal. Calls: one
 * StartConfigurationRecorder (idempotent; NoSuchConfigurationRecorderException = already gone).
 */
import type { RemediationId } from "../core/types";
import {
  type Plan,
  type RemediationResult,
  type RemediationSettings,
  clientConfig,
  hasErrorName,
  makeHandler,
  perRegion,
  readCloudTrail,
  reject,
  str,
  validateSettings,
} from "./common";

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
  if (!recorderName) return reject(`${facts.eventId}: no configurationRecorderName`);
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
  const client = perRegion((region) => new cfg.ConfigServiceClient(clientConfig(region)));

  return makeHandler<RecorderTarget, null>(s, {
    id: "restart-config-recorder" as RemediationId,
    plan: (event) => planRestartConfigRecorder(event, s),
    // No tags on recorders and no state worth a read: StartConfigurationRecorder is idempotent.
    inspect: async () => ({ state: null }),

    async apply(target, _state, facts, dryRun) {
      const name = target.recorderName;
      const actions = [`StartConfigurationRecorder ${name}`];
      if (dryRun) {
        return { outcome: "remediated", actions, message: `Would restart recorder ${name}.` };
      }
      try {
        await client(facts.region).send(
          new cfg.StartConfigurationRecorderCommand({ ConfigurationRecorderName: name }),
        );
      } catch (err) {
        if (!hasErrorName(err, ["NoSuchConfigurationRecorderException"])) throw err;
        const message = `Recorder ${name} no longer exists.`;
        return { outcome: "already-safe", actions: [], message };
      }
      return {
        outcome: "remediated",
        actions,
        message: `Restarted configuration recorder ${name}.`,
      };
    },
  });
}
