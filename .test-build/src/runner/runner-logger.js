"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.createRunnerLogger = createRunnerLogger;
const pino_1 = __importDefault(require("pino"));
/**
 * The runner's JSON log on stderr (stdout carries only the result line). Writes are synchronous so
 * the last lines before an exit are never lost.
 */
function createRunnerLogger(command, level = process.env.PG_BACKUP_LOG_LEVEL ?? 'info') {
    return (0, pino_1.default)({
        level,
        base: { command },
        timestamp: pino_1.default.stdTimeFunctions.isoTime,
        // Defence in depth: nothing should log these, and if something does they are blanked.
        redact: { paths: ['password', '*.password', 'connectionString', '*.connectionString', 'PGPASSWORD'], censor: '[redacted]' },
    }, pino_1.default.destination({ fd: 2, sync: true }));
}
