import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  API_NAMES,
  FrameSplitter,
  FramingError,
  MAX_FRAME_SIZE,
  apiName,
  encodeRequest,
  encodeResponse,
  parseRequestHeader,
  parseResponseCorrelationId,
} from '../../src/kafka/framing.ts';

const request = (correlationId: number, clientId: string | null = 'replica-fetcher', body = Buffer.from([1, 2, 3])) =>
  encodeRequest({ apiKey: 1, apiVersion: 17, correlationId, clientId }, body);

/** Feeds `stream` to a fresh splitter in chunks cut at `cuts`, returning every frame it yields. */
function splitAt(stream: Buffer, cuts: readonly number[]): Buffer[] {
  const splitter = new FrameSplitter();
  const points = [...new Set(cuts)].filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b);
  const frames: Buffer[] = [];
  let start = 0;
  for (const end of [...points, stream.length]) {
    frames.push(...splitter.push(stream.subarray(start, end)));
    start = end;
  }
  expect(splitter.buffered).toBe(0);
  return frames;
}

describe('request and response headers', () => {
  it('reads api key, version, correlation id and client id', () => {
    const frame = encodeRequest({ apiKey: 63, apiVersion: 1, correlationId: 0x01020304, clientId: 'broker-2' }, Buffer.from([9]));
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(parseRequestHeader(frame)).toEqual({ apiKey: 63, apiVersion: 1, correlationId: 0x01020304, clientId: 'broker-2' });
  });

  it('reads a null client id (length -1) and an empty one', () => {
    expect(parseRequestHeader(request(7, null)).clientId).toBeNull();
    expect(parseRequestHeader(request(7, '')).clientId).toBe('');
  });

  it('reads the client id as UTF-8 of its byte length', () => {
    expect(parseRequestHeader(request(1, 'prodücer-é')).clientId).toBe('prodücer-é');
  });

  it('refuses a request too short for its header or a client id past the frame', () => {
    const short = Buffer.alloc(4 + 9);
    short.writeInt32BE(9, 0);
    expect(() => parseRequestHeader(short)).toThrow(FramingError);
    const frame = request(3, 'abcdef', Buffer.alloc(0));
    const cut = frame.subarray(0, frame.length - 2);
    expect(() => parseRequestHeader(cut)).toThrow(/client id of 6 bytes runs past/);
    const negative = Buffer.from(frame);
    negative.writeInt16BE(-2, 12);
    expect(() => parseRequestHeader(negative)).toThrow(/client id length -2/);
  });

  it('reads a response correlation id and refuses a frame too short for one', () => {
    expect(parseResponseCorrelationId(encodeResponse(-5, Buffer.from([0, 0])))).toBe(-5);
    expect(() => parseResponseCorrelationId(Buffer.from([0, 0, 0, 2, 0, 1]))).toThrow(FramingError);
  });

  it('names the API keys by Kafka message names, unknown ones by number', () => {
    expect(apiName(1)).toBe('Fetch');
    expect(apiName(56)).toBe('AlterPartition');
    expect(apiName(63)).toBe('BrokerHeartbeat');
    expect(apiName(23)).toBe('OffsetForLeaderEpoch');
    expect(apiName(999)).toBe('ApiKey(999)');
    expect([...API_NAMES.keys()]).toEqual([...API_NAMES.keys()].sort((a, b) => a - b));
  });
});

describe('FrameSplitter', () => {
  it('yields several frames given in one chunk, raw bytes and size prefix included', () => {
    const frames = [request(1), request(2, null), encodeResponse(3, Buffer.alloc(100, 7))];
    const out = new FrameSplitter().push(Buffer.concat(frames));
    expect(out).toEqual(frames);
  });

  it('yields a frame split in single bytes once its last byte arrives', () => {
    const frame = request(42);
    const splitter = new FrameSplitter();
    for (let i = 0; i < frame.length - 1; i++) expect(splitter.push(frame.subarray(i, i + 1))).toEqual([]);
    expect(splitter.buffered).toBe(frame.length - 1);
    expect(splitter.push(frame.subarray(frame.length - 1))).toEqual([frame]);
    expect(splitter.buffered).toBe(0);
  });

  it('yields an empty frame (size 0) and ignores empty chunks', () => {
    const splitter = new FrameSplitter();
    expect(splitter.push(Buffer.alloc(0))).toEqual([]);
    expect(splitter.push(Buffer.from([0, 0, 0, 0]))).toEqual([Buffer.from([0, 0, 0, 0])]);
  });

  it('gives back the same frames however the stream is cut', () => {
    const frame = fc
      .record({
        kind: fc.constantFrom('request', 'response'),
        correlationId: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        clientId: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        body: fc.uint8Array({ maxLength: 300 }),
      })
      .map(({ kind, correlationId, clientId, body }) =>
        kind === 'request'
          ? encodeRequest({ apiKey: 1, apiVersion: 16, correlationId, clientId }, Buffer.from(body))
          : encodeResponse(correlationId, Buffer.from(body)),
      );
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), (frames, cuts) => {
        const stream = Buffer.concat(frames);
        const out = splitAt(stream, cuts.map((c) => c % (stream.length + 1)));
        expect(out).toEqual(frames);
      }),
      { seed: 26, numRuns: 300 },
    );
  });

  it('gives back the same frames with the stream cut at every single boundary', () => {
    const frames = [request(1, null), request(2), encodeResponse(2, Buffer.from('abc'))];
    const stream = Buffer.concat(frames);
    for (let cut = 1; cut < stream.length; cut++) expect(splitAt(stream, [cut])).toEqual(frames);
  });

  it('refuses a negative size', () => {
    const splitter = new FrameSplitter();
    expect(() => splitter.push(Buffer.from([0xff, 0xff, 0xff, 0xfe, 0]))).toThrow(/frame size -2 is negative/);
  });

  it('refuses a size over 100 MiB, even split across chunks, before its bytes arrive', () => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(MAX_FRAME_SIZE + 1, 0);
    const splitter = new FrameSplitter();
    expect(splitter.push(size.subarray(0, 2))).toEqual([]);
    expect(() => splitter.push(size.subarray(2))).toThrow(FramingError);
    // An HTTP request is not Kafka's framing: its first four bytes read as about 1.2 GB.
    expect(() => new FrameSplitter().push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(/over the 104857600-byte limit/);
  });

  it('accepts a frame of exactly the limit set', () => {
    const splitter = new FrameSplitter(10);
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.alloc(10)]);
    expect(splitter.push(frame)).toEqual([frame]);
    expect(() => new FrameSplitter(10).push(Buffer.from([0, 0, 0, 11]))).toThrow(FramingError);
  });
});
