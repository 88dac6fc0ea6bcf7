import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { setup, settle } from "./helpers/mocks";

const recorder = setup();

const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const buildConfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8"));

describe('the library entry (what `import ... from "aws-security-watch"` gets)', () => {
  beforeEach(() => recorder.reset());

  it("exports the components and the building blocks, and creates no resource on import", async () => {
    const lib = await import("../lib");
    await settle();
    expect(recorder.resources).to.deep.equal([]);
    for (const name of [
      "AuditTrail",
      "AlertTopicSet",
      "SecurityRuleWatcher",
      "CompositeAlarmGroup",
      "AutoRemediator",
      "OperationsDashboard",
      "SecurityEventArchive",
      "ChatChannels",
    ]) {
      expect(lib, name).to.have.property(name).that.is.a("function");
    }
    for (const name of [
      "CATALOG",
      "CIS_CONTROLS",
      "matchesPattern",
      "validatePattern",
      "renderAlert",
      "resolveDetections",
      "renderAlarmRule",
      "RemediationId",
      "RemediationMode",
      "Severity",
      "dashboardBody",
      "SAVED_QUERIES",
      "INCIDENT_FIELDS",
      "renderChatCard",
      "archivePattern",
    ]) {
      expect(lib, name).to.have.property(name);
    }
    expect(lib.CATALOG.length).to.be.at.least(25);
  });

  it("keeps the components' shared helpers internal (CONTRIBUTING.md: public API and internals)", async () => {
    const lib = (await import("../lib")) as Record<string, unknown>;
    for (const name of [
      "handlerOnlyCodePaths",
      "detectionLinks",
      "configRuleArgs",
      "CFN_LIMITS",
      "chatChannelProblems",
      "CHAT_ROLE_ACTIONS",
      "LOG_RETENTION_DAYS",
      "hardenBucket",
      "placeholdersOf",
      "resolveDetectionsFrom",
      "detectionOptionProblems",
    ]) {
      expect(lib, name).to.not.have.property(name);
    }
  });

  it("points main, types and exports at the compiled entry that `npm run build` emits", () => {
    expect(buildConfig.include).to.include("lib.ts");
    expect(buildConfig.compilerOptions).to.include({ rootDir: ".", outDir: "dist" });
    expect(pkg.main).to.equal("dist/lib.js");
    expect(pkg.types).to.equal("dist/lib.d.ts");
    expect(pkg.exports["."]).to.deep.equal({ types: "./dist/lib.d.ts", default: "./dist/lib.js" });
    expect(pkg.files).to.include("dist/");
  });

  it("takes the Pulumi SDKs as peers, so that a program keeps one copy of each", () => {
    expect(pkg.dependencies ?? {}).to.deep.equal({});
    expect(pkg.peerDependencies).to.have.keys(["@pulumi/pulumi", "@pulumi/aws"]);
    // Node 20 here: @pulumi/pulumi 3.249+ wants Node 22, so development pins 3.248.x.
    expect(pkg.devDependencies["@pulumi/pulumi"]).to.equal("~3.248.0");
    expect(pkg.devDependencies.typescript).to.match(/^~?\^?5\./);
  });
});
