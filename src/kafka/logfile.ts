/**
 * A partition's log as Kafka writes it on disk, read without Kafka: the segment files
 * (`<base offset>.log`, record batch format v2, magic 2) of one partition folder, and the
 * checkpoint files beside them. The harness reads a replica's log from its files (a broker's
 * files hold what its process wrote, flushed or not, as the page cache does) and imitates a power
 * loss by cutting them back (`powerCut`).
 */
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** One record of a log: its offset, the leader epoch its batch was stamped with, its value as text. */
export interface LogRecord {
  readonly offset: number;
  readonly epoch: number;
  readonly value: string | null;
}

/** A batch's place in its segment file. */
interface BatchAt {
  readonly file: string;
  readonly position: number;
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
}

/** The segment files of a partition folder, oldest first. */
export function segmentFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^\d{20}\.log$/.test(f)).sort().map((f) => join(dir, f));
}

/** A zig-zag varint at `at`: [value, next position]. */
function varint(b: Buffer, at: number): [number, number] {
  let raw = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const byte = b[i++];
    raw += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return [raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, i];
}

/** The records of one uncompressed batch starting at `at` (a compressed or control batch yields offsets with null values). */
function batchRecords(b: Buffer, at: number, baseOffset: number, lastOffset: number, epoch: number): LogRecord[] {
  const attributes = b.readInt16BE(at + 21);
  const control = (attributes & 0x20) !== 0;
  if ((attributes & 0x07) !== 0 || control) {
    if (control) return [];
    return Array.from({ length: lastOffset - baseOffset + 1 }, (_, i) => ({ offset: baseOffset + i, epoch, value: null }));
  }
  const count = b.readInt32BE(at + 57);
  const out: LogRecord[] = [];
  let p = at + 61;
  for (let r = 0; r < count; r++) {
    let length;
    [length, p] = varint(b, p);
    const end = p + length;
    p += 1; // attributes
    let skip;
    [skip, p] = varint(b, p); // timestamp delta
    let offsetDelta;
    [offsetDelta, p] = varint(b, p);
    let keyLength;
    [keyLength, p] = varint(b, p);
    if (keyLength > 0) p += keyLength;
    let valueLength;
    [valueLength, p] = varint(b, p);
    const value = valueLength < 0 ? null : b.toString('utf8', p, p + valueLength);
    void skip;
    out.push({ offset: baseOffset + offsetDelta, epoch, value });
    p = end;
  }
  return out;
}

/** Every complete batch of a segment file; a torn batch at the end (a partial write) ends the scan. */
function batches(file: string): { at: BatchAt; records: LogRecord[] }[] {
  const b = readFileSync(file);
  const out: { at: BatchAt; records: LogRecord[] }[] = [];
  let p = 0;
  while (p + 61 <= b.length) {
    const baseOffset = Number(b.readBigInt64BE(p));
    const size = 12 + b.readInt32BE(p + 8);
    if (size < 61 || p + size > b.length || b[p + 16] !== 2) break;
    const lastOffset = baseOffset + b.readInt32BE(p + 23);
    const epoch = b.readInt32BE(p + 12);
    out.push({ at: { file, position: p, size, baseOffset, lastOffset }, records: batchRecords(b, p, baseOffset, lastOffset, epoch) });
    p += size;
  }
  return out;
}

/** A partition folder's log: its records in offset order and its log end offset. */
export function readPartitionLog(dir: string): { records: LogRecord[]; leo: number } {
  const records: LogRecord[] = [];
  let leo = 0;
  for (const f of segmentFiles(dir)) {
    const base = Number(f.slice(-24, -4));
    leo = Math.max(leo, base);
    for (const { at, records: rs } of batches(f)) {
      records.push(...rs);
      leo = at.lastOffset + 1;
    }
  }
  return { records, leo };
}

/**
 * A checkpoint file's entries for topic-partition `tp` (`recovery-point-offset-checkpoint`,
 * `replication-offset-checkpoint`: a version line, a count line, then `topic partition offset`
 * lines), or null when the file or the entry is missing.
 */
export function checkpointOffset(file: string, topic: string, partition: number): number | null {
  if (!existsSync(file)) return null;
  for (const line of readFileSync(file, 'utf8').split('\n').slice(2)) {
    const [t, p, o] = line.trim().split(/\s+/);
    if (t === topic && Number(p) === partition) return Number(o);
  }
  return null;
}

/** What `powerCut` did. */
export interface PowerCut {
  /** Records the log holds afterwards (its log end offset). */
  readonly kept: number;
  /** Bytes cut from segment files, files removed. */
  readonly bytesCut: number;
  readonly filesRemoved: number;
}

/**
 * A power loss that keeps the first `keep` records of a stopped broker's partition log: every
 * segment is cut at the first batch that reaches offset `keep` (a batch is written whole or not
 * at all here, so the cut keeps whole batches), segments that start at or past it are removed,
 * and the offset and time indexes of a cut segment are emptied (Kafka rebuilds them when it
 * recovers the segment, as it does after any unclean shutdown). Producer-state snapshots past the
 * cut are removed. The checkpoint files are left as Kafka wrote them: it writes them with fsync.
 */
export function powerCut(dir: string, keep: number): PowerCut {
  let bytesCut = 0;
  let filesRemoved = 0;
  let kept = 0;
  for (const f of segmentFiles(dir)) {
    const base = Number(f.slice(-24, -4));
    const stem = f.slice(0, -4);
    const indexes = ['.index', '.timeindex', '.txnindex'].map((x) => stem + x).filter(existsSync);
    if (base >= keep && base > 0) {
      bytesCut += statSync(f).size;
      for (const x of [f, ...indexes]) unlinkSync(x);
      filesRemoved += 1 + indexes.length;
      continue;
    }
    const bs = batches(f);
    const cutAt = bs.find((x) => x.at.lastOffset >= keep);
    const end = cutAt === undefined ? (bs.length === 0 ? 0 : bs[bs.length - 1].at.position + bs[bs.length - 1].at.size) : cutAt.at.position;
    const size = statSync(f).size;
    if (end < size) {
      truncateSync(f, end);
      bytesCut += size - end;
      for (const x of indexes) truncateSync(x, 0);
    }
    const last = bs.filter((x) => x.at.position < end).at(-1);
    kept = last === undefined ? Math.max(kept, base) : last.at.lastOffset + 1;
  }
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    const m = /^(\d{20})\.snapshot$/.exec(f);
    if (m !== null && Number(m[1]) > kept) {
      unlinkSync(join(dir, f));
      filesRemoved++;
    }
  }
  return { kept, bytesCut, filesRemoved };
}
