/**
 * Exfiltration and collection (MITRE ATT&CK TA0010, TA0009): whole machines, databases and
 * buckets copied or exposed to somewhere else, and traffic mirrored.
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { API_CALL, SUCCEEDED, succeededCall } from "./common";

/** What to check on a change of who can see data. */
const CHECK_TRAFFIC =
  "Check that the change was planned and that its destination is yours; undo it otherwise.";

const RDS_INSTANCE = { instance: "detail.requestParameters.dBInstanceIdentifier" };

export const EXFILTRATION: readonly Detection[] = [
  {
    id: "ec2-instance-export-task",
    title: "EC2 instance exported",
    description:
      "CreateInstanceExportTask: the instance's disks are written as an image file to an S3 bucket, from where they can be downloaded anywhere.",
    severity: Severity.High,
    references: { mitre: ["T1537"] },
    eventPattern: succeededCall("ec2", ["CreateInstanceExportTask"]),
    message: {
      subject: "Instance <instanceId> exported to S3 in <region>",
      resource: "<instanceId> to bucket <bucket>",
      body: "Cancel the export task (CancelExportTask) if nobody asked for it, and check who can read the bucket.",
      fields: {
        instanceId: "detail.requestParameters.instanceId",
        bucket: "detail.requestParameters.exportToS3.s3Bucket",
      },
    },
  },
  {
    id: "rds-restored-public",
    title: "RDS database restored publicly accessible",
    description:
      "A database restored from a snapshot or a point in time answers on a public address: the classic way to read a snapshot's data from outside.",
    severity: Severity.Critical,
    references: { mitre: ["T1530", "T1578.002"] },
    eventPattern: succeededCall(
      "rds",
      [
        "RestoreDBInstanceFromDBSnapshot",
        "RestoreDBInstanceToPointInTime",
        "RestoreDBInstanceFromS3",
      ],
      { responseElements: { publiclyAccessible: [true] } },
    ),
    message: {
      subject: "Database restored with a public address in <region>",
      resource: "<instance>",
      body: "Make it private (ModifyDBInstance, PubliclyAccessible false) or delete it, and find out who restored it.",
      fields: RDS_INSTANCE,
    },
  },
  {
    id: "rds-made-public",
    title: "RDS database made publicly accessible",
    description: "ModifyDBInstance with publiclyAccessible true.",
    severity: Severity.High,
    references: { mitre: ["T1530"] },
    eventPattern: succeededCall("rds", ["ModifyDBInstance"], {
      requestParameters: { publiclyAccessible: [true] },
    }),
    message: {
      subject: "RDS database made public in <region>",
      resource: "<instance>",
      body: "Set PubliclyAccessible back to false unless the database is meant to be reachable from the internet.",
      fields: RDS_INSTANCE,
    },
  },
  {
    id: "rds-master-password-changed",
    title: "RDS master password changed",
    description:
      "ModifyDBInstance or ModifyDBCluster with a new master user password: whoever set it owns the database.",
    severity: Severity.Medium,
    references: { mitre: ["T1098"] },
    eventPattern: succeededCall("rds", ["ModifyDBInstance", "ModifyDBCluster"], {
      requestParameters: { masterUserPassword: [{ exists: true }] },
    }),
    message: {
      subject: "RDS master password changed in <region>",
      resource: "<instance><cluster>",
      body: "If not planned, reset the password to one only the owners hold and check the database's connections.",
      fields: { ...RDS_INSTANCE, cluster: "detail.requestParameters.dBClusterIdentifier" },
    },
  },
  {
    id: "rds-snapshot-exported",
    title: "RDS snapshot exported to S3",
    description:
      "StartExportTask: a database snapshot is written to S3 as Parquet files, readable with any tool.",
    severity: Severity.Medium,
    references: { mitre: ["T1537"] },
    eventPattern: succeededCall("rds", ["StartExportTask"]),
    message: {
      subject: "RDS snapshot export started in <region>",
      resource: "<sourceArn> to <bucket>",
      body: "Cancel the export (CancelExportTask) if nobody asked for it.",
      fields: {
        sourceArn: "detail.requestParameters.sourceArn",
        bucket: "detail.requestParameters.s3BucketName",
      },
    },
  },
  {
    id: "s3-replication-to-another-account",
    title: "S3 replication to another account",
    description:
      "PutBucketReplication with a destination account or an owner override: new objects are copied to a bucket someone else may own. EventBridge cannot compare the account with yours: the alert names it.",
    severity: Severity.High,
    references: { mitre: ["T1537"] },
    eventPattern: {
      source: ["aws.s3"],
      "detail-type": [API_CALL],
      detail: {
        eventSource: ["s3.amazonaws.com"],
        eventName: ["PutBucketReplication"],
        errorCode: SUCCEEDED,
        requestParameters: {
          ReplicationConfiguration: {
            Rule: {
              Destination: {
                $or: [
                  { Account: [{ exists: true }] },
                  { AccessControlTranslation: { Owner: [{ exists: true }] } },
                ],
              },
            },
          },
        },
      },
    },
    message: {
      subject: "Bucket <bucketName> replicates to another account",
      resource: "<bucketName> to <destinationBucket>",
      body: "Check that the destination account is yours; delete the replication configuration otherwise.",
      fields: {
        bucketName: "detail.requestParameters.bucketName",
        destinationAccount:
          "detail.requestParameters.ReplicationConfiguration.Rule.Destination.Account",
        destinationBucket:
          "detail.requestParameters.ReplicationConfiguration.Rule.Destination.Bucket",
      },
    },
  },
  {
    id: "codebuild-project-made-public",
    title: "CodeBuild project made public",
    description:
      "UpdateProjectVisibility to PUBLIC_READ: build logs and artifacts (often with secrets in them) are readable by anyone.",
    severity: Severity.High,
    references: { mitre: ["T1530"] },
    eventPattern: succeededCall("codebuild", ["UpdateProjectVisibility"], {
      requestParameters: { projectVisibility: ["PUBLIC_READ"] },
    }),
    message: {
      subject: "CodeBuild project made public in <region>",
      resource: "<projectArn>",
      body: "Set the visibility back to PRIVATE and rotate any secret printed in its build logs.",
      fields: { projectArn: "detail.requestParameters.projectArn" },
    },
  },
  {
    id: "traffic-mirroring-set-up",
    title: "VPC traffic mirroring set up",
    description:
      "A traffic mirror target or session was created or changed: copies of the network packets of an interface go somewhere else.",
    severity: Severity.Medium,
    references: { mitre: ["T1040"] },
    eventPattern: succeededCall("ec2", [
      "CreateTrafficMirrorTarget",
      "CreateTrafficMirrorSession",
      "ModifyTrafficMirrorSession",
    ]),
    message: {
      subject: "Traffic mirroring <eventName> in <region>",
      resource: "<sessionInterface><targetInterface>",
      body: CHECK_TRAFFIC,
      fields: {
        sessionInterface:
          "detail.requestParameters.CreateTrafficMirrorSessionRequest.NetworkInterfaceId",
        targetInterface:
          "detail.requestParameters.CreateTrafficMirrorTargetRequest.NetworkInterfaceId",
      },
    },
  },
  {
    id: "efs-policy-changed",
    title: "EFS file system policy changed",
    description:
      "PutFileSystemPolicy or DeleteFileSystemPolicy: who may mount the file system (another account, anyone in the VPC without IAM) changed.",
    severity: Severity.Medium,
    references: { mitre: ["T1530"] },
    eventPattern: succeededCall("elasticfilesystem", [
      "PutFileSystemPolicy",
      "DeleteFileSystemPolicy",
    ]),
    message: {
      subject: "EFS <eventName> on <fileSystemId> in <region>",
      resource: "<fileSystemId>",
      body: "Read the new policy: it must not grant access to unknown accounts or drop the TLS requirement.",
      fields: { fileSystemId: "detail.requestParameters.fileSystemId" },
    },
  },
  {
    id: "eks-endpoint-made-public",
    title: "EKS API endpoint made public",
    description:
      "UpdateClusterConfig turning on public access to the Kubernetes API endpoint, or opening it to 0.0.0.0/0.",
    severity: Severity.High,
    references: { mitre: ["T1133"] },
    eventPattern: succeededCall("eks", ["UpdateClusterConfig"], {
      requestParameters: {
        resourcesVpcConfig: {
          $or: [{ endpointPublicAccess: [true] }, { publicAccessCidrs: ["0.0.0.0/0"] }],
        },
      },
    }),
    message: {
      subject: "EKS API endpoint opened to the internet in <region>",
      resource: "<clusterName>",
      body: "Limit publicAccessCidrs to your addresses or turn public access off.",
      fields: { clusterName: "detail.requestParameters.name" },
    },
  },
  {
    id: "eks-access-entry-changed",
    title: "EKS cluster access granted",
    description:
      "CreateAccessEntry or AssociateAccessPolicy: an IAM principal was given Kubernetes access to the cluster (cluster admin, possibly).",
    severity: Severity.Medium,
    references: { mitre: ["T1098"] },
    eventPattern: succeededCall("eks", ["CreateAccessEntry", "AssociateAccessPolicy"]),
    message: {
      subject: "EKS access granted on a cluster in <region>",
      resource: "<clusterName> <grantee> <policyArn>",
      body: "Check that the principal should administer this cluster; delete the access entry otherwise.",
      fields: {
        clusterName: "detail.requestParameters.name",
        grantee: "detail.requestParameters.principalArn",
        policyArn: "detail.requestParameters.policyArn",
      },
    },
  },
  {
    id: "elasticache-auth-changed",
    title: "ElastiCache auth token or encryption changed",
    description:
      "ModifyReplicationGroup changing the AUTH token, or turning transit encryption off: who can read the cache changes.",
    severity: Severity.Medium,
    references: { mitre: ["T1098", "T1530"] },
    eventPattern: succeededCall("elasticache", ["ModifyReplicationGroup"], {
      requestParameters: {
        $or: [
          { authTokenUpdateStrategy: [{ exists: true }] },
          { transitEncryptionEnabled: [false] },
        ],
      },
    }),
    message: {
      subject: "ElastiCache <groupId> auth changed in <region>",
      resource: "<groupId>",
      body: CHECK_TRAFFIC,
      fields: { groupId: "detail.requestParameters.replicationGroupId" },
    },
  },
];
