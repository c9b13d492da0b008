/**
 * The `pg-backup` runner: dumps, verifies and restores PostgreSQL backups in object storage.
 *
 * @packageDocumentation
 */
export {};
