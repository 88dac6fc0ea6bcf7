/**
 * The documents (README.md, CONTRIBUTING.md, docs/) against the code: every generated block is
 * what its generator writes now (`npm run docs -- --check`), no count is typed by hand outside a
 * generated block, the README stays a front door, every command and link they name exists, and
 * the figures they render come from recorded runs.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { GENERATORS, ROOT, documents, render, run } from "../scripts/docs";
import { configReference, configSource, remediationDocs } from "../scripts/docSources";
import { CONFIG_NOTES } from "../scripts/configNotes";
import { REMEDIATION_NOTES } from "../scripts/remediationNotes";

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
/** The text of a document outside its generated blocks. */
const handWritten = (text: string): string =>
  text.replace(/<!-- generated:[a-z0-9-]+ -->\n[\s\S]*?<!-- \/generated -->/g, "");

describe("the documents (npm run docs)", () => {
  it("holds every generated block as its generator writes it now", () => {
    expect(run({ check: true })).to.deep.equal([]);
  });

  it("`npm run docs -- --check` exits 0 on the repository", function () {
    this.timeout(120_000);
    const out = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "scripts/docs.ts", "--check"],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(out.stderr).to.equal("");
    expect(out.status).to.equal(0);
    expect(out.stdout).to.contain("is up to date");
  });

  it("catches a stale block and an unknown one, naming the file and the block", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asw-docs-"));
    try {
      fs.mkdirSync(path.join(dir, "docs"));
      const fresh = render("<!-- generated:thresholds -->\n<!-- /generated -->\n", GENERATORS).text;
      fs.writeFileSync(path.join(dir, "README.md"), fresh);
      fs.writeFileSync(
        path.join(dir, "docs", "detections.md"),
        fresh.replace(/\| 5 in 5 min \|/, "| 7 in 5 min |") +
          "<!-- generated:nope -->\nx\n<!-- /generated -->\n",
      );
      expect(run({ check: true, root: dir })).to.deep.equal([
        { file: "docs/detections.md", block: "thresholds", kind: "stale" },
        { file: "docs/detections.md", block: "nope", kind: "unknown" },
      ]);
      // Writing repairs the stale block and leaves the unknown one for a person.
      run({ check: false, root: dir });
      expect(fs.readFileSync(path.join(dir, "docs", "detections.md"), "utf8")).to.contain(
        "| 5 in 5 min |",
      );
      expect(run({ check: true, root: dir })).to.deep.equal([
        { file: "docs/detections.md", block: "nope", kind: "unknown" },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("types no count of what the code holds outside a generated block", () => {
    const counted =
      /\b\d[\d,]*\s+(?:event detections|detections|remediations|remediation functions|components|EventBridge rules|rules|functions|resources|CIS alarms|threshold detections|managed rules)\b/g;
    const found = documents().flatMap((file) =>
      [...handWritten(read(file)).matchAll(counted)].map((m) => `${file}: "${m[0]}"`),
    );
    expect(found).to.deep.equal([]);
  });

  it("keeps the README a front door of at most 250 lines that links every page of docs/", () => {
    const readme = read("README.md");
    expect(readme.split("\n").length).to.be.at.most(250);
    for (const file of documents().filter((f) => f.startsWith("docs/"))) {
      expect(readme, file).to.contain(`](${file})`);
    }
    expect(readme).to.contain("](CONTRIBUTING.md)");
  });

  it("links only files that exist, and headings of theirs that exist", () => {
    // GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens.
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\w\s-]/g, "")
        .trim()
        .replace(/\s/g, "-");
    const anchors = (file: string) =>
      [...read(file).matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]));
    const broken: string[] = [];
    for (const file of documents()) {
      for (const m of read(file).matchAll(/\]\(([^)#\s]*)(#[^)]*)?\)/g)) {
        const [target, anchor] = [m[1], m[2]];
        if (/^[a-z]+:/.test(target)) continue;
        const linked = target === "" ? file : path.join(path.dirname(file), target);
        if (!fs.existsSync(path.join(ROOT, linked))) {
          broken.push(`${file}: ${target}`);
        } else if (anchor && linked.endsWith(".md") && !anchors(linked).includes(anchor.slice(1))) {
          broken.push(`${file}: ${target}${anchor}`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it("names only files and folders of the repository that exist", () => {
    const top = "components|core|lambdas|remediations|scripts|bench|tests|provider|examples|docs";
    const named = new RegExp(`(?<![\\w/.<-])((?:${top})/[\\w./*-]*[\\w/*])`, "g");
    const missing: string[] = [];
    for (const file of documents()) {
      for (const m of read(file).matchAll(named)) {
        const p = m[1];
        const base = p.replace(/\*.*$/, "");
        const exists = [p, `${p}.ts`].some((c) => fs.existsSync(path.join(ROOT, c)));
        const prefix = () =>
          fs.existsSync(path.join(ROOT, path.dirname(base))) &&
          fs
            .readdirSync(path.join(ROOT, path.dirname(base)))
            .some((f) => f.startsWith(path.basename(base)));
        if (!exists && !(p.includes("*") && prefix())) missing.push(`${file}: ${p}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it("names only npm scripts that exist, and the test command CI runs", () => {
    const named = documents().flatMap((file) =>
      [...read(file).matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]),
    );
    expect(named).to.include.members(["drill", "preview", "detect", "bench", "lint", "docs"]);
    for (const script of named) {
      expect(pkg.scripts, script).to.have.property(script);
    }
    expect(read("README.md")).to.contain("npm test");
    expect(pkg.scripts.test).to.match(/^mocha /);
    expect(pkg.scripts.docs).to.equal("ts-node --transpile-only scripts/docs.ts");
    const ci = read(path.join(".ci", "run"));
    expect(ci).to.match(/^npm ci\b/m);
    expect(ci).to.match(/^npm test$/m);
  });

  it("says what every remediation undoes, and describes only remediations that exist", () => {
    const docs = remediationDocs();
    expect(docs.filter((r) => r.undoes === "").map((r) => r.id)).to.deep.equal([]);
    const ids = docs.map((r) => r.id);
    expect(Object.keys(REMEDIATION_NOTES).filter((id) => !ids.includes(id))).to.deep.equal([]);
  });

  it("describes only configuration keys the stack file has", () => {
    const keys = new Set(configReference().map((r) => r.key));
    const rows = configReference();
    const fields = new Set<string>();
    let current = "";
    for (const r of rows) {
      current = r.key || current;
      fields.add(r.field ? `${current}.${r.field}` : current);
    }
    expect(keys.size).to.be.greaterThan(5);
    // The notes fill in descriptions only for today's core/stackConfig.ts (SecurityWatch's spec
    // describes every key itself).
    const notes = configSource() === "stack-config" ? Object.keys(CONFIG_NOTES) : [];
    expect(notes.filter((k) => !fields.has(k))).to.deep.equal([]);
    expect(rows.filter((r) => r.field !== "" && r.description === "")).to.deep.equal([]);
  });

  it("renders figures only from recorded runs, each naming its command, date and machine", () => {
    const dir = path.join(ROOT, "bench", "results");
    const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files).to.include.members([
      "cost.json",
      "cost-model.json",
      "drill.json",
      "drill-org.json",
    ]);
    for (const file of files) {
      const r = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
      expect(r.part, file).to.equal(file.replace(/\.json$/, ""));
      expect(r.command, file).to.match(/^npm run (bench|drill)\b/);
      expect(Number.isNaN(Date.parse(r.measuredAt)), file).to.equal(false);
      expect(r.node, file).to.match(/^v\d+/);
      expect(r.machine, file).to.match(/CPUs/);
      expect(r.rows, file).to.be.an("array");
    }
    const drill = JSON.parse(fs.readFileSync(path.join(dir, "drill.json"), "utf8"));
    expect(drill.rows.at(-1)).to.match(/^(\d+) of \1 attacks detected, undone/);
    const org = JSON.parse(fs.readFileSync(path.join(dir, "drill-org.json"), "utf8"));
    expect(org.rows.at(-1)).to.match(/^(\d+) of \1 attacks in member accounts/);
  });

  it("shows a TypeScript example in the README that type-checks against lib.ts", function () {
    this.timeout(300_000);
    const blocks = [...read("README.md").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).to.have.length(1);
    // Inside the repository (so that the import resolves), in the gitignored .scratch/.
    fs.mkdirSync(path.join(ROOT, ".scratch"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(ROOT, ".scratch", "readme-"));
    try {
      const file = path.join(dir, "example.ts");
      const lib = path.relative(dir, path.join(ROOT, "lib")).split(path.sep).join("/");
      fs.writeFileSync(file, blocks[0].replace(/from "aws-security-watch"/g, `from "${lib}"`));
      const program = ts.createProgram([file], {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        strict: true,
        noUnusedLocals: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
        types: ["node"],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(problems).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
