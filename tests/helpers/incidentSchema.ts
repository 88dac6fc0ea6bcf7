/**
 * The incident record's fields, in order (schema version 1): the contract the dashboard, the
 * saved queries and the incidents report read. Pinned here once, literally, for every test.
 */
export const PINNED_INCIDENT_FIELDS = [
  "type",
  "schemaVersion",
  "eventId",
  "eventTime",
  "eventName",
  "account",
  "region",
  "principal",
  "sourceIp",
  "userAgent",
  "detection",
  "attackIds",
  "remediation",
  "mode",
  "resource",
  "decision",
  "stateBefore",
  "stateAfter",
  "actions",
  "outcome",
  "message",
  "published",
  "error",
  "durationMs",
  "latencyMs",
  "functionName",
  "functionVersion",
];
