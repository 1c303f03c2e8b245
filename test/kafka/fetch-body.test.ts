import { describe, expect, it } from 'vitest';
import { encodeRequest, encodeResponse } from '../../src/kafka/framing.ts';
import { FetchBodyError, parseFetchRequest, parseFetchResponse } from '../../src/kafka/fetch-body.ts';
import { exchange } from './fake-kafka.ts';

/**
 * Fetch frames as Kafka sent them, captured through the proxy on a local cluster of one controller
 * and two brokers: a topic of one partition, replication factor 2, five records produced one at a
 * time with acks=all (offsets 0 to 4), then three more in one batch (offsets 5 to 7). Kafka 4.1.0
 * speaks Fetch version 18, Kafka 4.0.2 version 17.
 */
const KAFKA = {
  raftRequest18: {
    version: 18,
    hex:
      '000000a8000100120000001b000d726166742d636c69656e742d3100000001f400000000008000000000000000ffffffff02' +
      '00000000000000000000000000000001020000000000000000000000000000000000000000ffffffffffffffff0000000002' +
      '0010570bb3c792723d845464b59c9861c6a00108ffffffffffffffff0001010200171741395249474f6343536c324e6a7636' +
      '417a4d63676867010d00000001ffffffffffffffff00',
  },
  raftFencedResponse18: {
    version: 18,
    hex:
      '0000006a0000001b000000000000000000000002000000000000000000000000000000010200000000004affffffffffffff' +
      'ffffffffffffffffff000000000000000001ffffffff01010109000003e800000001000001001502000003e80a3132372e30' +
      '2e302e3100004a950000',
  },
  fetcherRequest18: {
    version: 18,
    hex:
      '000000780001001200000005001262726f6b65722d322d666574636865722d3000000001f40000000100a000000004c37863' +
      '0000000502b92d8b205eb444cd8fd83a5d0ef966040200000000000000000000000000000005000000000000000000000000' +
      '001000000000010101010d00000002000000000000000d00',
  },
  fetcherResponse18: {
    version: 18,
    hex:
      '000000a6000000050000000000000004c3786302b92d8b205eb444cd8fd83a5d0ef966040200000000000000000000000000' +
      '050000000000000005000000000000000000ffffffff5f00000000000000050000005200000000025a51b656000000000002' +
      '000001a24f0278da000001a24f0278db00000000000003e80000000000050000000314000000046230047730001400000204' +
      '6231047731001400020404623204773200000000',
  },
  consumerRequest18: {
    version: 18,
    hex:
      '000000660001001200000003000f636f6e73756d65722d6e756c6c2d3100000001f400000001032000000000000000000000' +
      '0002b92d8b205eb444cd8fd83a5d0ef966040200000000000000000000000000000000ffffffffffffffffffffffff001000' +
      '000000010100',
  },
  fetcherRequest17: {
    version: 17,
    hex:
      '000000780001001100000005001262726f6b65722d312d666574636865722d3000000001f40000000100a00000000d127eb1' +
      '0000000502bc55fdfd04c64532b0d242d0f679bc440200000000000000000000000000000005000000000000000000000000' +
      '001000000000010101010d00000001000000000000000900',
  },
  fetcherResponse17: {
    version: 17,
    hex:
      '000000a600000005000000000000000d127eb102bc55fdfd04c64532b0d242d0f679bc440200000000000000000000000000' +
      '050000000000000005000000000000000000ffffffff5f000000000000000500000052000000000278f38966000000000002' +
      '000001a24f033040000001a24f03304100000000000000000000000000050000000314000000046230047730001400020204' +
      '6231047731001400020404623204773200000000',
  },
} as const;
const frame = (name: keyof typeof KAFKA) => Buffer.from(KAFKA[name].hex, 'hex');

