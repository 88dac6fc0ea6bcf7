/**
 * The drill scenario of restart-config-recorder: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  DescribeConfigurationRecorderStatusCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from "@aws-sdk/client-config-service";
import { RemediationId } from "../../core/types";
import { Scenario, attackerRecord, createBucket, uniqueName } from "../../scripts/scenarioKit";

/** AWS allows one configuration recorder per region: the scenario (re)uses "default". */
const RECORDER = "default";

const configRecorderStopped: Scenario = {
  id: "config-recorder-stopped",
  title: "AWS Config recorder stopped",
  remediation: RemediationId.RestartConfigRecorder,
  taggable: false,
  async setup(ctx) {
    const { config } = ctx.clients;
    const bucket = uniqueName("config-history");
    await createBucket(ctx, bucket);
    await config.send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: RECORDER,
          roleARN: `arn:aws:iam::${ctx.account}:role/aws-config-recorder`,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
        },
      }),
    );
    await config.send(
      new PutDeliveryChannelCommand({ DeliveryChannel: { name: RECORDER, s3BucketName: bucket } }),
    );
    await config.send(
      new StartConfigurationRecorderCommand({ ConfigurationRecorderName: RECORDER }),
    );
    await config.send(
      new StopConfigurationRecorderCommand({ ConfigurationRecorderName: RECORDER }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "config.amazonaws.com",
      eventName: "StopConfigurationRecorder",
      command: "configservice.stop-configuration-recorder",
      requestParameters: { configurationRecorderName: RECORDER },
      responseElements: null,
    });
    return { record, resource: RECORDER };
  },
  async verify(ctx, { resource }) {
    const out = await ctx.clients.config.send(
      new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [resource] }),
    );
    const recording = out.ConfigurationRecordersStatus?.[0]?.recording === true;
    return {
      safe: recording,
      detail: `configuration recorder ${resource} is ${recording ? "recording" : "stopped"}`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.config.send(
      new StartConfigurationRecorderCommand({ ConfigurationRecorderName: resource }),
    );
  },
};

/** The drill scenarios of restart-config-recorder, in drill order. */
export const scenarios: Scenario[] = [configRecorderStopped];
