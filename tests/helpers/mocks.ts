/**
 * Pulumi mocks that record every resource registered (type, name, inputs, parent) and throw on
 * any invoke they do not implement. Import the code under test after `setup()`.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly inputs: any;
  /** `type::name` of the parent, or undefined for a root resource (or the stack). */
  readonly parent?: string;
  readonly urn: string;
  readonly provider?: string;
}

export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-west-1";

/** The region the mocks answer for (set by `setup({ region })`). */
let mockRegion = REGION;
/** The region of each explicit AWS provider by name: an invoke through one answers for it. */
const providerRegions = new Map<string, string>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Invoke = (inputs: any) => Record<string, unknown>;

/** The invokes the package uses, answered as AWS would for account 123456789012. */
const INVOKES: Record<string, Invoke> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/tester`,
    userId: "AIDATESTER",
    id: ACCOUNT_ID,
  }),
  "aws:index/getRegion:getRegion": (inputs) => ({
    name: inputs?.region ?? mockRegion,
    region: inputs?.region ?? mockRegion,
    id: inputs?.region ?? mockRegion,
    endpoint: `ec2.${mockRegion}.amazonaws.com`,
    description: "Europe (Ireland)",
  }),
  "aws:index/getPartition:getPartition": () => ({
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
    id: "aws",
  }),
};

/** `type::name` of a resource, from its URN. */
function keyOfUrn(urn: string): string {
  const parts = urn.split("::");
  const type = parts[2].split("$").pop() as string;
  return `${type}::${parts[3]}`;
}

/** What a created resource's outputs look like: inputs plus the ids/ARNs AWS would add. */
function stateOf(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  const [pkg, mod] = type.split(":");
  const service = (mod ?? "").split("/")[0];
  const arn = `arn:aws:${service}:${mockRegion}:${ACCOUNT_ID}:${name}`;
  const state: Record<string, unknown> = { ...inputs, arn: inputs.arn ?? arn };
  if (pkg === "aws") {
    state.name = inputs.name ?? name;
    if (type === "aws:s3/bucketV2:BucketV2" || type === "aws:s3/bucket:Bucket") {
      state.bucket = inputs.bucket ?? name;
      state.arn = `arn:aws:s3:::${state.bucket}`;
    }
    if (type === "aws:kms/key:Key") {
      state.keyId = `key-${name}`;
      state.arn = `arn:aws:kms:${mockRegion}:${ACCOUNT_ID}:key/key-${name}`;
    }
    if (type === "aws:sqs/queue:Queue") {
      state.url = `https://sqs.${mockRegion}.amazonaws.com/${ACCOUNT_ID}/${state.name}`;
      state.arn = `arn:aws:sqs:${mockRegion}:${ACCOUNT_ID}:${state.name}`;
    }
    if (type === "aws:sns/topic:Topic") {
      state.arn = `arn:aws:sns:${mockRegion}:${ACCOUNT_ID}:${state.name}`;
    }
    if (type === "aws:iam/role:Role") {
      state.arn = `arn:aws:iam::${ACCOUNT_ID}:role/${state.name}`;
    }
    if (type === "aws:cloudwatch/logGroup:LogGroup") {
      state.arn = `arn:aws:logs:${mockRegion}:${ACCOUNT_ID}:log-group:${state.name}`;
    }
    if (type === "aws:lambda/function:Function") {
      state.arn = `arn:aws:lambda:${mockRegion}:${ACCOUNT_ID}:function:${state.name}`;
      state.invokeArn = `arn:aws:apigateway:${mockRegion}:lambda:path/functions/${state.arn}/invocations`;
    }
    if (type === "aws:dynamodb/table:Table") {
      state.arn = `arn:aws:dynamodb:${mockRegion}:${ACCOUNT_ID}:table/${state.name}`;
    }
    if (type === "aws:cloudtrail/trail:Trail") {
      state.arn = `arn:aws:cloudtrail:${mockRegion}:${ACCOUNT_ID}:trail/${state.name}`;
    }
    if (type === "aws:cloudwatch/eventBus:EventBus") {
      state.arn = `arn:aws:events:${mockRegion}:${ACCOUNT_ID}:event-bus/${state.name}`;
    }
    if (type === "aws:cloudwatch/eventRule:EventRule") {
      state.arn = `arn:aws:events:${mockRegion}:${ACCOUNT_ID}:rule/${state.name}`;
    }
    if (
      type === "aws:cloudwatch/metricAlarm:MetricAlarm" ||
      type === "aws:cloudwatch/compositeAlarm:CompositeAlarm"
    ) {
      const alarmName = (inputs.alarmName ?? inputs.name ?? name) as string;
      state.alarmName = alarmName;
      state.arn = `arn:aws:cloudwatch:${mockRegion}:${ACCOUNT_ID}:alarm:${alarmName}`;
    }
  }
  return state;
}

