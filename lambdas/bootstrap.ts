/**
 * The bridge between deploy time and run time: what `aws.lambda.CallbackFunction` serializes is
 * `runtimeFactory(factory, settings)`, a factory that Lambda runs once per cold start. The static
 * settings are captured as plain data; the values known only after deployment (the resolutions
 * topic, the function's own role) come from the function's environment.
 */

/** Serialize this module by value even from node_modules (see Pulumi's closure serializer). */
export const deploymentOnlyModule = true;

/** Settings that the function's environment supplies at run time. */
export interface RuntimeSettings {
  resolutionTopicArn: string;
  ownRoleArn?: string;
  idempotencyTableName?: string;
}

/**
 * A factory for `CallbackFunction.callbackFactory`: builds the handler from `settings` plus
 * `RESOLUTION_TOPIC_ARN` and `OWN_ROLE_ARN` of the environment, and the settings whose values
 * were Outputs at deployment (ARNs of other resources), which `DEPLOYED_SETTINGS` carries as a
 * JSON object. The handler factory validates the result, so a function deployed without them
 * (or with malformed JSON) fails at cold start with a clear error.
 */
export function runtimeFactory<S extends object, H>(
  factory: (settings: S & RuntimeSettings) => H,
  settings: S,
): () => H {
  return () => {
    let deployed: Record<string, unknown> = {};
    if (process.env.DEPLOYED_SETTINGS) {
      try {
        deployed = JSON.parse(process.env.DEPLOYED_SETTINGS) as Record<string, unknown>;
      } catch {
        throw new Error("invalid settings: DEPLOYED_SETTINGS is not a JSON object");
      }
      if (deployed === null || typeof deployed !== "object" || Array.isArray(deployed)) {
        throw new Error("invalid settings: DEPLOYED_SETTINGS is not a JSON object");
      }
    }
    return factory({
      ...settings,
      ...(deployed as Partial<S>),
      resolutionTopicArn: process.env.RESOLUTION_TOPIC_ARN ?? "",
      ownRoleArn: process.env.OWN_ROLE_ARN || undefined,
      idempotencyTableName: process.env.IDEMPOTENCY_TABLE || undefined,
    });
  };
}
