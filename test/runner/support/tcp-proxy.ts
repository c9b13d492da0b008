import * as net from 'node:net';

/** A TCP proxy on 127.0.0.1 that can be cut, as a network path or a store that goes away would be. */
export interface TcpProxy {
  readonly port: number;
  /** Resolves once the proxy is cut (by {@link cut} or by `cutAt`). */
  readonly whenCut: Promise<void>;
  /** Destroys every open connection and refuses new ones. */
  cut(): Promise<void>;
}

/** Options of a proxy. */
export interface TcpProxyOptions {
  /**
   * Cut the proxy the moment a client sends bytes matching this pattern (an HTTP request line such as
   * `PUT /bucket/…/manifest.json`), before they are forwarded: the store goes away exactly there.
   */
  readonly cutAt?: RegExp;
}

/** Forwards connections on a free port of 127.0.0.1 to `targetPort`. */
export async function startTcpProxy(targetPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let cutting: Promise<void> | undefined;
  let markCut!: () => void;
  const whenCut = new Promise<void>((resolve) => {
    markCut = resolve;
  });
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      if (cutting) return;
      if (options.cutAt?.test(chunk.toString('latin1'))) {
        void cut();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.pipe(client);
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
  return { port, cut, whenCut };
}
