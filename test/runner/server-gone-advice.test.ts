import { serverGoneAdvice } from '../../src/runner/database-client';

/** A socket error as Node raises it: `read ECONNRESET`, `write EPIPE`. */
function socketError(syscall: string, code: string): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall, errno: -104 });
}

describe('a database server that went away is told as such, whichever layer noticed', () => {
  test.each([
    ['the socket was reset (node-postgres passes the socket error on)', socketError('read', 'ECONNRESET')],
    ['a write into a socket the server closed', socketError('write', 'EPIPE')],
    ['a reset wrapped as the cause of the step that failed', new Error('counting rows failed', { cause: socketError('read', 'ECONNRESET') })],
    ['node-postgres ending the connection', new Error('Connection terminated unexpectedly')],
    ['an administrator stopping the server (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['psql losing the connection', new Error('connection to server was lost')],
    ['libpq over TLS', new Error('SSL SYSCALL error: EOF detected')],
  ])('%s', (_what, error) => {
    expect(serverGoneAdvice(error)).toMatch(/^the database server closed the connection during the run: /);
  });

  test.each([
    ['a refused connection (nothing listened: not a run cut short)', socketError('connect', 'ECONNREFUSED')],
    ['a query error', Object.assign(new Error('relation "orders" does not exist'), { code: '42P01' })],
    ['a permission error', Object.assign(new Error('permission denied for table orders'), { code: '42501' })],
  ])('%s is not', (_what, error) => {
    expect(serverGoneAdvice(error)).toBeUndefined();
  });
});
