/**
 * Restart audit logging: StopLogging -> StartLogging; PutEventSelectors that stops write
 * management events -> put them back.
 *
 * Calls, in the trail's home region (from its ARN): the state first, GetTrailStatus for
 * StopLogging (logging again: already safe) or GetEventSelectors for selectors (management events
 * logged again: already safe; the current selectors are kept, so data event selectors are not
 * clobbered); then ListTags on the trail (exemption); then StartLogging, or PutEventSelectors
 * with one management-event selector added to the current ones.
 */
import type { RemediationId } from "../../core/types";
import {
  type Json,
  type Plan,
  isObject,
  accountOf,
  partitionOf,
  readCloudTrail,
  REGION,
  str,
  tagMap,
} from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export interface RestartAuditLoggingSettings extends RemediationSettings {
  /** Management events to restore when selectors were emptied. @default "All" */
  restoreReadWriteType?: "All" | "WriteOnly";
}

export interface TrailTarget {
  trailArn: string;
  action: "start-logging" | "restore-selectors";
}

/** True when some selector logs write management events (basic or advanced selectors). */
export function logsWriteManagementEvents(basic: unknown, advanced: unknown): boolean {
  const b = Array.isArray(basic) ? basic : [];
  const a = Array.isArray(advanced) ? advanced : [];
  const basicOk = b.some((sel) => {
    if (!isObject(sel)) return false;
    const on = sel.includeManagementEvents ?? sel.IncludeManagementEvents ?? true;
    const rw = sel.readWriteType ?? sel.ReadWriteType ?? "All";
    return on === true && rw !== "ReadOnly";
  });
  const advancedOk = a.some((sel) => {
    if (!isObject(sel)) return false;
    const fields = (sel.fieldSelectors ?? sel.FieldSelectors) as unknown;
    const fs = Array.isArray(fields) ? fields.filter(isObject) : [];
    const field = (name: string) => fs.find((f) => (f.field ?? f.Field) === name);
    const category = field("eventCategory");
    const readOnly = field("readOnly");
    const equals = (f: Json | undefined) => (f ? ((f.equals ?? f.Equals) as unknown) : undefined);
    return (
      Array.isArray(equals(category)) &&
      (equals(category) as unknown[]).includes("Management") &&
      !(Array.isArray(equals(readOnly)) && (equals(readOnly) as unknown[]).join() === "true")
    );
  });
  return basicOk || advancedOk;
}

/** `trail/<name>`: 3-128 letters, digits, `.`, `_`, `-`, starting and ending with a letter or digit. */
const TRAIL_RESOURCE = /^trail\/[A-Za-z0-9][\w.-]{1,126}[A-Za-z0-9]$/;

