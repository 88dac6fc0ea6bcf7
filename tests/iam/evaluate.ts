/**
 * One IAM request of a role, evaluated by a policy simulator (@cloud-copilot/iam-simulate): the
 * role's identity policies, the resource's policy, conditions with the request context AWS would
 * set (requested region, resource account, principal ARN/account/organization, TLS).
 */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { defaultKeyPolicy, type IamRequest } from "./requests";
import type { PolicyJson, RoleUnderTest } from "./roles";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface PrincipalContext {
  /** The organization of the principal's account, if any (`aws:PrincipalOrgID`). */
  readonly organizationId?: string;
}

/**
 * The simulator's input validation drops the keys of the KMS encryption context although the
 * action carries them: it matches variable keys by a `/` only (`aws:ResourceTag/<key>`), and KMS
 * names them with a `:` (`kms:EncryptionContext:<key>`). They are evaluated under a name it
 * accepts, in the request and in every policy alike: a string compared with the same operators,
 * so the decision is the one AWS makes.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const asEvaluated = (key: string): string =>
  key.replace(ENCRYPTION_CONTEXT, (_, k: string) => `aws:ResourceTag/kms-encryption-context.${k}`);

function renameConditionKeys(policy: PolicyJson): PolicyJson {
  if (!policy) return policy;
  const statements = [policy.Statement].flat().map((st: Record<string, unknown>) => {
    if (!st.Condition) return st;
    const condition = Object.fromEntries(
      Object.entries(st.Condition as Record<string, Record<string, unknown>>).map(([op, keys]) => [
        op,
        Object.fromEntries(Object.entries(keys).map(([k, v]) => [asEvaluated(k), v])),
      ]),
    );
    return { ...st, Condition: condition };
  });
  return { ...policy, Statement: statements };
}

export interface Evaluation {
  readonly decision: Decision;
  /** The request's condition keys that the action does not carry (AWS never sets them). */
  readonly ignoredKeys: string[];
}

/** Evaluates `request` as `role` makes it; throws on an action or ARN the simulator rejects. */
export async function evaluateRequest(
  role: RoleUnderTest,
  request: IamRequest,
  principal: PrincipalContext = {},
): Promise<Evaluation> {
  const roleName = role.arn.split("/").pop() as string;
  const context: Record<string, string | string[]> = {
    "aws:RequestedRegion": request.region,
    "aws:ResourceAccount": request.resourceAccount,
    "aws:PrincipalArn": role.arn,
    "aws:PrincipalAccount": role.account,
    "aws:SecureTransport": "true",
    ...(principal.organizationId ? { "aws:PrincipalOrgID": principal.organizationId } : {}),
    ...request.context,
  };
  // A key whose policy the stack does not set has the default one (IAM policies decide).
  const resourcePolicy =
    request.resourcePolicy ??
    (request.action.startsWith("kms:") ? defaultKeyPolicy(request.resourceAccount) : undefined);
  const simulation: Simulation = {
    request: {
      principal: `arn:aws:sts::${role.account}:assumed-role/${roleName}/session`,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: Object.fromEntries(
        Object.entries(context).map(([k, v]) => [asEvaluated(k), v]),
      ),
    },
    identityPolicies: role.policies.map((p) => ({
      name: p.name,
      policy: renameConditionKeys(p.policy),
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy: renameConditionKeys(resourcePolicy) } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") {
    throw new Error(
      `${role.key}: the simulator rejected ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  const ignoredKeys = [
    ...new Set(
      result.resultType === "single"
        ? (result.result.ignoredContextKeys ?? [])
        : result.results.flatMap((r) => r.ignoredContextKeys ?? []),
    ),
  ];
  return { decision: result.overallResult as Decision, ignoredKeys };
}

export async function evaluate(
  role: RoleUnderTest,
  request: IamRequest,
  principal: PrincipalContext = {},
): Promise<Decision> {
  return (await evaluateRequest(role, request, principal)).decision;
}
