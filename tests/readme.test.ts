import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { catalogTable, thresholdTable } from "../scripts/catalogTable";

const ROOT = path.resolve(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("README", () => {
  it("holds the detection table of the catalog as it is", () => {
    const match = readme.match(/<!-- catalog:start -->\n([\s\S]*?)\n<!-- catalog:end -->/);
    expect(match, "catalog markers").to.not.equal(null);
    expect(match![1]).to.equal(catalogTable());
  });

  it("holds the threshold detection table as it is", () => {
    const match = readme.match(/<!-- thresholds:start -->\n([\s\S]*?)\n<!-- thresholds:end -->/);
    expect(match, "thresholds markers").to.not.equal(null);
    expect(match![1]).to.equal(thresholdTable());
  });

  it("names only npm scripts that exist", () => {
    const named = [...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]);
    expect(named).to.include.members(["drill", "preview", "detect", "bench", "lint", "build"]);
    for (const script of named) {
      expect(pkg.scripts, script).to.have.property(script);
    }
    expect(readme).to.contain("npm test");
    expect(pkg.scripts.test).to.match(/^mocha /);
  });

  it("is the test command that CI runs", () => {
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    expect(ci).to.match(/^npm ci\b/m);
    expect(ci).to.match(/^npm test$/m);
  });
});
