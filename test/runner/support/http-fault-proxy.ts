import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does to a request that matches a {@link HttpFault}. */
export type HttpFaultAction =
  /** Answers with this status and body itself; the store never sees the request (a store that is busy or failing). */
  | { readonly answer: number; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  /**
   * Forwards the request, lets the store carry it out and answer, then resets the client's connection before a byte of
   * that answer reaches it: the write happened, and the client cannot know (it retries, or gives up).
   */
  | { readonly resetAfterStoreAnswered: true };

/** A fault injected into the requests that match it. */
export interface HttpFault {
  /** Matched against `METHOD /path?query`. */
  readonly request: RegExp;
  /** What happens to a matching request. */
  readonly action: HttpFaultAction;
  /**
   * How many matching requests it hits; later ones pass through untouched.
   * @default - every one
   */
  readonly times?: number;
}

/** An HTTP proxy on 127.0.0.1 in front of a store, that injects faults into chosen requests. */
export interface HttpFaultProxy {
  readonly port: number;
  /** Every request line (`METHOD /path?query`) it received, in order. */
  readonly requests: readonly string[];
  /** The request lines a fault was injected into. */
  readonly faulted: readonly string[];
  stop(): Promise<void>;
}

/** The body of an S3 error answer with this code. */
export function s3ErrorBody(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`;
}

/** Starts a proxy to the HTTP store on `targetPort` of 127.0.0.1. */
export async function startHttpFaultProxy(targetPort: number, faults: readonly HttpFault[]): Promise<HttpFaultProxy> {
  const requests: string[] = [];
  const faulted: string[] = [];
  const hits = faults.map(() => 0);
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    const line = `${request.method} ${request.url}`;
    requests.push(line);
    const index = faults.findIndex((fault, i) => fault.request.test(line) && (fault.times === undefined || hits[i] < fault.times));
    const fault = index >= 0 ? faults[index] : undefined;
    if (fault) {
      hits[index] += 1;
      faulted.push(line);
    }
    if (fault && 'answer' in fault.action) {
      const { answer, body = '', headers = {} } = fault.action;
      // Read the body first, as a store does before it answers.
      request.resume();
      request.once('end', () => {
        response.writeHead(answer, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...headers });
        response.end(body);
      });
      return;
    }
    const upstream = http.request({
      host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers,
    }, (answer) => {
      if (fault) {
        answer.resume();
        answer.once('end', () => request.socket.destroy());
        return;
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.once('error', () => request.socket.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    faulted,
    stop: () => new Promise<void>((resolve) => {
      sockets.forEach((socket) => socket.destroy());
      server.close(() => resolve());
    }),
  };
}
