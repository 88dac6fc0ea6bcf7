/**
 * `npm run drill -- --org`: the fire drill across the accounts of an organization, in the local
 * AWS emulator (moto, which acts as any account through `AssumeRole` into that account's roles,
 * and runs CloudFormation stacks):
 *
 *   1. the org-hub stack (Pulumi.org-hub.yaml, remediations switched to enforce) is built under
 *      Pulumi's mocks: its detections, its remediation functions' SERIALIZED code, and the two
 *      spoke templates its StackSets would deploy;
 *   2. the spoke templates are deployed with CloudFormation into two member accounts (the account
 *      template once, the regional template in the hub region and in us-east-1);
 *   3. each attack is made in a member account, with that account's credentials;
 *   4. the event is delivered to the hub the way the buses would: the member's DEPLOYED
 *      forwarding rules (read back from the emulator) must forward it exactly once, from the
 *      region AWS delivers it to; the hub's detections then fire on it;
 *   5. the hub's serialized function assumes the member role of its remediation in that account
 *      and undoes the change there; the state is read back in the member account, and the
 *      resolution message from the hub's resolutions topic.
 */
import * as fs from "fs";
import * as path from "path";
import { everyRemediationIn } from "../core/remediationModes";
import * as yaml from "js-yaml";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
} from "@aws-sdk/client-eventbridge";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { renderAlert } from "../core/alertMessage";
import { Detection } from "../core/detection";
import { matchesPattern } from "../core/eventPattern";
import { GLOBAL_REGION } from "../core/org/forwarding";
import { memberRoleName } from "../core/org/memberRoles";
import { REMEDIATION_IDS, RemediationMode, SEVERITIES } from "../core/types";
import { Recorder, settle, setup } from "../tests/helpers/mocks";
import { archiveEntries, handlerOf } from "./lambdaCode";
import { clientConfig, MOTO_ACCOUNT, startMoto, useMotoEnvironment } from "./moto";
import {
  createIdempotencyTable,
  createResolutionInbox,
  createScenarioContext,
  SCENARIOS,
  ScenarioContext,
  wrapAsEventBridge,
} from "./scenarios";

const ROOT = path.resolve(__dirname, "..");
const HUB_REGION = "eu-west-1";
/** Two member accounts of the emulated organization; the hub is moto's default account. */
export const MEMBER_ACCOUNTS = ["111111111111", "444455556666"];

export interface OrgDrillRow {
  scenario: string;
  account: string;
  forwardedBy: string;
  detections: string[];
  alertSubject: string;
  outcome: string;
  actions: string[];
  verified: boolean;
  resolutionSubject: string;
  eventToSafeMs: number;
  ok: boolean;
  problem?: string;
}

interface HubBuild {
  detections: Detection[];
  functions: Record<string, { text: string; env: Record<string, string> }>;
  regionalTemplate: string;
  accountTemplate: string;
  organizationId: string;
  externalId: string;
}

/** Builds the org-hub stack under mocks, every remediation in enforce. */
export async function buildOrgHub(recorder: Recorder): Promise<HubBuild> {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.org-hub.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const raw = (key: string) => doc.config[`aws-security-watch:${key}`];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildStack } = require("../stack") as typeof import("../stack");
  const remediation = everyRemediationIn(raw("remediation"), RemediationMode.Enforce);
  const get = (key: string) => (key === "remediation" ? remediation : raw(key));
  const stack = buildStack(get, doc.config["aws:region"] as string);
  await settle();
  const functions: HubBuild["functions"] = {};
  for (const id of REMEDIATION_IDS) {
    const fn = recorder.get("aws:lambda/function:Function", `remediate-${id}-fn`);
    const entries = await archiveEntries(fn.inputs.code);
    functions[id] = { text: entries["__index.js"], env: fn.inputs.environment.variables };
  }
  const org = stack.config.organization!;
  return {
    detections: stack.watcher.detections,
    functions,
    regionalTemplate: stack.hub!.regionalTemplateBody,
    accountTemplate: stack.hub!.accountTemplateBody,
    organizationId: org.organizationId,
    externalId: org.externalId,
  };
}

