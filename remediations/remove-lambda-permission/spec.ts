/** remove-lambda-permission: Remove a Lambda permission granting `*` or an account that is not allowed. */
import type { RemediationSpec } from "../spec";
import { accountIdList, organizationIdList } from "../settingKinds";
import { createRemoveLambdaPermissionHandler } from "./handler";
import { statements } from "./policy";

/** The settings of remove-lambda-permission (`remediations.remove-lambda-permission.settings`). */
export interface RemoveLambdaPermissionOptions {
  /**
   * Accounts a Lambda function may be shared with besides this one: AddPermission to any other
   * account is undone.
   * @default []
   */
  readonly partnerAccountIds?: string[];
  /**
   * Organizations a function may be shared with through `*` limited by `principalOrgID`,
   * besides the hub's own: a grant limited to any other organization is undone.
   * @default []
   */
  readonly partnerOrganizationIds?: string[];
}

export const spec: RemediationSpec = {
  id: "remove-lambda-permission",
  key: "RemoveLambdaPermission",
  title: "Remove a Lambda permission granting `*` or an account that is not allowed",
  factory: createRemoveLambdaPermissionHandler,
  statements,
  settings: {
    partnerAccountIds: accountIdList(
      "Accounts a Lambda function may be shared with besides this one: AddPermission to any other account is undone.",
    ),
    partnerOrganizationIds: organizationIdList(
      "Organizations a function may be shared with through `*` limited by `principalOrgID`, besides the hub's own (`crossAccount.organizationId`): a grant limited to any other organization is undone.",
    ),
  },
  detections: ["lambda-permission-external"],
  docs: {
    undoes:
      "the statement an AddPermission added for `*` (unless limited to the stack's own organization or one in `partnerOrganizationIds`), for an account that is neither this one nor in `partnerAccountIds`, or for an AWS service without a source ARN or account of this account (a confused deputy); only while the statement still holds that grant",
    neverTouches:
      "grants to this account, to partner accounts and organizations, service grants limited to a source of this account, other statements, the function's code and configuration",
    roleCanStill:
      "remove any statement from the policy of any function of the account in the region: Lambda has no condition key on the statement removed",
  },
};
