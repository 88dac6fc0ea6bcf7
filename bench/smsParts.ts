/**
 * How many SMS parts one critical alert takes (part of figure 6). SNS splits an SMS message longer
 * than 140 bytes into parts and bills each part as one message
 * (https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html). The text an SMS
 * subscriber of the `critical` topic receives is the alert the detection rule's input transformer
 * renders, so the figure comes from rendering every critical detection on the real CloudTrail
 * records of the fixtures that it fires on.
 */
import * as fs from "fs";
import * as path from "path";
import { renderAlert } from "../core/alertMessage";
import { CATALOG } from "../core/catalog";
import { toEventBridgeEvent } from "../core/cloudtrailEvent";
import { matchesPattern } from "../core/eventPattern";
import { Severity } from "../core/types";
import { PANTHER_DIR } from "../tests/helpers/fixtures";
import { median } from "./common";

/** SNS bills an SMS message per part of at most this many bytes. */
export const SMS_PART_BYTES = 140;

export function smsParts(text: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(text, "utf8") / SMS_PART_BYTES));
}

export interface CriticalAlertSizes {
  /** Critical detections rendered (those a fixture record fires). */
  readonly alerts: number;
  readonly minBytes: number;
  readonly medianBytes: number;
  readonly maxBytes: number;
  /** Median parts per alert: what the cost model bills per critical alert and number. */
  readonly medianParts: number;
}

/** Renders each critical detection on the first fixture record it fires on, and sizes the SMS. */
export function criticalAlertSizes(dir = PANTHER_DIR): CriticalAlertSizes {
  const events = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((f) => {
      const doc = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as {
        tests?: { event: unknown }[];
      };
      return (doc.tests ?? []).flatMap((t) => {
        try {
          return [toEventBridgeEvent(t.event)];
        } catch {
          return [];
        }
      });
    });
  const bytes: number[] = [];
  for (const detection of CATALOG.filter((d) => d.severity === Severity.Critical)) {
    const event = events.find((e) => matchesPattern(detection.eventPattern, e));
    if (event !== undefined) {
      bytes.push(Buffer.byteLength(renderAlert(detection, event).message, "utf8"));
    }
  }
  if (bytes.length === 0) {
    throw new Error(`no critical detection fires on a record of ${dir}`);
  }
  return {
    alerts: bytes.length,
    minBytes: Math.min(...bytes),
    medianBytes: median(bytes),
    maxBytes: Math.max(...bytes),
    medianParts: median(bytes.map((b) => Math.ceil(b / SMS_PART_BYTES))),
  };
}
