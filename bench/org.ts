/**
 * The organization scale benchmark (`npm run bench -- --only org`): a hub and an organization of
 * 200 accounts x 17 regions.
 *
 *   org-1  hub resource count and build time under mocks, at 20, 200 and 2,000 accounts: flat
 *          (the StackSets target OUs; no resource is made per account), against the explicit-
 *          provider alternative (one stack per account and region, counted)
 *   org-2  spoke template sizes against CloudFormation's limits, and rules per region against
 *          EventBridge's quota
 *   org-3  monthly list price per member account-region (goal <= $0.10), and of the hub
 *   org-4  remediation throughput under an organization-wide storm: 1,000 events through the
 *          hub's serialized revoke-world-ingress handler against the emulator, at several
 *          concurrencies, plus the member-role AssumeRole of 200 accounts; the reserved
 *          concurrency that follows
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { performance } from "perf_hooks";
import { Figure, ROOT, ms, table } from "./common";
import { DEFAULT_ASSUMPTIONS, inventoryOf, monthlyCost, total, usd } from "./cost";
import { PRICES } from "./prices";
import { criticalAlertSizes } from "./smsParts";
import { forwardingRules, rulesInRegion } from "../core/org/forwarding";
import { resolveDetections } from "../core/detection";
import {
  accountSpokeTemplate,
  CFN_LIMITS,
  HEARTBEAT_SCHEDULE,
  regionalSpokeTemplate,
  templateBody,
} from "../core/org/spokeTemplate";
import { REMEDIATION_IDS, RemediationId, RemediationMode } from "../core/types";
import { memberRoleName } from "../core/org/memberRoles";
import { REMEDIATIONS } from "../remediations/registry";
import { everyRemediationIn } from "../core/remediationModes";
import { setup, settle } from "../tests/helpers/mocks";
import { memberCredentials } from "../lambdas/runtime/crossAccount";
import { archiveEntries, handlerOf } from "../scripts/lambdaCode";
import { startMoto, useMotoEnvironment } from "../scripts/moto";
import {
  createIdempotencyTable,
  createResolutionInbox,
  createScenarioContext,
  scenario,
  wrapAsEventBridge,
} from "../scripts/scenarios";
import { accountCredentials, memberContext } from "../scripts/orgDrill";

/** The remediation whose hub function the cross-account figures run: the registry's first. */
const SAMPLE = REMEDIATIONS[0].id as RemediationId;

export const ACCOUNTS = 200;
export const REGIONS = 17;
export const SPOKE_COST_TARGET_USD = 0.1;
/** The storm: events a minute across the organization. */
export const STORM_RATE = 1000;
/** The org-hub stack's reserved concurrency per remediation function (Pulumi.org-hub.yaml). */
export const RESERVED = 10;
/** EventBridge quota: rules per event bus (adjustable). */
export const RULES_PER_BUS_QUOTA = 300;

/** What a member account-region forwards in a month (the bench's event assumption). */
export const SPOKE_ASSUMPTIONS = {
  /** Events matching a forwarding rule (the detections' event names, failed calls included). */
  forwardedEventsPerMonth: 20_000,
  /** Heartbeats: one an hour. */
  heartbeatsPerMonth: 24 * (365 / 12),
  /** Size of a heartbeat event in the hub's heartbeat log group. */
  heartbeatBytes: 400,
};

/** Cross-account delivery to another account's bus: billed as custom events. */
const CROSS_ACCOUNT_USD_PER_MILLION = PRICES.eventBridgeCrossRegion.usd;

function orgConfig(expectedAccounts: number): (key: string) => unknown {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.org-hub.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  return (key) => {
    const value = doc.config[`aws-security-watch:${key}`];
    if (key === "organization") return { ...(value as object), expectedAccounts };
    if (key === "remediation") {
      return everyRemediationIn(value, RemediationMode.Enforce);
    }
    return value;
  };
}

