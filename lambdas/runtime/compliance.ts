/**
 * The second event shape every remediation accepts: AWS Config's "Config Rules Compliance
 * Change" (source `aws.config`), which names a resource that fails a rule, not the change that
 * made it fail. A handler reads it into the same facts as a CloudTrail record (the EventBridge
 * event id as the event id, AWS Config as the principal), reads the resource as it is now, and
 * undoes every unsafe part.
 *
 * Only NON_COMPLIANT results are acted on; any other result is ignored (nothing to undo). The
 * resource type must be one the handler knows, and the resource id must look like one of that
 * type: a hostile or malformed event is rejected before any call. The event's account and
 * region must agree with the detail's.
 *
 * Serialized into the Lambdas with the handlers: no Pulumi, no top-level runtime imports.
 * https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
 */
import { type EventFacts, type Plan, isObject, str } from "./event";

export const deploymentOnlyModule = true;

export const CONFIG_EVENT_SOURCE = "aws.config";
export const CONFIG_DETAIL_TYPE = "Config Rules Compliance Change";
/** The `eventName` of the facts of a compliance change. */
export const COMPLIANCE_EVENT_NAME = "ConfigRulesComplianceChange";
/** The principal of the facts of a compliance change (never a trusted or own principal). */
export const CONFIG_PRINCIPAL = "config.amazonaws.com";

/** What the handler needs from a compliance change, beyond the common facts. */
export interface ComplianceChange {
  facts: EventFacts;
  rule: string;
  resourceType: string;
  resourceId: string;
  /** Config's explanation ("" when the rule gives none). */
  annotation: string;
}

/** Whether `event` is an AWS Config compliance change (by its EventBridge source). */
export function isComplianceChange(event: unknown): boolean {
  return isObject(event) && event.source === CONFIG_EVENT_SOURCE;
}

/** The resource id patterns of the types the handlers act on. */
export const RESOURCE_ID_PATTERNS: Record<string, RegExp> = {
  "AWS::EC2::SecurityGroup": /^sg-[0-9a-f]{8,17}$/,
  "AWS::S3::Bucket": /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  "AWS::KMS::Key":
    /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
  "AWS::EC2::Snapshot": /^snap-[0-9a-f]{8,17}$/,
  "AWS::::Account": /^\d{12}$/,
};

/**
 * Reads a compliance change for a handler that acts on `resourceTypes`. Returns the change, an
 * ignore (a result other than NON_COMPLIANT), or a rejection (malformed, another type, ids that
 * do not agree).
 */
export function readComplianceChange(
  event: unknown,
  resourceTypes: readonly string[],
): ComplianceChange | Plan<never> {
  const reject = (reason: string) => ({ kind: "reject" as const, reason });
  if (!isObject(event)) return reject("event is not a JSON object");
  const eventId = str(event.id);
  if (!eventId) return reject("compliance change has no EventBridge id");
  if (event.source !== CONFIG_EVENT_SOURCE || event["detail-type"] !== CONFIG_DETAIL_TYPE) {
    return reject(`${eventId}: not an AWS Config compliance change`);
  }
  const detail = event.detail;
  if (!isObject(detail)) return reject(`${eventId}: no detail`);
  if (detail.messageType !== "ComplianceChangeNotification") {
    return reject(`${eventId}: messageType is not ComplianceChangeNotification`);
  }
  const result = detail.newEvaluationResult;
  if (!isObject(result)) return reject(`${eventId}: no newEvaluationResult`);
  const qualifier = isObject(result.evaluationResultIdentifier)
    ? result.evaluationResultIdentifier.evaluationResultQualifier
    : undefined;
  const rule = str(detail.configRuleName);
  const resourceType = str(detail.resourceType);
  const resourceId = str(detail.resourceId);
  if (!rule || !resourceType || !resourceId) {
    return reject(`${eventId}: configRuleName, resourceType or resourceId missing`);
  }
  if (
    isObject(qualifier) &&
    (qualifier.resourceId !== resourceId ||
      qualifier.resourceType !== resourceType ||
      qualifier.configRuleName !== rule)
  ) {
    return reject(`${eventId}: the evaluation names another resource or rule than the event`);
  }
  if (!resourceTypes.includes(resourceType)) {
    return reject(
      `${eventId}: unexpected resource type ${resourceType}; expected ${resourceTypes.join(", ")}`,
    );
  }
  const pattern = RESOURCE_ID_PATTERNS[resourceType];
  if (pattern && !pattern.test(resourceId)) {
    return reject(`${eventId}: "${resourceId.slice(0, 80)}" is not a ${resourceType} id`);
  }
  const region = str(event.region) ?? "";
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return reject(`${eventId}: no valid region`);
  const account = str(event.account) ?? "";
  if (!/^\d{12}$/.test(account)) return reject(`${eventId}: no valid account`);
  if (
    (detail.awsRegion !== undefined && detail.awsRegion !== region) ||
    (detail.awsAccountId !== undefined && detail.awsAccountId !== account)
  ) {
    return reject(`${eventId}: the detail's account or region differs from the event's`);
  }
  if (resourceType === "AWS::::Account" && resourceId !== account) {
    return reject(`${eventId}: the account evaluated is not the event's account`);
  }
  const annotation = str(result.annotation) ?? "";
  const facts: EventFacts = {
    eventId,
    eventName: COMPLIANCE_EVENT_NAME,
    region,
    account,
    time: str(result.resultRecordedTime) ?? str(event.time) ?? "",
    principal: CONFIG_PRINCIPAL,
    principalType: "AWSService",
    sourceIp: "",
    userAgent: `AWS Config rule ${rule}`,
    request: { configRuleName: rule, resourceType, resourceId, annotation },
    response: {},
    detail,
    detailType: CONFIG_DETAIL_TYPE,
  };
  const compliance = str(result.complianceType);
  if (compliance !== "NON_COMPLIANT") {
    return {
      kind: "ignore",
      facts,
      resource: resourceId,
      reason: `the resource is ${compliance ?? "of unknown compliance"} under ${rule}: nothing to undo`,
    };
  }
  return { facts, rule, resourceType, resourceId, annotation };
}

/** The `found` text of a compliance plan: `fails <rule>: <annotation>` (short, for the subject). */
export function complianceFound(change: ComplianceChange): string {
  const text = `fails ${change.rule}${change.annotation ? `: ${change.annotation}` : ""}`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
