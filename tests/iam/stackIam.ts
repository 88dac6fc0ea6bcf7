/**
 * A built stack's IAM, as the simulator test needs it: its roles, the resources that carry
 * policies of their own (topics, keys, member roles' trust), and the calls that AWS services make
 * with a role on a function's or the stack's behalf, read from the deployed resources (Lambda's
 * runtime writing the function's log group and delivering to its destinations, CloudTrail
 * writing the trail's log group, EventBridge putting events on a bus, the threshold reporter's
 * reports of the deployed rules to the deployed topics).
 */
import type { Recorder } from "../helpers/mocks";
import { type IamRequest, type ResourceDirectory, requestsOfCall } from "./requests";
import { type PolicyJson, resolveCfn, type RoleUnderTest, spokeRoles, stackRoles } from "./roles";

export interface StackIam {
  readonly roles: RoleUnderTest[];
  readonly directory: ResourceDirectory;
  /** Role ARN -> the calls AWS services make with it, from the deployed resources. */
  readonly serviceCalls: Map<string, IamRequest[]>;
  /** Function role ARN -> the resolutions topic it publishes to (its environment). */
  readonly resolutionTopics: Map<string, string>;
  /** Function role ARN -> its idempotency table ARN. */
  readonly tables: Map<string, string>;
  /** The alert topics (by severity) of the stack. */
  readonly alertTopics: string[];
}

const parse = (text: unknown): PolicyJson => (typeof text === "string" ? JSON.parse(text) : text);

function push(map: Map<string, IamRequest[]>, key: string, ...requests: IamRequest[]): void {
  map.set(key, [...(map.get(key) ?? []), ...requests]);
}

/** What a destination ARN receives a Lambda async invocation result with. */
function deliveryAction(arn: string): string {
  const service = arn.split(":")[2];
  const actions: Record<string, string> = {
    sqs: "sqs:SendMessage",
    sns: "sns:Publish",
    events: "events:PutEvents",
    lambda: "lambda:InvokeFunction",
  };
  const action = actions[service];
  if (!action) throw new Error(`unknown destination service ${service} (${arn})`);
  return action;
}

