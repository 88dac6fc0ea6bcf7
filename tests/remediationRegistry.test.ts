/**
 * The registry is the one list of remediations: a remediation added through it alone is
 * deployed, permitted, configured and documented; the generated enum and docs match it; and no
 * file outside remediations/ names one remediation's id.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ACCOUNT_ID, REGION, setup, settle } from "./helpers/mocks";

const recorder = setup();

import type * as RemediatorModule from "../components/autoRemediator";
import { CATALOG } from "../core/catalog";
import { CONFIG_RULES } from "../core/catalog/configRules";
import { memberRolePolicy } from "../core/org/memberRoles";
import { accountSpokeTemplate } from "../core/org/spokeTemplate";
import { allow, type StatementContext } from "../core/remediationPolicies";
import { RemediationId } from "../core/types";
import { validateSettings } from "../lambdas/runtime/settings";
import { remediationDocs } from "../remediations/docs";
import {
  REMEDIATIONS,
  detectionRemediations,
  registerRemediation,
  remediationIds,
} from "../remediations/registry";
import { portList } from "../remediations/settingKinds";
import type { RemediationSpec } from "../remediations/spec";
import { archiveEntries, handlerOf } from "../scripts/lambdaCode";
import { REMEDIATION_IDS_FILE, remediationIdsText } from "../scripts/remediationIds";
import { REMEDIATION_DOCS_FILE } from "../scripts/remediationDocs";

const ROOT = path.resolve(__dirname, "..");
const RESOLUTIONS = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:resolutions`;
const HIGH = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:high`;

/** A remediation that exists only in this test: its folder would hold exactly this. */
const THROWAWAY: RemediationSpec = {
  id: "close-test-door",
  key: "CloseTestDoor",
  title: "Close a test door left open",
  // The factory the function serializes: validates its settings, then reports them back.
  factory: (settings: { mode: string; doorPorts: number[] }) => {
    validateSettings("close-test-door", settings as never);
    return async () => ({ mode: settings.mode, doorPorts: settings.doorPorts }) as never;
  },
  statements: (ctx: StatementContext) => [
    allow(
      "CloseDoors",
      ["ec2:ModifyInstanceMetadataOptions"],
      `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.account}:instance/*`,
    ),
  ],
  settings: { doorPorts: portList("Doors that may stay open.") },
  detections: [],
  docs: {
    undoes: "a test door left open",
    neverTouches: "real doors",
    roleCanStill: "close any test door",
  },
};

