import * as fs from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BackupManifest, ManifestEncryption } from './backup-manifest';
import { DigestingStream } from './content-digest';
import { RunnerError, UsageError, errorMessage } from './runner-error';

import { AGE_IDENTITY_ENV, AGE_IDENTITY_FILE_ENV, AGE_RECIPIENTS_ENV } from '../core';
/** The suffix of an object encrypted with age, as the `age` CLI's users name them (`dump.pgdump.zst.age`). */
export const AGE_SUFFIX = '.age';
/** What an age file starts with (its version line). */
const AGE_HEADER = Buffer.from('age-encryption.org/v1\n');

type AgeModule = typeof import('age-encryption');

/**
 * The age library, loaded when a backup is encrypted or decrypted. It is an ES module, which Node's require() loads
 * from Node 20.19 on; loading it lazily keeps every other command working on an older Node.
 */
async function loadAge(): Promise<AgeModule> {
  try {
    return await import('age-encryption');
  } catch (error) {
    throw new RunnerError(`the age-encryption library could not be loaded (it needs Node.js 20.19 or later; this is ${process.version}): ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * The recipients of `--recipient` (or, without it, of {@link AGE_RECIPIENTS_ENV}), as the user wrote them.
 * @param flag the flag as the user wrote it (`-r` or `--recipient`), for messages
 */
export function recipientsFrom(flagValues: readonly string[], env: NodeJS.ProcessEnv, flag = '--recipient'): { readonly recipients: string[]; readonly source: string } {
  if (flagValues.length > 0) return { recipients: [...flagValues], source: flag };
  const fromEnv = (env[AGE_RECIPIENTS_ENV] ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  return { recipients: fromEnv, source: AGE_RECIPIENTS_ENV };
}

/** The age public keys a dump is encrypted to, checked by the age library itself. */
export class AgeRecipients {
  /**
   * Checks each recipient (a usage error names the flag or variable and the value), once each.
   * @param source `--recipient` or the environment variable, for the message.
   */
  public static async parse(recipients: readonly string[], source: string): Promise<AgeRecipients> {
    const age = await loadAge();
    const problems: string[] = [];
    const unique = [...new Set(recipients.map((recipient) => recipient.trim()))];
    for (const recipient of unique) {
      try {
        new age.Encrypter().addRecipient(recipient);
      } catch (error) {
        problems.push(`${source} is ${JSON.stringify(recipient)}; allowed: an age public key (age1…, as age-keygen prints it) (${errorMessage(error)})`);
      }
    }
    if (problems.length > 0) throw new UsageError(`dump: ${problems.join('; ')}`);
    return new AgeRecipients(age, unique);
  }

  private constructor(private readonly age: AgeModule, public readonly recipients: readonly string[]) {}

  /** What the manifest records. */
  public get manifestRecord(): ManifestEncryption {
    return { format: 'age', recipients: [...this.recipients] };
  }

  /**
   * The age file of `plain`, as a stream: 64 KiB chunks sealed as they pass (the library's STREAM), read only as fast
   * as the reader takes them, so memory stays flat whatever the size. An error or early end of `plain` destroys it.
   */
  public async encrypt(plain: Readable): Promise<Readable> {
    const encrypter = new this.age.Encrypter();
    for (const recipient of this.recipients) encrypter.addRecipient(recipient);
    const sealed = await encrypter.encrypt(toWeb(plain) as unknown as ReadableStream<Uint8Array>);
    return fromWeb(sealed);
  }
}

/** Where an identity came from, for messages (never its value). */
type IdentitySource = typeof AGE_IDENTITY_FILE_ENV | typeof AGE_IDENTITY_ENV;

/** The age identities that decrypt backups, read from the environment; never logged, never a flag. */
export class AgeIdentities {
  /**
   * Reads the identities from {@link AGE_IDENTITY_FILE_ENV} (a file) or {@link AGE_IDENTITY_ENV} (the key itself):
   * `AGE-SECRET-KEY-1…` lines, `#` comments and blank lines, as `age-keygen` writes them.
   * @returns `undefined` when neither is set.
   */
  public static async fromEnvironment(env: NodeJS.ProcessEnv): Promise<AgeIdentities | undefined> {
    const file = env[AGE_IDENTITY_FILE_ENV];
    let text: string;
    let source: IdentitySource;
    if (file) {
      source = AGE_IDENTITY_FILE_ENV;
      try {
        text = await fs.promises.readFile(file, 'utf8');
      } catch (error) {
        throw new RunnerError(`${AGE_IDENTITY_FILE_ENV} names ${file}, which cannot be read: ${unreadableFileReason(error)}; `
          + 'it must be a file of AGE-SECRET-KEY-1… lines, as age-keygen -o writes it; nothing was downloaded or restored');
      }
    } else if (env[AGE_IDENTITY_ENV]) {
      source = AGE_IDENTITY_ENV;
      text = env[AGE_IDENTITY_ENV]!;
    } else {
      return undefined;
    }
    const age = await loadAge();
    const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    const where = source === AGE_IDENTITY_FILE_ENV ? `the file ${file} (${AGE_IDENTITY_FILE_ENV})` : AGE_IDENTITY_ENV;
    if (lines.length === 0) throw new RunnerError(`${where} holds no age identity; it needs an AGE-SECRET-KEY-1… line, as age-keygen writes it`);
    const publicKeys: string[] = [];
    for (const [index, line] of lines.entries()) {
      try {
        // A public key where the identity belongs is the commonest mix-up: it only encrypts.
        if (/^age1[0-9a-z]+$/.test(line)) throw new Error('it is an age public key (a recipient, which only encrypts), not the identity beside it');
        if (!line.startsWith('AGE-SECRET-KEY-')) throw new Error('not an AGE-SECRET-KEY-… line');
        publicKeys.push(await age.identityToRecipient(line));
      } catch (error) {
        // The line is a secret (or a typo of one): it is described, never quoted.
        throw new RunnerError(`${where}: line ${index + 1} of its identities is not an age identity (${errorMessage(error)}); `
          + 'it needs AGE-SECRET-KEY-1… lines, as age-keygen writes them');
      }
    }
    return new AgeIdentities(age, lines, publicKeys, where);
  }

  private constructor(
    private readonly age: AgeModule,
    private readonly identities: readonly string[],
    /** The public keys (recipients) of the identities. */
    public readonly publicKeys: readonly string[],
    /** Where the identities came from, for messages. */
    public readonly source: string,
  ) {}

  /**
   * The identities' decryption of an age file, as a stream: the header is read (and the file key unwrapped) before it
   * resolves, the payload chunks are opened and authenticated as they are read.
   */
  public async decrypt(sealed: Readable): Promise<Readable> {
    const decrypter = new this.age.Decrypter();
    for (const identity of this.identities) decrypter.addIdentity(identity);
    let plain: ReadableStream<Uint8Array>;
    try {
      plain = await decrypter.decrypt(toWeb(sealed) as unknown as ReadableStream<Uint8Array>);
    } catch (error) {
      throw new AgeDecryptError(error);
    }
    return fromWeb(plain, (error) => new AgeDecryptError(error));
  }
}

/** Why a file cannot be read, in words: what it is, or who may not read it. */
function unreadableFileReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'there is no such file (ENOENT)';
    case 'EISDIR':
      return 'it is a directory, not a file (EISDIR)';
    case 'EACCES':
    case 'EPERM':
      return `the runner's user (uid ${process.getuid?.() ?? 'unknown'}) may not read it (${code}): make it readable by that user, e.g. chown it to that user and chmod 600`;
    default:
      return code ?? errorMessage(error);
  }
}

