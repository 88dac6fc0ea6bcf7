/**
 * The package as a user gets it: `npm pack` of this repository (which builds dist/ through the
 * `prepare` script), the tarball installed by npm into an empty folder, and a small program there
 * that imports "aws-security-watch" from node_modules, builds the alert topics, the watcher and
 * the remediator under Pulumi mocks, and reads back every function's uploaded archive.
 *
 * The Pulumi SDKs are the package's peers: the folder links them from this repository's
 * node_modules (the registry install of @pulumi/aws alone takes minutes); the package itself comes
 * from the tarball only.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REMEDIATION_IDS } from "../core/types";

const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** The user's program: mocks, the three components, and a report of each function's archive. */
const PROGRAM = `
const Module = require("module");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const resources = [];
const ARN_PREFIX = { "aws:iam/role:Role": "arn:aws:iam::123456789012:role/", "aws:lambda/function:Function": "arn:aws:lambda:eu-west-1:123456789012:function:", "aws:kms/key:Key": "arn:aws:kms:eu-west-1:123456789012:key/" };
const arnOf = (type, name) => (ARN_PREFIX[type] ?? "arn:aws:" + type.split(":")[1].split("/")[0] + ":eu-west-1:123456789012:") + name;
pulumi.runtime.setMocks(
  {
    newResource(args) {
      resources.push(args);
      const name = args.inputs.name ?? args.name;
      return {
        id: args.name + "-id",
        state: { ...args.inputs, name, arn: arnOf(args.type, name), url: "https://mock/" + name },
      };
    },
    call(args) {
      if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: "123456789012", arn: "arn:aws:iam::123456789012:user/u", userId: "U", id: "123456789012" };
      if (args.token === "aws:index/getRegion:getRegion") return { name: "eu-west-1", region: "eu-west-1", id: "eu-west-1" };
      if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      throw new Error("Mock not implemented: " + args.token);
    },
  },
  "user-program",
  "dev",
  false,
);
const asw = require("aws-security-watch");
const topics = new asw.AlertTopicSet("alerts", {});
const watcher = new asw.SecurityRuleWatcher("watch", { alertTopicArns: topics.alertTopicArns, homeRegion: "eu-west-1" });
new asw.AutoRemediator("fix", {
  resolutionTopicArn: topics.resolutionTopicArn,
  failureAlarmTopicArn: topics.alertTopicArns.high,
  watcher,
  defaultMode: asw.RemediationMode.Enforce,
});
(async () => {
  await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
  const report = { resolvedFrom: require.resolve("aws-security-watch"), functions: {} };
  for (const r of resources.filter((r) => r.type === "aws:lambda/function:Function")) {
    const assets = await r.inputs.code.assets;
    const entries = Object.keys(assets);
    const text = await assets["__index.js"].text;
    // The function's environment, as Lambda sets it before the module loads.
    Object.assign(process.env, r.inputs.environment.variables);
    // Loaded as Lambda would load it: a module in a folder with nothing beside it.
    // The runtime provides Node's own modules and the AWS SDK v3, nothing else.
    const m = new Module("/var/task/__index.js");
    m.filename = "/var/task/__index.js";
    m.paths = [];
    m.require = (id) => {
      if (Module.isBuiltin(id)) return require(id);
      if (id.startsWith("@aws-sdk/")) return require(require.resolve(id, { paths: [process.env.LAMBDA_RUNTIME_SDK] }));
      throw new Error("the Lambda runtime does not provide " + id);
    };
    m._compile(text, m.filename);
    report.functions[r.name] = { entries, handler: typeof m.exports.handler, bytes: text.length };
  }
  console.log(JSON.stringify(report));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/**
 * Pulumi's own `aws-typescript` template (pulumi/templates, aws-typescript/): its tsconfig.json
 * as it is (strict, no skipLibCheck, no include: every .ts file of the folder and every
 * declaration they reach is checked) and its package.json dependencies.
 */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
};
const TEMPLATE_DEPENDENCIES = { "@pulumi/pulumi": "latest", "@pulumi/aws": "latest" };
const TEMPLATE_DEV_DEPENDENCIES = { "@types/node": "latest" };

/** The README's TypeScript example program (its section "A short example (TypeScript)"). */
function readmeProgram(): string {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.indexOf("## A short example (TypeScript)");
  const block = section < 0 ? null : /```ts\n([\s\S]*?)```/.exec(readme.slice(section));
  if (!block) throw new Error('README: no section "A short example (TypeScript)" with a ts block');
  return block[1];
}

/** A unit test of the README program as a user writes one, with the package's testing mocks. */
const UNIT_TEST = `import { MockedResource, setSecurityWatchMocks, settled } from "aws-security-watch/testing";

