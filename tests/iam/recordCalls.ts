/**
 * Records the AWS calls that the package's SERIALIZED functions make (the `__index.js` text that
 * Pulumi uploads, loaded by scripts/lambdaCode.ts), with the principal that makes each one: every
 * `send` of the AWS SDK v3 clients goes through @smithy/core's one `Client.prototype.send`, which
 * is wrapped here. A call counts when it is made from `__index.js` (the function's code, not the
 * scenario that sets the attack up or reads the state back); its principal is the function's role
 * (`OWN_ROLE_ARN` in the environment while the handler runs) or, when the client carries
 * credentials an `AssumeRole` of that function returned, the assumed (member) role.
 */
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

export interface RecordedCall {
  /** The SDK client class (`EC2Client`). */
  readonly client: string;
  /** The command without its `Command` suffix (`ModifyImageAttribute`). */
  readonly command: string;
  readonly input: Record<string, unknown>;
  /** What the call returned (undefined when it failed). */
  readonly output?: Record<string, unknown>;
  /** The region the client signs for. */
  readonly region: string;
  /** The role of the function that made the call (its `OWN_ROLE_ARN`). */
  readonly functionRoleArn: string;
  /** The member role whose credentials the call carried, when not the function's own. */
  readonly assumedRoleArn?: string;
}

type Send = (this: ClientLike, ...args: unknown[]) => Promise<unknown>;
interface ClientLike {
  constructor: { name: string };
  config: {
    region: () => Promise<string>;
    credentials: () => Promise<{ accessKeyId: string }>;
  };
}

/** Starts recording; `stop()` restores the SDK and returns the calls in the order they were made. */
export function recordFunctionCalls(): { calls: RecordedCall[]; stop(): RecordedCall[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const smithy = require(require.resolve("@smithy/core/client", { paths: [ROOT] })) as {
    Client: { prototype: { send: Send } };
  };
  const proto = smithy.Client.prototype;
  const original = proto.send;
  const calls: RecordedCall[] = [];
  /** Access key id -> the role ARN an AssumeRole of a function returned it for. */
  const assumed = new Map<string, string>();
  const fromFunction = (stack: string | undefined) =>
    (stack ?? "").includes(`${path.sep}__index.js:`);
  proto.send = async function (this: ClientLike, ...args: unknown[]) {
    const functionRoleArn = process.env.OWN_ROLE_ARN;
    if (!functionRoleArn || !fromFunction(new Error().stack)) {
      return original.apply(this, args);
    }
    const command = args[0] as { constructor: { name: string }; input: Record<string, unknown> };
    const region = await this.config.region();
    const key = (await this.config.credentials()).accessKeyId;
    const base = {
      client: this.constructor.name,
      command: command.constructor.name.replace(/Command$/, ""),
      input: structuredClone(command.input),
      region,
      functionRoleArn,
      ...(assumed.has(key) ? { assumedRoleArn: assumed.get(key) } : {}),
    };
    try {
      const output = (await original.apply(this, args)) as Record<string, unknown>;
      calls.push({ ...base, output });
      if (base.command === "AssumeRole") {
        const credentials = output.Credentials as { AccessKeyId: string };
        assumed.set(credentials.AccessKeyId, String(base.input.RoleArn));
      }
      return output;
    } catch (e) {
      calls.push(base);
      throw e;
    }
  };
  return {
    calls,
    stop() {
      proto.send = original;
      return calls;
    },
  };
}
