/**
 * The stack program's builder: reads the `aws-security-watch:` keys of Pulumi.<stack>.yaml,
 * checks them (unknown keys, the region, then SecurityWatch's own checks, all in one error) and
 * constructs SecurityWatch with them. Kept apart from index.ts (which only exports outputs) so
 * that the offline preview, the fire drill and the tests build exactly what `pulumi up` deploys.
 */
import {
  SecurityWatch,
  securityWatchParts,
  securityWatchProblems,
  WATCH_KEYS,
  watchSettings,
  WatchSettings,
} from "./components/securityWatch";
import { didYouMean } from "./core/configSpec";
import { WatchParts } from "./components/securityWatchParts";

export { CONFIG_DELIVERY_PREFIX, subscriptionLabel } from "./components/securityWatchParts";
export { everyRemediationIn } from "./core/remediationModes";

/** The namespace of the project's keys in Pulumi.<stack>.yaml. */
export const CONFIG_NAMESPACE = "aws-security-watch";

/** What the stack deploys: the SecurityWatch, its settings and its parts. */
export interface Stack extends WatchParts {
  readonly config: WatchSettings;
  readonly watch: SecurityWatch;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Every problem of a stack configuration, one line each with the key as written
 * (`aws-security-watch:trail.logRetentionDays: ...`).
 * @param get raw (parsed YAML) value of a key of the namespace
 * @param awsRegion the stack's `aws:region`
 * @param keys every key of the namespace the stack file sets (unset: not checked)
 */
export function stackConfigProblems(
  get: (key: string) => unknown,
  awsRegion: unknown,
  keys?: readonly string[],
): string[] {
  const problems: string[] = [];
  if (awsRegion === undefined || awsRegion === "") {
    problems.push(
      "aws:region: set the region to deploy to (pulumi config set aws:region eu-west-1)",
    );
  } else if (typeof awsRegion !== "string" || !REGION.test(awsRegion)) {
    problems.push(`aws:region: ${JSON.stringify(awsRegion)} is not a region name (like eu-west-1)`);
  }
  for (const key of keys ?? []) {
    if (!WATCH_KEYS.includes(key)) {
      problems.push(
        `${CONFIG_NAMESPACE}:${key}: unknown key${didYouMean(key, WATCH_KEYS)}; known: ${WATCH_KEYS.join(", ")}`,
      );
    }
  }
  const args = stackArgs(get);
  problems.push(...securityWatchProblems(args, `${CONFIG_NAMESPACE}:`));
  return problems;
}

/** SecurityWatch's arguments from the stack file: its keys, as they are. */
export function stackArgs(get: (key: string) => unknown): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const key of WATCH_KEYS) {
    const value = get(key);
    if (value !== undefined) args[key] = value;
  }
  return args;
}

/**
 * Builds the stack.
 * @param get raw value of a key of the `aws-security-watch` config namespace
 * @param awsRegion the stack's `aws:region`
 * @param keys every key of the namespace the stack file sets, for the unknown-key check
 * @throws Error listing every problem of the configuration, before any resource
 */
export function buildStack(
  get: (key: string) => unknown,
  awsRegion: string | undefined,
  keys?: readonly string[],
): Stack {
  const problems = stackConfigProblems(get, awsRegion, keys);
  if (problems.length > 0) {
    throw new Error(
      `Invalid stack configuration (Pulumi.<stack>.yaml):\n  - ${problems.join("\n  - ")}`,
    );
  }
  const args = { ...stackArgs(get), homeRegion: awsRegion };
  const watch = new SecurityWatch("security-watch", args);
  return { config: watchSettings(args), watch, ...securityWatchParts(watch) };
}