export function planRestartAuditLogging(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<TrailTarget> {
  const facts = readCloudTrail(event, settings, "cloudtrail.amazonaws.com", [
    "StopLogging",
    "PutEventSelectors",
  ]);
  if ("kind" in facts) return facts;
  const req = facts.request;
  const nameOrArn =
    facts.eventName === "StopLogging"
      ? str(req.name)
      : (str(facts.response.trailARN) ?? str(req.trailName));
  if (!nameOrArn) return { kind: "reject", reason: `${facts.eventId}: no trail name` };
  const trailArn = nameOrArn.startsWith("arn:")
    ? nameOrArn
    : `arn:${partitionOf(facts.principal)}:cloudtrail:${facts.region}:${facts.account}:trail/${nameOrArn}`;
  const [, partition, service, region, , resource] = trailArn.split(":");
  if (
    trailArn.split(":").length !== 6 ||
    !/^aws[a-z-]*$/.test(partition) ||
    service !== "cloudtrail" ||
    !REGION.test(region) ||
    !TRAIL_RESOURCE.test(resource ?? "")
  ) {
    const shown = nameOrArn.slice(0, 100);
    return { kind: "reject", reason: `${facts.eventId}: ${shown} is not a trail name or ARN` };
  }
  if (accountOf(trailArn) !== facts.account) {
    const reason = `${facts.eventId}: trail ${trailArn} is not in the event's account ${facts.account}`;
    return { kind: "reject", reason };
  }
  const plan = (action: TrailTarget["action"], found: string): Plan<TrailTarget> => ({
    kind: "act",
    facts,
    resource: trailArn,
    found,
    target: { trailArn, action },
    consoleUrl: `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/trails/${encodeURIComponent(trailArn)}`,
  });
  if (facts.eventName === "StopLogging") return plan("start-logging", "logging stopped");
  if (req.eventSelectors === undefined && req.advancedEventSelectors === undefined) {
    return { kind: "reject", reason: `${facts.eventId}: PutEventSelectors without selectors` };
  }
  if (logsWriteManagementEvents(req.eventSelectors, req.advancedEventSelectors)) {
    const reason = "the new selectors still log write management events";
    return { kind: "ignore", facts, resource: trailArn, reason };
  }
  return plan("restore-selectors", "stopped logging management events");
}

/** Selectors to put: the current ones plus one that logs management events. */
export function restoredSelectors(
  current: { EventSelectors?: Json[]; AdvancedEventSelectors?: Json[] },
  readWrite: "All" | "WriteOnly",
): Json {
  const advanced = current.AdvancedEventSelectors ?? [];
  if (advanced.length > 0) {
    const fields: Json[] = [{ Field: "eventCategory", Equals: ["Management"] }];
    if (readWrite === "WriteOnly") fields.push({ Field: "readOnly", Equals: ["false"] });
    return {
      AdvancedEventSelectors: [...advanced, { Name: "Management events", FieldSelectors: fields }],
    };
  }
  const basic = current.EventSelectors ?? [];
  const management = { ReadWriteType: readWrite, IncludeManagementEvents: true };
  // At most 5 basic selectors: with 5, turn management events on in the first one.
  return {
    EventSelectors:
      basic.length >= 5
        ? [{ ...basic[0], ...management, ReadWriteType: "All" }, ...basic.slice(1)]
        : [management, ...basic],
  };
}

export function createRestartAuditLoggingHandler(
  settings: RestartAuditLoggingSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("restart-audit-logging", settings);
  const readWrite = s.restoreReadWriteType ?? "All";
  if (readWrite !== "All" && readWrite !== "WriteOnly") {
    throw new Error(
      "restart-audit-logging: invalid settings: restoreReadWriteType must be All or WriteOnly",
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ct: typeof import("@aws-sdk/client-cloudtrail") = require("@aws-sdk/client-cloudtrail");

  return makeHandler<TrailTarget>(s, {
    id: "restart-audit-logging" as RemediationId,
    plan: (event) => planRestartAuditLogging(event, s),
    gone: ["TrailNotFoundException", "CloudTrailARNInvalidException"],

    async inspect({ trailArn: arn, action }, { client }) {
      const c = client(ct.CloudTrailClient, arn.split(":")[3]);
      let selectors: Json | undefined;
      if (action === "start-logging") {
        const status = await c.send(new ct.GetTrailStatusCommand({ Name: arn }));
        if (status.IsLogging) return { done: "already-safe", message: "The trail is logging." };
      } else {
        const current = await c.send(new ct.GetEventSelectorsCommand({ TrailName: arn }));
        if (logsWriteManagementEvents(current.EventSelectors, current.AdvancedEventSelectors)) {
          const message = "The trail logs management events again.";
          return { done: "already-safe", message };
        }
        selectors = restoredSelectors(
          current as Parameters<typeof restoredSelectors>[0],
          readWrite,
        );
      }
      const tags = await c.send(new ct.ListTagsCommand({ ResourceIdList: [arn] }));
      return {
        tags: tagMap(tags.ResourceTagList?.[0]?.TagsList),
        state: selectors ? "no selector logs write management events" : "not logging",
        after: selectors ? "management events logged" : "logging",
        actions: [
          selectors
            ? `PutEventSelectors ${arn} ${JSON.stringify(selectors)}`
            : `StartLogging ${arn}`,
        ],
        async apply() {
          if (!selectors) {
            await c.send(new ct.StartLoggingCommand({ Name: arn }));
            return `Logging restarted on ${arn}.`;
          }
          await c.send(new ct.PutEventSelectorsCommand({ TrailName: arn, ...selectors }));
          return `Management events (${readWrite}) restored on ${arn}.`;
        },
      };
    },
  });
}
