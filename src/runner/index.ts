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
export * from './backup-id';
export * from './backup-location';
export * from './backup-layout';
export * from './backup-manifest';
export * from './embedded-metrics';
export * from './cli-options';
export * from './cli-commands';
export * from './cli-main';
export * from './runner-error';
export * from './check-command';
export * from './drill-pitr-command';
export * from './drill-flexible-pitr-command';
export * from './flexible-server-pitr-drill';
export * from './check-archive-command';
