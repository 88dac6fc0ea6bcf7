/**
 * The aws-security-watch stack: `pulumi up` deploys the whole chain for one account and region,
 * configured by Pulumi.<stack>.yaml (read and validated in core/stackConfig.ts).
 *
 *   API call -> CloudTrail (AuditTrail) -> EventBridge rules (SecurityRuleWatcher) -> SNS alerts
 *                                                                  '-> Lambda (AutoRemediator)
 *            -> CloudWatch Logs -> CIS metric filters, alarms, composites (CompositeAlarmGroup)
 */
import * as pulumi from "@pulumi/pulumi";
import { buildStack } from "./stack";

const config = new pulumi.Config("aws-security-watch");
const stack = buildStack((key) => config.getObject(key), new pulumi.Config("aws").get("region"));

export const trailArn = stack.audit?.trailArn;
export const trailBucket = stack.audit?.bucketName;
export const trailLogGroup = stack.audit?.logGroupName;
export const alertTopicArns = stack.topics.topicArns;
export const ruleCount = stack.watcher.detections.length;
export const remediationFunctions = stack.remediator.functionArns;
export const remediationModes = stack.remediator.modes;
export const alarmNames = stack.alarms?.alarmNames;
export const hubEventBusArn = stack.hub?.eventBusArn;
export const spokeStackSets = stack.hub?.stackSetNames;
export const spokeHeartbeatAlarm = stack.hub?.heartbeatAlarmName;
export const thresholdRuleNames = stack.thresholds?.ruleNames;
export const dashboardUrl = stack.operations?.dashboardUrl;
export const incidentLogGroups = stack.remediator.logGroupNames;
export const savedQueries = stack.operations?.queryDefinitionIds;
export const eventArchive = stack.archive?.archiveName;
export const eventArchivePatternStage = stack.archive?.patternStage;
export const chatChannels = stack.chat
  ? { slack: stack.chat.slackChannelArn, teams: stack.chat.teamsChannelArn }
  : undefined;
export const configRecorder = stack.compliance?.recorderName;
export const configRuleNames = stack.compliance?.ruleNames;
