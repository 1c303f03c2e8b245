/**
 * Reading a request or response body in Kafka's flexible encoding (KIP-482): big-endian integers,
 * unsigned varints for the lengths of compact strings, bytes and arrays (length + 1, 0 for null),
 * and a tagged-fields section closing each struct. Bounds are checked at every read, so a body
 * that does not fit its layout is a BodyError, never a wrong value.
 */

/** A body that is not what its version's layout says. One line. */
export class BodyError extends Error {
  override readonly name = 'BodyError';
}

/**
 * Where the body of a frame (size prefix included) in a flexible version starts: after request
 * header version 2 (api key, version, correlation id, the int16-length client id, tagged fields)
 * or response header version 1 (correlation id, tagged fields).
 */
export function bodyStart(frame: Buffer, direction: 'request' | 'response'): number {
  const header = new Reader(frame, direction === 'request' ? 12 : 8);
  if (direction === 'request') header.skip(Math.max(0, header.int16())); // the client id
  header.taggedFields(() => false);
  return header.position;
}

/** An int64 as a number, refused when a number cannot hold it exactly. */
export function safe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new BodyError(`${what} ${value} is beyond what a number holds exactly`);
  }
  return Number(value);
}

/** A bounds-checked cursor over a frame, reading Kafka's primitive types. */
export class Reader {
  constructor(
    private readonly buf: Buffer,
    private at: number,
    private readonly limit: number = buf.length,
  ) {}

  /** The offset of the next byte to read. */
  get position(): number {
    return this.at;
  }

  private take(n: number, what: string): number {
    if (n < 0 || this.at + n > this.limit) throw new BodyError(`${what} at byte ${this.at} runs past the end (byte ${this.limit})`);
    const at = this.at;
    this.at += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1, 'int8'));
  }
  /** Kafka's boolean: one byte, 0 false, anything else true. */
  bool(): boolean {
    return this.buf.readInt8(this.take(1, 'bool')) !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.take(2, 'int16'));
  }
  int32(): number {
    return this.buf.readInt32BE(this.take(4, 'int32'));
  }
  int64(): number {
    return safe(this.buf.readBigInt64BE(this.take(8, 'int64')), 'int64');
  }
  skip(n: number): void {
    this.take(n, `${n} bytes`);
  }
  uuid(): string {
    const at = this.take(16, 'uuid');
    return this.buf.subarray(at, at + 16).toString('base64url');
  }

  /** Kafka's unsigned varint (ByteUtils.readUnsignedVarint): 7 bits a byte, at most 5 bytes. */
  unsignedVarint(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.buf[this.take(1, 'varint')];
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) break;
        return value;
      }
    }
    throw new BodyError(`varint ending at byte ${this.at} is longer than 5 bytes or over 32 bits`);
  }

  /** A compact nullable string: length + 1 as an unsigned varint, 0 for null. */
  compactString(): string | null {
    const n = this.unsignedVarint();
    if (n === 0) return null;
    const at = this.take(n - 1, 'string');
    return this.buf.toString('utf8', at, at + n - 1);
  }

  /** Compact nullable bytes (records included): length + 1, 0 for null. */
  compactBytes(): Buffer | null {
    const n = this.unsignedVarint();
    if (n === 0) return null;
    const at = this.take(n - 1, 'bytes');
    return this.buf.subarray(at, at + n - 1);
  }

  /** A compact nullable array: count + 1, 0 for null; calls `item` for each element. */
  array(item: () => void): void {
    const n = this.unsignedVarint();
    for (let i = 0; i < n - 1; i++) item();
  }

  /**
   * A tagged-fields section: a count, then each tag, its size and its bytes. `field` reads the
   * ones it knows from a reader bounded to the field's bytes and returns true; a field it
   * returns false for is skipped. A known field not read to its end is refused.
   */
  taggedFields(field: (tag: number, reader: Reader) => boolean): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      const tag = this.unsignedVarint();
      const size = this.unsignedVarint();
      const at = this.take(size, `tagged field ${tag}`);
      const reader = new Reader(this.buf, at, at + size);
      if (field(tag, reader)) reader.end();
    }
  }

  /** Refuses bytes left over: the layout read must cover the frame exactly. */
  end(): void {
    if (this.at !== this.limit) throw new BodyError(`${this.limit - this.at} bytes left after the last field (byte ${this.at} of ${this.limit})`);
  }
}