/** Writes Kafka's flexible-version primitives, to build frames from FetchRequest.json and FetchResponse.json. */
class Writer {
  private readonly parts: Buffer[] = [];
  private put(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.parts.push(b);
    return this;
  }
  int8 = (v: number) => this.put(1, (b) => b.writeInt8(v));
  int16 = (v: number) => this.put(2, (b) => b.writeInt16BE(v));
  int32 = (v: number) => this.put(4, (b) => b.writeInt32BE(v));
  int64 = (v: number | bigint) => this.put(8, (b) => b.writeBigInt64BE(BigInt(v)));
  raw = (bytes: Buffer) => (this.parts.push(bytes), this);
  uvarint(v: number): this {
    const bytes: number[] = [];
    do {
      bytes.push((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
      v = Math.floor(v / 128);
    } while (v > 0);
    return this.raw(Buffer.from(bytes));
  }
  compactString = (s: string | null) => (s === null ? this.uvarint(0) : this.uvarint(Buffer.byteLength(s) + 1).raw(Buffer.from(s)));
  compactBytes = (b: Buffer | null) => (b === null ? this.uvarint(0) : this.uvarint(b.length + 1).raw(b));
  uuid = (n: number) => this.int64(0).int64(n);
  array<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }
  /** A tagged-fields section: each [tag, bytes]. */
  tagged(fields: readonly (readonly [number, Buffer])[] = []): this {
    this.uvarint(fields.length);
    for (const [tag, bytes] of fields) this.uvarint(tag).uvarint(bytes.length).raw(bytes);
    return this;
  }
  bytes = () => Buffer.concat(this.parts);
}
const w = () => new Writer();

/** A magic-2 record batch header (61 bytes) with `extra` bytes of records after it. */
function batch(baseOffset: number, lastOffsetDelta: number, leaderEpoch: number, count: number, attributes = 0, extra = 0): Buffer {
  const b = Buffer.alloc(61 + extra);
  b.writeBigInt64BE(BigInt(baseOffset), 0);
  b.writeInt32BE(49 + extra, 8);
  b.writeInt32BE(leaderEpoch, 12);
  b.writeInt8(2, 16);
  b.writeInt16BE(attributes, 21);
  b.writeInt32BE(lastOffsetDelta, 23);
  b.writeInt32BE(count, 57);
  return b;
}

interface PartitionIn {
  partition: number;
  fetchOffset: number;
  lastFetchedEpoch: number;
  tagged?: readonly (readonly [number, Buffer])[];
}

/** A Fetch request of `version` (12 to 18) with one topic, as FetchRequest.json lays it out. */
function fetchRequest(version: number, partitions: readonly PartitionIn[], options: { replicaId?: number; replicaState?: [number, number]; forgotten?: number[]; topTagged?: (readonly [number, Buffer])[] } = {}): Buffer {
  const body = w().tagged(); // request header v2's tagged fields
  if (version <= 14) body.int32(options.replicaId ?? -1);
  body.int32(500).int32(1).int32(0x7fffffff).int8(0).int32(7).int32(3);
  body.array([0], (b) => {
    if (version >= 13) b.uuid(42);
    else b.compactString('orders');
    b.array(partitions, (p, x) => p.int32(x.partition).int32(4).int64(x.fetchOffset).int32(x.lastFetchedEpoch).int64(0).int32(1048576).tagged(x.tagged));
    b.tagged();
  });
  body.array(options.forgotten ? [0] : [], (b) => {
    if (version >= 13) b.uuid(43);
    else b.compactString('old');
    b.array(options.forgotten!, (p, x) => p.int32(x));
    b.tagged();
  });
  body.compactString('');
  const top = [...(options.topTagged ?? [])];
  if (options.replicaState) top.push([1, w().int32(options.replicaState[0]).int64(options.replicaState[1]).tagged().bytes()]);
  body.tagged(top);
  return encodeRequest({ apiKey: 1, apiVersion: version, correlationId: 9, clientId: 'broker-3-fetcher-0' }, body.bytes());
}

interface PartitionOut {
  partition: number;
  errorCode?: number;
  highWatermark: number;
  records: Buffer | null;
  tagged?: readonly (readonly [number, Buffer])[];
  aborted?: [number, number][] | null;
}

/** A Fetch response of `version` (12 to 18) with one topic, as FetchResponse.json lays it out. */
function fetchResponse(version: number, partitions: readonly PartitionOut[], topTagged: (readonly [number, Buffer])[] = []): Buffer {
  const body = w().tagged(); // response header v1's tagged fields
  body.int32(0).int16(0).int32(7);
  body.array([0], (b) => {
    if (version >= 13) b.uuid(42);
    else b.compactString('orders');
    b.array(partitions, (p, x) =>
      p
        .int32(x.partition)
        .int16(x.errorCode ?? 0)
        .int64(x.highWatermark)
        .int64(x.highWatermark)
        .int64(0)
        .array(x.aborted === undefined ? [] : x.aborted, (a, [producer, first]) => a.int64(producer).int64(first).tagged())
        .int32(-1)
        .compactBytes(x.records)
        .tagged(x.tagged),
    );
    b.tagged();
  });
  body.tagged(topTagged);
  return encodeResponse(9, body.bytes());
}

const divergingEpoch = (epoch: number, endOffset: number) => w().int32(epoch).int64(endOffset).tagged().bytes();

describe('Fetch bodies as Kafka sends them', () => {
  it("reads a follower's fetch (version 18): the broker from ReplicaState, the offset and epoch it fetches from", () => {
    expect(parseFetchRequest(frame('fetcherRequest18'))).toEqual({
      kind: 'request',
      replicaId: 2,
      replicaEpoch: 13,
      maxWaitMs: 500,
      sessionId: 79919203,
      sessionEpoch: 5,
      partitions: [
        { topicName: null, topicId: 'uS2LIF60RM2P2DpdDvlmBA', partition: 0, currentLeaderEpoch: 0, fetchOffset: 5, lastFetchedEpoch: 0, logStartOffset: 0, partitionMaxBytes: 1048576 },
      ],
      forgotten: [],
    });
  });

  it("reads the leader's answer (version 18): the high watermark and the batch of offsets 5 to 7", () => {
    expect(parseFetchResponse(frame('fetcherResponse18'), 18)).toEqual({
      kind: 'response',
      errorCode: 0,
      error: 'NONE',
      sessionId: 79919203,
      partitions: [
        {
          topicName: null,
          topicId: 'uS2LIF60RM2P2DpdDvlmBA',
          partition: 0,
          errorCode: 0,
          error: 'NONE',
          highWatermark: 5,
          lastStableOffset: 5,
          logStartOffset: 0,
          preferredReadReplica: -1,
          recordBytes: 94,
          batches: [{ baseOffset: 5, lastOffset: 7, leaderEpoch: 0, records: 3, control: false }],
          partialBytes: 0,
        },
      ],
    });
  });

  it('reads the same exchange in version 17 (Kafka 4.0.2)', () => {
    expect(parseFetchRequest(frame('fetcherRequest17'))).toMatchObject({ replicaId: 1, replicaEpoch: 9, partitions: [{ fetchOffset: 5, lastFetchedEpoch: 0 }] });
    expect(parseFetchResponse(frame('fetcherResponse17'), 17).partitions).toMatchObject([{ highWatermark: 5, batches: [{ baseOffset: 5, lastOffset: 7, records: 3 }] }]);
  });

  it("reads a consumer's fetch: replica -1", () => {
    expect(parseFetchRequest(frame('consumerRequest18'))).toMatchObject({ replicaId: -1, replicaEpoch: -1, partitions: [{ fetchOffset: 0, lastFetchedEpoch: -1 }] });
  });

  it("reads a controller's metadata-log fetch: cluster id, directory id and high watermark tags", () => {
    expect(parseFetchRequest(frame('raftRequest18'))).toMatchObject({
      replicaId: 1,
      replicaEpoch: -1,
      // Uuid.METADATA_TOPIC_ID, the __cluster_metadata log's id: 0, 1.
      partitions: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partition: 0, fetchOffset: 0, lastFetchedEpoch: 0, highWatermark: -1 }],
    });
  });

