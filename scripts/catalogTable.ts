/**
 * The README's table of detections, generated from the catalog (`npm run catalog` prints it; a
 * test checks that the README holds exactly this table).
 */
import { CATALOG } from "../core/catalog";

export function catalogTable(): string {
  const rows = CATALOG.map((d) => {
    const refs = [...(d.references.cis ?? []), ...(d.references.mitre ?? [])].join(", ");
    const remediation = d.remediation ? `\`${d.remediation}\`` : "alert only";
    return `| \`${d.id}\` | ${d.title} | ${d.severity} | ${remediation} | ${d.global ? "yes" : ""} | ${refs} |`;
  });
  return [
    "| id | what | severity | remediation | global | references |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

if (require.main === module) {
  console.log(catalogTable());
}
