import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The arguments of a {@link HandlerFunction}: those of a `CallbackFunction` with a factory and a role. */
export type HandlerFunctionArgs<E, R> = Omit<
  aws.lambda.CallbackFunctionArgs<E, R>,
  "callback" | "callbackFactory" | "role" | "policies"
> & {
  /** Returns the handler; serialized into `__index.js` (Pulumi's function serialization). */
  readonly callbackFactory: aws.lambda.CallbackFactory<E, R>;
  /** The function's execution role (its ARN): the component always makes a least-privilege one. */
  readonly role: pulumi.Input<string>;
};

/** The serialized file and its export, as `CallbackFunction` names them. */
const SERIALIZED_FILE = "__index";
const HANDLER_EXPORT = "handler";

type CodePaths = Map<string, pulumi.asset.Asset | pulumi.asset.Archive>;

/**
 * The module paths of the archive, by working directory and options: Pulumi's
 * `computeCodePaths` reads the whole installed dependency tree (`@npmcli/arborist`) on every
 * call, and every function of a program asks the same question, so it is asked once per process.
 */
const codePathsCache = new Map<string, Promise<CodePaths>>();

/**
 * What `CallbackFunction` adds to the user's code path options: the Lambda runtime provides
 * `aws-sdk`. A fresh object (the options are never mutated).
 */
function withRuntimeExclusions(
  options: pulumi.runtime.CodePathOptions,
): pulumi.runtime.CodePathOptions {
  return {
    ...options,
    extraExcludePackages: [...(options.extraExcludePackages ?? []), "aws-sdk"],
  };
}

/** The archive's module paths for `options`, computed once per working directory and options. */
export function sharedCodePaths(options: pulumi.runtime.CodePathOptions = {}): Promise<CodePaths> {
  const full = withRuntimeExclusions(options);
  const key = JSON.stringify([
    process.cwd(),
    [...(full.extraIncludePaths ?? [])].sort(),
    [...(full.extraIncludePackages ?? [])].sort(),
    [...(full.extraExcludePackages ?? [])].sort(),
  ]);
  let paths = codePathsCache.get(key);
  if (paths === undefined) {
    paths = pulumi.runtime.computeCodePaths(full);
    // A failed walk is not remembered: the next function asks again (and reports the error).
    paths.catch(() => codePathsCache.delete(key));
    codePathsCache.set(key, paths);
  }
  return paths;
}

/**
 * A Lambda function whose code is a handler factory serialized by Pulumi: the resource
 * `aws.lambda.CallbackFunction` deploys (the same type, `__index.js` archive, handler name and
 * defaults), except that the archive's module paths come from {@link sharedCodePaths} (one
 * dependency-tree walk for all the functions of a program, not one each), and that the role is
 * required (no default role with broad managed policies can be made by mistake).
 */
export class HandlerFunction<E, R> extends aws.lambda.Function {
  constructor(
    name: string,
    args: HandlerFunctionArgs<E, R>,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const { callbackFactory, codePathOptions, ...functionArgs } = args;
    const closure = pulumi.runtime.serializeFunction(callbackFactory, {
      serialize: () => true,
      exportName: HANDLER_EXPORT,
      isFactoryFunction: true,
      allowSecrets: true,
    });
    const assets = Promise.all([closure, sharedCodePaths(codePathOptions)]).then(
      ([serialized, modules]) => {
        const archive: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {
          [`${SERIALIZED_FILE}.js`]: new pulumi.asset.StringAsset(serialized.text),
        };
        for (const [file, asset] of modules) archive[file] = asset;
        return archive;
      },
    );
    const code = pulumi.output(new pulumi.asset.AssetArchive(assets));
    // As CallbackFunction does: the archive is secret when the closure captured a secret (the
    // Output's `isSecret` is not in its public type).
    const owner: { resource?: pulumi.Resource } = {};
    (code as unknown as { isSecret: Promise<boolean> }).isSecret = closure.then((c) => {
      if (c.containsSecrets) {
        pulumi.log.warn(
          `A secret value was captured and serialized into the body of the Lambda Function '${name}': ` +
            "it is stored encrypted in the state, but in plain text in the deployment package.",
          owner.resource,
        );
      }
      return c.containsSecrets;
    });
    super(
      name,
      {
        ...functionArgs,
        code,
        handler: `${SERIALIZED_FILE}.${HANDLER_EXPORT}`,
        runtime: functionArgs.runtime ?? aws.lambda.Runtime.NodeJS22dX,
        timeout: functionArgs.timeout ?? 180,
      },
      functionArgs.runtime === undefined
        ? pulumi.mergeOptions(opts, { ignoreChanges: ["runtime"] })
        : opts,
    );
    owner.resource = this;
  }
}
