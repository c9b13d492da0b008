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
 * Pulumi components that render the backup policy onto Azure (`@pulumi/azure-native`): the managed backups and
 * long-term retention of a PostgreSQL flexible server, point-in-time and geo restores, and scheduled `pg_dump`
 * to Blob Storage with restore drills.
 *
 * @packageDocumentation
 */
__exportStar(require("../pulumi-validation"), exports);
__exportStar(require("./role-definitions"), exports);
__exportStar(require("./backup-action-group"), exports);
__exportStar(require("./vault-backup-policy"), exports);
__exportStar(require("./flexible-server-backup"), exports);
__exportStar(require("./managed-postgres-backup-plan"), exports);
__exportStar(require("./restore-window"), exports);
__exportStar(require("./point-in-time-restore"), exports);
__exportStar(require("./backup-storage"), exports);
__exportStar(require("./runner-connection"), exports);
__exportStar(require("./restore-drill-containers"), exports);
__exportStar(require("./scheduled-pg-dump"), exports);
