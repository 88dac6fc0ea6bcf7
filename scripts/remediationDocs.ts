/**
 * `npm run remediation-docs`: writes docs/reference/remediations.md from the registry
 * (remediations/docs.ts). `-- --check` fails when the file differs from a fresh generation.
 */
import * as fs from "fs";
import * as path from "path";
import { remediationDocs } from "../remediations/docs";

export const REMEDIATION_DOCS_FILE = path.resolve(
  __dirname,
  "..",
  "docs",
  "reference",
  "remediations.md",
);

function main(): void {
  const text = remediationDocs();
  if (process.argv.includes("--check")) {
    const committed = fs.existsSync(REMEDIATION_DOCS_FILE)
      ? fs.readFileSync(REMEDIATION_DOCS_FILE, "utf8")
      : "";
    if (committed !== text) {
      console.error(
        "docs/reference/remediations.md is stale: run `npm run remediation-docs` and commit it",
      );
      process.exit(1);
    }
    console.log("docs/reference/remediations.md is up to date");
    return;
  }
  fs.mkdirSync(path.dirname(REMEDIATION_DOCS_FILE), { recursive: true });
  fs.writeFileSync(REMEDIATION_DOCS_FILE, text);
  console.log(`wrote ${path.relative(process.cwd(), REMEDIATION_DOCS_FILE)}`);
}

if (require.main === module) main();
