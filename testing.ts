/**
 * `aws-security-watch/testing`: Pulumi mocks for unit-testing a program that uses the package.
 *
 * The components read the account, the region and the partition through three invokes
 * (`aws.getCallerIdentityOutput`, `aws.getRegionOutput`, `aws.getPartitionOutput`) and build
 * ARNs, policies and forwarding rules from what they answer. The generic mock of most Pulumi
 * examples (`call: (args) => args.inputs`) answers `{}`, and a watcher then fails with
 * `homeRegion is eu-west-1 but the AWS provider deploys to undefined`. These mocks answer them as
 * AWS would for one account, follow explicit providers' regions, and give created resources the
 * ARNs (and SQS URLs, KMS key ids) AWS would give them.
 *
 * ```ts
 * import { setSecurityWatchMocks } from "aws-security-watch/testing";
 * const created = setSecurityWatchMocks({ region: "eu-west-1" });
 * const program = await import("./index"); // import the program after setting the mocks
 * ```
 *
 * Nothing here creates a resource or reads the environment; it needs only `@pulumi/pulumi`.
 */
import * as pulumi from "@pulumi/pulumi";

/** The account the mocks answer for. */
export interface SecurityWatchMockOptions {
  /**
   * The 12-digit account id of `getCallerIdentity` and of every ARN.
   * @default "123456789012"
   */
  readonly accountId?: string;
  /**
   * The region of the default provider (an explicit provider answers for its own `region`).
   * @default "eu-west-1"
   */
  readonly region?: string;
  /**
   * The partition: `aws`, `aws-us-gov` or `aws-cn`.
   * @default "aws"
   */
  readonly partition?: string;
  /**
   * The Pulumi project name the mocks run the program under.
   * @default "project"
   */
  readonly project?: string;
  /**
   * The stack name.
   * @default "test"
   */
  readonly stack?: string;
  /**
   * Run as a preview (`pulumi preview`) instead of an update.
   * @default false
   */
  readonly preview?: boolean;
}

/** One resource the program registered, as the mocks received it. */
export interface MockedResource {
  /** The resource type token, e.g. `aws:sns/topic:Topic`. */
  readonly type: string;
  /** The resource's logical name. */
  readonly name: string;
  /** Its inputs. */
  readonly inputs: Record<string, unknown>;
  /** The state the mocks answered (inputs plus id-like outputs). */
  readonly state: Record<string, unknown>;
}

const DEFAULTS = {
  accountId: "123456789012",
  region: "eu-west-1",
  partition: "aws",
  project: "project",
  stack: "test",
  preview: false,
};

/** The invokes the components call, by token. Any other invoke is "Mock not implemented". */
export const MOCKED_INVOKES = [
  "aws:index/getCallerIdentity:getCallerIdentity",
  "aws:index/getRegion:getRegion",
  "aws:index/getPartition:getPartition",
];

/** The DNS suffix of a partition. */
function dnsSuffix(partition: string): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** The answer to one invoke, for `region` (the invoking provider's), or undefined if unknown. */
export function answerInvoke(
  token: string,
  inputs: Record<string, unknown>,
  options: SecurityWatchMockOptions & { readonly providerRegion?: string } = {},
): Record<string, unknown> | undefined {
  const o = { ...DEFAULTS, ...withoutUndefined(options) };
  const region =
    typeof inputs.region === "string" ? inputs.region : (options.providerRegion ?? o.region);
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: o.accountId,
        arn: `arn:${o.partition}:sts::${o.accountId}:assumed-role/ci-deployer/session`,
        userId: "AROAEXAMPLEDEPLOYER:session",
        id: o.accountId,
      };
    case "aws:index/getRegion:getRegion":
      return {
        name: region,
        region,
        id: region,
        endpoint: `ec2.${region}.${dnsSuffix(o.partition)}`,
        description: region,
      };
    case "aws:index/getPartition:getPartition":
      return {
        partition: o.partition,
        dnsSuffix: dnsSuffix(o.partition),
        reverseDnsPrefix: o.partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws",
        id: o.partition,
      };
    default:
      return undefined;
  }
}

/** ARN resource part by resource type, for the types the components create. */
const ARN_RESOURCE: Record<string, (name: string) => string> = {
  "aws:iam/role:Role": (n) => `role/${n}`,
  "aws:iam/policy:Policy": (n) => `policy/${n}`,
  "aws:sns/topic:Topic": (n) => n,
  "aws:sqs/queue:Queue": (n) => n,
  "aws:lambda/function:Function": (n) => `function:${n}`,
  "aws:cloudwatch/logGroup:LogGroup": (n) => `log-group:${n}`,
  "aws:cloudwatch/eventRule:EventRule": (n) => `rule/${n}`,
  "aws:cloudwatch/eventBus:EventBus": (n) => `event-bus/${n}`,
  "aws:cloudwatch/eventArchive:EventArchive": (n) => `archive/${n}`,
  "aws:cloudwatch/metricAlarm:MetricAlarm": (n) => `alarm:${n}`,
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": (n) => `alarm:${n}`,
  "aws:cloudtrail/trail:Trail": (n) => `trail/${n}`,
  "aws:dynamodb/table:Table": (n) => `table/${n}`,
  "aws:secretsmanager/secret:Secret": (n) => `secret:${n}-AbCdEf`,
  "aws:cfg/rule:Rule": (n) => `config-rule/${n}`,
};

