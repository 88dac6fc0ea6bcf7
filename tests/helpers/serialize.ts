/**
 * Serializes a handler factory the way `aws.lambda.CallbackFunction({ callbackFactory })` does
 * and loads the produced module text in a fresh module, so that tests run the code Pulumi would
 * ship (not only the source). `require` in the loaded module resolves from the repository, so the
 * AWS SDK v3 clients are the same instances that aws-sdk-client-mock patches.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadModule } from "../../scripts/lambdaCode";

export interface SerializedHandler {
  /** The module text Pulumi would put in the Lambda archive (`__index.js`). */
  text: string;
  handler: (event: unknown) => Promise<unknown>;
}

export async function serializeHandler(
  factory: () => (event: never) => Promise<unknown>,
): Promise<SerializedHandler> {
  const serialized = await pulumi.runtime.serializeFunction(factory, { isFactoryFunction: true });
  const exports = loadModule(serialized.text, "__serialized_handler.js");
  return {
    text: serialized.text,
    handler: exports[serialized.exportName] as SerializedHandler["handler"],
  };
}
