/**
 * Execution (MITRE ATT&CK TA0002): commands run on instances through Systems Manager, boot
 * scripts replaced, and instances launched for someone else's computation (crypto mining).
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { succeededCall } from "./common";

export const EXECUTION: readonly Detection[] = [
  {
    id: "ssm-command-sent",
    title: "Command sent to instances through SSM",
    description:
      "SendCommand: a document (a shell script for AWS-RunShellScript) runs on the instances named, as root. Patching and automation do this too; an unexpected principal running shell documents is an attacker on your fleet.",
    severity: Severity.Info,
    references: { mitre: ["T1651"] },
    eventPattern: succeededCall("ssm", ["SendCommand"]),
    message: {
      subject: "SSM command sent to instances by <principalType> in <region>",
      resource: "<documentName> on <firstInstance> and others named in the request",
      body: "Check the command in Systems Manager Run Command history (command id <commandId>); if the caller is not your automation, stop the command and review the instances.",
      fields: {
        documentName: "detail.requestParameters.documentName",
        firstInstance: "detail.requestParameters.instanceIds[0]",
        commandId: "detail.responseElements.command.commandId",
      },
    },
  },
  {
    id: "ssm-session-opened",
    title: "Shell session opened through Session Manager",
    description:
      "StartSession: an interactive shell (or a port forward) on an instance, without SSH keys or open ports.",
    severity: Severity.Info,
    references: { mitre: ["T1651", "T1021.007"] },
    eventPattern: succeededCall("ssm", ["StartSession"]),
    message: {
      subject: "Session Manager session to <target> by <principalType> from <sourceIp>",
      resource: "<target> document <documentName>",
      body: "Sessions are normal for operators; one from an unknown principal or address is not. Terminate it in Session Manager if in doubt.",
      fields: {
        target: "detail.requestParameters.target",
        documentName: "detail.requestParameters.documentName",
      },
    },
  },
  {
    id: "instance-user-data-modified",
    title: "EC2 user data replaced",
    description:
      "ModifyInstanceAttribute with userData: the boot script of a stopped instance was replaced; it runs as root at the next start.",
    severity: Severity.High,
    references: { mitre: ["T1059.009", "T1578"] },
    eventPattern: succeededCall("ec2", ["ModifyInstanceAttribute"], {
      requestParameters: { userData: [{ exists: true }] },
    }),
    message: {
      subject: "User data of <instanceId> replaced in <region>",
      resource: "<instanceId>",
      body: "Read the new user data before starting the instance again; restore the script from your launch template if it is not yours.",
      fields: { instanceId: "detail.requestParameters.instanceId" },
    },
  },
  {
    id: "gpu-or-large-instance-launched",
    title: "GPU or very large instance launched",
    description:
      "RunInstances of an accelerated type (p, g, trn, inf, dl families) or of a 24xlarge, 32xlarge, 48xlarge or metal size: what crypto miners launch with stolen keys. Teams that train models launch them too.",
    severity: Severity.Medium,
    references: { mitre: ["T1496", "T1578.002"] },
    eventPattern: succeededCall("ec2", ["RunInstances"], {
      requestParameters: {
        instanceType: [
          { prefix: "p" },
          { prefix: "g" },
          { prefix: "trn" },
          { prefix: "inf" },
          { prefix: "dl" },
          { suffix: ".24xlarge" },
          { suffix: ".32xlarge" },
          { suffix: ".48xlarge" },
          { suffix: ".metal" },
        ],
      },
    }),
    message: {
      subject: "<instanceType> launched by <principalType> in <region>",
      resource: "<instanceType> <firstInstanceId>",
      body: "Confirm the launch with its owner; if nobody claims it, terminate the instances and rotate the caller's credentials. Check the other regions too.",
      fields: {
        instanceType: "detail.requestParameters.instanceType",
        firstInstanceId: "detail.responseElements.instancesSet.items[0].instanceId",
      },
    },
  },
  {
    id: "many-instances-launched",
    title: "Many instances launched in one call",
    description: "RunInstances with a maximum count of 10 or more instances in one request.",
    severity: Severity.Medium,
    references: { mitre: ["T1496", "T1578.002"] },
    eventPattern: succeededCall("ec2", ["RunInstances"], {
      requestParameters: { instancesSet: { items: { maxCount: [{ numeric: [">=", 10] }] } } },
    }),
    message: {
      subject: "Up to <maxCount> <instanceType> instances launched in <region>",
      resource: "<instanceType> x <maxCount>",
      body: "Confirm the launch with its owner; if nobody claims it, terminate the instances and rotate the caller's credentials.",
      fields: {
        instanceType: "detail.requestParameters.instanceType",
        maxCount: "detail.requestParameters.instancesSet.items[0].maxCount",
      },
    },
  },
];
