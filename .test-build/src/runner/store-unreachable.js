"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StoreReachability = exports.StoreUnreachableError = void 0;
exports.networkFailureOf = networkFailureOf;
const runner_error_1 = require("./runner-error");
/** Socket-level failures: the store's endpoint did not answer, or stopped answering. */
const NETWORK_CODES = new Set([
    'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
    'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
    // @azure/core-rest-pipeline's code for a request that never got a response.
    'REQUEST_SEND_ERROR',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout']);
const NETWORK_MESSAGES = /socket hang up|other side closed|connect ECONNREFUSED|read ECONNRESET|write EPIPE|getaddrinfo/;
/** The errors in a chain of causes (and of AggregateErrors), outermost first. */
function causes(error) {
    const found = [];
    const pending = [error];
    while (pending.length > 0 && found.length < 20) {
        const next = pending.shift();
        if (next === undefined || next === null || found.includes(next))
            continue;
        found.push(next);
        if (next instanceof AggregateError)
            pending.push(...next.errors);
        if (typeof next === 'object' && 'cause' in next)
            pending.push(next.cause);
    }
    return found;
}
/** The network failure at the root of `error`, if that is what it is. */
function networkFailureOf(error) {
    return causes(error).find((candidate) => {
        const e = candidate;
        return (typeof e?.code === 'string' && NETWORK_CODES.has(e.code))
            || (typeof e?.name === 'string' && NETWORK_NAMES.has(e.name))
            || (typeof e?.message === 'string' && NETWORK_MESSAGES.test(e.message));
    });
}
/** The object store's endpoint stopped answering, or never answered. */
class StoreUnreachableError extends runner_error_1.RunnerError {
    /** The endpoint that did not answer. */
    endpoint;
    constructor(endpoint, message, options = {}) {
        super(message, options);
        this.name = 'StoreUnreachableError';
        this.endpoint = endpoint;
    }
}
exports.StoreUnreachableError = StoreUnreachableError;
/**
 * Tracks whether a store's endpoint has answered yet, and turns network failures of its requests into a
 * {@link StoreUnreachableError} that names the endpoint and what was being done, instead of the SDK's
 * `Upload aborted.` or a bare `ECONNREFUSED`.
 */
class StoreReachability {
    endpoint;
    answered = false;
    /** `endpoint`: where the store is, as an operator would look it up (a URL, or the service's name). */
    constructor(endpoint) {
        this.endpoint = endpoint;
    }
    /** Runs one request of the store, translating a network failure. */
    async request(action, run, suffix = '') {
        try {
            const result = await run();
            this.answered = true;
            return result;
        }
        catch (error) {
            throw this.explain(action, error, suffix);
        }
    }
    /** `error` as a {@link StoreUnreachableError} when a network failure is at its root; otherwise unchanged. */
    explain(action, error, suffix = '') {
        if (error instanceof runner_error_1.RunnerError)
            return error;
        const network = networkFailureOf(error);
        if (network === undefined)
            return error;
        const how = this.answered ? 'became unreachable' : 'is unreachable';
        return new StoreUnreachableError(this.endpoint, `the object store at ${this.endpoint} ${how} while ${action}: ${(0, runner_error_1.errorMessage)(network)}${suffix}`, { cause: error });
    }
    /** Records that the endpoint answered (for requests made outside {@link request}). */
    markAnswered() {
        this.answered = true;
    }
}
exports.StoreReachability = StoreReachability;
