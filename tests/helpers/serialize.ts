/**
 * Serializes a handler factory the way `aws.lambda.CallbackFunction({ callbackFactory })` does
 * and loads the produced module text in a fresh module, so that tests run the code Pulumi would
 * ship (not only the source). `require` in the loaded module resolves from the repository, so the
 * AWS SDK v3 clients are the same instances that aws-sdk-client-mock patches.
 */
import * as path from "path";
import Module from "module";
import * as pulumi from "@pulumi/pulumi";

export interface SerializedHandler {
  /** The module text Pulumi would put in the Lambda archive (`__index.js`). */
  text: string;
  handler: (event: unknown) => Promise<unknown>;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");

export async function serializeHandler(
  factory: () => (event: never) => Promise<unknown>,
): Promise<SerializedHandler> {
  const serialized = await pulumi.runtime.serializeFunction(factory, { isFactoryFunction: true });
  const filename = path.join(REPO_ROOT, "__serialized_handler.js");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const mod = new (Module as any)(filename, module);
  mod.filename = filename;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  mod.paths = (Module as any)._nodeModulePaths(REPO_ROOT);
  mod._compile(serialized.text, filename);
  return { text: serialized.text, handler: mod.exports[serialized.exportName] };
}
