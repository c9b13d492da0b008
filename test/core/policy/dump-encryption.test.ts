import { AGE_RECIPIENTS_ENV, checkDumpEncryption, dumpEncryptionEnvironment } from '../../../src/core/policy/dump-encryption';
import { renderRestoreRunbook } from '../../../src/core/policy/runbook';
import { Validator, formatIssue } from '../../../src/core/policy/validation';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const PQ_RECIPIENT = `age1pq1${'q'.repeat(1950)}`;

describe('checkDumpEncryption', () => {
  test.each([
    [[RECIPIENT], []],
    [[RECIPIENT, PQ_RECIPIENT], []],
    [[], ['encryption.recipients is []; allowed: at least one age public key (age1…, as age-keygen prints it)']],
    [['age1QL3Z7HJY54PW3HYWW5AYYFG7ZQGVC7W3J2ELW8ZMRJ2KG5SFN9AQMCAC8P'], [expect.stringMatching(/^encryption\.recipients\[0\] is "age1QL3Z.*"; allowed: an age public key/)]],
    [[RECIPIENT, `${RECIPIENT}x`], [expect.stringMatching(/^encryption\.recipients\[1\] is "age1ql3z.*x"; allowed: an age public key/)]],
    [['ssh-ed25519 AAAAC3Nza'], [expect.stringMatching(/^encryption\.recipients\[0\] is "ssh-ed25519 AAAAC3Nza"; allowed/)]],
  ])('recipients %j give %j', (recipients, messages) => {
    const validator = new Validator();
    checkDumpEncryption(validator, { recipients });
    expect(validator.issues.map(formatIssue)).toEqual(messages);
  });

  test('the dump container\'s environment holds the recipients comma-separated, and nothing without encryption', () => {
    expect(dumpEncryptionEnvironment({ recipients: [RECIPIENT, PQ_RECIPIENT] })).toEqual({ [AGE_RECIPIENTS_ENV]: `${RECIPIENT},${PQ_RECIPIENT}` });
    expect(dumpEncryptionEnvironment(undefined)).toEqual({});
  });
});

describe('the restore runbook of encrypted dumps', () => {
  const runbook = (format: 'custom' | 'directory') => renderRestoreRunbook({
    databaseName: 'orders',
    policy: { logicalDump: { format, includeGlobals: true } },
    dumps: { location: { kind: 's3', bucket: 'backups', prefix: 'pg-dumps', region: 'eu-west-1' }, encryptedTo: [RECIPIENT] },
  });

  test('names the recipients and points pg-backup at the identity file', () => {
    expect(runbook('custom')).toContain(`The dumps are encrypted with age to \`${RECIPIENT}\``);
    expect(runbook('custom')).toMatch(/export PG_BACKUP_AGE_IDENTITY_FILE=\.\/key\.txt\n.*\npg-backup restore --from/);
  });

  test.each([
    ['custom', 'for f in ./restore/*.age; do age -d -i key.txt -o "${f%.age}" "$f" && rm "$f"; done'],
    ['directory', 'for f in ./restore/dump/*.age ./restore/*.age; do age -d -i key.txt -o "${f%.age}" "$f" && rm "$f"; done'],
  ] as const)('the %s format is decrypted with the age CLI after the download, before pg_restore', (format, loop) => {
    const text = runbook(format);
    expect(text).toContain(loop);
    expect(text.indexOf(loop)).toBeGreaterThan(text.indexOf('aws s3 cp --recursive'));
    expect(text.indexOf(loop)).toBeLessThan(text.indexOf('pg_restore --list'));
  });

  test('a runbook of unencrypted dumps has no decrypt step', () => {
    const text = renderRestoreRunbook({
      databaseName: 'orders', policy: { logicalDump: {} }, dumps: { location: { kind: 's3', bucket: 'backups', region: 'eu-west-1' } },
    });
    expect(text).not.toMatch(/age -d|PG_BACKUP_AGE/);
  });
});
