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
 * The `pg-backup` runner: dumps, verifies and restores PostgreSQL backups in object storage.
 *
 * The program itself is `pg-backup` (`lib/runner/cli.js`): `dump`, `verify`, `restore` and `list`
 (see {@link COMMAND_TABLE}). It prints one JSON result line on stdout, logs JSON on stderr, writes
 * CloudWatch Embedded Metric Format lines among the logs on stderr (names in {@link RUNNER_METRICS}),
 * and exits 0 only on full success. Backups are laid out as `<prefix>/<database>/<backupId>/…` with a
 * `manifest.json` written last and a `latest` pointer per database ({@link BackupLayout}).
 *
 * @packageDocumentation
 */
__exportStar(require("./backup-id"), exports);
__exportStar(require("./backup-location"), exports);
__exportStar(require("./backup-layout"), exports);
__exportStar(require("./backup-manifest"), exports);
__exportStar(require("./embedded-metrics"), exports);
__exportStar(require("./cli-options"), exports);
__exportStar(require("./cli-commands"), exports);
__exportStar(require("./cli-main"), exports);
__exportStar(require("./runner-error"), exports);
__exportStar(require("./check-command"), exports);
__exportStar(require("./drill-pitr-command"), exports);
__exportStar(require("./check-archive-command"), exports);
