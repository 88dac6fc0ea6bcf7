/**
 * `npm run preview [-- --stack dev] [--all]`: runs the stack program (index.ts) offline, under
 * Pulumi's mocks, with the configuration of Pulumi.<stack>.yaml, and prints what `pulumi up`
 * would create: the resource tree grouped and counted, and the key settings. Nothing is deployed:
 * there is no Pulumi engine and no AWS call here.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, Recorder, settle, setup } from "../tests/helpers/mocks";
import { CFN_LIMITS } from "../core/org/spokeTemplate";
import { cfnLint, findCfnLint } from "./cfnLint";

interface Options {
  stack: string;
  all: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { stack: "dev", all: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--stack" && argv[i + 1]) {
      options.stack = argv[++i];
    } else if (arg === "--all") {
      options.all = true;
    } else if (arg === "--help" || arg === "-h") {
      console.log("usage: npm run preview -- [--stack NAME] [--all]");
      process.exit(0);
    } else {
      console.error(
        `preview: unknown argument ${arg} (usage: npm run preview -- [--stack NAME] [--all])`,
      );
      process.exit(2);
    }
  }
  return options;
}

/** Loads Pulumi.<stack>.yaml into Pulumi's runtime configuration. */
export function loadStackConfig(root: string, stack: string): Record<string, unknown> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(`No ${path.basename(file)}: create it (see Pulumi.dev.yaml) or pass --stack`);
  }
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as {
    config?: Record<string, unknown>;
  };
  const config = doc.config ?? {};
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    flat[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(flat);
  return config;
}

const short = (type: string): string =>
  type.replace(/^aws:[^:]+:/, "aws:").replace(/^aws-security-watch:index:/, "");

function tree(recorder: Recorder, all: boolean): string[] {
  const lines: string[] = [];
  const byParent = new Map<string | undefined, RecordedResource[]>();
  for (const r of recorder.resources) {
    const list = byParent.get(r.parent) ?? [];
    list.push(r);
    byParent.set(r.parent, list);
  }
  const walk = (parent: string | undefined, indent: string): void => {
    const children = byParent.get(parent) ?? [];
    const groups = new Map<string, RecordedResource[]>();
    for (const c of children) {
      const list = groups.get(c.type) ?? [];
      list.push(c);
      groups.set(c.type, list);
    }
    for (const [type, list] of groups) {
      const components = list.filter((r) => byParent.has(`${r.type}::${r.name}`));
      const leaves = list.filter((r) => !byParent.has(`${r.type}::${r.name}`));
      for (const c of components) {
        lines.push(`${indent}${short(type)}  ${c.name}`);
        walk(`${type}::${c.name}`, indent + "  ");
      }
      if (leaves.length === 0) {
        continue;
      }
      const names = leaves.map((r) => r.name);
      const shown =
        all || names.length <= 4 ? names : [...names.slice(0, 3), `… ${names.length - 3} more`];
      lines.push(`${indent}${short(type)} ×${leaves.length}: ${shown.join(", ")}`);
    }
  };
  walk(undefined, "  ");
  return lines;
}

function counts(recorder: Recorder): string[] {
  const byType = new Map<string, number>();
  for (const r of recorder.resources) {
    byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  }
  return [...byType.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([type, n]) => `  ${String(n).padStart(4)}  ${type}`);
}

const yes = (v: unknown): string => (v ? "on" : "off");

function keySettings(recorder: Recorder): string[] {
  const lines: string[] = [];
  for (const trail of recorder.ofType("aws:cloudtrail/trail:Trail")) {
    const i = trail.inputs;
    const insights = (i.insightSelectors ?? []).map((s: { insightType: string }) => s.insightType);
    lines.push(
      `Trail ${trail.name}: multi-region ${yes(i.isMultiRegionTrail)}, global service events ${yes(i.includeGlobalServiceEvents)}, ` +
        `log file validation ${yes(i.enableLogFileValidation)}, KMS ${yes(i.kmsKeyId)}, CloudWatch Logs ${yes(i.cloudWatchLogsGroupArn)}, ` +
        `organization ${yes(i.isOrganizationTrail)}, Insights ${insights.length ? insights.join("+") : "off"}`,
    );
  }
  for (const group of recorder.ofType("aws:cloudwatch/logGroup:LogGroup")) {
    if (group.parent?.startsWith("aws-security-watch:index:AuditTrail::")) {
      lines.push(
        `Trail log group ${group.name}: retention ${group.inputs.retentionInDays} days, KMS ${yes(group.inputs.kmsKeyId)}`,
      );
    }
  }
  const topics = recorder.ofType("aws:sns/topic:Topic");
  const subs = recorder.ofType("aws:sns/topicSubscription:TopicSubscription");
  for (const topic of topics) {
    const mine = subs.filter((s) => s.name.startsWith(`${topic.name}-`));
    const described = mine.map((s) => `${s.inputs.protocol} ${s.inputs.endpoint}`);
    lines.push(
      `Topic ${topic.name} (KMS ${yes(topic.inputs.kmsMasterKeyId)}): ${described.length ? described.join(", ") : "no subscription"}`,
    );
  }
  const rules = recorder.ofType("aws:cloudwatch/eventRule:EventRule");
  const forwarded = rules.filter((r) => r.provider);
  // The ComplianceRecorder's resolution rule routes AWS Config results; it is no detection.
  const routing = rules.filter((r) =>
    r.parent?.startsWith("aws-security-watch:index:ComplianceRecorder::"),
  );
  // The ThresholdAlarmGroup's rule routes its alarms to the threshold reporter; no detection either.
  const reporting = rules.filter((r) =>
    r.parent?.startsWith("aws-security-watch:index:ThresholdAlarmGroup::"),
  );
  lines.push(
    `EventBridge rules: ${rules.length - forwarded.length - routing.length - reporting.length} detections in the stack's region` +
      (routing.length ? `, ${routing.length} AWS Config resolution rule` : "") +
      (reporting.length ? `, ${reporting.length} threshold-report rule` : "") +
      (forwarded.length
        ? `, ${forwarded.length} forwarding rules in us-east-1 (global-service events)`
        : ""),
  );
  lines.push(
    `CloudWatch: ${recorder.ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter").length} metric filters, ` +
      `${recorder.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length} alarms, ` +
      `${recorder.ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm").length} composite alarms`,
  );
  for (const fn of recorder.ofType("aws:lambda/function:Function")) {
    lines.push(
      `Lambda ${fn.name}: ${fn.inputs.description} (${fn.inputs.runtime}, ${fn.inputs.timeout}s, reserved ${fn.inputs.reservedConcurrentExecutions})`,
    );
  }
  return lines;
}

