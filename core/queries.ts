/**
 * The saved CloudWatch Logs Insights queries of the incident history: the auditor's questions,
 * over the remediation functions' log groups (incident records, core/incidentRecord.ts) and the
 * trail's log group (CloudTrail records). The same texts are saved as
 * `aws.cloudwatch.QueryDefinition`s, shown on the dashboard and run by
 * `npm run incidents -- --live`. No Pulumi.
 *
 * Query syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html
 * (CloudTrail's nested JSON fields are flattened with dots: `userIdentity.arn`).
 */

/** Which log groups a query reads. */
export enum QueryLogGroups {
  /** The remediation functions' log groups (incident records). */
  Incidents = "incidents",
  /** The trail's log group (every CloudTrail record). */
  Trail = "trail",
  /** Both. */
  All = "all",
}

export interface SavedQuery {
  /** Stable kebab-case id: names the QueryDefinition resource. */
  readonly id: string;
  /** What the query answers (the name under the folder in the console). */
  readonly title: string;
  readonly logGroups: QueryLogGroups;
  readonly queryString: string;
  /** A value the user replaces before running (the console keeps it in the text). */
  readonly placeholder?: string;
}

/** What the user replaces in "one incident" (the event id) and "who did what" (the resource). */
export const EVENT_ID_PLACEHOLDER = "REPLACE-WITH-EVENT-ID";
export const RESOURCE_PLACEHOLDER = "REPLACE-WITH-RESOURCE-ID";

/** The fields of an incident record the reports list, in order. */
export const INCIDENT_LIST_FIELDS = [
  "eventTime",
  "eventId",
  "account",
  "region",
  "principal",
  "sourceIp",
  "detection",
  "remediation",
  "mode",
  "resource",
  "outcome",
  "stateBefore",
  "stateAfter",
  "latencyMs",
  "functionVersion",
];

const INCIDENTS = 'filter type = "incident"';

/** The five saved queries. */
export const SAVED_QUERIES: readonly SavedQuery[] = [
  {
    id: "incidents-by-outcome",
    title: "Incidents by remediation and outcome",
    logGroups: QueryLogGroups.Incidents,
    queryString: [
      INCIDENTS,
      "stats count(*) as incidents by remediation, outcome",
      "sort incidents desc",
    ].join("\n| "),
  },
  {
    id: "incident-by-event-id",
    title: "One incident's full record, by event id",
    logGroups: QueryLogGroups.Incidents,
    placeholder: EVENT_ID_PLACEHOLDER,
    queryString: [
      `${INCIDENTS} and eventId = "${EVENT_ID_PLACEHOLDER}"`,
      "fields @timestamp, @log, @message",
      "sort @timestamp asc",
    ].join("\n| "),
  },
  {
    id: "who-did-what-to-resource",
    title: "Who did what to a resource (trail and incidents)",
    logGroups: QueryLogGroups.All,
    placeholder: RESOURCE_PLACEHOLDER,
    queryString: [
      `filter @message like "${RESOURCE_PLACEHOLDER}"`,
      "fields @timestamp, coalesce(eventTime, @timestamp) as at, coalesce(userIdentity.arn, principal) as who, coalesce(sourceIPAddress, sourceIp) as fromIp, eventName, errorCode, remediation, outcome",
      "sort @timestamp desc",
      "limit 200",
    ].join("\n| "),
  },
  {
    id: "console-sign-ins-by-mfa",
    title: "Console sign-ins with and without MFA",
    logGroups: QueryLogGroups.Trail,
    queryString: [
      'filter eventName = "ConsoleLogin"',
      "stats count(*) as signIns by userIdentity.arn as who, additionalEventData.MFAUsed as mfa, responseElements.ConsoleLogin as result",
      "sort signIns desc",
    ].join("\n| "),
  },
  {
    id: "denied-calls-by-principal",
    title: "Denied calls by principal",
    logGroups: QueryLogGroups.Trail,
    queryString: [
      "filter errorCode like /AccessDenied|UnauthorizedOperation|Unauthorized/",
      "stats count(*) as denied, count_distinct(eventName) as calls by userIdentity.arn as who, sourceIPAddress as fromIp",
      "sort denied desc",
      "limit 100",
    ].join("\n| "),
  },
];

/** The latest incident records, newest first: the dashboard's log widget and the report's list. */
export const LATEST_INCIDENTS_QUERY = [
  INCIDENTS,
  `fields ${INCIDENT_LIST_FIELDS.join(", ")}`,
  "sort eventTime desc",
  "limit 50",
].join("\n| ");

/** The QueryDefinition name: a folder per stack, then the title. */
export function queryDefinitionName(folder: string, query: SavedQuery): string {
  return `${folder}/${query.title}`;
}

/** The log groups a query reads, from the incident log groups and the trail's (if any). */
export function logGroupsOf(
  query: Pick<SavedQuery, "logGroups">,
  incidentLogGroups: readonly string[],
  trailLogGroup: string | undefined,
): string[] {
  const trail = trailLogGroup ? [trailLogGroup] : [];
  switch (query.logGroups) {
    case QueryLogGroups.Incidents:
      return [...incidentLogGroups];
    case QueryLogGroups.Trail:
      return trail;
    default:
      return [...incidentLogGroups, ...trail];
  }
}

/**
 * A query text with `SOURCE` commands in front (how a dashboard log widget names its groups):
 * `SOURCE 'a' | SOURCE 'b' | filter ...`.
 */
export function withSources(queryString: string, logGroups: readonly string[]): string {
  for (const group of logGroups) {
    if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(group)) {
      throw new Error(`"${group}" is not a CloudWatch Logs log group name`);
    }
  }
  return [...logGroups.map((g) => `SOURCE '${g}'`), queryString].join(" | ");
}