/** An age file that does not decrypt: a header or a chunk that fails its authentication, or a truncated file. */
export class AgeDecryptError extends Error {
  constructor(cause: unknown) {
    super(errorMessage(cause), { cause });
    this.name = 'AgeDecryptError';
  }
}

/**
 * The identities that open an encrypted backup, checked before any work: none configured, or none of them one the
 * backup is encrypted to, fails here with what to set; a backup that is not encrypted needs none.
 */
export function requireIdentityFor(manifest: BackupManifest, identities: AgeIdentities | undefined, command: string): AgeIdentities | undefined {
  const encryption = manifest.encryption;
  if (!encryption) return undefined;
  const to = `backup ${manifest.backupId} of ${manifest.database} is encrypted with age to ${encryption.recipients.join(', ')}`;
  if (!identities) {
    throw new RunnerError(`${command}: ${to}, and no identity is given: set ${AGE_IDENTITY_FILE_ENV} to a file with the matching `
      + `AGE-SECRET-KEY-1… line, or ${AGE_IDENTITY_ENV} to the key; nothing was downloaded or restored`);
  }
  if (!identities.publicKeys.some((key) => encryption.recipients.includes(key))) {
    throw new RunnerError(`${command}: ${to}, but the identity in ${identities.source} is the key of ${identities.publicKeys.join(', ')}, `
      + 'which is none of them; give the identity of one of its recipients; nothing was downloaded or restored');
  }
  return identities;
}