export function stackIam(
  recorder: Recorder,
  options: {
    readonly stack: string;
    readonly account: string;
    readonly region: string;
    readonly organization?: { id: string; accounts: string[] };
    /** Member accounts whose spoke roles (StackSet templates) are part of the stack. */
    readonly memberAccounts?: string[];
  },
): StackIam {
  const { account, region } = options;
  const roles = stackRoles(recorder, options.stack, account);
  for (const member of options.memberAccounts ?? []) {
    roles.push(
      ...spokeRoles(recorder, member, region).map((r) => ({ ...r, key: `${r.key}@${member}` })),
    );
  }
  const keyArnOf = (name: string) => `arn:aws:kms:${region}:${account}:key/key-${name}`;
  const keyPolicies: Record<string, PolicyJson> = {};
  for (const key of recorder.ofType("aws:kms/key:Key")) {
    keyPolicies[keyArnOf(key.name)] = parse(key.inputs.policy);
  }
  const topicArnOf = (r: { name: string; inputs: { name?: string } }) =>
    `arn:aws:sns:${region}:${account}:${r.inputs.name ?? r.name}`;
  const topicKeys: Record<string, string> = {};
  const alertTopics: string[] = [];
  for (const topic of recorder.ofType("aws:sns/topic:Topic")) {
    if (topic.inputs.kmsMasterKeyId) topicKeys[topicArnOf(topic)] = topic.inputs.kmsMasterKeyId;
    alertTopics.push(topicArnOf(topic));
  }
  const topicPolicies: Record<string, PolicyJson> = {};
  for (const p of recorder.ofType("aws:sns/topicPolicy:TopicPolicy")) {
    topicPolicies[p.inputs.arn] = parse(p.inputs.policy);
  }
  const trustPolicies: Record<string, PolicyJson> = {};
  for (const role of roles) trustPolicies[role.arn] = role.trustPolicy;

  const directory: ResourceDirectory = {
    topicKeys,
    topicPolicies,
    keyPolicies,
    trustPolicies,
    ...(options.organization ? { organization: options.organization } : {}),
  };
  const serviceCalls = new Map<string, IamRequest[]>();
  const resolutionTopics = new Map<string, string>();
  const tables = new Map<string, string>();
  const request = (label: string, action: string, resource: string): IamRequest => ({
    label,
    action,
    resource,
    resourceAccount: resource.split(":")[4] || account,
    region: resource.split(":")[3] || region,
  });
  const roleArnById = (id: string) => {
    const role = recorder
      .ofType("aws:iam/role:Role")
      .find(
        (r) =>
          `${r.name}-id` === id ||
          r.name === id ||
          `arn:aws:iam::${account}:role/${r.inputs.name ?? r.name}` === id,
      );
    if (!role) throw new Error(`no role ${id}`);
    return `arn:aws:iam::${account}:role/${role.inputs.name ?? role.name}`;
  };
  const invokeConfigs = recorder.ofType(
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  );
  for (const fn of recorder.ofType("aws:lambda/function:Function")) {
    const roleArn = roleArnById(String(fn.inputs.role));
    const fnName = fn.inputs.name ?? fn.name;
    const logGroup = fn.inputs.loggingConfig?.logGroup ?? `/aws/lambda/${fnName}`;
    const stream = `arn:aws:logs:${region}:${account}:log-group:${logGroup}:log-stream:2026/12/04/[$LATEST]0123456789abcdef`;
    push(
      serviceCalls,
      roleArn,
      request(`Lambda runtime: create ${fnName}'s log stream`, "logs:CreateLogStream", stream),
      request(`Lambda runtime: write ${fnName}'s logs`, "logs:PutLogEvents", stream),
    );
    const config = invokeConfigs.find(
      (c) => c.inputs.functionName === fnName || c.inputs.functionName === fn.name,
    );
    for (const [kind, dest] of Object.entries(config?.inputs.destinationConfig ?? {})) {
      const arn = (dest as { destination: string }).destination;
      push(serviceCalls, roleArn, request(`Lambda: ${kind} destination`, deliveryAction(arn), arn));
    }
    const env = (fn.inputs.environment?.variables ?? {}) as Record<string, string>;
    if (env.RESOLUTION_TOPIC_ARN) resolutionTopics.set(roleArn, env.RESOLUTION_TOPIC_ARN);
    if (env.IDEMPOTENCY_TABLE) {
      tables.set(roleArn, `arn:aws:dynamodb:${region}:${account}:table/${env.IDEMPOTENCY_TABLE}`);
    }
    if (env.REPORTER_SETTINGS) {
      // The threshold reporter: a report of each deployed rule, to the deployed topics.
      const settings = JSON.parse(env.REPORTER_SETTINGS) as {
        topicArns: Record<string, string>;
        claimTableName?: string;
      };
      // The group's rules only (the hub's heartbeat rule is not the reporter's).
      for (const rule of recorder
        .ofType("aws:cloudwatch/contributorInsightRule:ContributorInsightRule")
        .filter((r) => r.parent?.startsWith("aws-security-watch:index:ThresholdAlarmGroup"))) {
        const name = rule.inputs.ruleName ?? rule.name;
        push(
          serviceCalls,
          roleArn,
          request(
            `report of ${name}`,
            "cloudwatch:GetInsightRuleReport",
            `arn:aws:cloudwatch:${region}:${account}:insight-rule/${name}`,
          ),
        );
      }
      for (const topic of new Set(Object.values(settings.topicArns))) {
        // As the reporter's SNS client sends it: the topic's key is used through SNS too.
        const publish = {
          client: "SNSClient",
          command: "Publish",
          input: { TopicArn: topic },
          region,
          functionRoleArn: roleArn,
        };
        push(serviceCalls, roleArn, ...requestsOfCall(publish, directory));
      }
      if (settings.claimTableName) {
        // One claim per alarm state change (issue 18, D10): put, then update or delete.
        const table = `arn:aws:dynamodb:${region}:${account}:table/${settings.claimTableName}`;
        for (const action of ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]) {
          push(serviceCalls, roleArn, request(`report claim: ${action}`, action, table));
        }
      }
    }
    if (env.RENDERER_SETTINGS) {
      // The chat card renderer publishes the cards to the chat topic (through its key, if any).
      const settings = JSON.parse(env.RENDERER_SETTINGS) as { chatTopicArn: string };
      const publish = {
        client: "SNSClient",
        command: "Publish",
        input: { TopicArn: settings.chatTopicArn },
        region,
        functionRoleArn: roleArn,
      };
      push(serviceCalls, roleArn, ...requestsOfCall(publish, directory));
    }
  }
  // CloudTrail writes the trail's log group with the trail's role.
  for (const trail of recorder.ofType("aws:cloudtrail/trail:Trail")) {
    if (!trail.inputs.cloudWatchLogsRoleArn) continue;
    const group = String(trail.inputs.cloudWatchLogsGroupArn).replace(/:\*$/, "");
    const stream = `${group}:log-stream:${account}_CloudTrail_${region}`;
    push(
      serviceCalls,
      roleArnById(trail.inputs.cloudWatchLogsRoleArn),
      request("CloudTrail: create its log stream", "logs:CreateLogStream", stream),
      request("CloudTrail: deliver events", "logs:PutLogEvents", stream),
    );
  }
  // EventBridge puts events on a target bus with the target's role.
  for (const target of recorder.ofType("aws:cloudwatch/eventTarget:EventTarget")) {
    if (!target.inputs.roleArn || !String(target.inputs.arn).includes(":event-bus/")) continue;
    push(
      serviceCalls,
      roleArnById(target.inputs.roleArn),
      request(
        `EventBridge: rule ${target.inputs.rule} to ${target.inputs.arn}`,
        "events:PutEvents",
        target.inputs.arn,
      ),
    );
  }
  // In each member account, EventBridge forwards with the spoke's role to the hub's bus, whose
  // policy (cross-account) must admit it too.
  const busPolicies = new Map(
    recorder
      .ofType("aws:cloudwatch/eventBusPolicy:EventBusPolicy")
      .map((p) => [p.inputs.eventBusName, parse(p.inputs.policy)] as const),
  );
  for (const set of recorder.ofType("aws:cloudformation/stackSet:StackSet")) {
    const params = set.inputs.parameters as Record<string, string>;
    const template = JSON.parse(set.inputs.templateBody) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    for (const member of options.memberAccounts ?? []) {
      for (const [logical, resource] of Object.entries(template.Resources)) {
        if (resource.Type !== "AWS::Events::Rule") continue;
        for (const target of (resource.Properties.Targets ?? []) as Record<string, unknown>[]) {
          const role = (target.RoleArn as { "Fn::GetAtt"?: string[] } | undefined)?.["Fn::GetAtt"];
          if (!role) continue;
          const bus = resolveCfn(target.Arn, params) as string;
          const roleArn = `arn:aws:iam::${member}:role/${set.name}-${role[0]}`;
          const busName = bus.split("/").pop() as string;
          push(serviceCalls, roleArn, {
            ...request(
              `EventBridge in ${member}: rule ${logical} to the hub bus`,
              "events:PutEvents",
              bus,
            ),
            resourcePolicy: busPolicies.get(busName) ?? busPolicies.get(bus),
          });
        }
      }
    }
  }
  return {
    roles,
    directory,
    serviceCalls,
    resolutionTopics,
    tables,
    alertTopics,
  };
}
