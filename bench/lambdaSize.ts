/**
 * Size of each remediation function's code as Pulumi would upload it (figure 3): the serialized
 * `__index.js` of the `aws.lambda.CallbackFunction` archive, and the number of archive entries
 * (target: the handler alone), read from the mocked build of the default stack.
 */
import { Archives, Figure, table } from "./common";

/** The most `__index.js` may weigh, bytes. */
export const INDEX_LIMIT_BYTES = 16 * 1024;

export interface ArchiveRow {
  readonly fn: string;
  readonly bytes: number;
  readonly entries: number;
  readonly pass: boolean;
}

/** One row per function: UTF-8 size of `__index.js`, entry count, and whether both targets hold. */
export function archiveRows(archives: Archives, limit: number = INDEX_LIMIT_BYTES): ArchiveRow[] {
  return Object.entries(archives)
    .map(([fn, archive]) => {
      const bytes = Buffer.byteLength(archive.indexText, "utf8");
      return {
        fn,
        bytes,
        entries: archive.entries.length,
        pass: bytes <= limit && archive.entries.length === 1,
      };
    })
    .sort((a, b) => a.fn.localeCompare(b.fn));
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

export function runLambdaSize(archives: Archives, print: (line: string) => void): Figure[] {
  const rows = archiveRows(archives);
  print(
    "Method: the default stack (Pulumi.dev.yaml) built under mocks in a fresh process; for each aws:lambda/function:Function, " +
      "`await inputs.code.assets` then the text of `__index.js` (UTF-8 bytes) and the number of archive entries.",
  );
  print(
    table(
      ["function", "__index.js", "entries", "target", "verdict"],
      rows.map((r) => [
        r.fn,
        kb(r.bytes),
        String(r.entries),
        `<= ${kb(INDEX_LIMIT_BYTES)}, 1 entry`,
        r.pass ? "PASS" : "MISS",
      ]),
    ),
  );
  const largest = rows.reduce((a, b) => (b.bytes > a.bytes ? b : a), rows[0]);
  const smallest = rows.reduce((a, b) => (b.bytes < a.bytes ? b : a), rows[0]);
  const maxEntries = Math.max(...rows.map((r) => r.entries));
  return [
    {
      name: `Lambda __index.js size (${rows.length} functions)`,
      figure: `${kb(smallest.bytes)} - ${kb(largest.bytes)} (largest ${largest.fn.replace(/^remediate-|-fn$/g, "")})`,
      target: `<= ${kb(INDEX_LIMIT_BYTES)}`,
      pass: rows.every((r) => r.bytes <= INDEX_LIMIT_BYTES),
    },
    {
      name: "Lambda archive entries",
      figure: `max ${maxEntries}`,
      target: "1 (handler alone)",
      pass: maxEntries === 1,
    },
  ];
}
