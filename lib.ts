/**
 * The library entry of aws-security-watch (package.json `main`/`exports`): the public API. It
 * exports the components, their argument types and the types those use, and the pure building
 * blocks a user needs (detection catalog, event pattern matcher, alert rendering, CIS controls,
 * organization templates); never the helpers the components share between themselves
 * (CONTRIBUTING.md, "Public API and internals", lists both). Importing it creates no resource;
 * only the stack program does.
 */
// Components, their args and the types they use.
export { AuditTrail, AuditTrailArgs } from "./components/auditTrail";
export {
  AlertTopicSet,
  AlertTopicSetArgs,
  HttpsSubscription,
  LambdaSubscription,
  SqsSubscription,
  SubscriptionSet,
  TopicPublishers,
  TopicSpec,
} from "./components/alertTopicSet";
export { SecurityRuleWatcher, SecurityRuleWatcherArgs } from "./components/securityRuleWatcher";
export {
  CompositeAlarmGroup,
  CompositeAlarmGroupArgs,
  ActionsSuppressorArgs,
} from "./components/compositeAlarmGroup";
export {
  ThresholdAlarmGroup,
  ThresholdAlarmGroupArgs,
  ThresholdLimitArgs,
  ThresholdReporterArgs,
} from "./components/thresholdAlarmGroup";
export {
  AutoRemediator,
  AutoRemediatorArgs,
  CrossAccountArgs,
  ExemptTag,
  RemediationGroupArgs,
  RemediationOptions,
  RemediationRuleSource,
} from "./components/autoRemediator";
export {
  OrganizationHub,
  OrganizationHubArgs,
  StackSetCallAs,
  StackSetRolloutArgs,
} from "./components/organizationHub";
export {
  OrganizationSpoke,
  OrganizationSpokeArgs,
  MemberRoleParametersArgs,
} from "./components/organizationSpoke";
export {
  ComplianceRecorder,
  ComplianceRecorderArgs,
  RecordingFrequency,
  SnapshotDeliveryFrequency,
} from "./components/complianceRecorder";
export {
  OperationsDashboard,
  OperationsDashboardArgs,
  DashboardRuleArgs,
} from "./components/operationsDashboard";
export { SecurityEventArchive, SecurityEventArchiveArgs } from "./components/securityEventArchive";
export {
  ChatChannels,
  ChatChannelsArgs,
  ChatDetectionArgs,
  ChatLoggingLevel,
  SlackChannelArgs,
  TeamsChannelArgs,
} from "./components/chatChannels";
export {
  WebhookNotifier,
  WebhookNotifierArgs,
  WebhookChannelArgs,
  WebhookKind,
  WebhooksArgs,
  webhookNotifierArgs,
  DEFAULT_WEBHOOK_TOPICS,
} from "./components/webhookNotifier";
export {
  SecurityWatch,
  SecurityWatchArgs,
  TopicSubscriptionsArgs,
  WatchAlertsArgs,
  WatchTrailArgs,
  WatchDetectionsArgs,
  AlarmOverrideArgs,
  WatchAlarmsArgs,
  WatchThresholdsArgs,
  WatchOperationsArgs,
  WatchChatArgs,
  WatchComplianceArgs,
  ManagementAccountArgs,
  WatchOrganizationArgs,
  securityWatchParts,
} from "./components/securityWatch";
// Building blocks.
export { CONFIG_RULES, ConfigRuleDefinition } from "./core/catalog/configRules";
export * from "./core/types";
export { RemediationId } from "./core/remediationIds";
export {
  REMEDIATIONS,
  registerRemediation,
  type RevokeWorldIngressOptions,
  type CancelKeyDeletionOptions,
  type RemoveLambdaPermissionOptions,
} from "./remediations/registry";
export type { RemediationSpec, SettingSpec, RemediationDocs } from "./remediations/spec";
export { CATALOG } from "./core/catalog";
export {
  Detection,
  DetectionMessage,
  DetectionOptions,
  DetectionReferences,
  EventOrigin,
  COMMON_FIELDS,
  HEALTH_COMMON_FIELDS,
  CONFIG_COMMON_FIELDS,
  commonFieldsOf,
  detectionProblems,
  resolveDetections,
} from "./core/detection";
export { matchesPattern, validatePattern, explainMatch, EventPattern } from "./core/eventPattern";
export {
  renderAlert,
  buildInputTransformer,
  AlertMessageOptions,
  RenderedAlert,
} from "./core/alertMessage";
export {
  toEventBridgeEvent,
  eventsFromJson,
  CloudTrailEventBridgeEvent,
} from "./core/cloudtrailEvent";
export { CIS_CONTROLS, CisControl, CisControlId } from "./core/cisControls";
export {
  renderAlarmRule,
  AlarmRule,
  AlarmState,
  AlarmReference,
  AllOfRule,
  AnyOfRule,
  NotRule,
  AlarmSettings,
  ControlOverride,
  CustomFilter,
  CompositeSpec,
} from "./core/compositeAlarm";
export {
  forwardingRules,
  ForwardingRule,
  ForwardingScope,
  GLOBAL_REGION,
} from "./core/org/forwarding";
export {
  regionalSpokeTemplate,
  accountSpokeTemplate,
  templateBody,
} from "./core/org/spokeTemplate";
export { hubBusPolicy } from "./core/org/busPolicy";
export {
  memberTrustPolicy,
  memberRolePolicy,
  memberRoleName,
  hubRoleName,
} from "./core/org/memberRoles";
export { THRESHOLD_CATALOG, insightRuleBody, planThresholds } from "./core/thresholds";
export { dashboardBody, dashboardUrl, DashboardInput } from "./core/dashboard";
export { SAVED_QUERIES, LATEST_INCIDENTS_QUERY, SavedQuery, QueryLogGroups } from "./core/queries";
export { INCIDENT_FIELDS, INCIDENT_SCHEMA_VERSION, IncidentField } from "./core/incidentRecord";
export {
  buildAlertCardTransformer,
  renderChatCard,
  chatCardProblems,
  ChatCard,
} from "./core/chatCard";
export { fillCard, resolutionCard } from "./lambdas/chatCardRenderer";
export { neutralise, NeutraliseOptions } from "./core/neutralise";
export { archivePattern, ArchivePatternStage } from "./core/archivePattern";
export {
  neutraliseForSlack,
  neutraliseForTeams,
  neutraliseForJson,
  stripControls,
} from "./core/neutralise";