describe("remediation registry", () => {
  let remediatorModule: typeof RemediatorModule;
  before(async () => {
    remediatorModule = await import("../components/autoRemediator");
  });
  beforeEach(() => recorder.reset());

  describe("a remediation added through the registry alone", () => {
    let unregister: () => void;
    before(() => {
      unregister = registerRemediation(THROWAWAY);
    });
    after(() => unregister());

    const build = (settings: Record<string, unknown>) =>
      new remediatorModule.AutoRemediator("fix", {
        resolutionTopicArn: RESOLUTIONS,
        failureAlarmTopicArn: HIGH,
        unwired: true,
        defaultMode: "off" as never,
        remediations: { "close-test-door": { mode: "enforce" as never, settings } },
      });

    it("is deployed: its function, role, role policy and log group, with its settings in the code", async () => {
      build({ doorPorts: [22] });
      await settle();
      const names = recorder
        .childrenOf("aws-security-watch:index:AutoRemediator", "fix")
        .map((r) => `${r.type}::${r.name}`)
        .filter((n) => n.includes("close-test-door"))
        .sort();
      expect(names).to.deep.equal([
        "aws:cloudwatch/logGroup:LogGroup::fix-close-test-door-logs",
        "aws:iam/role:Role::fix-close-test-door-role",
        "aws:iam/rolePolicy:RolePolicy::fix-close-test-door-role-policy",
        "aws:lambda/function:Function::fix-close-test-door-fn",
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig::fix-close-test-door-invoke-config",
      ]);
      const fn = recorder.get("aws:lambda/function:Function", "fix-close-test-door-fn");
      const text = (await archiveEntries(fn.inputs.code))["__index.js"];
      const result = await handlerOf(text, fn.inputs.environment.variables)({});
      expect(result).to.deep.equal({ mode: "enforce", doorPorts: [22] });
    });

    it("is permitted: its statements in its role policy and in its member role", async () => {
      build({});
      await settle();
      const policy = JSON.parse(
        recorder.get("aws:iam/rolePolicy:RolePolicy", "fix-close-test-door-role-policy").inputs
          .policy,
      ) as { Statement: { Sid: string; Action: string[]; Resource: string }[] };
      expect(policy.Statement[0]).to.deep.equal({
        Sid: "CloseDoors",
        Effect: "Allow",
        Action: ["ec2:ModifyInstanceMetadataOptions"],
        Resource: `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:instance/*`,
      });
      expect(policy.Statement.map((s) => s.Sid)).to.include.members([
        "WriteOwnLogs",
        "PublishResolutions",
        "OwnIdempotencyRecords",
      ]);
      const member = memberRolePolicy("close-test-door" as RemediationId, {
        partition: "aws",
        account: "210987654321",
        regions: ["eu-west-1"],
      });
      expect(member.Statement).to.deep.equal([
        {
          Sid: "CloseDoors",
          Effect: "Allow",
          Action: ["ec2:ModifyInstanceMetadataOptions"],
          Resource: "arn:aws:ec2:*:210987654321:instance/*",
          Condition: { StringEquals: { "aws:RequestedRegion": ["eu-west-1"] } },
        },
      ]);
      const template = accountSpokeTemplate(remediationIds() as RemediationId[]);
      expect(Object.keys(template.Resources)).to.include("MemberRoleCloseTestDoor");
    });

    it("is configured: its settings validated, each message naming the key written", () => {
      const errorOf = (settings: Record<string, unknown>): string => {
        try {
          build(settings);
        } catch (e) {
          return (e as Error).message;
        }
        return "no error";
      };
      expect(errorOf({ doorPorts: [22, 70000] })).to.equal(
        "remediations.close-test-door.settings.doorPorts[1]: 70000 is not a port (0-65535)",
      );
      expect(errorOf({ doorPorts: "22" })).to.equal(
        'remediations.close-test-door.settings.doorPorts: expected a list of port numbers, got "22"',
      );
      expect(errorOf({ windows: [] })).to.equal(
        "remediations.close-test-door.settings.windows: unknown setting of close-test-door; known: doorPorts",
      );
    });

    it("is documented: the generated reference has its section and its settings", () => {
      const docs = remediationDocs();
      expect(docs).to.contain("## close-test-door\n");
      expect(docs).to.contain("- **IAM actions**: `ec2:ModifyInstanceMetadataOptions`;");
      expect(docs).to.contain(
        "| `doorPorts` | `[]` | a list of port numbers | Doors that may stay open. |",
      );
    });

    it("cannot take an id, key or detection that is registered already", () => {
      expect(() => registerRemediation({ ...THROWAWAY, key: "Other" })).to.throw(
        "remediation close-test-door (Other) is registered already",
      );
      expect(() =>
        registerRemediation({
          ...THROWAWAY,
          id: "other-door",
          key: "OtherDoor",
          detections: ["security-group-open-to-world"],
        }),
      ).to.throw(
        "remediation other-door: detection security-group-open-to-world triggers revoke-world-ingress already",
      );
      expect(() => registerRemediation({ ...THROWAWAY, id: "Bad_Id", key: "BadId" })).to.throw(
        'remediation id "Bad_Id" must be kebab-case, at most 40 characters',
      );
    });
  });

  it("core/remediationIds.ts is the registry's enum (`npm run remediation-ids`)", () => {
    expect(fs.readFileSync(REMEDIATION_IDS_FILE, "utf8")).to.equal(remediationIdsText());
    expect(Object.values(RemediationId)).to.deep.equal(REMEDIATIONS.map((s) => s.id));
    expect(Object.keys(RemediationId)).to.deep.equal(REMEDIATIONS.map((s) => s.key));
  });

  it("docs/reference/remediations.md is the registry's reference (`npm run remediation-docs`)", () => {
    expect(fs.readFileSync(REMEDIATION_DOCS_FILE, "utf8")).to.equal(remediationDocs());
  });

  it("each spec lives in remediations/<id>/ with its handler, policy and spec, and links what exists", () => {
    const detections = new Set(CATALOG.map((d) => d.id));
    const rules = new Set(CONFIG_RULES.map((r) => r.key));
    for (const spec of REMEDIATIONS) {
      const dir = path.join(ROOT, "remediations", spec.id);
      for (const file of ["handler.ts", "policy.ts", "spec.ts"]) {
        expect(fs.existsSync(path.join(dir, file)), `${spec.id}/${file}`).to.equal(true);
      }
      expect(
        spec.detections.filter((d) => !detections.has(d)),
        spec.id,
      ).to.deep.equal([]);
      expect(
        (spec.configRules ?? []).filter((r) => !rules.has(r)),
        spec.id,
      ).to.deep.equal([]);
    }
    const folders = fs
      .readdirSync(path.join(ROOT, "remediations"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(folders).to.deep.equal(REMEDIATIONS.map((s) => s.id).sort());
  });

  it("the catalog's and the Config rules' remediation links are the specs' (nothing else sets them)", () => {
    const links = detectionRemediations();
    for (const d of CATALOG.filter((x) => !x.id.startsWith("config-"))) {
      expect(d.remediation, d.id).to.equal(links[d.id]);
    }
    for (const rule of CONFIG_RULES) {
      const spec = REMEDIATIONS.find((s) => (s.configRules ?? []).includes(rule.key));
      expect(rule.remediation, rule.key).to.equal(spec?.id);
    }
  });

  it("no file outside remediations/ names a remediation id (as a string or a RemediationId member)", () => {
    const ids = REMEDIATIONS.map((s) => s.id);
    const keys = REMEDIATIONS.map((s) => s.key);
    // A string literal holding an id (alone or as a word of it), or RemediationId.<Key>.
    const literal = new RegExp(
      `(["'\`])[^"'\`\\n]*\\b(${ids.join("|")})\\b[^"'\`\\n]*\\1|RemediationId\\.(${keys.join("|")})\\b`,
    );
    const excluded = [
      /^remediations\//,
      /^tests\//,
      /(^|\/)fixtures\//,
      /^Pulumi\.[^/]+\.yaml$/,
      /^examples\//, // user programs, as a user writes them
      /^docs\//, // prose, and generated from the registry (docs/reference/remediations.md)
      // The docs helper's descriptions for the tables before the registry (read only when a
      // spec has no docs): to delete with that fallback of scripts/docSources.ts.
      /^scripts\/remediationNotes\.ts$/,
      /^scripts\/configNotes\.ts$/, // the docs helper's prose about each configuration key
      /^bench\/results\//, // figures of the last bench run (generated)
      /^core\/remediationIds\.ts$/, // generated from the registry
      /^schema\.json$/, // generated from the sources
      /^schemas\//, // the stack file's JSON Schema, generated from the sources
      /^README\.md$/,
      /^CONTRIBUTING\.md$/,
    ];
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.name.startsWith(".") || ["node_modules", "dist", "out"].includes(entry.name)) {
          continue;
        }
        if (entry.isDirectory()) walk(rel);
        else if (/\.(ts|js|py|ya?ml|json|md)$/.test(entry.name)) files.push(rel);
      }
    };
    walk("");
    const offenders = files
      .filter((f) => !excluded.some((x) => x.test(f)))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(ROOT, f), "utf8")
          .split("\n")
          .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
          .filter(({ line }) => !/^\s*(\/\/|\*|\/\*\*|#)/.test(line) && literal.test(line))
          .map(({ at, line }) => `${at}: ${line.trim().slice(0, 120)}`),
      );
    expect(offenders).to.deep.equal([]);
  });
});
