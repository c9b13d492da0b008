import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { cleanupOnExit } from './teardown';

const run = promisify(execFile);

/** A self-signed certificate for `localhost` and `127.0.0.1`, and its key, in files of their own. */
export interface LocalCertificate {
  readonly directory: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/** Makes a self-signed certificate for `localhost` and `127.0.0.1` with the openssl CLI (removed at exit). */
export async function localCertificate(): Promise<LocalCertificate> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-cert-'));
  fs.chmodSync(directory, 0o755);
  cleanupOnExit(() => fs.rmSync(directory, { recursive: true, force: true }));
  const certFile = path.join(directory, 'server.crt');
  const keyFile = path.join(directory, 'server.key');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-keyout', keyFile, '-out', certFile,
  ]);
  return { directory, certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
}

/** One request the stub received. */
export interface ArmRequest {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The JSON body, if any. */
  readonly body?: any;
  readonly authorization?: string;
}

/** How the stub answers the drill's calls. */
export interface ArmStubScenario {
  /** The source server's answer to GET (its `properties`, `location`). */
  readonly source: { location: string; properties: Record<string, unknown> };
  /** How a PUT of a new server goes: accepted and ready, refused with an ARM error, accepted and never ready, or failed. */
  readonly restore: 'ready' | 'refused' | 'never-ready' | 'failed';
  /** The host name the restored server reports. */
  readonly restoredHost: string;
  /** Whether a DELETE fails with a conflict. */
  readonly deleteFails?: boolean;
}

/** A local HTTPS stand-in for the Azure Resource Manager calls of a flexible server drill. */
export interface ArmStub {
  /** `https://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Every request, in order (token requests excluded). */
  readonly requests: ArmRequest[];
  /** Environment for a process that signs in with a managed identity served by the stub (as Container Apps does). */
  readonly identityEnv: Record<string, string>;
  /** The bearer token the stub hands out and requires. */
  readonly token: string;
  stop(): Promise<void>;
}

const IDENTITY_HEADER = 'stub-identity-header';

/**
 * Starts the stub on 127.0.0.1: the managed identity token endpoint, GET/PUT/DELETE of flexible servers and the
 * `Azure-AsyncOperation` status of a restore, each ARM call refused without the stub's bearer token.
 */
export async function startArmStub(certificate: LocalCertificate, scenario: ArmStubScenario): Promise<ArmStub> {
  const requests: ArmRequest[] = [];
  const token = `stub-token-${Math.random().toString(36).slice(2)}`;
  const created = new Map<string, any>();
  let endpoint = '';
  const server = https.createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    }).on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (url.pathname === '/msi/token') {
        if (req.headers['x-identity-header'] !== IDENTITY_HEADER) return reply(401, { error: 'no identity header' });
        return reply(200, {
          access_token: token,
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          resource: url.searchParams.get('resource'),
          token_type: 'Bearer',
        });
      }
      const request: ArmRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        ...(text ? { body: JSON.parse(text) } : {}),
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      };
      requests.push(request);
      if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: { code: 'AuthenticationFailed', message: 'no valid bearer token' } });
      const operation = /^\/operations\/(.+)$/.exec(url.pathname);
      if (operation) {
        if (scenario.restore === 'never-ready') return reply(200, { status: 'InProgress' }, { 'retry-after': '1' });
        if (scenario.restore === 'failed') {
          return reply(200, { status: 'Failed', error: { code: 'PointInTimeRestoreFailed', message: 'the restore could not read the backup' } });
        }
        return reply(200, { status: 'Succeeded' });
      }
      const route = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)$/.exec(url.pathname);
      if (!route) return reply(404, { error: { code: 'NotFound', message: `no route ${url.pathname}` } });
      const id = url.pathname;
      switch (req.method) {
        case 'GET': {
          if (created.has(id)) return reply(200, created.get(id));
          if (id.endsWith('/flexibleServers/source')) return reply(200, { id, name: 'source', type: 'Microsoft.DBforPostgreSQL/flexibleServers', ...scenario.source });
          return reply(404, { error: { code: 'ResourceNotFound', message: `The Resource ${id} was not found.` } });
        }
        case 'PUT': {
          if (scenario.restore === 'refused') {
            return reply(400, { error: { code: 'InvalidParameterValue', message: 'Invalid value given for parameter PointInTimeUTC.' } });
          }
          const body = request.body ?? {};
          created.set(id, {
            id,
            name: route[1],
            location: body.location,
            tags: body.tags,
            properties: { ...body.properties, state: 'Ready', fullyQualifiedDomainName: scenario.restoredHost },
          });
          return reply(201, { id, name: route[1], location: body.location, properties: { state: 'Provisioning' } }, {
            'azure-asyncoperation': `${endpoint}/operations/${route[1]}?api-version=2025-08-01`,
            'retry-after': '0',
          });
        }
        case 'DELETE': {
          if (scenario.deleteFails) return reply(409, { error: { code: 'Conflict', message: 'The server is busy with another operation.' } });
          const existed = created.delete(id);
          return reply(existed ? 200 : 204);
        }
        default:
          return reply(405, { error: { code: 'MethodNotAllowed', message: String(req.method) } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const unregister = cleanupOnExit(() => server.close());
  return {
    endpoint,
    requests,
    token,
    identityEnv: {
      IDENTITY_ENDPOINT: `${endpoint}/msi/token`,
      IDENTITY_HEADER,
      NODE_EXTRA_CA_CERTS: certificate.certFile,
    },
    async stop() {
      unregister();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
