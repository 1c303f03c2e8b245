import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpointOffset, powerCut, readPartitionLog } from '../../src/kafka/logfile.ts';

/** A zig-zag varint, as Kafka's record format writes lengths and deltas. */
function varint(n: number): number[] {
  let v = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

/** One record batch (magic 2, uncompressed, CRC not checked by the reader) of `values` from `base`, stamped `epoch`. */
function batch(base: number, epoch: number, values: string[]): Buffer {
  const records = values.map((v, i) => {
    const value = Buffer.from(v);
    const body = Buffer.from([0, ...varint(0), ...varint(i), ...varint(-1), ...varint(value.length), ...value, ...varint(0)]);
    return Buffer.concat([Buffer.from(varint(body.length)), body]);
  });
  const head = Buffer.alloc(61);
  head.writeBigInt64BE(BigInt(base), 0);
  head.writeInt32BE(epoch, 12);
  head.writeInt8(2, 16);
  head.writeInt16BE(0, 21);
  head.writeInt32BE(values.length - 1, 23);
  head.writeInt32BE(values.length, 57);
  const all = Buffer.concat([head, ...records]);
  all.writeInt32BE(all.length - 12, 8);
  return all;
}

const name = (base: number, ext: string) => `${String(base).padStart(20, '0')}${ext}`;

function partition(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-logfile-'));
  // segment 0: v1 (epoch 0), v2 v3 in one batch (epoch 1); segment 3: v4 (epoch 2)
  writeFileSync(join(dir, name(0, '.log')), Buffer.concat([batch(0, 0, ['1']), batch(1, 1, ['2', '3'])]));
  writeFileSync(join(dir, name(0, '.index')), Buffer.alloc(80));
  writeFileSync(join(dir, name(0, '.timeindex')), Buffer.alloc(120));
  writeFileSync(join(dir, name(3, '.log')), batch(3, 2, ['4']));
  writeFileSync(join(dir, name(3, '.index')), Buffer.alloc(80));
  writeFileSync(join(dir, name(3, '.snapshot')), Buffer.alloc(10));
  writeFileSync(join(dir, 'leader-epoch-checkpoint'), '0\n2\n0 0\n1 1\n');
  return dir;
}

describe("a partition's files", () => {
  it('reads each record with its offset, epoch and value across segments', () => {
    const { records, leo } = readPartitionLog(partition());
    expect(leo).toBe(4);
    expect(records).toEqual([
      { offset: 0, epoch: 0, value: '1' }, { offset: 1, epoch: 1, value: '2' }, { offset: 2, epoch: 1, value: '3' }, { offset: 3, epoch: 2, value: '4' },
    ]);
  });

  it('a torn batch at the end (a partial write) is not read', () => {
    const dir = partition();
    const f = join(dir, name(3, '.log'));
    writeFileSync(f, readFileSync(f).subarray(0, 65));
    expect(readPartitionLog(dir).leo).toBe(3);
  });

  it('a power loss keeping 1 record cuts the first segment after v1, empties its indexes, removes the later segment and its snapshot', () => {
    const dir = partition();
    const cut = powerCut(dir, 1);
    expect(cut.kept).toBe(1);
    expect(readPartitionLog(dir).records).toEqual([{ offset: 0, epoch: 0, value: '1' }]);
    expect(statSync(join(dir, name(0, '.index'))).size).toBe(0);
    expect(statSync(join(dir, name(0, '.timeindex'))).size).toBe(0);
    expect(existsSync(join(dir, name(3, '.log')))).toBe(false);
    expect(existsSync(join(dir, name(3, '.snapshot')))).toBe(false);
    expect(readFileSync(join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n2\n0 0\n1 1\n'); // Kafka wrote it with fsync
  });

  it('keeps a batch whole: a cut inside the batch of v2 and v3 keeps neither; keeping everything cuts nothing', () => {
    const dir = partition();
    expect(powerCut(dir, 2).kept).toBe(1);
    const all = partition();
    expect(powerCut(all, 4)).toEqual({ kept: 4, bytesCut: 0, filesRemoved: 0 });
    expect(powerCut(partition(), 0).kept).toBe(0);
  });

  it('reads a checkpoint file entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-ckpt-'));
    writeFileSync(join(dir, 'replication-offset-checkpoint'), '0\n2\nother 0 9\nt 0 3\n');
    expect(checkpointOffset(join(dir, 'replication-offset-checkpoint'), 't', 0)).toBe(3);
    expect(checkpointOffset(join(dir, 'replication-offset-checkpoint'), 't', 1)).toBeNull();
    expect(checkpointOffset(join(dir, 'missing'), 't', 0)).toBeNull();
  });
});
