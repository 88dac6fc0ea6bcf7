/**
 * The aws-security-watch stack: `pulumi up` deploys the whole chain for one account and region
 * (components/securityWatch.ts), configured by Pulumi.<stack>.yaml, whose `aws-security-watch:`
 * keys are SecurityWatch's arguments. Every key of the namespace is read (a misspelled one is
 * an error, not ignored) and checked before any resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildStack, CONFIG_NAMESPACE } from "./stack";

/** Every key of the namespace the stack file sets (`pulumi.runtime.allConfig()`), parsed. */
function namespaceConfig(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string value
    }
    out[key.slice(CONFIG_NAMESPACE.length + 1)] = value;
  }
  return out;
}

const config = namespaceConfig();
const stack = buildStack(
  (key) => config[key],
  new pulumi.Config("aws").get("region"),
  Object.keys(config),
);
const watch = stack.watch;

export const trailArn = watch.trailArn;
export const trailBucket = watch.trailBucket;
export const trailLogGroup = watch.trailLogGroup;
export const alertTopicArns = watch.alertTopicArns;
export const ruleCount = watch.ruleCount;
export const remediationFunctions = watch.remediationFunctions;
export const remediationModes = watch.remediationModes;
export const alarmNames = watch.alarmNames;
export const hubEventBusArn = watch.hubEventBusArn;
export const spokeStackSets = watch.spokeStackSets;
export const spokeHeartbeatAlarm = watch.spokeHeartbeatAlarm;
export const thresholdRuleNames = watch.thresholdRuleNames;
export const dashboardUrl = watch.dashboardUrl;
export const incidentLogGroups = watch.incidentLogGroups;
export const savedQueries = watch.savedQueries;
export const eventArchive = watch.eventArchive;
export const eventArchivePatternStage = watch.eventArchivePatternStage;
export const chatChannels = stack.chat
  ? { slack: watch.slackChannelArn, teams: watch.teamsChannelArn }
  : undefined;
export const configRecorder = watch.configRecorder;
export const configRuleNames = watch.configRuleNames;
export const webhookFunctionArn = watch.webhookFunctionArn;
