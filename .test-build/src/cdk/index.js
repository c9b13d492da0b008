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
 * AWS CDK constructs that render the backup policy onto AWS.
 *
 * @packageDocumentation
 */
__exportStar(require("./backup-bucket"), exports);
__exportStar(require("./backup-dashboard"), exports);
__exportStar(require("./backup-notifications"), exports);
__exportStar(require("./cdk-validation"), exports);
__exportStar(require("./database-connection"), exports);
__exportStar(require("./pg-dump-source"), exports);
__exportStar(require("./runner-image"), exports);
__exportStar(require("./scheduled-pg-dump"), exports);
__exportStar(require("./verify-restore"), exports);
__exportStar(require("./backup-vault"), exports);
__exportStar(require("./drill-permissions"), exports);
__exportStar(require("./managed-backup-alarms"), exports);
__exportStar(require("./managed-postgres-backup-plan"), exports);
__exportStar(require("./managed-postgres-database"), exports);
__exportStar(require("./restore-drill-alarms"), exports);
__exportStar(require("./snapshot-restore-drill"), exports);
__exportStar(require("./wal-archive-bucket"), exports);
__exportStar(require("./pitr-drill"), exports);
__exportStar(require("./self-hosted-pitr-archive"), exports);
__exportStar(require("./postgres-backup-blueprint"), exports);
__exportStar(require("./restore-runbook-artifacts"), exports);
__exportStar(require("./require-postgres-backups"), exports);