export class Recorder {
  readonly resources: RecordedResource[] = [];

  /** Forget what was recorded (between tests). */
  reset(): void {
    this.resources.length = 0;
  }

  /** Every recorded resource of the given type (custom or component). */
  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and name; throws if there is not exactly one. */
  get(type: string, name: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const known = this.resources.map((r) => `${r.type}::${r.name}`).join("\n  ");
      throw new Error(
        `expected one ${type}::${name}, found ${found.length}. Recorded:\n  ${known}`,
      );
    }
    return found[0];
  }

  /** The children (direct) of the resource `type::name`. */
  childrenOf(type: string, name: string): RecordedResource[] {
    return this.resources.filter((r) => r.parent === `${type}::${name}`);
  }
}

let shared: Recorder | undefined;

/**
 * Installs the mocks (once per process: mocha loads every test file into one process) and
 * returns the shared recorder. Call it at the top of a test file, before importing the code under
 * test, and `recorder.reset()` in `beforeEach`.
 */
export function setup(options?: {
  project?: string;
  stack?: string;
  preview?: boolean;
  region?: string;
}): Recorder {
  if (shared) {
    return shared;
  }
  mockRegion = options?.region ?? REGION;
  const recorder = new Recorder();
  shared = recorder;
  const parents = new Map<string, string>();
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs): {
        id: string;
        state: Record<string, unknown>;
      } {
        const parentUrn = parents.get(`${args.type}::${args.name}`);
        const parent = parentUrn ? keyOfUrn(parentUrn) : undefined;
        if (args.type === "pulumi:providers:aws" && typeof args.inputs.region === "string") {
          providerRegions.set(args.name, args.inputs.region);
        }
        recorder.resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          parent: parent && !parent.startsWith("pulumi:pulumi:Stack::") ? parent : undefined,
          urn: "",
          provider: args.provider,
        });
        return { id: `${args.name}-id`, state: stateOf(args.type, args.name, args.inputs) };
      },
      call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        const invoke = INVOKES[args.token];
        if (!invoke) {
          // The runtime reports a failed invoke by the error's `details` (as gRPC does).
          const message = `Mock not implemented: ${args.token}`;
          throw Object.assign(new Error(message), { details: message });
        }
        // A provider reference is `<urn>::<id>`; the URN's fourth part is the provider's name.
        const providerRegion = args.provider
          ? providerRegions.get(args.provider.split("::")[3])
          : undefined;
        return invoke(providerRegion ? { region: providerRegion, ...args.inputs } : args.inputs);
      },
    },
    options?.project ?? "aws-security-watch",
    options?.stack ?? "test",
    options?.preview ?? false,
  );
  // The mock monitor does not pass the parent to newResource: read it from the request.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  monitor.registerResource = (req: any, callback: any) => {
    parents.set(`${req.getType()}::${req.getName()}`, req.getParent());
    return register(req, callback);
  };
  return recorder;
}

/** Waits until every pending registration has reached the mocks. */
export async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings");
  await settings.waitForRPCs();
}

/** The value of an Output (or Input) once resolved. */
export function valueOf<T>(input: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(input).apply((v) => resolve(v as T)));
}
