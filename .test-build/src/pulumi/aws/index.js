"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Pulumi components that render the backup policy onto AWS (`@pulumi/aws`): the same `ScheduledPgDump`,
 * `VerifyRestore`, `ManagedPostgresBackupPlan` and `SelfHostedPitrArchive` as the CDK constructs, with the same core
 * validation, state-machine definitions, IAM scoping, lifecycle rules and alarms.
 *
 * @packageDocumentation
 */
__exportStar(require("../pulumi-validation"), exports);
__exportStar(require("./aws-environment"), exports);
__exportStar(require("./policy-document"), exports);
__exportStar(require("./s3-lifecycle-rules"), exports);
__exportStar(require("./backup-notifications"), exports);
__exportStar(require("./backup-bucket"), exports);
__exportStar(require("./dead-letter-queue"), exports);
__exportStar(require("./scheduler-role"), exports);
__exportStar(require("./task-failure-notification"), exports);
__exportStar(require("./metric-alarm"), exports);
__exportStar(require("./restore-drill-alarms"), exports);
__exportStar(require("./state-machine-permissions"), exports);
__exportStar(require("./runner-image"), exports);
__exportStar(require("./postgres-database"), exports);
__exportStar(require("./pg-dump-source"), exports);
__exportStar(require("./scheduled-pg-dump"), exports);
__exportStar(require("./verify-restore"), exports);
__exportStar(require("./managed-postgres-database"), exports);
__exportStar(require("./backup-vault"), exports);
__exportStar(require("./managed-backup-alarms"), exports);
__exportStar(require("./backup-plan-rules"), exports);
__exportStar(require("./managed-postgres-backup-plan"), exports);
__exportStar(require("./pitr-drill"), exports);
__exportStar(require("./self-hosted-pitr-archive"), exports);
__exportStar(require("./require-postgres-backups"), exports);
__exportStar(require("./postgres-backup-blueprint"), exports);