/** Whether `head` starts like an age file. */
export function startsLikeAgeFile(head: Buffer): boolean {
  return head.length >= AGE_HEADER.length ? head.subarray(0, AGE_HEADER.length).equals(AGE_HEADER) : AGE_HEADER.subarray(0, head.length).equals(head);
}

/** The object name of an encrypted object (`dump.pgdump.zst` → `dump.pgdump.zst.age`). */
export function encryptedName(name: string): string {
  return `${name}${AGE_SUFFIX}`;
}

/** `name` without the age suffix. */
export function decryptedName(name: string): string {
  return name.endsWith(AGE_SUFFIX) ? name.slice(0, -AGE_SUFFIX.length) : name;
}

/**
 * A Node stream as a web stream that pulls one chunk at a time (so the reader's pace holds back the source), and
 * errors when the source errors or is destroyed before its end.
 */
function toWeb(source: Readable): WebReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new (globalThis.ReadableStream as unknown as typeof WebReadableStream<Uint8Array>)({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    },
    async cancel(reason) {
      source.destroy(reason instanceof Error ? reason : undefined);
    },
  }, { highWaterMark: 0 });
}

/** A web stream as a Node stream, read as the consumer asks; its error destroys the Node stream (with `wrap`'s error). */
function fromWeb(web: ReadableStream<Uint8Array>, wrap: (error: unknown) => Error = (error) => error as Error): Readable {
  const reader = web.getReader();
  const readable = new Readable({
    async read() {
      try {
        const next = await reader.read();
        if (next.done) this.push(null);
        else this.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      } catch (error) {
        this.destroy(wrap(error));
      }
    },
    destroy(error, callback) {
      reader.cancel(error ?? undefined).catch(() => undefined);
      callback(error);
    },
  });
  return readable;
}

/**
 * What goes into the store for `plain`: `plain` itself, or its age file when there are recipients, with the digest
 * (size, SHA-256) of what is stored.
 */
export async function storedForm(plain: Readable, recipients: AgeRecipients | undefined): Promise<{ body: Readable; stored?: DigestingStream }> {
  if (!recipients) return { body: plain };
  const stored = new DigestingStream();
  pipeline(await recipients.encrypt(plain), stored, () => undefined);
  return { body: stored, stored };
}

/** `sealed` after `digest` (which sees the stored bytes), decrypted when `identities` are given. */
export async function readableForm(sealed: Readable, digest: DigestingStream, identities: AgeIdentities | undefined): Promise<Readable> {
  pipeline(sealed, digest, () => undefined);
  return identities ? identities.decrypt(digest) : digest;
}
