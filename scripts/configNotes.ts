/**
 * What each key of the stack file means, where the configuration's interfaces
 * (core/stackConfig.ts, core/org/orgConfig.ts) carry no TSDoc yet: read by `configReference()`
 * (scripts/docSources.ts) only for a field without its own description. tests/docs.test.ts checks
 * that every entry names a key the configuration has, so a renamed key cannot leave a stale
 * note. Drop an entry once its field has TSDoc (or the stack file's JSON Schema describes it).
 */
export const CONFIG_NOTES: Readonly<Record<string, string>> = {
  "alerts.emails": "subscribed to every alert topic and to `resolutions`",
  "alerts.sms": "E.164 numbers paged for `critical` only",
  "alerts.httpsEndpoints":
    "`https://` endpoints subscribed to every alert topic and to `resolutions`",
  "alerts.topics":
    "extra subscriptions for one topic (`critical`, `high`, `medium`, `info`, `resolutions`)",
  "trail.enabled":
    "deploy the trail and the CIS alarms: true in one stack per account, false in the stacks of its other regions",
  "trail.logRetentionDays": "the trail's log group (Security Hub CloudWatch.16 wants >= 365)",
  "trail.bucketRetentionDays": "when log files expire in the bucket",
  "trail.insights": "CloudTrail Insights (API call rate and error rate; billed per event analysed)",
  "trail.s3DataEvents": "data events for every bucket / function",
  "trail.lambdaDataEvents": "data events for every bucket / function",
  "trail.accessLogging": "server access logging of the trail bucket (CIS 3.6, CloudTrail.7)",
  "trail.organization": "an organization trail, from the management account",
  "trail.organizationId": "an organization trail, from the management account",
  "detections.disabled": "detection ids not deployed",
  "detections.severityOverrides": "`id: critical|high|medium|info`",
  "detections.forwardGlobalEvents": "forward global-service events from us-east-1",
  "alarms.disabledControls": "CIS control ids (`unauthorized-api-calls`, \u2026) not deployed",
  "alarms.overrides": "`threshold`, `periodSeconds`, `evaluationPeriods`",
  "alarms.suppressChildActions": "remove the actions of alarms under a composite",
  "alarms.includeDefaultComposites":
    "the shipped composite alarms (`credential-attack`, `defense-evasion`, `network-tampering`; $0.50 a month each)",
  "thresholds.enabled":
    "the threshold detections (on the trail's log group; true in the dev stack): $0.50 a month per Contributor Insights rule, $0.10 per alarm",
  "thresholds.disabled": "threshold detection ids not deployed",
  "thresholds.limits":
    "`threshold` (count of one contributor), `periodSeconds` (60-86400, a multiple of 60)",
  "remediation.defaultMode": "`off`, `dry-run` or `enforce`",
  "remediation.modes": "per remediation",
  "remediation.allowedPublicPorts": "ports that may stay open to the world",
  "remediation.protectedKeyArns": "KMS keys whose DisableKey is undone",
  "remediation.partnerAccountIds":
    "accounts Lambda functions may be shared with (`remove-lambda-permission` undoes grants to any other)",
  "remediation.exemptTag": "resources with this tag are never remediated",
  "remediation.trustedPrincipalArns": "IAM user/role ARNs whose changes are never remediated",
  "remediation.logRetentionDays": "the functions' log groups (incident records)",
  "remediation.reservedConcurrency": "per function; 0 reserves none",
  "operations.dashboard": "the stack's CloudWatch dashboard ($3 a month; true in the dev stack)",
  "operations.savedQueries": "the five incident-history queries in Logs Insights (free)",
  "operations.archive": "an EventBridge archive of the detections' events, for `npm run replay`",
  "operations.archiveRetentionDays": "days the archive keeps an event; 0 keeps it indefinitely",
  "chat.slack": "a Slack channel of AWS Chatbot (chat is on when `slack` or `teams` is set)",
  "chat.teams": "a Microsoft Teams channel of AWS Chatbot",
  "chat.minimumSeverity": "the least severe alert posted to chat",
  "chat.resolutions":
    "resolution cards in the alert's thread (the functions send their results to the default bus)",
  "compliance.enabled": "deploy ComplianceRecorder (AWS Config)",
  "compliance.useExistingRecorder":
    "the account already records with Config here: rules and routing only",
  "compliance.recordingFrequency": "`continuous` or `daily`",
  "compliance.dailyResourceTypes": "types recorded daily under continuous recording (high churn)",
  "compliance.snapshotDeliveryFrequency":
    "`One_Hour`, `Three_Hours`, `Six_Hours`, `Twelve_Hours`, `TwentyFour_Hours`",
  "compliance.createServiceLinkedRole":
    "false when `AWSServiceRoleForConfig` exists already; the role is account-wide, so only the stack with the trail creates it (deploy that one first)",
  "compliance.deliverToTrailBucket":
    "deliver to the trail bucket under `config/` (else a bucket of its own)",
  "compliance.disabledRules": "rule keys of the Config rules table not to deploy",
  "compliance.maxAccessKeyAgeDays": "`ACCESS_KEYS_ROTATED` `maxAccessKeyAge`",
  tags: "tags on every resource that takes them",
  "organization.organizationId": "makes this stack an organization hub (OrganizationHub)",
  "organization.organizationalUnitIds":
    "OUs (`ou-\u2026`) or the root (`r-\u2026`) the spoke StackSets target",
  "organization.regions":
    "the spokes' regions (keep us-east-1: global-service events are forwarded from there)",
  "organization.externalId":
    "named by the hub functions in AssumeRole; required by the member roles",
  "organization.managementAccount":
    "`accountId` and `roleArn` (the hub deploys its spoke through that role), or `watched: false`",
  "organization.organizationalUnitPaths": "narrow the bus policy to these OU paths / accounts",
  "organization.admittedAccounts": "narrow the bus policy to these OU paths / accounts",
  "organization.excludedAccounts":
    "never watched: denied on the bus, their events rejected by the functions",
  "organization.expectedAccounts":
    "accounts sending heartbeats; the hub alarms below `expectedAccounts` x regions an hour (0: no alarm)",
  "organization.callAs": "or `SELF` when the hub runs in the management account",
  "organization.deployStackSets":
    "false: deploy the templates yourself (OrganizationSpoke, or the outputs)",
  "organization.trailLogGroupName":
    "the hub's copy of the organization trail's log group: the CIS alarms run on it",
  spokeRegions: "a single account's other regions: spokes forwarding to this stack's region",
};
