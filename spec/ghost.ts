/**
 * Ghost history: what the properties need to know that Kafka itself never stores — the committed
 * history (every record a leader ever exposed below its high watermark, first write wins, so the
 * "true HW" is its length), the writes acknowledged to the producer, and what the consumer read.
 * The cluster step updates it; machines never read it; properties never write it.
 */
import type { Acks, Entry } from './types.ts';

export interface AckedWrite {
  readonly value: number;
  readonly offset: number;
  readonly acks: Acks;
}

export interface ConsumedRecord {
  readonly offset: number;
  readonly entry: Entry;
  /** Reads since the consumer's last signalled reset (OFFSET_OUT_OF_RANGE + auto.offset.reset). */
  readonly epochOfReads: number;
}

export interface Ghost {
  readonly committed: readonly Entry[];
  readonly acked: readonly AckedWrite[];
  readonly consumed: readonly ConsumedRecord[];
  /** Signalled consumer resets so far. */
  readonly resets: number;
}

export const EMPTY_GHOST: Ghost = { committed: [], acked: [], consumed: [], resets: 0 };

/** A leader exposed `hw` over `log`: the committed history grows to `hw` (it never changes below). */
export function exposeHighWatermark(g: Ghost, log: readonly Entry[], hw: number): Ghost {
  if (hw <= g.committed.length) return g;
  return { ...g, committed: g.committed.concat(log.slice(g.committed.length, hw)) };
}

export function recordAck(g: Ghost, ack: AckedWrite): Ghost {
  return { ...g, acked: g.acked.concat(ack) };
}

export function recordRead(g: Ghost, offset: number, entry: Entry): Ghost {
  return { ...g, consumed: g.consumed.concat({ offset, entry, epochOfReads: g.resets }) };
}

export function recordReset(g: Ghost): Ghost {
  return { ...g, resets: g.resets + 1 };
}
