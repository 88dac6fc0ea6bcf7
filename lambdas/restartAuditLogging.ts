/**
 * Restart audit logging: StopLogging -> StartLogging; PutEventSelectors that stops write
 * management events -> put them back.
 *
 * Calls: ListTags on the trail (exemption); for StopLogging, StartLogging (idempotent, no state
 * read needed); for event selectors, GetEventSelectors (so that a restore made meanwhile, or data
 * event selectors, are not clobbered) then PutEventSelectors that adds one management-event
 * selector and keeps the others. Both are called in the trail's home region (from its ARN).
 */
import type { RemediationId } from "../core/types";
import {
  type EventFacts,
  type Json,
  type Plan,
  type RemediationResult,
  type RemediationSettings,
  clientConfig,
  hasErrorName,
  ignore,
  isObject,
  makeHandler,
  partitionOf,
  perRegion,
  readCloudTrail,
  reject,
  str,
  tagMap,
  validateSettings,
} from "./common";

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
  if (!nameOrArn) return reject(`${facts.eventId}: no trail name`);
  const trailArn = nameOrArn.startsWith("arn:")
    ? nameOrArn
    : `arn:${partitionOf(facts.principal)}:cloudtrail:${facts.region}:${facts.account}:trail/${nameOrArn}`;
  const region = trailArn.split(":")[3];
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
    return reject(`${facts.eventId}: PutEventSelectors without selectors`);
  }
  if (logsWriteManagementEvents(req.eventSelectors, req.advancedEventSelectors)) {
    return ignore(facts, trailArn, "the new selectors still log write management events");
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
  const client = perRegion((region) => new ct.CloudTrailClient(clientConfig(region)));
  const GONE = ["TrailNotFoundException", "CloudTrailARNInvalidException"];
  const gone = {
    outcome: "already-safe" as const,
    actions: [],
    message: "The trail no longer exists.",
  };

  return makeHandler<TrailTarget, Json>(s, {
    id: "restart-audit-logging" as RemediationId,
    plan: (event) => planRestartAuditLogging(event, s),

    async inspect(target, _facts: EventFacts) {
      const c = client(target.trailArn.split(":")[3]);
      try {
        const out = await c.send(new ct.ListTagsCommand({ ResourceIdList: [target.trailArn] }));
        const tags = tagMap(out.ResourceTagList?.[0]?.TagsList);
        if (target.action === "start-logging") return { tags, state: {} };
        const current = await c.send(
          new ct.GetEventSelectorsCommand({ TrailName: target.trailArn }),
        );
        if (
          logsWriteManagementEvents(
            current.EventSelectors?.map((x) => ({ ...x })),
            current.AdvancedEventSelectors?.map((x) => ({ ...x })),
          )
        ) {
          return {
            tags,
            state: {},
            done: { outcome: "already-safe", message: "The trail logs management events again." },
          };
        }
        return { tags, state: current as unknown as Json };
      } catch (err) {
        if (!hasErrorName(err, GONE)) throw err;
        return { state: {}, done: { outcome: "already-safe", message: gone.message } };
      }
    },

    async apply(target, current, _facts, dryRun) {
      const c = client(target.trailArn.split(":")[3]);
      const selectors =
        target.action === "restore-selectors" ? restoredSelectors(current, readWrite) : undefined;
      const actions = selectors
        ? [`PutEventSelectors ${target.trailArn} ${JSON.stringify(selectors)}`]
        : [`StartLogging ${target.trailArn}`];
      const what = selectors ? `management events (${readWrite}) restored` : "logging restarted";
      if (dryRun)
        return {
          outcome: "remediated",
          actions,
          message: `Would have ${what} on ${target.trailArn}.`,
        };
      try {
        await c.send(
          selectors
            ? new ct.PutEventSelectorsCommand({ TrailName: target.trailArn, ...selectors })
            : (new ct.StartLoggingCommand({ Name: target.trailArn }) as never),
        );
      } catch (err) {
        if (!hasErrorName(err, GONE)) throw err;
        return gone;
      }
      return {
        outcome: "remediated",
        actions,
        message: `${what[0].toUpperCase()}${what.slice(1)} on ${target.trailArn}.`,
      };
    },
  });
}
