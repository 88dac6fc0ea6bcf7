/**
 * The tables of detections, generated from the catalogs (`npm run catalog` prints them;
 * `npm run docs` writes them into docs/detections.md): the event detections
 * (core/catalog.ts, one EventBridge rule each) and the threshold detections per principal or
 * source (core/thresholds.ts, one Contributor Insights rule and alarm each).
 */
import { CATALOG } from "../core/catalog";
import { THRESHOLD_CATALOG } from "../core/thresholds";

export function catalogTable(): string {
  const rows = CATALOG.map((d) => {
    const cis = (d.references.cis ?? []).join(", ");
    const mitre = (d.references.mitre ?? []).join(", ");
    const remediation = d.remediation ? `\`${d.remediation}\`` : "alert only";
    return `| \`${d.id}\` | ${d.title} | ${d.severity} | ${remediation} | ${d.global ? "yes" : ""} | ${mitre} | ${cis} |`;
  });
  return [
    "| id | what | severity | remediation | global | MITRE ATT&CK | CIS / Security Hub |",
    "|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function thresholdTable(): string {
  const rows = THRESHOLD_CATALOG.map(
    (d) =>
      `| \`${d.id}\` | ${d.title} | ${d.per} | ${d.threshold} in ${d.periodSeconds / 60} min | ${d.severity} | ${d.mitre.join(", ")} |`,
  );
  return [
    "| id | what | counted per | default limit | severity | MITRE ATT&CK |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** Detections per severity and per remediation, for the summary line. */
export function catalogSummary(): string {
  const remediated = CATALOG.filter((d) => d.remediation).length;
  const remediations = new Set(CATALOG.map((d) => d.remediation).filter(Boolean)).size;
  return `${CATALOG.length} event detections (${remediated} wired to ${remediations} remediations) and ${THRESHOLD_CATALOG.length} threshold detections.`;
}

if (require.main === module) {
  console.log(catalogSummary());
  console.log("");
  console.log(catalogTable());
  console.log("");
  console.log("Threshold detections (Contributor Insights, per principal or source):");
  console.log("");
  console.log(thresholdTable());
}
