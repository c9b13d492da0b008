import * as net from 'node:net';

/** A TCP proxy on 127.0.0.1 that can be cut, as a network path or a store that goes away would be. */
export interface TcpProxy {
  readonly port: number;
  /** Resolves once the proxy is cut (by {@link cut} or by `cutAt`). */
  readonly whenCut: Promise<void>;
  /** Resolves once a request matching `holdAt` arrived and is being held (or the answer of `holdInResponse`). */
  readonly whenHeld: Promise<void>;
  /** Destroys every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Forwards the held request (and what followed it on its connection). */
  release(): void;
}

/** Options of a proxy. */
export interface TcpProxyOptions {
  /**
   * Cut the proxy the moment a client sends bytes matching this pattern (an HTTP request line such as
   * `PUT /bucket/…/manifest.json`), before they are forwarded: the store goes away exactly there.
   */
  readonly cutAt?: RegExp;
  /**
   * Hold the first request matching this pattern (and whatever follows on its connection) until {@link TcpProxy.release}:
   * the store is slow exactly there, so a test can act while the request is in flight.
   */
  readonly holdAt?: RegExp;
  /**
   * Forward the first request matching `request` and the first `afterBytes` of what the store answers on its connection,
   * and hold back the rest (until {@link TcpProxy.cut}): the store stalls in the middle of a download, so a test can act
   * while the client works on what it has, then take the store away.
   */
  readonly holdInResponse?: { readonly request: RegExp; readonly afterBytes: number };
}

/** Forwards connections on a free port of 127.0.0.1 to `targetPort`. */
export async function startTcpProxy(targetPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cutting: Promise<void> | undefined;
  let markCut!: () => void;
  const whenCut = new Promise<void>((resolve) => {
    markCut = resolve;
  });
  let markHeld!: () => void;
  const whenHeld = new Promise<void>((resolve) => {
    markHeld = resolve;
  });
  let holding = false;
  let answerHeld = false;
  const releases: (() => void)[] = [];
  let released = false;
  const release = () => {
    released = true;
    for (const flush of releases.splice(0)) flush();
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    /** Chunks held back while this connection's request is held. */
    let queue: Buffer[] | undefined;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    /** Bytes of the answer still to forward before holding it, once the request of `holdInResponse` went through this connection. */
    let answerLeft: number | undefined;
    client.on('data', (chunk: Buffer) => {
      if (cutting) return;
      if (options.cutAt?.test(chunk.toString('latin1'))) {
        void cut();
        return;
      }
      if (options.holdInResponse && !answerHeld && options.holdInResponse.request.test(chunk.toString('latin1'))) {
        answerHeld = true;
        answerLeft = options.holdInResponse.afterBytes;
      }
      if (!holding && options.holdAt?.test(chunk.toString('latin1'))) {
        holding = true;
        queue = [];
        releases.push(() => {
          for (const waiting of queue!.splice(0)) upstream.write(waiting);
          queue = undefined;
        });
        markHeld();
      }
      if (queue) {
        queue.push(chunk);
        if (released) release();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (cutting) return;
      if (answerLeft !== undefined) {
        if (chunk.length >= answerLeft) {
          client.write(chunk.subarray(0, answerLeft));
          answerLeft = 0;
          upstream.pause();
          markHeld();
          return;
        }
        answerLeft -= chunk.length;
      }
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const cut = (): Promise<void> => {
    cutting ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      markCut();
    })();
    return cutting;
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, cut, whenCut, whenHeld, release };
}
