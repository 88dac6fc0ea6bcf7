/**
 * Credential access (MITRE ATT&CK TA0006): secrets, parameters, instance passwords and console
 * sign-in tokens read. Reading one secret is what applications do all day: the single-event
 * detections here are the unusual reads (in bulk, Windows passwords, tokens minted from
 * programmatic keys); the volume per principal is counted by the threshold detections
 * (core/thresholds.ts, Contributor Insights).
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { API_CALL, CONSOLE_SIGN_IN, SUCCEEDED, succeededCall } from "./common";

export const CREDENTIAL_ACCESS: readonly Detection[] = [
  {
    id: "secrets-batch-retrieved",
    title: "Secrets read in bulk",
    description:
      "BatchGetSecretValue: up to 20 secret values in one call, or every secret a filter matches. Applications read their own secret by id; a filter that lists everything is how a stolen key empties Secrets Manager.",
    severity: Severity.High,
    references: { mitre: ["T1555.006"] },
    eventPattern: succeededCall("secretsmanager", ["BatchGetSecretValue"]),
    message: {
      subject: "Secrets read in bulk by <principalType> from <sourceIp> in <region>",
      resource: "filters <filters> ids <secretIds>",
      body: "Find which secrets were returned (the same request id in CloudTrail) and rotate them if the caller is not the application that owns them.",
      fields: {
        filters: "detail.requestParameters.filters",
        secretIds: "detail.requestParameters.secretIdList",
      },
    },
    includeReadOnlyEvents: true,
  },
  {
    id: "ssm-parameters-decrypted-by-path",
    title: "SSM parameters decrypted by path",
    description:
      "GetParametersByPath with decryption: every SecureString under a path, in clear text. Applications read named parameters; a recursive read of a whole tree is credential harvesting.",
    severity: Severity.Medium,
    references: { mitre: ["T1552"] },
    eventPattern: succeededCall("ssm", ["GetParametersByPath"], {
      requestParameters: { withDecryption: [true] },
    }),
    message: {
      subject: "SSM parameters decrypted by path by <principalType> in <region>",
      resource: "<path> recursive <recursive>",
      body: "If the caller is not the workload that owns these parameters, rotate the secrets they hold and review the principal.",
      fields: {
        path: "detail.requestParameters.path",
        recursive: "detail.requestParameters.recursive",
      },
    },
    includeReadOnlyEvents: true,
  },
  {
    id: "ec2-password-data-retrieved",
    title: "EC2 Windows password retrieved",
    description:
      "GetPasswordData: the encrypted Administrator password of a Windows instance was read. With the key pair it opens RDP to the instance.",
    severity: Severity.Medium,
    references: { mitre: ["T1552"] },
    eventPattern: succeededCall("ec2", ["GetPasswordData"]),
    message: {
      subject: "Windows password of <instanceId> retrieved in <region>",
      resource: "<instanceId>",
      body: "If not expected, change the instance's Administrator password and check who holds the key pair.",
      fields: { instanceId: "detail.requestParameters.instanceId" },
    },
    includeReadOnlyEvents: true,
  },
  {
    id: "console-signin-token-from-keys",
    title: "Console sign-in token minted from programmatic credentials",
    description:
      "GetSigninToken on the federation endpoint: temporary keys were turned into a console session, the way attackers get a browser from stolen keys. The IAM Identity Center portal (user agent Jersey) is excluded.",
    severity: Severity.High,
    references: { mitre: ["T1550.001", "T1078.004"] },
    eventPattern: {
      source: ["aws.signin"],
      "detail-type": [API_CALL, CONSOLE_SIGN_IN],
      detail: {
        eventSource: ["signin.amazonaws.com"],
        eventName: ["GetSigninToken"],
        errorCode: SUCCEEDED,
        userAgent: [{ "anything-but": { prefix: "Jersey/" } }],
      },
    },
    message: {
      subject: "Console sign-in token minted from keys from <sourceIp>",
      resource: "<principal>",
      body: "If nobody used a federation broker just now, revoke the role's sessions and rotate the keys the session came from.",
    },
    global: true,
    includeReadOnlyEvents: true,
  },
];
