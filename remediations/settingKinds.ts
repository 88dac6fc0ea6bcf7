/**
 * Setting shapes that remediation specs share (`remediations/<id>/spec.ts` `settings`): each
 * validates one value and names the key the user wrote. Plain functions over plain data.
 */
import { isKmsKeyArn, KMS_KEY_ARN } from "../core/validation";
import type { SettingSpec } from "./spec";

const json = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** A list whose elements each pass `element` (undefined: valid). */
function listOf(
  expected: string,
  element: (v: unknown) => boolean,
  elementWords: string,
): (value: unknown, key: string) => string | undefined {
  return (value, key) => {
    if (!Array.isArray(value)) return `${key}: expected ${expected}, got ${json(value)}`;
    const bad = value.findIndex((v) => !element(v));
    return bad < 0 ? undefined : `${key}[${bad}]: ${json(value[bad])} is not ${elementWords}`;
  };
}

/** Ports (0-65535). */
export function portList(doc: string): SettingSpec {
  const expected = "a list of port numbers";
  return {
    doc,
    default: [],
    expected,
    check: listOf(
      expected,
      (p) => Number.isInteger(p) && (p as number) >= 0 && (p as number) <= 65535,
      "a port (0-65535)",
    ),
  };
}

/** 12-digit AWS account ids. */
export function accountIdList(doc: string): SettingSpec {
  const expected = "a list of 12-digit account ids";
  return {
    doc,
    default: [],
    expected,
    check: listOf(
      expected,
      (a) => typeof a === "string" && /^\d{12}$/.test(a),
      "a 12-digit account id",
    ),
  };
}

/** ARNs of one service and resource type (`arn:<partition>:<service>:...:<resource>/...`); may hold Outputs. */
export function arnList(doc: string, service: string, resource: string): SettingSpec {
  const expected = `a list of ${service} ${resource} ARNs`;
  const pattern = new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:${resource}/\\S+$`);
  return {
    doc,
    default: [],
    expected,
    outputs: true,
    check: listOf(
      expected,
      (a) => typeof a === "string" && pattern.test(a),
      `a ${service} ${resource} ARN (arn:<partition>:${service}:<region>:<account>:${resource}/...)`,
    ),
  };
}

/** AWS Organizations ids (`o-` and 10 to 32 lower-case letters or digits). */
export function organizationIdList(doc: string): SettingSpec {
  const expected = "a list of organization ids (o-...)";
  return {
    doc,
    default: [],
    expected,
    check: listOf(
      expected,
      (o) => typeof o === "string" && /^o-[a-z0-9]{10,32}$/.test(o),
      "an organization id (o-...)",
    ),
  };
}

/** KMS key ARNs, by the one rule the components use (core/validation.ts `isKmsKeyArn`); may hold Outputs. */
export function kmsKeyArnList(doc: string): SettingSpec {
  const expected = "a list of KMS key ARNs";
  return {
    doc,
    default: [],
    expected,
    outputs: true,
    check: listOf(expected, (a) => typeof a === "string" && isKmsKeyArn(a), KMS_KEY_ARN.expected),
  };
}
