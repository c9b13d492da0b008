"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InterruptedError = exports.UsageError = exports.RunnerError = void 0;
exports.errorMessage = errorMessage;
/**
 * A failure the operator has to act on. Its message is what the runner prints and logs, so it says
 * what went wrong in the operator's terms, and the state left behind (what was and was not written).
 */
class RunnerError extends Error {
    /** Process exit status for this failure: 1 for a failed operation, 2 for a usage error. */
    exitCode;
    constructor(message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'RunnerError';
        this.exitCode = options.exitCode ?? 1;
    }
}
exports.RunnerError = RunnerError;
/** A command line the runner cannot act on (unknown flag, bad value); exits with status 2. */
class UsageError extends RunnerError {
    constructor(message) {
        super(message, { exitCode: 2 });
        this.name = 'UsageError';
    }
}
exports.UsageError = UsageError;
/** The operation was stopped by a signal (SIGTERM from the scheduler, SIGINT from a terminal). */
class InterruptedError extends RunnerError {
    /** The signal that stopped the run. */
    signal;
    constructor(signal) {
        super(`interrupted by ${signal}`, { exitCode: signal === 'SIGINT' ? 130 : 143 });
        this.name = 'InterruptedError';
        this.signal = signal;
    }
}
exports.InterruptedError = InterruptedError;
/** The message of any thrown value. */
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}