const created: MockedResource[] = setSecurityWatchMocks({ region: "eu-west-1" });

async function main(): Promise<void> {
  await import("./index");
  await settled();
  const count = (type: string): number => created.filter((r) => r.type === type).length;
  const topics = created.filter((r) => r.type === "aws:sns/topic:Topic");
  console.log(
    JSON.stringify({
      rules: count("aws:cloudwatch/eventRule:EventRule"),
      functions: count("aws:lambda/function:Function"),
      topicArns: topics.map((t) => t.state.arn),
    }),
  );
}
main().catch((error: unknown) => {
  console.error(String(error));
  process.exit(1);
});
`;

/** The same program under the generic mock of most Pulumi examples (invokes answer their inputs). */
const GENERIC_MOCK_TEST = `import * as pulumi from "@pulumi/pulumi";

pulumi.runtime.setMocks(
  {
    newResource: (args: pulumi.runtime.MockResourceArgs) => ({ id: args.name + "_id", state: args.inputs }),
    call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
  },
  "project",
  "test",
  false,
);
pulumi.runtime.setConfig("aws:region", "eu-west-1");
import("./index");
`;

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" },
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe("the packed package, installed the way a user installs it", function () {
  // npm pack runs the build (tsc) through `prepare`: minutes on a busy machine.
  this.timeout(900_000);
  let tmp: string;
  let tarball: string;
  let app: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "asw-pack-"));
    const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", tmp], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = path.join(tmp, packed[0].filename);
    app = path.join(tmp, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify({ name: "user-program", version: "1.0.0", private: true }),
    );
    run(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", "--legacy-peer-deps", tarball],
      app,
    );
    fs.mkdirSync(path.join(app, "node_modules", "@pulumi"), { recursive: true });
    for (const peer of ["pulumi", "aws"]) {
      fs.symlinkSync(
        fs.realpathSync(path.join(ROOT, "node_modules", "@pulumi", peer)),
        path.join(app, "node_modules", "@pulumi", peer),
        "dir",
      );
    }
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("compiles the README program with Pulumi's aws-typescript template (strict, no skipLibCheck)", () => {
    const consumer = path.join(tmp, "consumer");
    fs.mkdirSync(path.join(consumer, "node_modules", "@pulumi"), { recursive: true });
    fs.mkdirSync(path.join(consumer, "node_modules", "@types"), { recursive: true });
    fs.symlinkSync(
      path.join(app, "node_modules", "aws-security-watch"),
      path.join(consumer, "node_modules", "aws-security-watch"),
      "dir",
    );
    for (const dep of [
      ...Object.keys(TEMPLATE_DEPENDENCIES),
      ...Object.keys(TEMPLATE_DEV_DEPENDENCIES),
    ]) {
      fs.symlinkSync(
        fs.realpathSync(path.join(ROOT, "node_modules", dep)),
        path.join(consumer, "node_modules", dep),
        "dir",
      );
    }
    fs.writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({
        name: "consumer",
        main: "bin/index.js",
        devDependencies: TEMPLATE_DEV_DEPENDENCIES,
        dependencies: { ...TEMPLATE_DEPENDENCIES, "aws-security-watch": pkg.version },
      }),
    );
    fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify(TEMPLATE_TSCONFIG));
    fs.writeFileSync(path.join(consumer, "index.ts"), readmeProgram());
    fs.writeFileSync(path.join(consumer, "unit.ts"), UNIT_TEST);
    fs.writeFileSync(path.join(consumer, "generic.ts"), GENERIC_MOCK_TEST);
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    let output = "";
    try {
      output = execFileSync(process.execPath, [tsc, "-p", ".", "--pretty", "false"], {
        cwd: consumer,
        encoding: "utf8",
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).to.equal("");

    // The user's unit test, compiled by the same tsc, runs the program under the testing mocks.
    const report = JSON.parse(
      execFileSync(process.execPath, ["bin/unit.js"], { cwd: consumer, encoding: "utf8" }),
    ) as { rules: number; functions: number; topicArns: string[] };
    expect(report.rules).to.be.above(100);
    expect(report.functions).to.be.at.least(1);
    expect(report.topicArns).to.include("arn:aws:sns:eu-west-1:123456789012:alerts-critical");

    // The generic mock answers getRegion with {}: the watcher fails (why the helper exists).
    let failure = "";
    try {
      execFileSync(process.execPath, ["bin/generic.js"], {
        cwd: consumer,
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr);
    }
    expect(failure).to.contain(
      "the AWS provider deploys to undefined; set homeRegion to undefined",
    );
  });

  it("ships the compiled entry, the lambdas, the licence and the README, and no TypeScript source", () => {
    const installed = path.join(app, "node_modules", "aws-security-watch");
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files.push(path.relative(installed, full));
      }
    };
    walk(installed);
    for (const file of ["dist/lib.js", "dist/lib.d.ts", "LICENSE", "README.md", "package.json"]) {
      expect(files, file).to.include(file);
    }
    const handlers = ["lambdas", "remediations"]
      .flatMap((dir) =>
        (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]).map((f) =>
          path.join(dir, f),
        ),
      )
      // The drill scenarios (remediations/<id>/scenario.ts) are tooling, not the package.
      .filter((f) => f.endsWith(".ts") && !f.endsWith("scenario.ts"))
      .map((f) => `dist/${f.replace(/\.ts$/, ".js")}`);
    expect(files).to.include.members(handlers);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).to.deep.equal([]);
    expect(fs.readFileSync(path.join(installed, "LICENSE"), "utf8")).to.contain(
      "Apache License\n                           Version 2.0, January 2004",
    );
    expect(
      JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")).version,
    ).to.equal(pkg.version);
  });

  it("embeds the sources in every source map, so that stack traces resolve without the .ts files", () => {
    const dist = path.join(app, "node_modules", "aws-security-watch", "dist");
    const maps: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(".js.map")) maps.push(full);
      }
    };
    walk(dist);
    expect(maps.length).to.be.at.least(20);
    for (const file of maps) {
      const map = JSON.parse(fs.readFileSync(file, "utf8")) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(map.sourcesContent, file).to.have.length(map.sources.length);
      const source = path.resolve(path.dirname(file), map.sources[0]);
      const original = path.join(ROOT, path.relative(path.join(dist, ".."), source));
      expect(map.sourcesContent![0], file).to.equal(fs.readFileSync(original, "utf8"));
    }
  });

  it("builds every remediation function from node_modules: each archive is __index.js alone, and it loads", () => {
    fs.writeFileSync(path.join(app, "program.js"), PROGRAM);
    const report = JSON.parse(
      execFileSync(process.execPath, ["program.js"], {
        cwd: app,
        encoding: "utf8",
        env: { ...process.env, LAMBDA_RUNTIME_SDK: path.join(ROOT, "node_modules") },
        maxBuffer: 64 * 1024 * 1024,
      }),
    ) as {
      resolvedFrom: string;
      functions: Record<string, { entries: string[]; handler: string; bytes: number }>;
    };
    expect(report.resolvedFrom).to.equal(
      path.join(fs.realpathSync(app), "node_modules", "aws-security-watch", "dist", "lib.js"),
    );
    const names = Object.keys(report.functions).sort();
    expect(names).to.deep.equal(REMEDIATION_IDS.map((id) => `fix-${id}-fn`).sort());
    for (const name of names) {
      const fn = report.functions[name];
      expect(fn.entries, name).to.deep.equal(["__index.js"]);
      expect(fn.handler, name).to.equal("function");
      expect(fn.bytes, name).to.be.below(200_000);
    }
  });
});
