import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { freePort, waitForPort } from './free-port';
import { cleanupOnExit, useResource } from './teardown';

/** Azurite's well-known development account (public, documented by Azure; not a secret). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite Blob service on 127.0.0.1 and a client configured for it. */
export interface AzuriteServer {
  readonly port: number;
  readonly account: string;
  readonly blobEndpoint: string;
  readonly connectionString: string;
  readonly client: BlobServiceClient;
  /** Environment variables that point the runner at this service. */
  readonly env: Record<string, string>;
  createContainer(name: string): Promise<string>;
  /** Kills the service at once, as a store that goes away mid-upload would. */
  stop(): Promise<void>;
}

/** Starts Azurite's Blob service in its own process on a free port. */
export async function startAzurite(): Promise<AzuriteServer> {
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-azurite-'));
  const port = await freePort();
  const main = require.resolve('azurite/dist/src/blob/main.js');
  const child = spawn(process.execPath, [
    main, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location,
    '--silent', '--skipApiVersionCheck', '--loose', '--disableProductStyleUrl',
  ], { stdio: 'ignore' });
  const unregister = cleanupOnExit(() => {
    child.kill('SIGKILL');
    fs.rmSync(location, { recursive: true, force: true });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port);

  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`;
  const client = BlobServiceClient.fromConnectionString(connectionString);
  let stopped = false;
  return {
    port,
    account: AZURITE_ACCOUNT,
    blobEndpoint,
    connectionString,
    client,
    env: { AZURE_STORAGE_CONNECTION_STRING: connectionString },
    async createContainer(name: string) {
      await client.getContainerClient(name).createIfNotExists();
      return name;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGKILL');
      await exited;
      unregister();
      fs.rmSync(location, { recursive: true, force: true });
    },
  };
}

/** One Azurite Blob service for the enclosing `describe`, always stopped afterwards: `const azure = useAzurite();`. */
export function useAzurite(): () => AzuriteServer {
  return useResource(startAzurite);
}
