/**
 * Block account public access: DeleteAccountPublicAccessBlock, or PutAccountPublicAccessBlock
 * with a setting false -> PutPublicAccessBlock (S3 Control) on this account, all four true.
 * An event naming another account (requestParameters.accountId) is ignored.
 *
 * Calls: GetPublicAccessBlock (all four on: already safe), then PutPublicAccessBlock. An account
 * carries no tags: only trusted principals are exempt.
 */
import type { RemediationId } from "../../core/types";
import { type ClientClass, errorName } from "../../lambdas/runtime/clients";
import { type Plan, isObject, readCloudTrail } from "../../lambdas/runtime/event";
import { type RemediationResult } from "../../lambdas/runtime/remediator";
import { type RemediationSettings, validateSettings } from "../../lambdas/runtime/settings";
import { makeHandler } from "../../lambdas/runtime/loop";

export const deploymentOnlyModule = true;

export type BlockAccountPublicAccessSettings = RemediationSettings;

const FLAGS = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

export function planBlockAccountPublicAccess(
  event: unknown,
  settings: Pick<RemediationSettings, "ownRoleArn">,
): Plan<{ account: string }> {
  const facts = readCloudTrail(event, settings, "s3.amazonaws.com", [
    "DeleteAccountPublicAccessBlock",
    "PutAccountPublicAccessBlock",
  ]);
  if ("kind" in facts) return facts;
  const resource = `account ${facts.account}`;
  const named = facts.request.accountId;
  if (!(typeof named === "string" && /^\d{12}$/.test(named))) {
    return {
      kind: "reject",
      reason: `${facts.eventId}: requestParameters.accountId is not an account id`,
    };
  }
  if (named !== facts.account) {
    return { kind: "ignore", facts, resource, reason: "the event names another account" };
  }
  let found = "account public access block deleted";
  if (facts.eventName === "PutAccountPublicAccessBlock") {
    const conf = facts.request.PublicAccessBlockConfiguration;
    if (!isObject(conf)) {
      return { kind: "reject", reason: `${facts.eventId}: no PublicAccessBlockConfiguration` };
    }
    const off = FLAGS.filter((f) => conf[f] !== true && conf[f] !== "true");
    if (off.length === 0) {
      return { kind: "ignore", facts, resource, reason: "all four settings are on" };
    }
    found = `account public access block turned off: ${off.join(", ")}`;
  }
  return {
    kind: "act",
    facts,
    resource,
    found,
    target: { account: facts.account },
    consoleUrl: `https://s3.console.aws.amazon.com/s3/settings?region=${facts.region}`,
  };
}

export function createBlockAccountPublicAccessHandler(
  settings: BlockAccountPublicAccessSettings,
): (event: unknown) => Promise<RemediationResult> {
  const s = validateSettings("block-account-public-access", settings);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const s3c: typeof import("@aws-sdk/client-s3-control") = require("@aws-sdk/client-s3-control");
  /**
   * The S3 Control client, through the run loop's one client function. S3 Control puts the
   * account id in the host name; an emulator endpoint (AWS_ENDPOINT_URL, set by tests and the
   * drill only) cannot take that, so there it is used as it is.
   */
  function S3Control(config: Record<string, unknown>) {
    const endpoint = process.env.AWS_ENDPOINT_URL;
    return new s3c.S3ControlClient(
      endpoint ? { ...config, endpointProvider: () => ({ url: new URL(endpoint) }) } : config,
    );
  }

  return makeHandler<{ account: string }>(s, {
    id: "block-account-public-access" as RemediationId,
    plan: (event) => planBlockAccountPublicAccess(event, s),
    gone: [],

    async inspect({ account }, { facts, client }) {
      const c = client(
        S3Control as unknown as ClientClass<InstanceType<typeof s3c.S3ControlClient>>,
        facts.region,
      );
      const block = await c.send(new s3c.GetPublicAccessBlockCommand({ AccountId: account })).then(
        (out) => out.PublicAccessBlockConfiguration,
        (err: unknown) => {
          if (errorName(err) === "NoSuchPublicAccessBlockConfiguration") return undefined;
          throw err;
        },
      );
      if (FLAGS.every((f) => block?.[f as keyof typeof block] === true)) {
        return {
          done: "already-safe",
          message: "The account's four public access block settings are on.",
        };
      }
      const off = FLAGS.filter((f) => block?.[f as keyof typeof block] !== true);
      return {
        state: block ? `account block off: ${off.join(", ")}` : "no account public access block",
        after: "account block: all four settings on",
        actions: [
          `PutPublicAccessBlock account ${account} ${FLAGS.map((f) => `${f}=true`).join(" ")}`,
        ],
        async apply() {
          await c.send(
            new s3c.PutPublicAccessBlockCommand({
              AccountId: account,
              PublicAccessBlockConfiguration: Object.fromEntries(FLAGS.map((f) => [f, true])),
            }),
          );
          return `Blocked public access for account ${account} (the four settings are on).`;
        },
      };
    },
  });
}