/** org-1: builds the hub at several organization sizes (in this process, after a warm-up). */
async function hubBuilds(print: (l: string) => void): Promise<Figure[]> {
  const recorder = setup({ stack: "org-bench", region: "eu-west-1" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require("../stack") as typeof import("../stack");
  const build = async (accounts: number) => {
    recorder.reset();
    const started = performance.now();
    buildStack(orgConfig(accounts), "eu-west-1");
    await settle();
    return { ms: performance.now() - started, resources: recorder.resources.length };
  };
  await build(ACCOUNTS); // warm-up: module loading and JIT
  // Sizes interleaved, three rounds: drift of the process (garbage, caches) falls on every size.
  const sizes = [20, ACCOUNTS, 2000];
  const samples: Record<number, { ms: number; resources: number }[]> = {};
  for (let round = 0; round < 3; round++) {
    for (const accounts of sizes) (samples[accounts] ??= []).push(await build(accounts));
  }
  const rows = sizes.map((accounts) => {
    const sorted = samples[accounts].map((r) => r.ms).sort((a, b) => a - b);
    return { accounts, ms: sorted[1], resources: samples[accounts][0].resources };
  });
  // The alternative without StackSets: one regional stack per account and region, one account
  // stack and one provider per account and region (OrganizationSpoke), counted from a build.
  recorder.reset();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
  const { OrganizationSpoke } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../components/organizationSpoke") as typeof import("../components/organizationSpoke");
  const regions = Array.from({ length: REGIONS }, (_, i) => `xx-bench-${i + 1}`);
  new OrganizationSpoke("one-account", {
    hubEventBusArn: "arn:aws:events:eu-west-1:123456789012:event-bus/asw-hub",
    regionalTemplateBody: "{}",
    accountTemplateBody: "{}",
    memberRoles: { hubAccountId: "123456789012", organizationId: "o-a1b2c3d4e5", externalId: "x1" },
    regionProviders: Object.fromEntries(
      regions.map((r) => [r, new aws.Provider(`p-${r}`, { region: "eu-west-1" })]),
    ),
  });
  await settle();
  const perAccount = recorder.resources.length;
  print(
    "Method: the org-hub stack (Pulumi.org-hub.yaml: 17 regions, StackSets to the root OU, the management account's spoke by explicit providers) built under Pulumi's mocks, median of 3 builds per size (sizes interleaved) after a warm-up, at 20, 200 and 2,000 accounts (the hub's only account-dependent input is the heartbeat alarm's threshold).",
  );
  print(
    table(
      ["accounts", "hub resources", "build time"],
      rows.map((r) => [String(r.accounts), String(r.resources), ms(r.ms)]),
    ),
  );
  print(
    `Without StackSets (explicit providers, OrganizationSpoke per account): ${perAccount} resources per account, ${(perAccount * ACCOUNTS).toLocaleString("en-US")} at ${ACCOUNTS} accounts in the hub's program.`,
  );
  const flat = new Set(rows.map((r) => r.resources)).size === 1;
  const base = rows[0].ms;
  const worst = Math.max(...rows.map((r) => r.ms));
  return [
    {
      name: `hub resources at 20 / ${ACCOUNTS} / 2,000 accounts`,
      figure: rows.map((r) => r.resources).join(" / "),
      target: "flat in the number of accounts",
      pass: flat,
    },
    {
      name: `hub build time at 20 / ${ACCOUNTS} / 2,000 accounts`,
      figure: rows.map((r) => ms(r.ms)).join(" / "),
      target: "flat (within 1.5x of the smallest)",
      pass: worst <= 1.5 * base,
    },
  ];
}

/** org-2: template sizes and quotas. */
function templates(print: (l: string) => void): Figure[] {
  const detections = resolveDetections();
  const regional = regionalSpokeTemplate(detections);
  const account = accountSpokeTemplate(REMEDIATION_IDS);
  const r = templateBody(regional);
  const a = templateBody(account);
  const rules = forwardingRules(detections);
  const usEast = rulesInRegion(rules, "us-east-1").length + 1;
  const other = rulesInRegion(rules, "eu-west-1").length + 1;
  print(
    table(
      ["template", "bytes", "of 51,200 inline", "of 1 MB (S3)", "resources (of 500)", "parameters"],
      [
        [
          "regional",
          String(r.bytes),
          `${((r.bytes / CFN_LIMITS.templateBodyBytes) * 100).toFixed(0)}%`,
          `${((r.bytes / CFN_LIMITS.templateUrlBytes) * 100).toFixed(1)}%`,
          String(Object.keys(regional.Resources).length),
          String(Object.keys(regional.Parameters).length),
        ],
        [
          "account",
          String(a.bytes),
          `${((a.bytes / CFN_LIMITS.templateBodyBytes) * 100).toFixed(0)}%`,
          `${((a.bytes / CFN_LIMITS.templateUrlBytes) * 100).toFixed(1)}%`,
          String(Object.keys(account.Resources).length),
          String(Object.keys(account.Parameters).length),
        ],
      ],
    ),
  );
  print(
    `Rules per spoke region (forwarding + heartbeat): ${usEast} in us-east-1, ${other} elsewhere, of EventBridge's ${RULES_PER_BUS_QUOTA} per bus; ${detections.length} detections forwarded.`,
  );
  return [
    {
      name: "regional spoke template",
      figure: `${r.bytes} B, ${Object.keys(regional.Resources).length} resources`,
      target: `<= ${CFN_LIMITS.templateBodyBytes} B inline, <= ${CFN_LIMITS.resources} resources`,
      pass:
        r.bytes <= CFN_LIMITS.templateBodyBytes &&
        Object.keys(regional.Resources).length <= CFN_LIMITS.resources,
    },
    {
      name: "account spoke template (member roles)",
      figure: `${a.bytes} B, ${Object.keys(account.Resources).length} resources`,
      target: `<= ${CFN_LIMITS.templateBodyBytes} B inline`,
      pass: a.bytes <= CFN_LIMITS.templateBodyBytes,
    },
    {
      name: "rules per spoke region (us-east-1 / other)",
      figure: `${usEast} / ${other}`,
      target: `<= ${RULES_PER_BUS_QUOTA} per bus`,
      pass: usEast <= RULES_PER_BUS_QUOTA,
    },
  ];
}

/** org-3: the monthly bill of a spoke account-region and of the hub. */
async function costs(print: (l: string) => void): Promise<Figure[]> {
  const s = SPOKE_ASSUMPTIONS;
  const spokeLines = [
    ["EventBridge", "forwarding rules on AWS service events (default bus)", "0"],
    [
      "EventBridge",
      `events forwarded to the hub bus (cross-account, custom-event price)`,
      String((s.forwardedEventsPerMonth / 1e6) * CROSS_ACCOUNT_USD_PER_MILLION),
    ],
    [
      "EventBridge",
      `heartbeat (${HEARTBEAT_SCHEDULE}) to the hub bus`,
      String((s.heartbeatsPerMonth / 1e6) * CROSS_ACCOUNT_USD_PER_MILLION),
    ],
    ["IAM", "forwarder role; member roles (per account, shared by its regions)", "0"],
    ["SQS", "dead-letter queue (idle: no request)", "0"],
    ["CloudFormation", "stacks of AWS resource types, StackSets", "0"],
  ];
  const spoke = spokeLines.reduce((sum, l) => sum + Number(l[2]), 0);
  print(
    `Method: list prices (bench/prices.ts); a member account-region forwards ${s.forwardedEventsPerMonth.toLocaleString("en-US")} events a month (the catalog's event names, failed calls included) and ${Math.round(s.heartbeatsPerMonth)} heartbeats; delivery to another account's bus is billed as custom events ($${CROSS_ACCOUNT_USD_PER_MILLION.toFixed(2)}/million) to the sender.`,
  );
  print(
    table(
      ["service", "item", "USD/month"],
      spokeLines.map(([a, b, c]) => [a, b, usd(Number(c))]),
    ),
  );
  const breakEven = Math.floor(
    ((SPOKE_COST_TARGET_USD - (s.heartbeatsPerMonth / 1e6) * CROSS_ACCOUNT_USD_PER_MILLION) /
      CROSS_ACCOUNT_USD_PER_MILLION) *
      1e6,
  );
  print(
    `Spoke: ${usd(spoke)} per member account-region-month; the $${SPOKE_COST_TARGET_USD.toFixed(2)} goal holds up to ${breakEven.toLocaleString("en-US")} forwarded events per account-region-month.`,
  );

  // The hub: the org-hub build's inventory, priced with the cost benchmark's model for an
  // organization's volumes, plus the heartbeat log.
  const recorder = setup({ stack: "org-bench", region: "eu-west-1" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require("../stack") as typeof import("../stack");
  recorder.reset();
  buildStack(orgConfig(ACCOUNTS), "eu-west-1");
  await settle();
  const inventory = inventoryOf(recorder.resources);
  const orgAssumptions = {
    ...DEFAULT_ASSUMPTIONS,
    managementEventsPerMonth: DEFAULT_ASSUMPTIONS.managementEventsPerMonth * ACCOUNTS,
    alertsPerMonth: DEFAULT_ASSUMPTIONS.alertsPerMonth * 10,
    remediationsPerMonth: DEFAULT_ASSUMPTIONS.remediationsPerMonth * ACCOUNTS,
    forwardedEventsPerMonth: 0,
    activeRegions: REGIONS,
    // Each page is billed per 140-byte part of the real alert (bench/smsParts.ts).
    smsPartsPerAlert: criticalAlertSizes().medianParts,
  };
  const heartbeatGb = (ACCOUNTS * REGIONS * s.heartbeatsPerMonth * s.heartbeatBytes) / 1024 ** 3;
  const hubLines = monthlyCost(inventory, orgAssumptions);
  const heartbeat = heartbeatGb * PRICES.logsIngestion.usd;
  // The organization trail's events in CloudWatch Logs (what the CIS filters read): ingested in
  // the management account, which owns the trail, and copied to the hub by centralization.
  const trailGb =
    (orgAssumptions.managementEventsPerMonth * orgAssumptions.bytesPerEvent) / 1024 ** 3;
  const trailLogs = trailGb * PRICES.logsIngestion.usd;
  const hub = total(hubLines) + heartbeat;
  print(
    table(
      ["service", "item", "quantity", "USD/month"],
      [
        ...hubLines
          .filter((l) => l.usd > 0)
          .map((l) => [l.service, l.item, l.quantity, usd(l.usd)]),
        [
          "CloudWatch Logs",
          "heartbeat log ingested",
          `${heartbeatGb.toFixed(2)} GB`,
          usd(heartbeat),
        ],
        [
          "CloudWatch Logs",
          "organization trail events ingested (management account; the CIS alarms read them)",
          `${trailGb.toFixed(0)} GB`,
          usd(trailLogs),
        ],
      ],
    ),
  );
  print(
    `Hub (${ACCOUNTS} accounts x ${REGIONS} regions): ${usd(hub)} a month (${usd(hub / (ACCOUNTS * REGIONS))} per account-region), plus ${usd(trailLogs)} for the organization trail's ${(orgAssumptions.managementEventsPerMonth / 1e6).toFixed(0)} M management events in CloudWatch Logs, the price of the CIS alarms at this scale (billed to the management account; the centralized copy in the hub is priced by CloudWatch Logs centralization).`,
  );
  return [
    {
      name: "spoke cost per member account-region-month",
      figure: usd(spoke),
      target: `<= $${SPOKE_COST_TARGET_USD.toFixed(2)}`,
      pass: spoke <= SPOKE_COST_TARGET_USD,
    },
    {
      name: `hub cost per month (${ACCOUNTS} accounts x ${REGIONS} regions; + trail logs)`,
      figure: `${usd(hub)} (+ ${usd(trailLogs)})`,
      target: "reported",
      pass: undefined,
    },
  ];
}

/** One concurrency level of the storm: `slice` drained by `concurrency` handlers in parallel. */
async function drain(
  text: string,
  env: Record<string, string>,
  slice: { event: unknown }[],
  concurrency: number,
): Promise<{ elapsed: number; rate: number; remediated: number; mean: number; row: string[] }> {
  const quiet = process.stdout.write.bind(process.stdout);
  const handlers = Array.from({ length: concurrency }, () => handlerOf(text, env));
  const latencies: number[] = [];
  let next = 0;
  let remediated = 0;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const started = performance.now();
  try {
    await Promise.all(
      handlers.map(async (handler) => {
        while (next < slice.length) {
          const item = slice[next++];
          const t = performance.now();
          const result = (await handler(item.event)) as { outcome: string };
          latencies.push(performance.now() - t);
          if (result.outcome === "remediated") remediated++;
        }
      }),
    );
  } finally {
    process.stdout.write = quiet;
  }
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const rate = slice.length / (elapsed / 1000);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const row = [
    String(concurrency),
    String(slice.length),
    `${remediated}`,
    ms(elapsed),
    `${rate.toFixed(1)}/s`,
    ms(latencies[Math.floor(latencies.length / 2)]),
    ms(latencies[Math.floor(latencies.length * 0.99)]),
  ];
  return { elapsed, rate, remediated, mean, row };
}

/** The member-role credentials of 200 accounts (one AssumeRole each per container and hour). */
async function memberRoleCredentials(print: (l: string) => void): Promise<Figure> {
  const creds = memberCredentials(
    {
      memberRoleName: memberRoleName(SAMPLE),
      externalId: "x1",
      organizationId: "o-a1b2c3d4e5",
      excludedAccounts: [],
    },
    SAMPLE,
  );
  const t = performance.now();
  for (let i = 0; i < ACCOUNTS; i++) await creds(String(100000000000 + i), "eu-west-1");
  const assume = performance.now() - t;
  const t2 = performance.now();
  for (let i = 0; i < ACCOUNTS; i++) await creds(String(100000000000 + i), "eu-west-1");
  const cached = performance.now() - t2;
  print(
    `Member-role credentials for ${ACCOUNTS} accounts: ${ms(assume)} the first time (one AssumeRole each), ${ms(cached)} from the cache.`,
  );
  return {
    name: `member-role AssumeRole, ${ACCOUNTS} accounts (first / cached)`,
    figure: `${ms(assume)} / ${ms(cached)}`,
    target: "one AssumeRole per account and container-hour",
    pass: cached < assume,
  };
}

/** org-4: a storm through the hub's serialized handler, and the member-role AssumeRole of 200 accounts. */
async function storm(print: (l: string) => void, events: number): Promise<Figure[]> {
  const recorder = setup({ stack: "org-bench", region: "eu-west-1" });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require("../stack") as typeof import("../stack");
  recorder.reset();
  buildStack(orgConfig(ACCOUNTS), "eu-west-1");
  await settle();
  const fn = recorder.get("aws:lambda/function:Function", `remediate-${SAMPLE}-fn`);
  const text = (await archiveEntries(fn.inputs.code))["__index.js"];
  const moto = await startMoto();
  const restore = useMotoEnvironment(moto.endpoint, "eu-west-1");
  const figures: Figure[] = [];
  try {
    const ctx = createScenarioContext(moto.endpoint, "eu-west-1");
    const inbox = await createResolutionInbox(ctx);
    const attack = scenario("sg-world-ssh-ipv4");
    // The storm is organization-wide: event i happens in member account i mod 200, each with its
    // own credentials in the emulator; the hub's handler assumes that account's member role.
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => String(100000000000 + i));
    const contexts = [];
    for (const account of accounts) {
      const creds = await accountCredentials(moto.endpoint, account);
      contexts.push(memberContext(moto.endpoint, "eu-west-1", account, creds));
    }
    const tables = new Set([fn.inputs.environment.variables.IDEMPOTENCY_TABLE].filter(Boolean));
    for (const table of tables) await createIdempotencyTable(ctx, table);
    const setupStarted = performance.now();
    const batch: { event: unknown }[] = [];
    for (let i = 0; i < events + 300; i++) {
      const member = contexts[i % contexts.length];
      batch.push({ event: wrapAsEventBridge((await attack.setup(member)).record) });
    }
    print(
      `Storm: ${batch.length} world-open security groups made in ${accounts.length} member accounts of the emulator in ${ms(performance.now() - setupStarted)}.`,
    );
    const rows: string[][] = [];
    let offset = 0;
    let single = 0;
    for (const concurrency of [1, 2, 5, 10]) {
      // 10 in parallel (the org-hub's reserved concurrency) takes the whole storm; the others a sample.
      const size = concurrency === RESERVED ? events : 100;
      const slice = batch.slice(offset, offset + size);
      offset += slice.length;
      if (slice.length === 0) break;
      const env = { ...fn.inputs.environment.variables, RESOLUTION_TOPIC_ARN: inbox.topicArn };
      const run = await drain(text, env, slice, concurrency);
      const { elapsed, rate, remediated } = run;
      if (concurrency === 1) single = run.mean;
      rows.push(run.row);
      if (concurrency === RESERVED) {
        figures.push({
          name: `storm: ${slice.length} events in ${ACCOUNTS} accounts, serialized handler, ${RESERVED} in parallel (emulator)`,
          figure: `${ms(elapsed)} (${rate.toFixed(0)}/s), ${remediated} remediated`,
          target: "every one remediated (time: the emulator's)",
          pass: remediated === slice.length,
        });
      }
    }
    // What a storm of STORM_RATE events a minute needs: in flight = arrival rate x mean time per
    // event (Little's law), at the single-stream mean (each event in a new account: AssumeRole
    // included), doubled for AWS latencies above the emulator's.
    const needed = Math.ceil((STORM_RATE / 60) * (single / 1000) * 2);
    print(
      `Reserved concurrency for ${STORM_RATE} events a minute: ${STORM_RATE / 60} events/s x ${ms(single)} (single-stream mean, AssumeRole included) x 2 (margin for AWS latencies) = ${needed} in flight; the org-hub stack reserves ${RESERVED}. The emulator serves requests one process wide, so its throughput stops growing at a few requests in parallel: the drain times above are moto's, not Lambda's.`,
    );
    figures.push({
      name: `reserved concurrency for ${STORM_RATE} events/min (Little's law, x2 margin)`,
      figure: `${needed} (configured ${RESERVED})`,
      target: `<= ${RESERVED}`,
      pass: needed <= RESERVED,
    });
    print(
      table(
        ["concurrency", "events", "remediated", "drain time", "throughput", "p50", "p99"],
        rows,
      ),
    );
    figures.push(await memberRoleCredentials(print));
  } finally {
    restore();
    await moto.stop();
  }
  return figures;
}

export async function runOrgBench(
  print: (l: string) => void,
  options: { stormEvents?: number } = {},
): Promise<Figure[]> {
  const figures: Figure[] = [];
  print("\n== org-1. Hub resources and build time against the number of accounts");
  figures.push(...(await hubBuilds(print)));
  print("\n== org-2. Spoke templates against CloudFormation's limits");
  figures.push(...templates(print));
  print("\n== org-3. Monthly cost: a member account-region, and the hub");
  figures.push(...(await costs(print)));
  print("\n== org-4. Remediation throughput under an organization-wide storm (emulator)");
  figures.push(...(await storm(print, options.stormEvents ?? 1000)));
  return figures;
}

if (require.main === module) {
  process.chdir(ROOT);
  runOrgBench(console.log, { stormEvents: Number(process.env.ORG_STORM_EVENTS ?? 1000) })
    .then((figures) => {
      console.log("\n== Summary (npm run bench -- --only org)");
      console.log(
        table(
          ["figure", "value", "target", "verdict"],
          figures.map((f) => [
            f.name,
            f.figure,
            f.target,
            f.pass === undefined ? "-" : f.pass ? "pass" : "FAIL",
          ]),
        ),
      );
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
