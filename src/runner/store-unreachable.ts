import { PassThrough, type Readable } from 'node:stream';
import { RunnerError, errorCauses, errorMessage } from './runner-error';

/** Socket-level failures: the store's endpoint did not answer, or stopped answering. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
  // @azure/core-rest-pipeline's code for a request that never got a response.
  'REQUEST_SEND_ERROR',
]);
const NETWORK_NAMES = new Set(['TimeoutError', 'RequestTimeout']);
const NETWORK_MESSAGES = /socket hang up|other side closed|connect ECONNREFUSED|read ECONNRESET|write EPIPE|getaddrinfo/;

/** The network failure at the root of `error`, if that is what it is. */
export function networkFailureOf(error: unknown): unknown {
  return errorCauses(error).find((candidate) => {
    const e = candidate as { code?: unknown; name?: unknown; message?: unknown };
    return (typeof e?.code === 'string' && NETWORK_CODES.has(e.code))
      || (typeof e?.name === 'string' && NETWORK_NAMES.has(e.name))
      || (typeof e?.message === 'string' && NETWORK_MESSAGES.test(e.message));
  });
}

/**
 * What an operator must set when the SDK found no way to sign in to the store, by what the SDKs say: the AWS SDK's
 * missing region and empty credential chain, and the Azure SDK's `DefaultAzureCredential` finding no credential.
 */
const ACCESS_FAILURES: ReadonlyArray<{ readonly test: RegExp; readonly advice: string }> = [
  { test: /^Region is missing$|^Region not accepted/, advice: 'no valid AWS region is set: set AWS_REGION to the bucket\'s region' },
  {
    test: /Could not load credentials from any providers|^CredentialsProviderError/,
    advice: 'no AWS credentials were found: run with a task or instance role, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)',
  },
  {
    test: /ChainedTokenCredential authentication failed|^AggregateAuthenticationError|^CredentialUnavailableError/,
    advice: 'no Azure credential was found: set AZURE_STORAGE_CONNECTION_STRING, or run with a managed identity (AZURE_CLIENT_ID for a '
      + 'user-assigned one) that holds Storage Blob Data Contributor on the container',
  },
];

/** What to set when `error` says the store could not be signed in to at all; `undefined` for any other error. */
export function accessFailureAdvice(error: unknown): string | undefined {
  for (const candidate of errorCauses(error)) {
    const e = candidate as { name?: unknown; message?: unknown };
    const texts = [typeof e?.message === 'string' ? e.message : '', typeof e?.name === 'string' ? e.name : ''];
    const found = ACCESS_FAILURES.find((failure) => texts.some((text) => failure.test.test(text)));
    if (found) return found.advice;
  }
  return undefined;
}

/** What each refusal code of S3 and Azure Blob Storage means for the operator, and what to check. */
const REFUSAL_ADVICE: Readonly<Record<string, string>> = {
  SignatureDoesNotMatch: 'the secret key does not match the access key: check AWS_SECRET_ACCESS_KEY (or the role the credentials come from)',
  InvalidAccessKeyId: 'the store knows no such access key: check AWS_ACCESS_KEY_ID',
  ExpiredToken: 'the session credentials have expired: renew them (a task or instance role renews its own)',
  InvalidToken: 'the session token is not valid: check AWS_SESSION_TOKEN',
  AccessDenied: 'the credentials are not allowed to do this: check the policy of the role or user and of the bucket (and of its KMS key)',
  AllAccessDisabled: 'all access to the bucket is disabled',
  AuthenticationFailed: 'the account key (or SAS) is not accepted: check the key in AZURE_STORAGE_CONNECTION_STRING',
  AuthorizationFailure: 'the identity is not allowed to do this: check the network rules and the role assignments of the storage account',
  AuthorizationPermissionMismatch: 'the identity lacks a role for this on the container: it needs Storage Blob Data Contributor',
  AuthorizationPermissionDenied: 'the identity lacks a role for this on the container: it needs Storage Blob Data Contributor',
  InsufficientAccountPermissions: 'the account\'s key or SAS does not allow this',
};

