/**
 * The IAM roles a built stack creates, read from what Pulumi's mocks recorded: each role's trust
 * policy and inline policies as AWS would receive them, and the roles of the spoke templates the
 * hub's StackSets deploy (CloudFormation `Fn::Sub`/`Ref` resolved for one member account and
 * region with the StackSet's parameters).
 */
import type { Recorder } from "../helpers/mocks";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PolicyJson = any;

export interface RoleUnderTest {
  /** `<stack>/<role>`: the stack (`dev`, `org-hub`, `spoke`) and the role's resource or logical name. */
  readonly key: string;
  readonly arn: string;
  readonly account: string;
  readonly trustPolicy: PolicyJson;
  readonly policies: { name: string; policy: PolicyJson }[];
}

const parse = (text: unknown): PolicyJson => (typeof text === "string" ? JSON.parse(text) : text);

/** The roles (`aws:iam/role:Role`) of the recorded stack with their `RolePolicy` documents. */
export function stackRoles(recorder: Recorder, stack: string, account: string): RoleUnderTest[] {
  const rolePolicies = recorder.ofType("aws:iam/rolePolicy:RolePolicy");
  return recorder.ofType("aws:iam/role:Role").map((role) => {
    const name = (role.inputs.name as string | undefined) ?? role.name;
    const attached = rolePolicies.filter(
      (p) => p.inputs.role === `${role.name}-id` || p.inputs.role === name,
    );
    const managed = (role.inputs.managedPolicyArns as string[] | undefined) ?? [];
    if (managed.length > 0) {
      throw new Error(`${role.name}: managed policies ${managed.join(", ")} cannot be evaluated`);
    }
    return {
      key: `${stack}/${role.name}`,
      arn: `arn:aws:iam::${account}:role/${name}`,
      account,
      trustPolicy: parse(role.inputs.assumeRolePolicy),
      policies: [
        ...attached.map((p) => ({ name: p.name, policy: parse(p.inputs.policy) })),
        ...(
          (role.inputs.inlinePolicies as { name: string; policy: string }[] | undefined) ?? []
        ).map((p) => ({ name: p.name, policy: parse(p.policy) })),
      ],
    };
  });
}

/** Resolves `Fn::Sub` and `Ref` of a CloudFormation value with the given names. */
export function resolveCfn(value: unknown, names: Record<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveCfn(v, names));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if ("Ref" in obj) {
    const ref = names[String(obj.Ref)];
    if (ref === undefined) throw new Error(`unresolved Ref ${String(obj.Ref)}`);
    return ref;
  }
  if ("Fn::Sub" in obj) {
    return String(obj["Fn::Sub"]).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      const v = names[name];
      if (v === undefined) throw new Error(`unresolved \${${name}} in Fn::Sub`);
      return String(v);
    });
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolveCfn(v, names)]));
}

/**
 * The roles of the spoke templates (account and regional) of the recorded hub, as CloudFormation
 * creates them in `account`, `region`: the StackSets' parameters, and `Regions` as a list.
 */
export function spokeRoles(recorder: Recorder, account: string, region: string): RoleUnderTest[] {
  const roles: RoleUnderTest[] = [];
  for (const set of recorder.ofType("aws:cloudformation/stackSet:StackSet")) {
    const template = JSON.parse(set.inputs.templateBody);
    const params = { ...(set.inputs.parameters as Record<string, string>) };
    const names: Record<string, unknown> = {
      ...params,
      ...(params.Regions !== undefined ? { Regions: params.Regions.split(",") } : {}),
      "AWS::AccountId": account,
      "AWS::Region": region,
      "AWS::Partition": "aws",
    };
    for (const [logical, resource] of Object.entries(
      template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    )) {
      if (resource.Type !== "AWS::IAM::Role") continue;
      const props = resolveCfn(resource.Properties, names) as {
        RoleName?: string;
        AssumeRolePolicyDocument: PolicyJson;
        Policies?: { PolicyName: string; PolicyDocument: PolicyJson }[];
        ManagedPolicyArns?: string[];
      };
      if (props.ManagedPolicyArns?.length) {
        throw new Error(`${logical}: managed policies cannot be evaluated`);
      }
      roles.push({
        key: `spoke/${logical}`,
        arn: `arn:aws:iam::${account}:role/${props.RoleName ?? `${set.name}-${logical}`}`,
        account,
        trustPolicy: props.AssumeRolePolicyDocument,
        policies: (props.Policies ?? []).map((p) => ({
          name: p.PolicyName,
          policy: p.PolicyDocument,
        })),
      });
    }
  }
  return roles;
}
