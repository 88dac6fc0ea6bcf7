/**
 * Impact (MITRE ATT&CK TA0040): data destroyed, encrypted with a key someone else holds, or made
 * unrecoverable (backups and snapshots deleted, deletion protection removed).
 */
import type { Detection } from "../detection";
import { Severity } from "../types";
import { succeededCall } from "./common";

const RESTORE = "Restore from backup if the deletion was not planned, and review the principal.";

export const IMPACT: readonly Detection[] = [
  {
    id: "kms-key-material-imported",
    title: "KMS key material imported",
    description:
      "ImportKeyMaterial: a key's material now comes from outside AWS, and whoever holds it (or lets it expire) decides whether your data can be decrypted: the ransomware pattern for cloud keys.",
    severity: Severity.High,
    references: { mitre: ["T1486"] },
    eventPattern: succeededCall("kms", ["ImportKeyMaterial"]),
    message: {
      subject: "KMS key material imported in <region>",
      resource: "<keyId> expires <expirationModel>",
      body: "Check that this key is one you created for imported material, and who holds the material.",
      fields: {
        keyId: "detail.requestParameters.keyId",
        expirationModel: "detail.requestParameters.expirationModel",
      },
    },
  },
  {
    id: "kms-imported-material-deleted",
    title: "KMS imported key material deleted",
    description:
      "DeleteImportedKeyMaterial: the key is unusable at once until the same material is imported again; data under it cannot be read.",
    severity: Severity.Critical,
    references: { mitre: ["T1485", "T1486"] },
    eventPattern: succeededCall("kms", ["DeleteImportedKeyMaterial"]),
    message: {
      subject: "Imported KMS key material deleted in <region>",
      resource: "<keyId>",
      body: "Re-import the material from your escrow copy now.",
      fields: { keyId: "detail.requestParameters.keyId" },
    },
  },
  {
    id: "rds-deleted-without-final-snapshot",
    title: "RDS database deleted without a final snapshot",
    description: "DeleteDBInstance or DeleteDBCluster with skipFinalSnapshot true.",
    severity: Severity.High,
    references: { mitre: ["T1485"] },
    eventPattern: succeededCall("rds", ["DeleteDBInstance", "DeleteDBCluster"], {
      requestParameters: { skipFinalSnapshot: [true] },
    }),
    message: {
      subject: "RDS database deleted without a final snapshot in <region>",
      resource: "<instance><cluster>",
      body: RESTORE,
      fields: {
        instance: "detail.requestParameters.dBInstanceIdentifier",
        cluster: "detail.requestParameters.dBClusterIdentifier",
      },
    },
  },
  {
    id: "rds-deletion-protection-disabled",
    title: "RDS deletion protection disabled",
    description: "ModifyDBInstance or ModifyDBCluster with deletionProtection false.",
    severity: Severity.Medium,
    references: { mitre: ["T1485"] },
    eventPattern: succeededCall("rds", ["ModifyDBInstance", "ModifyDBCluster"], {
      requestParameters: { deletionProtection: [false] },
    }),
    message: {
      subject: "RDS deletion protection off in <region>",
      resource: "<instance><cluster>",
      body: "Turn it back on unless the database is being decommissioned.",
      fields: {
        instance: "detail.requestParameters.dBInstanceIdentifier",
        cluster: "detail.requestParameters.dBClusterIdentifier",
      },
    },
  },
  {
    id: "rds-backups-deleted",
    title: "RDS automated backups deleted",
    description:
      "DeleteDBInstanceAutomatedBackup or DeleteDBClusterAutomatedBackup: point-in-time recovery of a deleted database is gone.",
    severity: Severity.High,
    references: { mitre: ["T1490"] },
    eventPattern: succeededCall("rds", [
      "DeleteDBInstanceAutomatedBackup",
      "DeleteDBClusterAutomatedBackup",
    ]),
    message: {
      subject: "RDS automated backups deleted in <region>",
      resource: "<resourceId><clusterResourceId>",
      body: RESTORE,
      fields: {
        resourceId: "detail.requestParameters.dbiResourceId",
        clusterResourceId: "detail.requestParameters.dbClusterResourceId",
      },
    },
  },
  {
    id: "rds-activity-stream-stopped",
    title: "RDS database activity stream stopped",
    description: "StopActivityStream: the database's audit stream stops.",
    severity: Severity.Medium,
    references: { mitre: ["T1562.008"] },
    eventPattern: succeededCall("rds", ["StopActivityStream"]),
    message: {
      subject: "RDS activity stream stopped in <region>",
      resource: "<resourceArn>",
      body: "Start it again and review the database sessions since.",
      fields: { resourceArn: "detail.requestParameters.resourceArn" },
    },
  },
  {
    id: "backup-or-recovery-point-deleted",
    title: "AWS Backup vault, plan or recovery point deleted",
    description:
      "DeleteBackupVault, DeleteBackupPlan, DeleteRecoveryPoint or DeleteBackupVaultLockConfiguration: backups are what ransomware removes before it encrypts.",
    severity: Severity.High,
    references: { mitre: ["T1490"] },
    eventPattern: succeededCall("backup", [
      "DeleteBackupVault",
      "DeleteBackupPlan",
      "DeleteRecoveryPoint",
      "DeleteBackupVaultLockConfiguration",
    ]),
    message: {
      subject: "AWS Backup <eventName> in <region>",
      resource: "<vaultName><planId> <recoveryPointArn>",
      body: "Use vault lock (compliance mode) for backups that must survive a compromised account. ".concat(
        RESTORE,
      ),
      fields: {
        vaultName: "detail.requestParameters.backupVaultName",
        planId: "detail.requestParameters.backupPlanId",
        recoveryPointArn: "detail.requestParameters.recoveryPointArn",
      },
    },
  },
  {
    id: "s3-bucket-encryption-removed",
    title: "S3 default encryption configuration deleted",
    description:
      "DeleteBucketEncryption: the bucket falls back to SSE-S3; objects are no longer encrypted with your KMS key (and no longer need its permissions to read).",
    severity: Severity.Medium,
    references: { mitre: ["T1486", "T1562.001"] },
    eventPattern: succeededCall("s3", ["DeleteBucketEncryption"]),
    message: {
      subject: "Default encryption removed from <bucketName>",
      resource: "<bucketName>",
      body: "Put the bucket's encryption configuration back (pulumi up if the bucket is managed).",
      fields: { bucketName: "detail.requestParameters.bucketName" },
    },
  },
  {
    id: "efs-file-system-deleted",
    title: "EFS file system deleted",
    description: "DeleteFileSystem: the file system and its data are gone.",
    severity: Severity.High,
    references: { mitre: ["T1485"] },
    eventPattern: succeededCall("elasticfilesystem", ["DeleteFileSystem"]),
    message: {
      subject: "EFS <fileSystemId> deleted in <region>",
      resource: "<fileSystemId>",
      body: RESTORE,
      fields: { fileSystemId: "detail.requestParameters.fileSystemId" },
    },
  },
  {
    id: "eks-cluster-deleted",
    title: "EKS cluster deleted",
    description: "DeleteCluster: the Kubernetes control plane and its configuration are gone.",
    severity: Severity.High,
    references: { mitre: ["T1485"] },
    eventPattern: succeededCall("eks", ["DeleteCluster"]),
    message: {
      subject: "EKS cluster deleted in <region>",
      resource: "<clusterName>",
      body: RESTORE,
      fields: { clusterName: "detail.requestParameters.name" },
    },
  },
  {
    id: "elasticache-deleted",
    title: "ElastiCache cluster deleted",
    description: "DeleteReplicationGroup or DeleteCacheCluster.",
    severity: Severity.Medium,
    references: { mitre: ["T1485"] },
    eventPattern: succeededCall("elasticache", ["DeleteReplicationGroup", "DeleteCacheCluster"]),
    message: {
      subject: "ElastiCache <eventName> in <region>",
      resource: "<groupId><clusterId>",
      body: RESTORE,
      fields: {
        groupId: "detail.requestParameters.replicationGroupId",
        clusterId: "detail.requestParameters.cacheClusterId",
      },
    },
  },
];
