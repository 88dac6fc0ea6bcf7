/**
 * The drill scenario of restrict-function-url: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import {
  CreateFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  UpdateFunctionUrlConfigCommand,
} from "@aws-sdk/client-lambda";
import { RemediationId } from "../../core/types";
import { Scenario, attackerRecord, createFunction, moreClients } from "../../scripts/scenarioKit";

const functionUrlPublic: Scenario = {
  id: "lambda-function-url-public",
  title: "Lambda function URL without authentication (AuthType NONE)",
  remediation: RemediationId.RestrictFunctionUrl,
  taggable: true,
  async setup(ctx, options) {
    const fn = await createFunction(ctx, options?.tags);
    const url = await moreClients(ctx).lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: fn.name, AuthType: "NONE" }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "lambda.amazonaws.com",
      eventName: "CreateFunctionUrlConfig20211031",
      command: "lambda.create-function-url-config",
      requestParameters: { functionName: fn.name, authType: "NONE" },
      responseElements: {
        functionUrl: url.FunctionUrl,
        functionArn: fn.arn,
        authType: "NONE",
        creationTime: url.CreationTime,
      },
    });
    return { record, resource: fn.name };
  },
  async verify(ctx, { resource }) {
    const url = await moreClients(ctx).lambda.send(
      new GetFunctionUrlConfigCommand({ FunctionName: resource }),
    );
    return {
      safe: url.AuthType === "AWS_IAM",
      detail: `function ${resource} URL auth type ${url.AuthType}`,
    };
  },
  async fix(ctx, { resource }) {
    await moreClients(ctx).lambda.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: resource, AuthType: "AWS_IAM" }),
    );
  },
};

/** The drill scenarios of restrict-function-url, in drill order. */
export const scenarios: Scenario[] = [functionUrlPublic];
