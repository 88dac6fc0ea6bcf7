/**
 * SDK clients and time limits: the per-account, per-region client cache with its timeouts, the
 * name of an SDK error, and a deadline over any call.
 *
 * Serialized into the remediation Lambdas by Pulumi: no Pulumi, no top-level import with runtime
 * effect (SDK clients are `require`d inside functions; the Node.js Lambda runtime provides the
 * AWS SDK v3). Pulumi keeps the text of every captured function, comments in function bodies
 * included: explanations belong in the doc comment above a function.
 */
import type { Credentials } from "./crossAccount";
import { type Json, REGION, isObject } from "./event";
import type { SdkLimits } from "./settings";

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/** Name of an AWS SDK v3 error (the service error code), "" for anything else. */
export function errorName(err: unknown): string {
  const e = (isObject(err) || err instanceof Error ? err : {}) as Json;
  const name = [e.Code, e.code, e.name].find((v) => typeof v === "string" && v !== "Error");
  return (name as string | undefined) ?? "";
}

/** An SDK v3 client class (`EC2Client`, ...). */
export type ClientClass<C> = new (config: Record<string, unknown>) => C;

/**
 * The one place every SDK client comes from: `(Client, account, region) => client`, cached per
 * account, region and class (a Map: no region such as `__proto__` reaches an object's
 * prototype). Each client has connection and request timeouts (an error, not the warning that
 * recent SDKs give without `throwOnRequestTimeout`) and a bounded number of attempts;
 * S3 uses path-style addressing when an emulator endpoint is set (AWS_ENDPOINT_URL). Clients for
 * the function's own account use its role; another account has no credentials yet (the account
 * check rejects such events before any call): this is where assuming a member role belongs.
 */
export function accountClients(
  ownAccount: string,
  limits: SdkLimits,
  memberRole?: (account: string, region: string) => Promise<Credentials>,
  home?: string,
): <C>(Client: ClientClass<C>, account: string, region: string) => C {
  const cache = new Map<string, unknown>();
  return <C>(Client: ClientClass<C>, account: string, region: string): C => {
    if (!REGION.test(region)) throw new Error(`not a region: ${String(region).slice(0, 40)}`);
    // A hub acts through the member role everywhere but in its own account and region.
    const viaMember = !!memberRole && (account !== ownAccount || region !== home);
    if (account !== ownAccount && !viaMember) {
      throw new Error(`no credentials for account ${account}`);
    }
    const key = `${account}/${region}/${Client.name}`;
    let client = cache.get(key) as C | undefined;
    if (client === undefined) {
      client = new Client({
        region,
        maxAttempts: limits.maxAttempts,
        requestHandler: {
          connectionTimeout: limits.connectTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          throwOnRequestTimeout: true,
        },
        ...(process.env.AWS_ENDPOINT_URL ? { forcePathStyle: true } : {}),
        ...(viaMember ? { credentials: () => memberRole!(account, region) } : {}),
      });
      cache.set(key, client);
    }
    return client;
  };
}

/** `work`, or a TimeoutError once `deadline` (epoch ms) has passed. */
export function withDeadline<R>(work: Promise<R>, deadline: number, budget: number): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    const error = Object.assign(new Error(`no answer within ${budget} ms`), {
      name: "TimeoutError",
    });
    timer = setTimeout(() => fail(error), Math.max(deadline - Date.now(), 0));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
