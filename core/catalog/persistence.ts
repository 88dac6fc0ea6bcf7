/**
 * Persistence (MITRE ATT&CK TA0003): ways back in that survive a password reset or a key
 * rotation: Lambda functions opened to outsiders or rewritten, trust in a new identity provider
 * or certificate authority, Identity Center access handed out, SSH keys imported.
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { lambdaCalls, PERSON, succeededCall } from "./common";

/** What to check when access was granted. */
const CHECK_PERSON =
  "Check that the change was requested and approved; if not, revert it and review the principal that made it.";

const LAMBDA_FIELDS = { functionName: "detail.requestParameters.functionName" };

export const PERSISTENCE: readonly Detection[] = [
  {
    id: "lambda-permission-public",
    title: "Lambda function opened to everyone",
    description:
      "AddPermission with principal *: anyone in any AWS account (or, with a function URL, on the internet) may invoke the function. lambda-permission-external matches the same call and carries the remediation (one invocation per event), which removes the statement unless it is limited to your organization.",
    severity: Severity.Critical,
    references: { mitre: ["T1098", "T1546"] },
    eventPattern: succeededCall("lambda", lambdaCalls("AddPermission"), {
      requestParameters: { principal: ["*"] },
    }),
    message: {
      subject: "Lambda function opened to everyone in <region>",
      resource: "<functionName> statement <statementId>",
      body: "Remove the statement (RemovePermission) unless the function is meant to be public, then tag it as exempt.",
      fields: { ...LAMBDA_FIELDS, statementId: "detail.requestParameters.statementId" },
    },
  },
  {
    id: "lambda-permission-external",
    title: "Lambda function shared with an account or role",
    description:
      "AddPermission to a principal that is not an AWS service: an account id, a role or user ARN (or *). EventBridge cannot compare it with your account: the remediation removes it when it names an account that is neither this one nor an allowed one.",
    severity: Severity.High,
    references: { mitre: ["T1098"] },
    eventPattern: succeededCall("lambda", lambdaCalls("AddPermission"), {
      requestParameters: { principal: [{ "anything-but": { suffix: ".amazonaws.com" } }] },
    }),
    message: {
      subject: "Lambda function shared outside AWS services in <region>",
      resource: "<functionName> statement <statementId>",
      body: "Check that the account is one of yours or a known partner; if not, remove the statement.",
      fields: {
        ...LAMBDA_FIELDS,
        statementId: "detail.requestParameters.statementId",
        grantee: "detail.requestParameters.principal",
      },
    },
  },
  {
    id: "lambda-function-url-public",
    title: "Lambda function URL without authentication",
    description:
      "CreateFunctionUrlConfig or UpdateFunctionUrlConfig with AuthType NONE: the function answers anyone on the internet. The remediation sets the auth type back to AWS_IAM.",
    severity: Severity.High,
    references: { mitre: ["T1133", "T1546"] },
    eventPattern: succeededCall(
      "lambda",
      lambdaCalls("CreateFunctionUrlConfig", "UpdateFunctionUrlConfig"),
      { requestParameters: { authType: ["NONE"] } },
    ),
    message: {
      subject: "Lambda function URL without authentication in <region>",
      resource: "<functionName> <functionUrl>",
      body: "Set the URL's auth type to AWS_IAM unless the function is a public endpoint by design (then tag it as exempt).",
      fields: { ...LAMBDA_FIELDS, functionUrl: "detail.responseElements.functionUrl" },
    },
  },
  {
    id: "lambda-code-updated-by-person",
    title: "Lambda code changed by a person",
    description:
      "UpdateFunctionCode by an IAM user, the root user, a federated user or an Identity Center session: deployments come from a pipeline role, so a hand-made code change is either an emergency fix or a backdoor.",
    severity: Severity.Medium,
    references: { mitre: ["T1525", "T1546"] },
    eventPattern: succeededCall("lambda", lambdaCalls("UpdateFunctionCode"), {
      userIdentity: PERSON,
    }),
    message: {
      subject: "Lambda code changed by <principalType> in <region>",
      resource: "<functionName>",
      body: "Compare the code hash with your last deployment; redeploy from the pipeline if the change is not known.",
      fields: LAMBDA_FIELDS,
    },
  },
  {
    id: "lambda-layer-added-by-person",
    title: "Lambda layers changed by a person",
    description:
      "UpdateFunctionConfiguration setting layers, by a person rather than a pipeline role: a layer (or an extension in it) runs inside every invocation and sees its data.",
    severity: Severity.Medium,
    references: { mitre: ["T1525", "T1546"] },
    eventPattern: succeededCall("lambda", lambdaCalls("UpdateFunctionConfiguration"), {
      userIdentity: PERSON,
      requestParameters: { layers: [{ exists: true }] },
    }),
    message: {
      subject: "Lambda layers changed by <principalType> in <region>",
      resource: "<functionName> layer <layer>",
      body: "Check that every layer comes from your account or a publisher you trust; redeploy from the pipeline otherwise.",
      fields: { ...LAMBDA_FIELDS, layer: "detail.requestParameters.layers[0]" },
    },
  },
  {
    id: "roles-anywhere-trust-changed",
    title: "IAM Roles Anywhere trust anchor or profile changed",
    description:
      "A Roles Anywhere trust anchor or profile was created, updated or enabled: certificates of that authority can now obtain credentials for roles.",
    severity: Severity.High,
    references: { mitre: ["T1098", "T1556"] },
    eventPattern: succeededCall("rolesanywhere", [
      "CreateTrustAnchor",
      "UpdateTrustAnchor",
      "EnableTrustAnchor",
      "CreateProfile",
      "UpdateProfile",
      "EnableProfile",
    ]),
    message: {
      subject: "Roles Anywhere <eventName> in <region>",
      resource: "<name><trustAnchorId><profileId>",
      body: "Check the certificate authority and the roles of the profile; disable the trust anchor if it is not yours.",
      fields: {
        name: "detail.requestParameters.name",
        trustAnchorId: "detail.requestParameters.trustAnchorId",
        profileId: "detail.requestParameters.profileId",
      },
    },
  },
  {
    id: "saml-provider-changed",
    title: "SAML identity provider changed",
    description:
      "A SAML provider was created, updated or deleted: whoever controls its metadata can sign users into your roles. IAM Identity Center's own providers (created by sso.amazonaws.com) are excluded.",
    severity: Severity.High,
    references: { mitre: ["T1484.002", "T1606.002"] },
    eventPattern: succeededCall(
      "iam",
      ["CreateSAMLProvider", "UpdateSAMLProvider", "DeleteSAMLProvider"],
      { sourceIPAddress: [{ "anything-but": "sso.amazonaws.com" }] },
    ),
    message: {
      subject: "SAML provider <eventName> by <principalType> in account <account>",
      resource: "<name><providerArn>",
      body: "Check the provider's metadata and which roles trust it; delete a provider you do not know.",
      fields: {
        name: "detail.requestParameters.name",
        providerArn: "detail.requestParameters.sAMLProviderArn",
      },
    },
    global: true,
  },
  {
    id: "oidc-provider-changed",
    title: "OIDC identity provider changed",
    description:
      "An OpenID Connect provider was created, deleted, or given a client id or thumbprint: tokens it issues can assume the roles that trust it (a CI system of someone else, for example).",
    severity: Severity.High,
    references: { mitre: ["T1484.002"] },
    eventPattern: succeededCall("iam", [
      "CreateOpenIDConnectProvider",
      "DeleteOpenIDConnectProvider",
      "AddClientIDToOpenIDConnectProvider",
      "UpdateOpenIDConnectProviderThumbprint",
    ]),
    message: {
      subject: "OIDC provider <eventName> in account <account>",
      resource: "<url><providerArn>",
      body: "Check the provider URL and the conditions (sub, aud) of every role that trusts it.",
      fields: {
        url: "detail.requestParameters.url",
        providerArn: "detail.requestParameters.openIDConnectProviderArn",
      },
    },
    global: true,
  },
  {
    id: "sso-permission-set-changed",
    title: "IAM Identity Center permission set changed",
    description:
      "A permission set was created, deleted, given policies or provisioned: the access of everyone assigned to it changes in every account it is provisioned to.",
    severity: Severity.Medium,
    references: { mitre: ["T1098.003"] },
    eventPattern: succeededCall("sso", [
      "CreatePermissionSet",
      "UpdatePermissionSet",
      "DeletePermissionSet",
      "PutInlinePolicyToPermissionSet",
      "AttachManagedPolicyToPermissionSet",
      "AttachCustomerManagedPolicyReferenceToPermissionSet",
      "DeletePermissionsBoundaryFromPermissionSet",
      "ProvisionPermissionSet",
    ]),
    message: {
      subject: "Identity Center <eventName> by <principalType>",
      resource: "<permissionSetArn><name>",
      body: CHECK_PERSON,
      fields: {
        permissionSetArn: "detail.requestParameters.permissionSetArn",
        name: "detail.requestParameters.name",
      },
    },
  },
  {
    id: "identity-center-assignment-changed",
    title: "IAM Identity Center account assignment changed",
    description:
      "CreateAccountAssignment or DeleteAccountAssignment: a user or group was given (or lost) a permission set in an account.",
    severity: Severity.Medium,
    references: { mitre: ["T1098.003"] },
    eventPattern: succeededCall("sso", ["CreateAccountAssignment", "DeleteAccountAssignment"]),
    message: {
      subject: "Identity Center <eventName> for account <targetId>",
      resource: "<principalId> in account <targetId> with <permissionSetArn>",
      body: CHECK_PERSON,
      fields: {
        targetId: "detail.requestParameters.targetId",
        principalId: "detail.requestParameters.principalId",
        permissionSetArn: "detail.requestParameters.permissionSetArn",
      },
    },
  },
  {
    id: "ec2-key-pair-imported",
    title: "EC2 key pair imported",
    description:
      "ImportKeyPair: a public key made elsewhere can now be put on new instances; its private half never passed through AWS.",
    severity: Severity.Medium,
    references: { mitre: ["T1098.004"] },
    eventPattern: succeededCall("ec2", ["ImportKeyPair"]),
    message: {
      subject: "EC2 key pair imported in <region>",
      resource: "<keyName>",
      body: "Check who holds the private key; delete the key pair if it is not known.",
      fields: { keyName: "detail.requestParameters.keyName" },
    },
  },
  {
    id: "iam-user-created",
    title: "IAM user created",
    description:
      "CreateUser: long-lived users are a classic way back in. Accounts managed through Identity Center and roles rarely need new users.",
    severity: Severity.Info,
    references: { mitre: ["T1136.003"] },
    eventPattern: succeededCall("iam", ["CreateUser"]),
    message: {
      subject: "IAM user created by <principalType> in account <account>",
      resource: "user <userName>",
      body: CHECK_PERSON,
      fields: { userName: "detail.requestParameters.userName" },
    },
    global: true,
  },
  {
    id: "secret-resource-policy-changed",
    title: "Secrets Manager resource policy changed",
    description:
      "PutResourcePolicy on a secret: principals named in the policy (another account, or everyone) may read it. EventBridge cannot read the policy text: the alert says which secret.",
    severity: Severity.Medium,
    references: { mitre: ["T1098", "T1555.006"] },
    eventPattern: succeededCall("secretsmanager", ["PutResourcePolicy"]),
    message: {
      subject: "Resource policy of a secret changed in <region>",
      resource: "<secretId>",
      body: "Read the policy (GetResourcePolicy): a Principal of * or of an unknown account exposes the secret. Delete the statement and rotate the secret if so.",
      fields: { secretId: "detail.requestParameters.secretId" },
    },
  },
  {
    id: "iam-permissions-boundary-removed",
    title: "IAM permissions boundary removed",
    description:
      "DeleteUserPermissionsBoundary or DeleteRolePermissionsBoundary: the ceiling on what the user or role may do is gone.",
    severity: Severity.High,
    references: { mitre: ["T1098"] },
    eventPattern: succeededCall("iam", [
      "DeleteUserPermissionsBoundary",
      "DeleteRolePermissionsBoundary",
    ]),
    message: {
      subject: "Permissions boundary removed in account <account>",
      resource: "<userName><roleName>",
      body: "Put the boundary back unless removing it was planned.",
      fields: {
        userName: "detail.requestParameters.userName",
        roleName: "detail.requestParameters.roleName",
      },
    },
    global: true,
  },
  {
    id: "instance-profile-changed",
    title: "Instance profile attached or replaced",
    description:
      "AssociateIamInstanceProfile or ReplaceIamInstanceProfileAssociation: the instance now runs with another role's permissions (anyone on the instance gets them).",
    severity: Severity.Medium,
    references: { mitre: ["T1098", "T1078.004"] },
    eventPattern: succeededCall("ec2", [
      "AssociateIamInstanceProfile",
      "ReplaceIamInstanceProfileAssociation",
    ]),
    message: {
      subject: "Instance profile changed on <instanceId> in <region>",
      resource: "<instanceId> <profileArn>",
      body: "Check that the role is the one the workload needs.",
      fields: {
        instanceId: "detail.requestParameters.AssociateIamInstanceProfileRequest.InstanceId",
        profileArn:
          "detail.requestParameters.AssociateIamInstanceProfileRequest.IamInstanceProfile.Arn",
      },
    },
  },
];
