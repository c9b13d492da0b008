import pino, { type Logger } from 'pino';

/**
 * The runner's JSON log on stderr (stdout carries only the result line). Writes are synchronous so
 * the last lines before an exit are never lost.
 */
export function createRunnerLogger(command: string, level: string = process.env.PG_BACKUP_LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { command },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Defence in depth: nothing should log these, and if something does they are blanked.
      redact: { paths: ['password', '*.password', 'connectionString', '*.connectionString', 'PGPASSWORD'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
