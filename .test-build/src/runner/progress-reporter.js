"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ProgressReporter = void 0;
/**
 * Logs progress of long work every few seconds: bytes, throughput since the last line and overall,
 * and tables done, so a stalled dump is visible in the logs long before it times out.
 */
class ProgressReporter {
    logger;
    phase;
    intervalMs;
    sample;
    timer;
    startedAt = Date.now();
    last = { at: Date.now(), bytes: 0 };
    constructor(logger, phase, intervalMs, sample) {
        this.logger = logger;
        this.phase = phase;
        this.intervalMs = intervalMs;
        this.sample = sample;
    }
    /** Starts logging; the timer never keeps the process alive. */
    start() {
        if (this.intervalMs > 0) {
            this.timer = setInterval(() => this.report(), this.intervalMs);
            this.timer.unref();
        }
        return this;
    }
    /** Logs one line now. */
    report() {
        const now = Date.now();
        const { bytes, tablesDone } = this.sample();
        const mb = (value) => Math.round((value / 1e6) * 100) / 100;
        const seconds = (now - this.last.at) / 1000;
        this.logger.info({
            phase: this.phase,
            bytes,
            megabytes: mb(bytes),
            mbPerSecond: seconds > 0 ? mb((bytes - this.last.bytes) / seconds) : 0,
            averageMbPerSecond: now > this.startedAt ? mb(bytes / ((now - this.startedAt) / 1000)) : 0,
            ...(tablesDone === undefined ? {} : { tablesDone }),
            elapsedSeconds: Math.round((now - this.startedAt) / 1000),
        }, `${this.phase}: ${mb(bytes)} MB`);
        this.last = { at: now, bytes };
    }
    /** Stops logging. */
    stop() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
    }
}
exports.ProgressReporter = ProgressReporter;