/** The refusal (HTTP 401 or 403, or a refusal code) at the root of `error`: its code, status and the server's own words. */
export function refusalOf(error: unknown): { readonly code: string; readonly status?: number; readonly reason: string } | undefined {
  for (const candidate of errorCauses(error)) {
    const e = candidate as { name?: unknown; code?: unknown; statusCode?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } };
    const status = typeof e?.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
    const code = [e?.code, e?.name].find((value): value is string => typeof value === 'string' && Object.prototype.hasOwnProperty.call(REFUSAL_ADVICE, value));
    if (code === undefined && status !== 401 && status !== 403) continue;
    // Azure's message runs on with RequestId and Time lines: the first line is the reason.
    const reason = (typeof e?.message === 'string' ? e.message : '').split('\n')[0].trim();
    const given = code ?? (typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : '');
    // A refused HEAD has no body: the SDK then names the error by its status and calls it UnknownError.
    const named = given === '' || /^\d+$/.test(given) ? (status === 401 ? 'Unauthorized' : 'Forbidden') : given;
    return { code: named, status, reason: reason === 'UnknownError' ? '' : reason };
  }
  return undefined;
}

/** The store answered, and refused what was asked of it (a wrong key, a missing permission). */
export class StoreRefusedError extends RunnerError {
  /** The store's code for the refusal, e.g. `AccessDenied`. */
  public readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'StoreRefusedError';
    this.code = code;
  }
}

/**
 * The message of a store that refused `action` (`listing …`, `reading …`, `writing …`, `deleting …`): which store,
 * what it refused, the store's code and own words, and what to check.
 */
export function refusedMessage(store: string, action: string, refusal: { code: string; status?: number; reason: string }, suffix = ''): string {
  const said = refusal.reason && refusal.reason !== refusal.code ? `: ${refusal.reason}` : '';
  // Azure names a request signed with the wrong key AuthenticationFailed, Azurite AuthorizationFailure: the words agree.
  const advice = /failed to authenticate the request/i.test(refusal.reason) ? REFUSAL_ADVICE.AuthenticationFailed : REFUSAL_ADVICE[refusal.code];
  return `${store} refused ${action}: ${refusal.code}${refusal.status ? ` (HTTP ${refusal.status})` : ''}${said}${advice ? ` (${advice})` : ''}${suffix}`;
}

/** Codes S3 and Blob Storage answer when they are overloaded (whatever the HTTP status they come with). */
const BUSY_CODES = new Set(['SlowDown', 'ServerBusy', 'ThrottlingException', 'Throttling', 'TooManyRequests', 'RequestThrottled', 'OperationTimedOut']);

/** A failure the store answered with: its code, HTTP status, own words, and the attempts made where the SDK says. */
export interface ServerFailure {
  readonly code: string;
  readonly status?: number;
  readonly reason: string;
  readonly attempts?: number;
}

/**
 * The server-side failure (HTTP 5xx, 429, or a throttling code) at the root of `error`, once the SDK's own retries are
 * spent: its code, status, the server's own words and how many attempts were made, where the SDK says.
 */
export function serverFailureOf(error: unknown): ServerFailure | undefined {
  for (const candidate of errorCauses(error)) {
    const e = candidate as {
      name?: unknown; code?: unknown; statusCode?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
    };
    const status = typeof e?.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
    const code = [e?.code, e?.name].find((value): value is string => typeof value === 'string' && value !== '' && !/^\d+$/.test(value) && value !== 'RestError');
    const busy = code !== undefined && BUSY_CODES.has(code);
    if (!busy && (status === undefined || (status < 500 && status !== 429))) continue;
    const reason = (typeof e?.message === 'string' ? e.message : '').split('\n')[0].trim();
    const attempts = typeof e?.$metadata?.attempts === 'number' ? e.$metadata.attempts : undefined;
    return { code: code ?? `HTTP ${status}`, status, reason: reason === 'UnknownError' || reason === code ? '' : reason, attempts };
  }
  return undefined;
}

