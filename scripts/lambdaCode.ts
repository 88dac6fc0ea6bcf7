/**
 * The code Pulumi would upload for a `CallbackFunction`, read back from a mocked deployment, and
 * loaded as a module so that tests, the fire drill and the benchmarks run exactly that text.
 */
import * as path from "path";
import Module from "module";

/** The archive entries (name -> text) of a Lambda function's `code` input recorded by the mocks. */
export async function archiveEntries(code: unknown): Promise<Record<string, string>> {
  const archive = code as { assets?: Promise<Record<string, { text?: Promise<string> | string }>> };
  if (!archive || archive.assets === undefined) {
    throw new Error("not an AssetArchive: expected the `code` input of an aws.lambda.Function");
  }
  const assets = await archive.assets;
  const entries: Record<string, string> = {};
  for (const [name, asset] of Object.entries(assets)) {
    if (asset.text === undefined) {
      throw new Error(`archive entry ${name} is not a string asset (a file or folder was added)`);
    }
    entries[name] = await asset.text;
  }
  return entries;
}

/**
 * Loads module text as if it were `__index.js` in a Lambda archive; `require` resolves from
 * this repository's node_modules (the AWS SDK v3 that the Lambda runtime provides).
 */
export function loadModule(text: string, name = "__index.js"): Record<string, unknown> {
  const root = path.resolve(__dirname, "..");
  const filename = path.join(root, name);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const mod = new (Module as any)(filename, module);
  mod.filename = filename;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  mod.paths = (Module as any)._nodeModulePaths(root);
  mod._compile(text, filename);
  return mod.exports;
}

/**
 * The handler of a serialized Lambda module: runs with `env` set for the duration of each call
 * (the function's environment variables, read at cold start by the factory).
 */
export function handlerOf(
  text: string,
  env: Record<string, string>,
): (event: unknown) => Promise<unknown> {
  let handler: ((event: unknown) => Promise<unknown>) | undefined;
  return async (event) => {
    const saved: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    try {
      handler ??= loadModule(text).handler as (event: unknown) => Promise<unknown>;
      return await handler(event);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
}
