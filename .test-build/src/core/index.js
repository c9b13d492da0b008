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
 * The cloud-neutral backup policy: its model, its validation, and every renderer the front ends and the runner share.
 *
 * @packageDocumentation
 */
__exportStar(require("./policy"), exports);
__exportStar(require("./validation"), exports);
__exportStar(require("./pg-client-argv"), exports);
__exportStar(require("./pg-name-pattern"), exports);
__exportStar(require("./schedule"), exports);
__exportStar(require("./wal-retention"), exports);
__exportStar(require("./validate-policy"), exports);
__exportStar(require("./defaults"), exports);
__exportStar(require("./backup-tier"), exports);
__exportStar(require("./shell-quote"), exports);
__exportStar(require("./archive-repository"), exports);
__exportStar(require("./archive-command"), exports);
__exportStar(require("./postgres-settings"), exports);
__exportStar(require("./wal-archiver"), exports);
__exportStar(require("./postgresql-conf"), exports);
__exportStar(require("./recovery-target"), exports);
__exportStar(require("./recovery-conf"), exports);
__exportStar(require("./pgbackrest-conf"), exports);
__exportStar(require("./wal-g"), exports);
__exportStar(require("./barman-cloud"), exports);
__exportStar(require("./pg-basebackup"), exports);
__exportStar(require("./state-machines"), exports);
__exportStar(require("./storage-class"), exports);
__exportStar(require("./lifecycle-rules"), exports);
__exportStar(require("./lifecycle"), exports);
__exportStar(require("./lifecycle-s3"), exports);
__exportStar(require("./lifecycle-azure"), exports);
__exportStar(require("./runbook"), exports);
__exportStar(require("./storage-prices"), exports);
__exportStar(require("./cost-estimate"), exports);
__exportStar(require("./fargate-sizes"), exports);
__exportStar(require("./runner-argv"), exports);
__exportStar(require("./managed-backup-plan"), exports);
__exportStar(require("./restorable-time-check"), exports);
__exportStar(require("./blueprint-server"), exports);
__exportStar(require("./blueprint-drill-groups"), exports);
__exportStar(require("./construct-prop-paths"), exports);
__exportStar(require("./database-name"), exports);
__exportStar(require("./sql-statements"), exports);