/**
 * An organization hub's spokes: writes each StackSet's template to out/spoke-templates/ and
 * summarizes it (size against CloudFormation's limit, resources, where it goes, cfn-lint).
 */
export function spokeSummary(recorder: Recorder, root: string, region: string): string[] {
  const sets = recorder.ofType("aws:cloudformation/stackSet:StackSet");
  if (sets.length === 0) return [];
  const dir = path.join(root, "out", "spoke-templates");
  fs.mkdirSync(dir, { recursive: true });
  const lint = findCfnLint();
  const lines = [
    "",
    "Organization spokes (CloudFormation, deployed by service-managed StackSets):",
  ];
  const instances = recorder.ofType("aws:cloudformation/stackSetInstance:StackSetInstance");
  for (const set of sets) {
    const body = String(set.inputs.templateBody);
    const template = JSON.parse(body) as {
      Resources: Record<string, { Type: string; Condition?: string }>;
    };
    const file = path.join(dir, `${set.name}.json`);
    fs.writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
    const resources = Object.values(template.Resources);
    const rules = resources.filter((r) => r.Type === "AWS::Events::Rule");
    const global = rules.filter((r) => r.Condition === "InGlobalRegion").length;
    const roles = resources.filter((r) => r.Type === "AWS::IAM::Role").length;
    const mine = instances.filter((i) => i.name.startsWith(`${set.name}-`));
    const targets = [
      ...new Set(mine.flatMap((i) => i.inputs.deploymentTargets?.organizationalUnitIds ?? [])),
    ];
    const regions = mine.map((i) => i.inputs.stackSetInstanceRegion ?? region);
    const bytes = Buffer.byteLength(body);
    let linted = "cfn-lint not installed";
    if (lint) {
      const result = cfnLint(lint, body, [...new Set(["us-east-1", region])]);
      linted =
        result.exitCode === 0
          ? "cfn-lint clean"
          : `cfn-lint: ${result.findings.length} findings (exit ${result.exitCode})`;
    }
    lines.push(
      `  ${set.name} -> ${path.relative(root, file)}: ${bytes} bytes (${((bytes / CFN_LIMITS.templateBodyBytes) * 100).toFixed(0)}% of the ${CFN_LIMITS.templateBodyBytes}-byte inline limit), ` +
        `${resources.length} resources (${rules.length} rules${global ? `, ${global} in us-east-1 only` : ""}${roles ? `, ${roles} IAM roles` : ""}); ${linted}`,
    );
    lines.push(
      `    auto-deployment ${yes(set.inputs.autoDeployment?.enabled)}, ${set.inputs.permissionModel}, call as ${set.inputs.callAs}, ` +
        `to OUs ${targets.join(", ") || "-"} in ${regions.length} region(s): ${regions.join(", ")}`,
    );
  }
  const stacks = recorder.ofType("aws:cloudformation/stack:Stack");
  if (stacks.length > 0) {
    lines.push(
      `  Explicit-provider stacks (management account, which StackSets skip, or a single account's other regions): ${stacks.length}`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const root = path.resolve(__dirname, "..");
  process.chdir(root);
  const project = (
    yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string }
  ).name;
  // The region the mocks answer for is the stack's region.
  const raw = yaml.load(
    fs.readFileSync(path.join(root, `Pulumi.${options.stack}.yaml`), "utf8"),
  ) as {
    config?: Record<string, unknown>;
  };
  const region = String(raw?.config?.["aws:region"] ?? "us-east-1");
  const recorder = setup({ project, stack: options.stack, region });
  loadStackConfig(root, options.stack);

  const started = process.hrtime.bigint();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("../index");
  await settle();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;

  const out: string[] = [];
  out.push(
    `aws-security-watch: offline preview of stack "${options.stack}" (Pulumi.${options.stack}.yaml, region ${region})`,
  );
  out.push(
    "NOTHING WAS DEPLOYED: the stack program ran under Pulumi's mocks, with no engine and no AWS call.",
  );
  out.push(
    `It builds ${recorder.resources.length} resources in ${ms.toFixed(0)} ms. \`pulumi up\` on stack "${options.stack}" would create:`,
  );
  out.push("");
  out.push("Resource tree (component, then its children grouped by type):");
  out.push(...tree(recorder, options.all));
  out.push("");
  out.push("Resources by type:");
  out.push(...counts(recorder));
  out.push("");
  out.push("Key settings:");
  out.push(...keySettings(recorder).map((l) => `  ${l}`));
  out.push(...spokeSummary(recorder, root, region));
  out.push("");
  out.push(
    `To deploy for real: pulumi stack select ${options.stack} && pulumi up   (needs the Pulumi CLI and AWS credentials)`,
  );
  console.log(out.join("\n"));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`preview failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
