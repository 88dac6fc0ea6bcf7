/**
 * The stacks and components the tests build under mocks, built once per test process: mocha
 * loads every test file into one process, and several files assert on the same build (the dev
 * stack, the org-hub stack, a component with its default arguments). The first caller builds it
 * and waits until every registration has reached the mocks; each caller (the first included) then
 * gets the recorder holding exactly that build's resources, as if it had just built it.
 *
 * The mocks are set once (tests/helpers/mocks.ts `setup`); the recorded resources are shared,
 * not copied: a test reads them and never changes them.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import type * as StackModule from "../../stack";
import { RecordedResource, Recorder, settle } from "./mocks";

const ROOT = path.resolve(__dirname, "..", "..");

interface Built {
  readonly value: unknown;
  readonly resources: readonly RecordedResource[];
}

const builds = new Map<string, Promise<Built>>();

/** How many times each key was built in this process (a test checks that the sharing holds). */
export const buildCounts = new Map<string, number>();

/**
 * The value `build` returns for `key`, built once per process; on return `recorder` holds
 * exactly that build's resources. Builds that differ in anything (arguments, configuration,
 * region) must have different keys. A build that throws is not kept: the next caller builds again.
 */
export async function buildOnce<T>(
  recorder: Recorder,
  key: string,
  build: () => T | Promise<T>,
): Promise<T> {
  let entry = builds.get(key);
  if (entry === undefined) {
    entry = (async () => {
      buildCounts.set(key, (buildCounts.get(key) ?? 0) + 1);
      recorder.reset();
      const value = await build();
      await settle();
      return { value, resources: [...recorder.resources] };
    })();
    builds.set(key, entry);
    entry.catch(() => builds.delete(key));
  }
  const { value, resources } = await entry;
  recorder.reset();
  recorder.resources.push(...resources);
  return value as T;
}

/** The `config` of `Pulumi.<stack>.yaml`, read once. */
const configs = new Map<string, Record<string, unknown>>();
export function stackFileConfig(stack: string): Record<string, unknown> {
  let config = configs.get(stack);
  if (config === undefined) {
    config = (
      yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
      }
    ).config;
    configs.set(stack, config);
  }
  return config;
}

/**
 * The stack program's build of `Pulumi.<stack>.yaml` (`buildStack` with that file's keys and
 * region), once per process; `recorder` then holds its resources.
 */
export async function stackOf(
  recorder: Recorder,
  stack: "dev" | "org-hub",
): Promise<StackModule.Stack> {
  const stackModule: typeof StackModule = await import("../../stack");
  const config = stackFileConfig(stack);
  return buildOnce(recorder, `stack:${stack}`, () =>
    stackModule.buildStack(
      (key) => config[`aws-security-watch:${key}`],
      config["aws:region"] as string,
    ),
  );
}
