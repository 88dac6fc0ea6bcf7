/**
 * The drill scenario of restart-audit-logging: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  CreateTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import { RemediationId } from "../../core/types";
import { Scenario, attackerRecord, createBucket, uniqueName } from "../../scripts/scenarioKit";

const trailStopped: Scenario = {
  id: "trail-stopped",
  title: "CloudTrail logging stopped (StopLogging)",
  remediation: RemediationId.RestartAuditLogging,
  taggable: true,
  async setup(ctx, options) {
    const { cloudtrail } = ctx.clients;
    const name = uniqueName("audit");
    await createBucket(ctx, `${name}-logs`);
    await cloudtrail.send(
      new CreateTrailCommand({
        Name: name,
        S3BucketName: `${name}-logs`,
        IsMultiRegionTrail: true,
        EnableLogFileValidation: true,
        TagsList: Object.entries(options?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await cloudtrail.send(new StartLoggingCommand({ Name: name }));
    // By name, as `aws cloudtrail stop-logging --name <name>` does; CloudTrail records the name
    // as given (the console gives the ARN, which plain moto 5.2.1 rejects: see MOTO_COMPAT_SHIMS).
    await cloudtrail.send(new StopLoggingCommand({ Name: name }));
    const record = attackerRecord(ctx, {
      eventSource: "cloudtrail.amazonaws.com",
      eventName: "StopLogging",
      command: "cloudtrail.stop-logging",
      requestParameters: { name },
      responseElements: null,
    });
    return { record, resource: name };
  },
  async verify(ctx, { resource }) {
    const status = await ctx.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: resource }));
    return {
      safe: status.IsLogging === true,
      detail: `trail ${resource} is ${status.IsLogging ? "logging" : "not logging"}`,
    };
  },
  async fix(ctx, { resource }) {
    await ctx.clients.cloudtrail.send(new StartLoggingCommand({ Name: resource }));
  },
};

/** The drill scenarios of restart-audit-logging, in drill order. */
export const scenarios: Scenario[] = [trailStopped];
