/**
 * The library entry of aws-security-watch (package.json `main`/`exports`): the components, their
 * argument types, and the pure building blocks (detection catalog, event pattern matcher, alert
 * rendering, CIS controls). Importing it creates no resource; only the stack program does.
 */
export * from "./components/auditTrail";
export * from "./components/alertTopicSet";
export * from "./components/securityRuleWatcher";
export * from "./components/compositeAlarmGroup";
export * from "./components/thresholdAlarmGroup";
export * from "./components/autoRemediator";
export * from "./components/organizationHub";
export * from "./components/organizationSpoke";
export * from "./components/complianceRecorder";
export { CONFIG_RULES, ConfigRuleDefinition } from "./core/catalog/configRules";
export * from "./core/types";
export { REMEDIATIONS, registerRemediation } from "./remediations/registry";
export type { RemediationSpec, SettingSpec, RemediationDocs } from "./remediations/spec";
export type {
  RevokeWorldIngressOptions,
  CancelKeyDeletionOptions,
  RemoveLambdaPermissionOptions,
} from "./remediations/registry";
export { CATALOG } from "./core/catalog";
export * from "./core/detection";
export { matchesPattern, validatePattern, explainMatch, EventPattern } from "./core/eventPattern";
export { renderAlert, buildInputTransformer } from "./core/alertMessage";
export { toEventBridgeEvent } from "./core/cloudtrailEvent";
export { CIS_CONTROLS, CisControlId } from "./core/cisControls";
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
  CFN_LIMITS,
} from "./core/org/spokeTemplate";
export { hubBusPolicy } from "./core/org/busPolicy";
export {
  memberTrustPolicy,
  memberRolePolicy,
  memberRoleName,
  hubRoleName,
} from "./core/org/memberRoles";
export { THRESHOLD_CATALOG, insightRuleBody, planThresholds } from "./core/thresholds";
export * from "./components/operationsDashboard";
export * from "./components/securityEventArchive";
export * from "./components/chatChannels";
export { dashboardBody, dashboardUrl, DashboardInput } from "./core/dashboard";
export { SAVED_QUERIES, LATEST_INCIDENTS_QUERY, SavedQuery, QueryLogGroups } from "./core/queries";
export { INCIDENT_FIELDS, INCIDENT_SCHEMA_VERSION, IncidentField } from "./core/incidentRecord";
export {
  buildAlertCardTransformer,
  buildResolutionCardTransformer,
  renderChatCard,
  chatCardProblems,
  ChatCard,
} from "./core/chatCard";
export { archivePattern, ArchivePatternStage } from "./core/archivePattern";
