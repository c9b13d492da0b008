import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskFreeingPassThrough, HolePuncher } from '../../src/runner/disk-freeing-pass-through';
import { GrowingFileReader } from '../../src/runner/growing-file-reader';

const MiB = 1024 * 1024;

/** Reads the whole stream into one buffer. */
async function readAll(reader: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of reader) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('a file read while another process still writes it, freed on disk as it goes through', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-growing-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  /** Resolves once `done()` holds, looking every few milliseconds (no time limit beyond the test's own). */
  async function until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  async function followWhileWriting(name: string, puncher: HolePuncher) {
    const file = path.join(directory, name);
    const written = randomBytes(24 * MiB);
    const writer = fs.openSync(file, 'w');
    const reader = new GrowingFileReader(file, MiB);
    const freeing = new DiskFreeingPassThrough(file, { punchBytes: 2 * MiB, puncher });
    /** After each piece was read and freed: the bytes the file took on disk, and the bytes written but not freed. */
    const onDisk: { blocks: number; notFreed: number }[] = [];
    const reading = readAll(reader.pipe(freeing));
    // The writer goes on in pieces; the reader follows it.
    for (let offset = 0; offset < written.length; offset += 4 * MiB) {
      fs.writeSync(writer, written, offset, 4 * MiB);
      await until(() => reader.bytesRead === offset + 4 * MiB);
      if (puncher.available) await until(() => freeing.freedBytes === offset + 4 * MiB || !puncher.available);
      onDisk.push({ blocks: fs.statSync(file).blocks * 512, notFreed: offset + 4 * MiB - freeing.freedBytes });
    }
    fs.closeSync(writer);
    reader.finish();
    return { file, written, read: await reading, onDisk };
  }

  test('yields every byte written, frees on disk what it has read, and deletes the file once the writer has closed it', async () => {
    const warnings: string[] = [];
    const { file, written, read, onDisk } = await followWhileWriting('punched.dat', new HolePuncher((reason) => warnings.push(reason)));
    expect(read.equals(written)).toBe(true);
    expect(warnings).toEqual([]);
    // Every byte written was read and freed: the file, 4 to 24 MiB long, takes nothing on disk.
    expect(onDisk).toEqual(onDisk.map(() => ({ blocks: 0, notFreed: 0 })));
    expect(fs.existsSync(file)).toBe(false);
  });

  test('while the writer is paused, what went through is freed at once however little it is, and settled says when', async () => {
    const file = path.join(directory, 'paused.dat');
    const written = randomBytes(MiB + 1000);
    fs.writeFileSync(file, written);
    const reader = new GrowingFileReader(file, MiB);
    const freeing = new DiskFreeingPassThrough(file, { punchBytes: 8 * MiB, puncher: new HolePuncher(() => undefined) });
    const chunks: Buffer[] = [];
    freeing.on('data', (chunk: Buffer) => chunks.push(chunk));
    reader.pipe(freeing);
    await until(() => freeing.passedBytes === written.length);
    // Less than the 8 MiB that make a hole worth a program run: nothing is freed until the writer is paused.
    expect({ freed: freeing.freedBytes, settled: freeing.settled }).toEqual({ freed: 0, settled: false });
    freeing.freePassed();
    await until(() => freeing.settled);
    // Every whole block that went through is freed; the last partial block stays until the file is deleted.
    expect({ freed: freeing.freedBytes, blocks: fs.statSync(file).blocks * 512 }).toEqual({ freed: MiB, blocks: 4096 });
    reader.finish();
    await new Promise((resolve) => freeing.once('end', resolve));
    expect(Buffer.concat(chunks).equals(written)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('without fallocate it says so once, keeps every byte and still deletes the file', async () => {
    const warnings: string[] = [];
    const pathBefore = process.env.PATH;
    process.env.PATH = directory;
    try {
      const { file, written, read, onDisk } = await followWhileWriting('unpunched.dat', new HolePuncher((reason) => warnings.push(reason)));
      expect(read.equals(written)).toBe(true);
      expect(onDisk.at(-1)).toEqual({ blocks: written.length, notFreed: written.length });
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      process.env.PATH = pathBefore;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/the fallocate program is not installed: dump --format directory frees the scratch disk .*apt-get install util-linux/);
  });
});
