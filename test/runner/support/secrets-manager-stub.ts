import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One GetSecretValue call the stub answered. */
export interface SecretRequest {
  readonly secretId: string;
  /** The SigV4 Authorization header: the runner signed with the credentials of its environment. */
  readonly authorization: string;
}

/** A Secrets Manager endpoint on 127.0.0.1 that answers GetSecretValue from a map, as AWS does. */
export interface SecretsManagerStub {
  /** `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly endpoint: string;
  /** Every GetSecretValue call, in order. */
  readonly requests: SecretRequest[];
  close(): Promise<void>;
}

/**
 * Serves the Secrets Manager JSON protocol (`POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`) for the secrets
 * given (ARN → SecretString); another ARN gets AWS's answer for a missing secret (400, ResourceNotFoundException).
 */
export async function startSecretsManagerStub(secrets: Readonly<Record<string, string>>): Promise<SecretsManagerStub> {
  const requests: SecretRequest[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        reply(400, { __type: 'UnknownOperationException', message: `unknown operation ${String(request.headers['x-amz-target'])}` });
        return;
      }
      const secretId = String((JSON.parse(body) as { SecretId?: unknown }).SecretId);
      requests.push({ secretId, authorization: String(request.headers.authorization ?? '') });
      const secretString = secrets[secretId];
      if (secretString === undefined) {
        reply(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
        return;
      }
      reply(200, { ARN: secretId, Name: secretId.split(':').pop(), SecretString: secretString, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1764900000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
