/**
 * Lateral movement (MITRE ATT&CK TA0008): into instances through EC2 Instance Connect and the
 * serial console, which need no open port and no key on the instance beforehand.
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { succeededCall } from "./common";

export const LATERAL_MOVEMENT: readonly Detection[] = [
  {
    id: "ec2-instance-connect-key-sent",
    title: "SSH key pushed with EC2 Instance Connect",
    description:
      "SendSSHPublicKey: a public key is valid on the instance for 60 seconds, for the OS user named. Operators use it; so does anyone holding ec2-instance-connect permissions.",
    severity: Severity.Info,
    references: { mitre: ["T1021.004", "T1098.004"] },
    eventPattern: succeededCall("ec2-instance-connect", ["SendSSHPublicKey"]),
    message: {
      subject: "SSH key pushed to <instanceId> as <osUser> from <sourceIp>",
      resource: "<instanceId> user <osUser>",
      body: "Check that the principal is an operator of this instance; remove ec2-instance-connect:SendSSHPublicKey from roles that do not need it.",
      fields: {
        instanceId: "detail.requestParameters.instanceId",
        osUser: "detail.requestParameters.instanceOSUser",
      },
    },
  },
  {
    id: "serial-console-key-sent",
    title: "SSH key pushed for the EC2 serial console",
    description:
      "SendSerialConsoleSSHPublicKey: a key for the instance's serial console, which reaches the boot loader and a root shell even when the network is cut.",
    severity: Severity.High,
    references: { mitre: ["T1021.004"] },
    eventPattern: succeededCall("ec2-instance-connect", ["SendSerialConsoleSSHPublicKey"]),
    message: {
      subject: "Serial console key pushed to <instanceId> from <sourceIp>",
      resource: "<instanceId> port <serialPort>",
      body: "Serial console access is for break-glass recovery; if nobody is recovering this instance, disable serial console access and review the principal.",
      fields: {
        instanceId: "detail.requestParameters.instanceId",
        serialPort: "detail.requestParameters.serialPort",
      },
    },
  },
  {
    id: "serial-console-access-enabled",
    title: "EC2 serial console access enabled",
    description:
      "EnableSerialConsoleAccess: the account-wide switch for serial consoles in this region was turned on.",
    severity: Severity.High,
    references: { mitre: ["T1021"] },
    eventPattern: succeededCall("ec2", ["EnableSerialConsoleAccess"]),
    message: {
      subject: "EC2 serial console access enabled in <region>",
      resource: "account <account>",
      body: "Turn it off again (DisableSerialConsoleAccess) unless a recovery needs it now.",
    },
  },
];
