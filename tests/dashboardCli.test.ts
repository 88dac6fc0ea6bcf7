/**
 * `npm run dashboard`: the picture goes to `.drill/` unless `--out` says where (never the tracked
 * docs/ unasked), and the PNG is drawn by resvg from npm with the packaged fonts (no system
 * package, no system font).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { outputDir, rasterize, renderPng } from "../scripts/renderDashboard";

const ROOT = path.resolve(__dirname, "..");

describe("npm run dashboard", function () {
  this.timeout(300_000);

  it("writes to .drill/ by default, to --out when given", () => {
    expect(outputDir([])).to.equal(path.join(ROOT, ".drill"));
    expect(outputDir(["--out", "docs"])).to.equal(path.resolve("docs"));
    expect(() => outputDir(["--out"])).to.throw("--out needs a folder, e.g. --out docs");
    expect(() => outputDir(["--out", "--stack"])).to.throw("--out needs a folder, e.g. --out docs");
  });

  it("draws text with the packaged fonts: a PNG of the SVG's size with dark glyph pixels", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#fff"/>' +
      '<text x="4" y="28" font-family="DejaVu Sans" font-size="24" fill="#000">Alert</text></svg>';
    const png = renderPng(svg);
    expect([...png.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).to.equal(120);
    expect(png.readUInt32BE(20)).to.equal(40);
    const { pixels } = rasterize(svg);
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 100) dark += 1;
    // "Alert" at 24 px covers a few hundred pixels; no font at all would leave none.
    expect(dark).to.be.above(100);
    const blank = rasterize(svg.replace(">Alert<", "><"));
    expect([...blank.pixels].every((v) => v === 255)).to.equal(true);
  });

  it("leaves docs/ untouched and writes both pictures where --out says", () => {
    const tracked = ["dashboard.svg", "dashboard.png"].map((f) => path.join(ROOT, "docs", f));
    const before = tracked.map((f) => fs.statSync(f).mtimeMs);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "asw-dashboard-"));
    try {
      const printed = execFileSync(
        process.execPath,
        [
          require.resolve("ts-node/dist/bin"),
          "--transpile-only",
          "scripts/renderDashboard.ts",
          "--out",
          out,
        ],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: "/usr/bin:/bin" } },
      );
      expect(printed).to.match(/^wrote .*dashboard\.svg and .*dashboard\.png from /);
      const png = fs.readFileSync(path.join(out, "dashboard.png"));
      expect(png.subarray(1, 4).toString()).to.equal("PNG");
      expect(fs.readFileSync(path.join(out, "dashboard.svg"), "utf8")).to.match(/^<svg /);
      expect(tracked.map((f) => fs.statSync(f).mtimeMs)).to.deep.equal(before);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
