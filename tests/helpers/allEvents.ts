/**
 * Every event the repository holds for detection tests: the Panther CloudTrail records (wrapped
 * as EventBridge delivers them), the reviewed variants and the non-CloudTrail samples.
 */
import * as fs from "fs";
import * as path from "path";
import { toEventBridgeEvent } from "../../core/cloudtrailEvent";
import { EVENT_SAMPLES, PANTHER_DIR, VARIANTS } from "./detectionSamples";

export interface NamedEvent {
  readonly name: string;
  readonly event: Record<string, unknown>;
}

export function allEvents(): NamedEvent[] {
  const out: NamedEvent[] = [];
  for (const file of fs.readdirSync(PANTHER_DIR).filter((f) => f.endsWith(".json"))) {
    const document = JSON.parse(fs.readFileSync(path.join(PANTHER_DIR, file), "utf8"));
    for (const test of document.tests as { name: string; event: Record<string, unknown> }[]) {
      if (typeof test.event.eventSource !== "string") continue;
      out.push({
        name: `${file}/${test.name}`,
        event: toEventBridgeEvent(test.event) as unknown as Record<string, unknown>,
      });
    }
  }
  for (const v of VARIANTS) {
    out.push({
      name: `variant/${v.name}`,
      event: toEventBridgeEvent(v.record) as unknown as Record<string, unknown>,
    });
  }
  for (const s of EVENT_SAMPLES) {
    out.push({ name: `event/${s.name}`, event: s.event as Record<string, unknown> });
  }
  return out;
}
