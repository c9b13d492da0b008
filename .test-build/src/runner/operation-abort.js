"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OperationAbort = void 0;
/**
 * Ties the concurrent steps of one operation together: the first failure (or a signal) aborts every
 * other step, and it is that first failure, the cause, that is reported, not the consequences of
 * stopping the rest.
 */
class OperationAbort {
    controller = new AbortController();
    cause;
    constructor(outer) {
        if (outer?.aborted)
            this.fail(outer.reason);
        outer?.addEventListener('abort', () => this.fail(outer.reason), { once: true });
    }
    /** Aborted on the first failure. */
    get signal() {
        return this.controller.signal;
    }
    /** Records a failure (only the first one counts) and aborts every step. */
    fail(error) {
        if (this.controller.signal.aborted)
            return;
        this.cause = error;
        this.controller.abort(error);
    }
    /** Throws the first failure, if any. */
    throwIfFailed() {
        if (this.controller.signal.aborted)
            throw this.cause;
    }
    /** A step whose failure aborts the others. */
    watch(step) {
        return step.catch((error) => {
            this.fail(error);
            throw error;
        });
    }
    /** Waits for every step to settle and throws the first failure, or returns every result. */
    async all(steps) {
        const settled = await Promise.allSettled(steps.map((step) => this.watch(step)));
        this.throwIfFailed();
        return settled.map((outcome) => outcome.value);
    }
}
exports.OperationAbort = OperationAbort;