/** Services whose ARNs have no region. */
const GLOBAL_SERVICES = new Set(["iam", "s3", "organizations", "cloudfront"]);

/** The outputs AWS would add to a created resource: ARN, and the ids some types have. */
export function resourceState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: SecurityWatchMockOptions & { readonly providerRegion?: string } = {},
): Record<string, unknown> {
  const o = { ...DEFAULTS, ...withoutUndefined(options) };
  const region = options.providerRegion ?? o.region;
  if (!type.startsWith("aws:")) return { ...inputs };
  const module = type.split(":")[1] ?? "";
  const service =
    { cloudwatch: module.includes("event") ? "events" : "cloudwatch", cfg: "config" }[
      module.split("/")[0]
    ] ?? module.split("/")[0];
  const physical = String(inputs.name ?? inputs.alarmName ?? inputs.bucket ?? name);
  const state: Record<string, unknown> = { ...inputs, name: physical };
  const resource = ARN_RESOURCE[type]?.(physical) ?? physical;
  const logs = type === "aws:cloudwatch/logGroup:LogGroup";
  const arnService = logs ? "logs" : service;
  const arnRegion = GLOBAL_SERVICES.has(arnService) ? "" : region;
  const arnAccount = arnService === "s3" ? "" : o.accountId;
  state.arn =
    inputs.arn ?? `arn:${o.partition}:${arnService}:${arnRegion}:${arnAccount}:${resource}`;
  if (type === "aws:kms/key:Key") {
    state.keyId = `0a1b2c3d-${hash(name)}-4e5f-8a9b-0c1d2e3f4a5b`;
    state.arn = `arn:${o.partition}:kms:${region}:${o.accountId}:key/${state.keyId}`;
  }
  if (type === "aws:s3/bucketV2:BucketV2" || type === "aws:s3/bucket:Bucket") {
    state.bucket = physical;
  }
  if (type === "aws:sqs/queue:Queue") {
    state.url = `https://sqs.${region}.${dnsSuffix(o.partition)}/${o.accountId}/${physical}`;
  }
  if (type === "aws:cloudwatch/metricAlarm:MetricAlarm") state.alarmName = physical;
  if (type === "aws:cloudwatch/compositeAlarm:CompositeAlarm") state.alarmName = physical;
  if (type === "aws:lambda/function:Function") {
    state.invokeArn = `arn:${o.partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${state.arn}/invocations`;
  }
  return state;
}

/** Four hex digits from a name, so that each key has its own stable id. */
function hash(text: string): string {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) % 0x10000;
  return h.toString(16).padStart(4, "0");
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Mocks for `pulumi.runtime.setMocks`: every resource gets realistic outputs and is appended to
 * `created`; the package's invokes are answered (for the invoking provider's region); any other
 * invoke throws `Mock not implemented: <token>`.
 */
export function securityWatchMocks(
  options: SecurityWatchMockOptions = {},
  created: MockedResource[] = [],
): pulumi.runtime.Mocks {
  const providerRegions = new Map<string, string>();
  return {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      if (args.type === "pulumi:providers:aws" && typeof args.inputs.region === "string") {
        providerRegions.set(args.name, args.inputs.region);
      }
      const state = resourceState(args.type, args.name, args.inputs, {
        ...options,
        providerRegion: regionOf(providerRegions, args.provider),
      });
      created.push({ type: args.type, name: args.name, inputs: args.inputs, state });
      return { id: `${args.name}-id`, state };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      const answer = answerInvoke(args.token, args.inputs, {
        ...options,
        providerRegion: regionOf(providerRegions, args.provider),
      });
      if (answer === undefined) {
        const message = `Mock not implemented: ${args.token}`;
        // The runtime reports a failed invoke by the error's `details` (as gRPC does).
        throw Object.assign(new Error(message), { details: message });
      }
      return answer;
    },
  };
}

/** The region of the explicit provider `<urn>::<id>` (the URN's fourth part is its name). */
function regionOf(regions: Map<string, string>, provider?: string): string | undefined {
  return provider ? regions.get(provider.split("::")[3]) : undefined;
}

/**
 * Installs `securityWatchMocks` and returns the list every created resource is appended to.
 * Call it before importing the program under test.
 */
export function setSecurityWatchMocks(options: SecurityWatchMockOptions = {}): MockedResource[] {
  const created: MockedResource[] = [];
  const o = { ...DEFAULTS, ...withoutUndefined(options) };
  if (!/^\d{12}$/.test(o.accountId)) {
    throw new Error(
      `setSecurityWatchMocks: accountId must be 12 digits, got ${JSON.stringify(o.accountId)}`,
    );
  }
  pulumi.runtime.setMocks(securityWatchMocks(options, created), o.project, o.stack, o.preview);
  // The stack configuration `pulumi up` would give: aws:region (the default provider's region,
  // which SecurityWatch and the watcher read when no homeRegion is given), unless already set.
  if (pulumi.runtime.allConfig()["aws:region"] === undefined) {
    pulumi.runtime.setConfig("aws:region", o.region);
  }
  return created;
}

/**
 * Resolves once every resource the program has registered so far has reached the mocks (await it
 * before reading the list `setSecurityWatchMocks` returned).
 */
export async function settled(): Promise<void> {
  // The runtime's own wait (not in its typings): every registration and invoke in flight.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs(): Promise<void>;
  };
  await settings.waitForRPCs();
}
