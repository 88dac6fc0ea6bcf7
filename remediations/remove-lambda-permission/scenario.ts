/**
 * The drill scenario of remove-lambda-permission: the dangerous change made with the real AWS SDK v3 against the
 * emulator, the CloudTrail record AWS would deliver for it, and the checks that it was undone
 * (scripts/scenarios.ts lists every remediation's, in registry order). Not part of the package.
 */
import { AddPermissionCommand, RemovePermissionCommand } from "@aws-sdk/client-lambda";
import { RemediationId } from "../../core/types";
import {
  Scenario,
  attackerRecord,
  createFunction,
  moreClients,
  statementIds,
} from "../../scripts/scenarioKit";

const lambdaPermissionPublic: Scenario = {
  id: "lambda-permission-public",
  title: "Lambda function opened to everyone (AddPermission to any principal)",
  remediation: RemediationId.RemoveLambdaPermission,
  taggable: true,
  async setup(ctx, options) {
    const { lambda } = moreClients(ctx);
    const fn = await createFunction(ctx, options?.tags);
    // The owner's own grant, which must stay: S3 notifications of one bucket.
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: fn.name,
        StatementId: "s3-notifications",
        Action: "lambda:InvokeFunction",
        Principal: "s3.amazonaws.com",
        SourceArn: "arn:aws:s3:::orders-inbox",
      }),
    );
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: fn.name,
        StatementId: "public-invoke",
        Action: "lambda:InvokeFunction",
        Principal: "*",
      }),
    );
    const record = attackerRecord(ctx, {
      eventSource: "lambda.amazonaws.com",
      eventName: "AddPermission20150331v2",
      command: "lambda.add-permission",
      requestParameters: {
        functionName: fn.name,
        statementId: "public-invoke",
        action: "lambda:InvokeFunction",
        principal: "*",
      },
      responseElements: {
        statement: JSON.stringify({
          Sid: "public-invoke",
          Effect: "Allow",
          Principal: "*",
          Action: "lambda:InvokeFunction",
          Resource: fn.arn,
        }),
      },
    });
    return { record, resource: fn.name };
  },
  async verify(ctx, { resource }) {
    const sids = await statementIds(ctx, resource);
    return {
      safe: !sids.includes("public-invoke") && sids.includes("s3-notifications"),
      detail: `function ${resource} policy statements: ${sids.join(", ") || "none"}`,
    };
  },
  async fix(ctx, { resource }) {
    await moreClients(ctx).lambda.send(
      new RemovePermissionCommand({ FunctionName: resource, StatementId: "public-invoke" }),
    );
  },
};

/** The drill scenarios of remove-lambda-permission, in drill order. */
export const scenarios: Scenario[] = [lambdaPermissionPublic];
