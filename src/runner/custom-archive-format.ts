/**
 * The parts of pg_dump's custom archive format (`-Fc`) the runner reads itself: the header, the table of contents and
 * the framing of the data blocks, for the archive versions pg_dump 10–15 write (1.12–1.14). Shared by the reader that
 * merges data chunks while a dump streams ({@link ./archive-rechunk}) and the one that follows an archive while it
 * downloads ({@link ./archive-follower}).
 */

/** pg_dump's archive formats: the custom format is 1 (`archCustom`). */
export const CUSTOM_FORMAT = 1;
/** A table's data (`BLK_DATA`) and a set of large objects (`BLK_BLOBS`) in a custom-format archive. */
export const BLK_DATA = 1;
export const BLK_BLOBS = 3;
/** The flag of a table of contents entry whose data offset is recorded (`K_OFFSET_POS_SET`). */
export const OFFSET_POS_SET = 2;
/** The archive versions whose table of contents this reader knows (1.12 is pg_dump 10–11, 1.13 pg_dump 11, 1.14 pg_dump 12–15). */
const OLDEST_MINOR = 12;
const NEWEST_MINOR = 14;
/** Whether a version writes the table access method (`tableam`) into each entry of the table of contents. */
const TABLEAM_SINCE_MINOR = 14;

/** The sections of a table of contents entry (`teSection`): ENCODING, ACL, COMMENT… are `NONE` and belong to the section before them. */
export const SECTION_NONE = 1;
export const SECTION_PRE_DATA = 2;
export const SECTION_DATA = 3;
export const SECTION_POST_DATA = 4;

/** More bytes are needed than have arrived. */
export class NeedMore extends Error {}

/** An integer as pg_dump writes it: a sign byte, then `intSize` bytes, least significant first. */
export function readArchiveInt(buffer: Buffer, at: number, intSize: number): number {
  let value = 0;
  for (let i = intSize; i >= 1; i--) value = value * 256 + buffer[at + i];
  return buffer[at] === 0 ? value : -value;
}

/** Writes `value` as pg_dump writes an integer, into the start of `out` (a new buffer when none is given). */
export function encodeArchiveInt(value: number, intSize: number, out: Buffer = Buffer.alloc(1 + intSize)): Buffer {
  out[0] = value < 0 ? 1 : 0;
  let rest = Math.abs(value);
  for (let i = 1; i <= intSize; i++) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** Reads pg_dump's archive primitives from a buffer that may end too early ({@link NeedMore}). */
export class ByteReader {
  public offset = 0;
  /** Where the bytes not yet handed out by {@link consumed} begin. */
  public pushed = 0;

  constructor(private readonly buffer: Buffer, public intSize: number) {}

  public bytes(count: number): Buffer {
    if (this.offset + count > this.buffer.length) throw new NeedMore();
    const bytes = this.buffer.subarray(this.offset, this.offset + count);
    this.offset += count;
    return bytes;
  }

  public int(): number {
    const at = this.offset;
    this.bytes(1 + this.intSize);
    return readArchiveInt(this.buffer, at, this.intSize);
  }

  /** A string: its length as an integer (-1 for null), then its bytes. */
  public str(): Buffer | null {
    const length = this.int();
    return length < 0 ? null : this.bytes(length);
  }

  /** The bytes read since the last call (the item just parsed, unchanged). */
  public consumed(): Buffer {
    const bytes = this.buffer.subarray(this.pushed, this.offset);
    this.pushed = this.offset;
    return bytes;
  }
}

/** The header of a custom-format archive this reader knows. */
export interface ArchiveHeader {
  /** The archive version's minor number (12–14). */
  readonly minor: number;
  /** Bytes of an integer after its sign byte. */
  readonly intSize: number;
  /** Bytes of a data offset after its flag byte. */
  readonly offSize: number;
  /** pg_dump's own compression level of the data (0: none). */
  readonly compression: number;
  /** Entries in the table of contents that follows. */
  readonly tocEntries: number;
}

/**
 * Reads the header of an archive at the start of `reader` and the count of its table of contents entries; `undefined`
 * when it is not a custom-format archive of a version this reader knows (then nothing is to be assumed about it).
 */
export function readArchiveHeader(reader: ByteReader): ArchiveHeader | undefined {
  const head = reader.bytes(11);
  if (head.subarray(0, 5).toString('latin1') !== 'PGDMP' || head[5] !== 1 || head[6] < OLDEST_MINOR || head[6] > NEWEST_MINOR
    || head[10] !== CUSTOM_FORMAT) {
    return undefined;
  }
  reader.intSize = head[8];
  const compression = reader.int();
  // The creation time (7 ints), then the database's name, the server's and pg_dump's versions.
  for (let i = 0; i < 7; i++) reader.int();
  for (let i = 0; i < 3; i++) reader.str();
  return { minor: head[6], intSize: head[8], offSize: head[9], compression, tocEntries: reader.int() };
}

/** One entry of a custom-format archive's table of contents, as far as the runner needs it. */
export interface ArchiveTocItem {
  /** Dump id. */
  readonly dumpId: number;
  /** Whether pg_dump wrote data for it (a data block follows the table of contents). */
  readonly hasData: boolean;
  /** `TABLE DATA`, `INDEX`, `ACL`… */
  readonly desc: string;
  /** Its section as written ({@link SECTION_NONE} for entries that belong to the section before them). */
  readonly section: number;
  /** The schema. */
  readonly namespace: string;
  /** The name (for `TABLE DATA`, the table's). */
  readonly tag: string;
  /** Whether the entry records where its data block is (pg_dump wrote the archive to a file it could seek in). */
  readonly offsetKnown: boolean;
  /** The dump ids of the entries it depends on (for `TABLE DATA`, its table's first). */
  readonly dependencies: readonly number[];
}

/** Reads one table of contents entry at the start of `reader`. */
export function readTocEntry(reader: ByteReader, header: ArchiveHeader): ArchiveTocItem {
  const text = (value: Buffer | null) => value?.toString('utf8') ?? '';
  // dumpId, hadDumper, tableoid, oid, tag, desc, section, defn, dropStmt, copyStmt, namespace, tablespace, [tableam,] owner, "false"
  const dumpId = reader.int();
  const hasData = reader.int() !== 0;
  reader.str();
  reader.str();
  const tag = text(reader.str());
  const desc = text(reader.str());
  const section = reader.int();
  for (let i = 0; i < 3; i++) reader.str();
  const namespace = text(reader.str());
  for (let i = 0; i < (header.minor >= TABLEAM_SINCE_MINOR ? 4 : 3); i++) reader.str();
  // The dependencies, each a dump id written as text, ended by a null string.
  const dependencies: number[] = [];
  for (let dependency = reader.str(); dependency !== null; dependency = reader.str()) dependencies.push(Number(dependency.toString('latin1')));
  // The custom format's data offset: a flag byte and the offset.
  const offsetKnown = reader.bytes(1 + header.offSize)[0] === OFFSET_POS_SET;
  return { dumpId, hasData, desc, section, namespace, tag, offsetKnown, dependencies };
}
