/**
 * Enable GuardDuty: UpdateDetector with enable false, or with protection plans turned off while
 * the detector stays enabled (`features[].status` / `additionalConfiguration[].status`
 * DISABLED, or the legacy `dataSources` flags false) -> UpdateDetector with Enable true and
 * exactly those plans ENABLED again.
 *
 * Calls: GetDetector (status ENABLED and every plan the event turned off ENABLED again: already
 * safe; its tags decide the exemption), then one UpdateDetector. A detector id is checked
 * against its format before any call.
 */
import type { RemediationId } from "../../core/types";
import { type Plan, isObject, readCloudTrail, str } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export type EnableGuardDutySettings = RemediationSettings;

/** A protection plan the event turned off, and its additional configurations turned off. */
export interface DisabledFeature {
  name: string;
  additional: string[];
}

export interface DetectorTarget {
  detectorId: string;
  /** The event suspended the detector itself. */
  suspended: boolean;
  features: DisabledFeature[];
}

/** A GuardDuty feature or additional-configuration name (`S3_DATA_EVENTS`, `EKS_ADDON_MANAGEMENT`). */
const FEATURE = /^[A-Z0-9_]{1,64}$/;

/**
 * The plans `request` turns off: `features` (with their additional configurations) and the
 * legacy `dataSources` flags, as the feature each now is (S3 logs: S3_DATA_EVENTS; Kubernetes
 * audit logs: EKS_AUDIT_LOGS; malware scans of EBS volumes: EBS_MALWARE_PROTECTION). A string
 * when a name is not a feature name (reject).
 */
export function disabledFeatures(request: Record<string, unknown>): DisabledFeature[] | string {
  const out = new Map<string, Set<string>>();
  const add = (name: string, extra?: string) => {
    const set = out.get(name) ?? new Set<string>();
    if (extra) set.add(extra);
    out.set(name, set);
  };
  for (const f of Array.isArray(request.features) ? request.features : []) {
    if (!isObject(f)) continue;
    const name = str(f.name);
    if (!name || !FEATURE.test(name)) return "a feature name is not a GuardDuty feature name";
    const extras = Array.isArray(f.additionalConfiguration) ? f.additionalConfiguration : [];
    const offExtras = extras.filter((x) => isObject(x) && x.status === "DISABLED");
    for (const x of offExtras) {
      const extra = str((x as Record<string, unknown>).name);
      if (!extra || !FEATURE.test(extra)) return "an additional configuration name is invalid";
      add(name, extra);
    }
    if (f.status === "DISABLED") add(name);
  }
  const ds = isObject(request.dataSources) ? request.dataSources : {};
  const flag = (v: unknown, key: string) => isObject(v) && v[key] === false;
  if (flag(ds.s3Logs, "enable")) add("S3_DATA_EVENTS");
  if (isObject(ds.kubernetes) && flag(ds.kubernetes.auditLogs, "enable")) add("EKS_AUDIT_LOGS");
  const malware = isObject(ds.malwareProtection) ? ds.malwareProtection : {};
  if (flag(malware.scanEc2InstanceWithFindings, "ebsVolumes")) add("EBS_MALWARE_PROTECTION");
  return [...out].map(([name, extras]) => ({ name, additional: [...extras].sort() }));
}

export function planEnableGuardDuty(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<DetectorTarget> {
  const facts = readCloudTrail(event, settings, "guardduty.amazonaws.com", ["UpdateDetector"]);
  if ("kind" in facts) return facts;
  const detectorId = str(facts.request.detectorId);
  if (!detectorId || !/^[a-z0-9]{1,300}$/.test(detectorId)) {
    return { kind: "reject", reason: `${facts.eventId}: no valid detectorId` };
  }
  const features = disabledFeatures(facts.request);
  if (typeof features === "string") {
    return { kind: "reject", reason: `${facts.eventId}: ${features}` };
  }
  const suspended = facts.request.enable === false;
  if (!suspended && features.length === 0) {
    return {
      kind: "ignore",
      facts,
      resource: detectorId,
      reason: "the detector was not disabled and no protection plan was turned off",
    };
  }
  const plans = features.map((f) => f.name).join(", ");
  const r = facts.region;
  return {
    kind: "act",
    facts,
    resource: detectorId,
    found: suspended
      ? `detector suspended${plans ? ` (plans off: ${plans})` : ""}`
      : `protection plans turned off: ${plans}`.slice(0, 200),
    target: { detectorId, suspended, features },
    consoleUrl: `https://${r}.console.aws.amazon.com/guardduty/home?region=${r}#/settings`,
  };
}

export function createEnableGuardDutyHandler(
  settings: EnableGuardDutySettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("enable-guardduty", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const gd: typeof import("@aws-sdk/client-guardduty") = require("@aws-sdk/client-guardduty");

  return makeHandler<DetectorTarget>(s, {
    id: "enable-guardduty" as RemediationId,
    plan: (event) => planEnableGuardDuty(event, s),
    gone: [],

    async inspect({ detectorId, features }, { facts, client }) {
      const c = client(gd.GuardDutyClient, facts.region);
      const detector = await c.send(new gd.GetDetectorCommand({ DetectorId: detectorId }));
      const now = new Map((detector.Features ?? []).map((f) => [f.Name ?? "", f]));
      const stillOff = features
        .map((f) => {
          const current = now.get(f.name);
          const extras = new Map(
            (current?.AdditionalConfiguration ?? []).map((x) => [x.Name ?? "", x.Status]),
          );
          return {
            name: f.name,
            off: current === undefined ? true : current.Status !== "ENABLED",
            additional: f.additional.filter((x) => extras.get(x) !== "ENABLED"),
          };
        })
        .filter((f) => f.off || f.additional.length > 0);
      const enabled = detector.Status === "ENABLED";
      if (enabled && stillOff.length === 0) {
        return {
          done: "already-safe",
          message: `Detector ${detectorId} is enabled${features.length ? ", with the plans the change turned off" : ""}.`,
        };
      }
      const Features = stillOff.map((f) => ({
        Name: f.name as never,
        Status: "ENABLED" as never,
        ...(f.additional.length
          ? {
              AdditionalConfiguration: f.additional.map((x) => ({
                Name: x as never,
                Status: "ENABLED" as never,
              })),
            }
          : {}),
      }));
      const plans = stillOff.map((f) => [f.name, ...f.additional].join("+")).join(", ");
      return {
        tags: new Map(Object.entries(detector.Tags ?? {})),
        state: `detector ${detectorId} ${detector.Status ?? "?"}${plans ? `, plans off: ${plans}` : ""}`,
        after: `detector ${detectorId} ENABLED${plans ? `, plans on: ${plans}` : ""}`,
        actions: [`UpdateDetector ${detectorId} Enable=true${plans ? ` Features=${plans}` : ""}`],
        async apply() {
          await c.send(
            new gd.UpdateDetectorCommand({
              DetectorId: detectorId,
              Enable: true,
              ...(Features.length ? { Features } : {}),
            }),
          );
          return `Enabled GuardDuty detector ${detectorId} again${plans ? ` with its protection plans (${plans})` : ""}.`;
        },
      };
    },
  });
}