/** The store answered, with a failure of its own (overloaded or failing), on every attempt the SDK made. */
export class StoreFailedError extends RunnerError {
  /** The store's code for the failure, e.g. `SlowDown` or `InternalError`. */
  public readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'StoreFailedError';
    this.code = code;
  }
}

/** The object store's endpoint stopped answering, or never answered. */
export class StoreUnreachableError extends RunnerError {
  /** The endpoint that did not answer. */
  public readonly endpoint: string;

  constructor(endpoint: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'StoreUnreachableError';
    this.endpoint = endpoint;
  }
}

/**
 * Tracks whether a store's endpoint has answered yet, and turns network failures of its requests into a
 * {@link StoreUnreachableError} that names the endpoint and what was being done, instead of the SDK's
 * bare `AbortError` or `ECONNREFUSED`.
 */
export class StoreReachability {
  private answered = false;

  /** `endpoint`: where the store is, as an operator would look it up (a URL, or the service's name). */
  constructor(private readonly endpoint: string) {}

  /** Runs one request of the store, translating a network failure. */
  public async request<T>(action: string, run: () => Promise<T>, suffix = ''): Promise<T> {
    try {
      const result = await run();
      this.answered = true;
      return result;
    } catch (error) {
      throw this.explain(action, error, suffix);
    }
  }

  /** `error` as a {@link StoreUnreachableError} when a network failure is at its root; otherwise unchanged. */
  public explain(action: string, error: unknown, suffix = ''): unknown {
    if (error instanceof RunnerError) return error;
    const advice = accessFailureAdvice(error);
    if (advice !== undefined) return new RunnerError(`cannot sign in to the object store at ${this.endpoint} while ${action}: ${advice}${suffix}`, { cause: error });
    const refusal = refusalOf(error);
    if (refusal !== undefined) {
      this.answered = true;
      return new StoreRefusedError(refusal.code, refusedMessage(`the object store at ${this.endpoint}`, action, refusal, suffix), { cause: error });
    }
    const failure = serverFailureOf(error);
    if (failure !== undefined) {
      this.answered = true;
      const status = failure.status !== undefined && failure.code !== `HTTP ${failure.status}` ? ` (HTTP ${failure.status})` : '';
      const tries = failure.attempts !== undefined && failure.attempts > 1 ? ` on each of ${failure.attempts} attempts` : '';
      return new StoreFailedError(failure.code, `the object store at ${this.endpoint} failed while ${action}: ${failure.code}${status}`
        + `${failure.reason ? `: ${failure.reason}` : ''}${tries} (a failure or overload of the store, not of the backup: run again later, `
        + `and check the store's health if it persists)${suffix}`, { cause: error });
    }
    const network = networkFailureOf(error);
    if (network === undefined) return error;
    const how = this.answered ? 'became unreachable' : 'is unreachable';
    return new StoreUnreachableError(this.endpoint,
      `the object store at ${this.endpoint} ${how} while ${action}: ${errorMessage(network)}${suffix}`, { cause: error });
  }

  /**
   * `body` (a download's stream) with a network failure in its middle explained as one of the store, naming the endpoint
   * and `action`: the store answered the request, then went away while its bytes were read.
   */
  public explainStream(action: string, body: Readable): Readable {
    const explained = new PassThrough({ highWaterMark: body.readableHighWaterMark });
    body.once('error', (error) => explained.destroy(this.explain(action, error) as Error));
    explained.once('close', () => body.destroy());
    return body.pipe(explained);
  }

  /** Records that the endpoint answered (for requests made outside {@link request}). */
  public markAnswered(): void {
    this.answered = true;
  }
}
