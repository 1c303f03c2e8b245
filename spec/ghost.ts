/**
 * Ghost history: what the properties need to know that Kafka itself never stores — the committed
 * history (the records a leader exposed below its high watermark; the "true HW" is its length),
 * the writes acknowledged to the producer, and what the consumer read. The cluster step updates
 * it; machines never read it; properties never write it.
 *
 * The committed history is one history, never a splice of two. A leader that exposes its HW over
 * a log agreeing with the history below both their lengths extends it. A leader that exposes,
 * below its HW, a record other than the committed one at that offset (after an unclean election,
 * or a zombie leader's commit) has started another history: the ghost replaces the committed
 * history with that leader's log below its HW. It does not keep the old prefix and append the
 * new leader's suffix, which would be a history no replica ever held. The step that replaces it
 * is the one `committed-history-stable` (T-2) flags; the read and write properties then judge
 * later steps against the history that replaced it.
 */
import type { Acks, BrokerId, Entry } from './types.ts';
import { samePrefix } from './log.ts';

export interface AckedWrite {
  readonly value: number;
  readonly offset: number;
  readonly acks: Acks;
  /** The value the producer would send next when this ack arrived: that value and every later one were sent after it (T-6). */
  readonly sentAfter: number;
}

export interface ConsumedRecord {
  readonly offset: number;
  readonly entry: Entry;
  /** The replica that served it (a leader, or a follower with KIP-392). */
  readonly from: BrokerId;
  /** Reads between two signalled resets share a run: the number of signalled resets before the read. */
  readonly run: number;
}

export interface Ghost {
  readonly committed: readonly Entry[];
  readonly acked: readonly AckedWrite[];
  readonly consumed: readonly ConsumedRecord[];
  /** Signalled consumer resets so far (auto.offset.reset, or a reset to where a truncated log diverged). */
  readonly resets: number;
}

export const EMPTY_GHOST: Ghost = { committed: [], acked: [], consumed: [], resets: 0 };

/**
 * A leader exposed `hw` over `log`. If the log agrees with the committed history below both, the
 * history grows to `hw`; if not, the leader's log below `hw` replaces it (T-2 flags that step).
 */
export function exposeHighWatermark(g: Ghost, log: readonly Entry[], hw: number): Ghost {
  const shared = Math.min(hw, g.committed.length);
  if (!samePrefix(log, g.committed, shared)) return { ...g, committed: log.slice(0, hw) };
  if (hw <= g.committed.length) return g;
  return { ...g, committed: g.committed.concat(log.slice(g.committed.length, hw)) };
}

export function recordAck(g: Ghost, ack: AckedWrite): Ghost {
  return { ...g, acked: g.acked.concat(ack) };
}

/** The consumer received `entry` at `offset` from broker `from`. */
export function recordRead(g: Ghost, from: BrokerId, offset: number, entry: Entry): Ghost {
  return { ...g, consumed: g.consumed.concat({ offset, entry, from, run: g.resets }) };
}

/** The consumer's position was reset and the application told (a signalled reset, T-4). */
export function recordReset(g: Ghost): Ghost {
  return { ...g, resets: g.resets + 1 };
}
