/** The data chunks of a custom-format archive's data blocks, by their lengths (read as pg_restore reads them, block after block). */
export function dataChunkLengths(archive: Buffer, firstBlockAt: number): number[] {
  const lengths: number[] = [];
  const int = (at: number) => archive.readUInt32LE(at + 1) * (archive[at] === 0 ? 1 : -1);
  let at = firstBlockAt;
  while (at < archive.length) {
    const type = archive[at];
    at += 6;
    const run = () => {
      for (let length = int(at); ; length = int(at)) {
        at += 5;
        if (length === 0) return;
        lengths.push(length);
        at += length;
      }
    };
    if (type === 1) {
      run();
    } else {
      for (let oid = int(at); (at += 5, oid !== 0); oid = int(at)) run();
    }
  }
  return lengths;
}
