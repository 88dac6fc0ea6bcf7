/**
 * Discovery (MITRE ATT&CK TA0007): a leaked key tested by a secret scanner, and the checks that
 * come before SES spam. Enumeration bursts are counted per principal by the threshold detections
 * (core/thresholds.ts).
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { succeededCall } from "./common";

export const DISCOVERY: readonly Detection[] = [
  {
    id: "key-tested-by-secret-scanner",
    title: "Credentials tested by a secret scanner",
    description:
      "GetCallerIdentity with the user agent of a secret scanner (TruffleHog): the key was found somewhere public and someone checked that it works.",
    severity: Severity.Critical,
    references: { mitre: ["T1087.004", "T1552.001"] },
    eventPattern: succeededCall("sts", ["GetCallerIdentity"], {
      userAgent: [{ prefix: { "equals-ignore-case": "trufflehog" } }],
    }),
    message: {
      subject: "Access key tested by a secret scanner from <sourceIp>",
      resource: "access key <accessKeyId>",
      body: "Treat the key as leaked: deactivate it, find where it was published, and review what it did.",
      fields: { accessKeyId: "detail.userIdentity.accessKeyId" },
    },
    global: true,
    includeReadOnlyEvents: true,
  },
  {
    id: "ses-sending-recon",
    title: "SES sending limits or identities checked",
    description:
      "GetSendQuota, GetAccountSendingEnabled, ListIdentities or GetIdentityVerificationAttributes by a principal (AWS services such as Trusted Advisor excluded): what a spammer checks with a stolen key before sending.",
    severity: Severity.Medium,
    references: { mitre: ["T1526"] },
    eventPattern: succeededCall(
      "ses",
      [
        "GetSendQuota",
        "GetAccountSendingEnabled",
        "ListIdentities",
        "GetIdentityVerificationAttributes",
      ],
      { sourceIPAddress: [{ "anything-but": { suffix: ".amazonaws.com" } }] },
    ),
    message: {
      subject: "SES <eventName> by <principalType> from <sourceIp>",
      resource: "<principal>",
      body: "If this principal never sends mail, treat its key as stolen.",
    },
    includeReadOnlyEvents: true,
  },
];