  it("reads a controller's refusal: FENCED_LEADER_EPOCH with the current leader, node endpoints skipped", () => {
    const body = parseFetchResponse(frame('raftFencedResponse18'), 18);
    expect(body.partitions).toEqual([
      expect.objectContaining({ errorCode: 74, error: 'FENCED_LEADER_EPOCH', highWatermark: -1, currentLeader: { leaderId: 1000, leaderEpoch: 1 }, recordBytes: 0, batches: [] }),
    ]);
    expect(body.partitions[0].divergingEpoch).toBeUndefined();
  });

  it('refuses each real frame cut short or with a byte too many', () => {
    for (const name of Object.keys(KAFKA) as (keyof typeof KAFKA)[]) {
      const bytes = frame(name);
      const parse = (b: Buffer) => (name.includes('Request') ? parseFetchRequest(b) : parseFetchResponse(b, KAFKA[name].version));
      expect(() => parse(bytes)).not.toThrow();
      expect(() => parse(bytes.subarray(0, bytes.length - 1)), name).toThrow(FetchBodyError);
      expect(() => parse(Buffer.concat([bytes, Buffer.from([0])])), name).toThrow(FetchBodyError);
    }
  });
});

describe('Fetch bodies built from the message definitions', () => {
  it('reads ReplicaId from the body before version 15, topic names in version 12, forgotten partitions', () => {
    const body = parseFetchRequest(fetchRequest(12, [{ partition: 2, fetchOffset: 17, lastFetchedEpoch: 3 }], { replicaId: 3, forgotten: [0, 1] }));
    expect(body).toMatchObject({ replicaId: 3, replicaEpoch: -1, sessionId: 7, sessionEpoch: 3 });
    expect(body.partitions).toEqual([
      { topicName: 'orders', topicId: null, partition: 2, currentLeaderEpoch: 4, fetchOffset: 17, lastFetchedEpoch: 3, logStartOffset: 0, partitionMaxBytes: 1048576 },
    ]);
    expect(body.forgotten).toEqual([
      { topicName: 'old', topicId: null, partition: 0 },
      { topicName: 'old', topicId: null, partition: 1 },
    ]);
    expect(parseFetchRequest(fetchRequest(14, [], { replicaId: 2 }))).toMatchObject({ replicaId: 2, partitions: [] });
  });

  it('reads ReplicaState from version 15 and skips unknown tags', () => {
    const unknown = [9, Buffer.from([1, 2, 3])] as const;
    const body = parseFetchRequest(fetchRequest(15, [{ partition: 0, fetchOffset: 1, lastFetchedEpoch: 0, tagged: [unknown] }], { replicaState: [2, 77], topTagged: [[0, w().compactString('cluster').bytes()], unknown] }));
    expect(body).toMatchObject({ replicaId: 2, replicaEpoch: 77, partitions: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAKg', fetchOffset: 1 }] });
  });

  it('refuses a version it does not read, and a frame that is not a Fetch', () => {
    expect(() => parseFetchRequest(fetchRequest(12, []).fill(0, 6, 8))).toThrow('Fetch version 0 is not read (versions 12 to 18 are)');
    expect(() => parseFetchResponse(fetchResponse(12, []), 19)).toThrow('Fetch version 19 is not read');
    expect(() => parseFetchRequest(encodeRequest({ apiKey: 3, apiVersion: 12, correlationId: 1, clientId: null }))).toThrow('api key 3 is not Fetch (1)');
  });

  it('reads a diverging epoch, the end offset the follower must truncate to', () => {
    const response = fetchResponse(13, [{ partition: 0, highWatermark: 10, records: Buffer.alloc(0), tagged: [[0, divergingEpoch(2, 8)]] }]);
    expect(parseFetchResponse(response, 13).partitions[0]).toMatchObject({ divergingEpoch: { epoch: 2, endOffset: 8 }, highWatermark: 10, batches: [] });
  });

  it('reads several batches, a control batch, a cut last batch, aborted transactions and null records', () => {
    const records = Buffer.concat([batch(0, 2, 1, 3), batch(3, 0, 2, 1, 0x20, 10), batch(4, 0, 2, 1).subarray(0, 30)]);
    const body = parseFetchResponse(
      fetchResponse(12, [
        { partition: 0, highWatermark: 4, records, aborted: [[5, 1]] },
        { partition: 1, errorCode: 6, highWatermark: -1, records: null, aborted: null },
      ]),
      12,
    );
    expect(body.partitions.map((p) => ({ topic: p.topicName, error: p.error, batches: p.batches, partial: p.partialBytes, bytes: p.recordBytes }))).toEqual([
      {
        topic: 'orders',
        error: 'NONE',
        batches: [
          { baseOffset: 0, lastOffset: 2, leaderEpoch: 1, records: 3, control: false },
          { baseOffset: 3, lastOffset: 3, leaderEpoch: 2, records: 1, control: true },
        ],
        partial: 30,
        bytes: records.length,
      },
      { topic: 'orders', error: 'NOT_LEADER_OR_FOLLOWER', batches: [], partial: 0, bytes: -1 },
    ]);
  });

  it('refuses a batch that is not magic 2 and an offset beyond what a number holds exactly', () => {
    const old = batch(0, 0, 0, 1);
    old.writeInt8(1, 16);
    expect(() => parseFetchResponse(fetchResponse(16, [{ partition: 0, highWatermark: 1, records: old }]), 16)).toThrow('has magic 1; only magic 2 is read');
    expect(() => parseFetchResponse(fetchResponse(16, [{ partition: 0, highWatermark: 2 ** 60, records: null }]), 16)).toThrow('beyond what a number holds exactly');
  });

  it('refuses a tagged field it knows that is longer than its layout', () => {
    const long = Buffer.concat([divergingEpoch(1, 1), Buffer.from([0])]);
    expect(() => parseFetchResponse(fetchResponse(12, [{ partition: 0, highWatermark: 1, records: null, tagged: [[0, long]] }]), 12)).toThrow('1 bytes left after the last field');
  });
});

describe('Fetch bodies on the proxy', () => {
  it("puts the fetching replica and the leader's high watermark on the frames", async () => {
    const { log, errors } = await exchange(frame('fetcherRequest18'), frame('fetcherResponse18').subarray(8));
    expect(errors).toEqual([]);
    const [request, response] = log;
    expect(request.fetch).toMatchObject({ kind: 'request', replicaId: 2, partitions: [{ fetchOffset: 5, lastFetchedEpoch: 0 }] });
    expect(response.fetch).toMatchObject({ kind: 'response', partitions: [{ highWatermark: 5, batches: [{ baseOffset: 5, lastOffset: 7 }] }] });
  });

  it('delivers a Fetch whose body does not fit its layout without fetch fields, and says so in one line', async () => {
    const cut = frame('fetcherResponse18').subarray(8, 100);
    const { log, errors } = await exchange(frame('fetcherRequest18'), cut);
    expect(log[1]).toMatchObject({ direction: 'response', apiName: 'Fetch', verdict: 'deliver' });
    expect(log[1].fetch).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^broker-1 replication: connection 1: frame 2: Fetch v18 body not read: .* runs past the end/);
  });
});
