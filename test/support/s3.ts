import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { cleanupOnExit, useResource } from './teardown';
// s3rver ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

/** Options for the local S3-compatible server. */
export interface S3ServerOptions {
  /** Buckets created before the server starts; names must be valid DNS names. */
  readonly buckets?: string[];
  /** Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 (pgBackRest talks to S3 only over TLS). */
  readonly tls?: boolean;
}

/** A running S3-compatible server (s3rver) on 127.0.0.1 and a client configured for it. */
export interface S3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** PEM of the self-signed certificate when `tls` was asked for. */
  readonly caCertificate?: string;
  /** Path of that certificate on disk. */
  readonly caCertificateFile?: string;
  readonly client: S3Client;
  /** Environment variables that point the AWS SDK (and so the runner) at this server. */
  readonly env: Record<string, string>;
  createBucket(name: string): Promise<string>;
  /**
   * Seconds the server has spent answering CompleteMultipartUpload so far: s3rver completes an upload by copying every
   * part into the final object, after the client sent its last part (the benchmarks report it apart).
   */
  completionSeconds(): number;
  /** TCP connections clients have opened to the server so far (a client that keeps its connections alive opens few). */
  connectionsOpened(): number;
  /** Drops every open connection and stops listening, as a store that goes away mid-upload would. */
  stop(): Promise<void>;
}

function selfSignedCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
}

/** Starts s3rver on a free port of 127.0.0.1 with its own storage directory. */
export async function startS3(options: S3ServerOptions = {}): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-s3-'));
  const tls = options.tls ? selfSignedCertificate(directory) : undefined;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: path.join(directory, 'data'),
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
  });
  const { port } = (await server.run()) as { port: number };
  let completionSeconds = 0;
  const store = server.store as { putObjectMultipart: (...args: unknown[]) => Promise<unknown> };
  const completeUpload = store.putObjectMultipart.bind(store);
  store.putObjectMultipart = async (...args: unknown[]) => {
    const started = performance.now();
    try {
      return await completeUpload(...args);
    } finally {
      completionSeconds += (performance.now() - started) / 1000;
    }
  };
  const httpServer = server.httpServer as Server;
  let connectionsOpened = 0;
  httpServer.on('connection', () => {
    connectionsOpened += 1;
  });
  const unregister = cleanupOnExit(() => fs.rmSync(directory, { recursive: true, force: true }));
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const region = 'us-east-1';
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials,
    // s3rver predates the SDK's default CRC checksums on every upload.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let stopped = false;
  return {
    endpoint,
    port,
    region,
    ...credentials,
    caCertificate: tls?.cert,
    caCertificateFile: tls?.certFile,
    client,
    env: {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_S3: endpoint,
      ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}),
    },
    completionSeconds: () => completionSeconds,
    connectionsOpened: () => connectionsOpened,
    async createBucket(name: string) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      httpServer.closeAllConnections();
      await server.close().catch(() => undefined);
      unregister();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** One S3-compatible server for the enclosing `describe`, always stopped afterwards: `const s3 = useS3();`. */
export function useS3(options: S3ServerOptions = {}): () => S3Server {
  return useResource(() => startS3(options));
}
