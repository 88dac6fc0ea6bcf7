/**
 * A clone runs its tests with nothing beside it: no file under tests/, scripts/ or bench/ names a
 * path outside the repository (a relative path that climbs above the root, `__dirname` joined
 * with too many "..", or an absolute path of a machine). `.ci/run` proves it end to end by
 * testing a fresh clone in an empty folder; this is the cheap guard that fails first.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const SCANNED = ["tests", "scripts", "bench"];
const SKIPPED = [path.join("tests", "fixtures"), path.join("bench", "out")];

/** Every reference in `text` (the content of `file`) to a path outside `root`. */
export function outsideReferences(root: string, file: string, text: string): string[] {
  const dir = path.dirname(file);
  const outside = (target: string) => {
    const relative = path.relative(root, target);
    return relative.startsWith("..") || path.isAbsolute(relative);
  };
  const found: string[] = [];
  // A string that starts with "../": relative to the file's folder.
  for (const m of text.matchAll(/(["'`])((?:\.\.\/)+[^"'`\s]*)\1/g)) {
    if (outside(path.resolve(dir, m[2]))) found.push(m[2]);
  }
  // path.join / path.resolve of __dirname and plain string segments.
  for (const m of text.matchAll(
    /path\.(?:join|resolve)\(\s*__dirname((?:\s*,\s*(?:"[^"]*"|'[^']*'))+)/g,
  )) {
    const segments = [...m[1].matchAll(/"([^"]*)"|'([^']*)'/g)].map((s) => s[1] ?? s[2]);
    if (outside(path.resolve(dir, ...segments))) found.push(`__dirname, ${segments.join(", ")}`);
  }
  // Absolute paths of a machine, and the old shared fixture folder.
  for (const m of text.matchAll(
    /(["'`])(\/(?:work|home|Users|root|mnt|srv|opt|var\/lib)\/[^"'`\s]*)\1/g,
  )) {
    found.push(m[2]);
  }
  for (const m of text.matchAll(/shared\/fixtures/g)) found.push(m[0]);
  return found;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (SKIPPED.some((s) => full === path.join(ROOT, s))) continue;
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (/\.(ts|js|mjs|json|sh)$/.test(entry.name)) out.push(full);
  }
  return out;
}

describe("nothing under tests/, scripts/ or bench/ reads outside the repository", () => {
  it("finds the references it exists to find", () => {
    const file = path.join(ROOT, "tests", "helpers", "x.ts");
    const table: [string, string[]][] = [
      [
        `const a = "../../../shared/fixtures/x.json";`,
        ["../../../shared/fixtures/x.json", "shared/fixtures"],
      ],
      [`path.join(__dirname, "..", "..", "..", "shared")`, ["__dirname, .., .., .., shared"]],
      [`path.resolve(__dirname, '../../..')`, ["../../..", "__dirname, ../../.."]],
      [`fs.readFileSync("/work/shared/DESIGN.md")`, ["/work/shared/DESIGN.md"]],
      [`const b = "../../lib"; path.join(__dirname, "..", "fixtures");`, []],
      [`import x from "../mocks";`, []],
    ];
    for (const [text, expected] of table) {
      expect(outsideReferences(ROOT, file, text), text).to.deep.equal(expected);
    }
  });

  it("holds for every file", () => {
    const files = SCANNED.flatMap((d) => filesUnder(path.join(ROOT, d)));
    expect(files.length).to.be.above(20);
    // This file is left out: its table above holds examples on purpose.
    const offenders = files
      .filter((file) => file !== __filename)
      .flatMap((file) =>
        outsideReferences(ROOT, file, fs.readFileSync(file, "utf8")).map(
          (ref) => `${path.relative(ROOT, file)}: ${ref}`,
        ),
      );
    expect(offenders).to.deep.equal([]);
  });
});
