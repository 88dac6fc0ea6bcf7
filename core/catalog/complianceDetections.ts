/**
 * The compliance-change detections: one per AWS Config rule of core/catalog/configRules.ts,
 * derived from it (one source of truth). Each matches Config's "Config Rules Compliance Change"
 * event when the rule finds a resource NON_COMPLIANT, alerts the severity topic ("pre-existing or
 * drifted: <resource> fails <rule>: <annotation>"), and names the rule's remediation, so that
 * AutoRemediator wires the same function as for the live event. A resource that becomes
 * COMPLIANT again is announced on the resolutions topic by ComplianceRecorder's resolution rule
 * (core/complianceRouting.ts), not by a detection: a resolution is not an alert.
 *
 * Imports from ../catalog are type-only: core/catalog.ts imports this module while it is being
 * evaluated.
 */
import type { EventOrigin } from "../catalog";
import type { Detection } from "../detection";
import {
  COMPLIANCE_CHANGE,
  CONFIG_RULES,
  CONFIG_SOURCE,
  ConfigRuleDefinition,
  complianceDetectionId,
} from "./configRules";

const AWS_CONFIG = "aws-config" as EventOrigin;

/** The pattern of a rule's NON_COMPLIANT compliance changes (rule matched by its name suffix). */
export function nonCompliantPattern(key: string): Record<string, unknown> {
  return {
    source: [CONFIG_SOURCE],
    "detail-type": [COMPLIANCE_CHANGE],
    detail: {
      messageType: ["ComplianceChangeNotification"],
      configRuleName: [{ suffix: `-${key}` }],
      newEvaluationResult: { complianceType: ["NON_COMPLIANT"] },
    },
  };
}

/** The compliance-change detection of one Config rule. */
export function complianceDetection(rule: ConfigRuleDefinition): Detection {
  return {
    id: complianceDetectionId(rule.key),
    title: `AWS Config: ${rule.title}`,
    description: `${rule.description} Reported by AWS Config rule ${rule.identifier}: the problem existed before the stack, or drifted without a live event this stack saw.`,
    severity: rule.severity,
    references: { cis: [...rule.controls], mitre: [...rule.mitre] },
    eventPattern: nonCompliantPattern(rule.key),
    message: {
      // The rule's key, not the deployed name (which carries the stack prefix), and Config's
      // annotation on its own line ("AWS Config says: ..."): the subject stays under 100
      // characters for a KMS key id.
      subject: `pre-existing or drifted: <resourceId> fails ${rule.key}`,
      resource: "<resourceType> <resourceId>",
      body: [
        rule.liveDetections.length > 0
          ? `If a live alert (${rule.liveDetections.join(", ")}) about this resource came minutes ago, this is AWS Config evaluating the same change: the remediation does not act or report twice.`
          : "AWS Config evaluates this periodically: no live event announces it.",
        rule.remediation
          ? "The remediation reads the resource as it is now and undoes every unsafe part; a resolution message follows."
          : "Fix it by hand; AWS Config sends a resolution once the resource passes the rule again.",
      ].join("\n"),
    },
    remediation: rule.remediation,
    origin: AWS_CONFIG,
  };
}

export const COMPLIANCE_DETECTIONS: readonly Detection[] = CONFIG_RULES.map(complianceDetection);
