/**
 * The longest functions of the package's source (not tests): `npm run function-lengths` prints
 * every function, method, constructor and named arrow function longer than `--over` lines
 * (default 120), longest first, and the count.
 *
 *   npm run function-lengths -- [--over 120] [--json]
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** Folders of the package's own source; tests, fixtures and generated files are left out. */
export const SOURCE_DIRS = [
  "components",
  "core",
  "lambdas",
  "remediations",
  "provider",
  "scripts",
  "bench",
];
export const SOURCE_FILES = ["index.ts", "lib.ts", "stack.ts"];

export interface FunctionLength {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(full);
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(root, d));
  for (const f of SOURCE_FILES) if (fs.existsSync(path.join(root, f))) out.push(path.join(root, f));
  return out.sort();
}

function nameOf(node: ts.Node, sf: ts.SourceFile): string | undefined {
  if (ts.isConstructorDeclaration(node)) {
    const cls = node.parent;
    return `${ts.isClassLike(cls) && cls.name ? cls.name.text : "class"}.constructor`;
  }
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) {
    const own = node.name ? node.name.getText(sf) : "(anonymous)";
    const cls = node.parent;
    return ts.isClassLike(cls) && cls.name ? `${cls.name.text}.${own}` : own;
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    const p = node.parent;
    if (ts.isVariableDeclaration(p)) return p.name.getText(sf);
    if (ts.isPropertyAssignment(p)) return p.name.getText(sf);
  }
  return undefined;
}

/** Every named function of `file` with its length in lines. */
export function functionLengths(file: string, root: string): FunctionLength[] {
  const text = fs.readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    const name = nameOf(node, sf);
    if (name) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file: path.relative(root, file), name, line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The functions of the package's source longer than `over` lines, longest first. */
export function longFunctions(root: string, over: number): FunctionLength[] {
  return sourceFiles(root)
    .flatMap((f) => functionLengths(f, root))
    .filter((f) => f.lines > over)
    .sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--over");
  const over = i >= 0 ? Number(args[i + 1]) : 120;
  if (!Number.isInteger(over) || over < 1) {
    console.error("--over takes a whole number of lines, e.g. --over 120");
    process.exit(2);
  }
  const long = longFunctions(process.cwd(), over);
  if (args.includes("--json")) {
    console.log(JSON.stringify(long, null, 2));
  } else {
    for (const f of long)
      console.log(`${String(f.lines).padStart(5)}  ${f.file}:${f.line}  ${f.name}`);
    console.log(`${long.length} function(s) over ${over} lines`);
  }
}
