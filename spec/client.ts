/**
 * The clients: a producer that sends values 1, 2, … to whichever broker believes it leads (so a
 * deposed leader that has not heard yet still takes writes), and a consumer that reads committed
 * records one at a time (C1, C3). Acks reach the ghost through the cluster; reads are recorded
 * here.
 *
 * Abstracted away: producer retries and idempotence (each value is sent once), consumer groups
 * and committed offsets, and the consumer's KIP-320 epoch validation (C4, C5): the consumer
 * trusts whichever replica it reads from, and only OFFSET_OUT_OF_RANGE makes it reset.
 */
import type { Rules } from './rules.ts';
import type { BrokerId } from './types.ts';
import type { ClusterState } from './cluster.ts';
import { leo } from './replica-context.ts';
import { recordRead, recordReset } from './ghost.ts';

/** Who may serve the consumer: a replica that believes it leads, or with KIP-392 any follower. */
function serves(k: Rules, s: ClusterState, b: BrokerId): boolean {
  const role = s.replicas[b - 1].role;
  return role === 'leader' || (k.consumer.followerReads && role === 'follower');
}

/**
 * C1/C3: a fetch at the consumer's position returns a record when the position is below the
 * replica's HW, fails with OFFSET_OUT_OF_RANGE past its LEO, and is empty in between.
 */
export function canConsumerFetch(k: Rules, s: ClusterState, b: BrokerId): boolean {
  if (s.consumerPosition < 0 || !serves(k, s, b)) return false;
  const r = s.replicas[b - 1].context;
  return s.consumerPosition < r.hw || s.consumerPosition > leo(r);
}

/** Reads one record, or resets to the earliest offset (auto.offset.reset=earliest, signalled). */
export function consumerFetch(s: ClusterState, b: BrokerId): ClusterState {
  const r = s.replicas[b - 1].context;
  const position = s.consumerPosition;
  if (position > leo(r)) return { ...s, consumerPosition: 0, ghost: recordReset(s.ghost) };
  return { ...s, consumerPosition: position + 1, ghost: recordRead(s.ghost, position, r.log[position]) };
}