export type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

/** Credentials of `account` in the emulator (moto maps an assumed role's keys to its account). */
export async function accountCredentials(endpoint: string, account: string): Promise<Creds> {
  const sts = new STSClient(clientConfig(endpoint, HUB_REGION));
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`,
      RoleSessionName: "org-drill-admin",
    }),
  );
  const c = out.Credentials!;
  return {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
}

export function memberContext(
  endpoint: string,
  region: string,
  account: string,
  credentials: Creds,
): ScenarioContext {
  const config = { ...clientConfig(endpoint, region), credentials };
  return {
    endpoint,
    region,
    account,
    credentials,
    clients: {
      ec2: new EC2Client(config),
      iam: new IAMClient(config),
      cloudtrail: new CloudTrailClient(config),
      s3: new S3Client(config),
      kms: new KMSClient(config),
      config: new ConfigServiceClient(config),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
    },
  };
}

/** Creates a stack and waits for CREATE_COMPLETE (moto creates synchronously). */
async function createStack(
  cfn: CloudFormationClient,
  name: string,
  body: string,
  parameters: Record<string, string>,
): Promise<string> {
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: body,
      Capabilities: ["CAPABILITY_NAMED_IAM"],
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
    }),
  );
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks![0];
  return stack.StackStatus ?? "UNKNOWN";
}

/** The member's deployed spoke rules of a region, read back: name -> pattern. */
async function deployedRules(
  endpoint: string,
  region: string,
  credentials: Creds,
): Promise<Record<string, Record<string, unknown>>> {
  const events = new EventBridgeClient({ ...clientConfig(endpoint, region), credentials });
  const out: Record<string, Record<string, unknown>> = {};
  const listed = await events.send(new ListRulesCommand({ NamePrefix: "asw-spoke-" }));
  for (const rule of listed.Rules ?? []) {
    const described = await events.send(new DescribeRuleCommand({ Name: rule.Name! }));
    if (described.EventPattern) out[rule.Name!] = JSON.parse(described.EventPattern);
  }
  return out;
}

function captureOutput(): { stop(): void } {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  return { stop: () => void (process.stdout.write = write) };
}

const GLOBAL_SOURCES = new Set([
  "aws.iam",
  "aws.sts",
  "aws.signin",
  "aws.organizations",
  "aws.health",
]);

type OrgHub = Awaited<ReturnType<typeof buildOrgHub>>;
type Inbox = Awaited<ReturnType<typeof createResolutionInbox>>;
type Scenario = (typeof SCENARIOS)[number];
interface Member {
  creds: Creds;
  rules: Record<string, Record<string, Record<string, unknown>>>;
}

/** Step 2 for one member account: its spoke stacks deployed, its roles and rules read back. */
async function deployMember(
  endpoint: string,
  hub: OrgHub,
  account: string,
  log: (line: string) => void,
): Promise<Member> {
  const hubBusArn = `arn:aws:events:${HUB_REGION}:${MOTO_ACCOUNT}:event-bus/asw-hub`;
  const creds = await accountCredentials(endpoint, account);
  const statuses: string[] = [];
  const home = new CloudFormationClient({
    ...clientConfig(endpoint, HUB_REGION),
    credentials: creds,
  });
  statuses.push(
    `account ${await createStack(home, "asw-spoke-account", hub.accountTemplate, {
      HubAccountId: MOTO_ACCOUNT,
      OrganizationId: hub.organizationId,
      ExternalId: hub.externalId,
      Regions: [HUB_REGION, GLOBAL_REGION].join(","),
    })}`,
  );
  const rules: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const region of [HUB_REGION, GLOBAL_REGION]) {
    const cfn = new CloudFormationClient({
      ...clientConfig(endpoint, region),
      credentials: creds,
    });
    statuses.push(
      `${region} ${await createStack(cfn, "asw-spoke-regional", hub.regionalTemplate, { HubEventBusArn: hubBusArn })}`,
    );
    rules[region] = await deployedRules(endpoint, region, creds);
  }
  const iam = new IAMClient({ ...clientConfig(endpoint, HUB_REGION), credentials: creds });
  let roles = 0;
  for (const id of REMEDIATION_IDS) {
    await iam.send(new GetRoleCommand({ RoleName: memberRoleName(id) }));
    roles++;
  }
  log(
    `    ${account}: stacks ${statuses.join(", ")}; ${roles} member roles; rules ${Object.entries(
      rules,
    )
      .map(([r, list]) => `${Object.keys(list).length} in ${r}`)
      .join(", ")}`,
  );
  return { creds, rules };
}

/** Step 3 for one attack: played in a member account, forwarded, routed, undone from the hub. */
async function playAttack(
  endpoint: string,
  hub: OrgHub,
  inbox: Inbox,
  scenario: Scenario,
  account: string,
  member: Member,
): Promise<{ row: OrgDrillRow; logged: boolean }> {
  const row: OrgDrillRow = {
    scenario: scenario.id,
    account,
    forwardedBy: "",
    detections: [],
    alertSubject: "",
    outcome: "",
    actions: [],
    verified: false,
    resolutionSubject: "",
    eventToSafeMs: 0,
    ok: false,
  };
  const fail = (problem: string) => ({ ...row, problem });
  const stopped = (problem: string) => ({ row: fail(problem), logged: false });
  const done = (r: OrgDrillRow) => ({ row: r, logged: true });
  try {
    const ctx = memberContext(endpoint, HUB_REGION, account, member.creds);
    const started = performance.now();
    const setupResult = await scenario.setup(ctx);
    const event = wrapAsEventBridge(setupResult.record) as unknown as Record<string, unknown>;
    const delivered = GLOBAL_SOURCES.has(String(event.source))
      ? GLOBAL_REGION
      : String(event.region);
    const spokeRules = member.rules[delivered] ?? {};
    const forwarding = Object.entries(spokeRules).filter(([, p]) => matchesPattern(p, event));
    row.forwardedBy = forwarding.map(([name]) => `${name} (${delivered})`).join(", ");
    if (forwarding.length !== 1) {
      return stopped(`forwarded by ${forwarding.length} spoke rules in ${delivered}, expected 1`);
    }
    const fired = hub.detections.filter((d) => matchesPattern(d.eventPattern, event));
    fired.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
    row.detections = fired.map((d) => d.id);
    if (!fired.some((d) => d.remediation === scenario.remediation)) {
      return stopped(`no hub detection routes to ${scenario.remediation}`);
    }
    row.alertSubject = renderAlert(fired[0], event).subject;
    const fn = hub.functions[scenario.remediation];
    const handler = handlerOf(fn.text, { ...fn.env, RESOLUTION_TOPIC_ARN: inbox.topicArn });
    const quiet = captureOutput();
    let result: { outcome: string; actions: string[] };
    try {
      result = (await handler(event)) as typeof result;
    } catch (e) {
      return stopped(`the hub handler threw: ${(e as Error).message}`);
    } finally {
      quiet.stop();
    }
    row.outcome = result.outcome;
    row.actions = result.actions;
    const verdict = await scenario.verify(ctx, setupResult);
    row.eventToSafeMs = performance.now() - started;
    row.verified = verdict.safe;
    row.resolutionSubject = (await inbox.receive(setupResult.record.eventID, 5000))?.subject ?? "";
    if (result.outcome !== "remediated")
      return done(fail(`outcome ${result.outcome}, expected remediated`));
    else if (!verdict.safe) return done(fail(`still unsafe in ${account}: ${verdict.detail}`));
    else if (!row.resolutionSubject) return done(fail("no resolution message within 5 s"));
    else return done({ ...row, ok: true });
  } catch (e) {
    return done(fail(`setup or verification failed: ${(e as Error).message}`));
  }
}

export async function runOrgDrill(
  log: (line: string) => void = console.log,
): Promise<OrgDrillRow[]> {
  log(
    "aws-security-watch organization drill: attacks in member accounts, undone from the hub, in a local AWS emulator (moto)",
  );
  log(
    "1/4 building the org-hub stack under Pulumi mocks (Pulumi.org-hub.yaml, remediations switched to enforce)…",
  );
  const recorder = setup({ stack: "org-drill", region: HUB_REGION });
  const hub = await buildOrgHub(recorder);
  log(
    `    ${recorder.resources.length} resources; spoke templates ${Buffer.byteLength(hub.regionalTemplate)} B (regional) and ${Buffer.byteLength(hub.accountTemplate)} B (account)`,
  );
  const moto = await startMoto();
  const restore = useMotoEnvironment(moto.endpoint, HUB_REGION);
  const rows: OrgDrillRow[] = [];
  try {
    const hubCtx = createScenarioContext(moto.endpoint, HUB_REGION, MOTO_ACCOUNT);
    const inbox = await createResolutionInbox(hubCtx);
    // The hub's idempotency table, under the name its functions have in their environment.
    const tables = new Set(Object.values(hub.functions).map((f) => f.env.IDEMPOTENCY_TABLE));
    for (const table of tables) if (table) await createIdempotencyTable(hubCtx, table);
    log(
      `2/4 deploying the spoke templates with CloudFormation into member accounts ${MEMBER_ACCOUNTS.join(", ")}…`,
    );
    const members: Record<string, Member> = {};
    for (const account of MEMBER_ACCOUNTS) {
      members[account] = await deployMember(moto.endpoint, hub, account, log);
    }
    log(`3/4 playing ${SCENARIOS.length} attacks in the member accounts:`);
    for (const [i, scenario] of SCENARIOS.entries()) {
      const account = MEMBER_ACCOUNTS[i % MEMBER_ACCOUNTS.length];
      const played = await playAttack(
        moto.endpoint,
        hub,
        inbox,
        scenario,
        account,
        members[account],
      );
      rows.push(played.row);
      // An attack stopped before its verdict (not forwarded, not routed, handler threw) is not logged.
      if (!played.logged) continue;
      const last = rows[rows.length - 1];
      log(
        `  [${i + 1}/${SCENARIOS.length}] ${last.ok ? "ok  " : "FAIL"} ${scenario.title} in ${account}: ` +
          (last.ok
            ? `${last.outcome} through ${memberRoleName(scenario.remediation)}, safe ${last.eventToSafeMs.toFixed(0)} ms after the attack`
            : last.problem),
      );
    }
  } finally {
    restore();
    await moto.stop();
  }
  return rows;
}

export function orgTable(rows: OrgDrillRow[]): string {
  const header = [
    "scenario",
    "account",
    "forwarded by",
    "detections",
    "action",
    "verified",
    "resolution",
    "event->safe",
  ];
  const cells = rows.map((r) => [
    r.scenario,
    r.account,
    r.forwardedBy || "-",
    r.detections.join(", "),
    r.outcome ? `${r.outcome}: ${r.actions.join("; ")}` : "-",
    r.verified ? "safe" : "UNSAFE",
    r.resolutionSubject || "-",
    r.eventToSafeMs ? `${r.eventToSafeMs.toFixed(0)} ms` : "-",
  ]);
  const widths = header.map((h, i) =>
    Math.min(60, Math.max(h.length, ...cells.map((c) => c[i].length))),
  );
  const fit = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + "…" : s.padEnd(w));
  const line = (c: string[]) => c.map((s, i) => fit(s, widths[i])).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...cells.map(line)].join(
    "\n",
  );
}
