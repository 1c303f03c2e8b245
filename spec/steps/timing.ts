/**
 * Plausible timing: which deliveries are late (W1-W6 in docs/rules.md). The model has no clock; a
 * message may wait on the network across any other steps. Kafka's timeouts order some of those
 * steps: a broker's restart and a session expiry (`broker.session.timeout.ms`, 9 s) take far
 * longer than a broker takes to read and handle a request already on its connection, so a message
 * handled after one of them, where that one ended the message's sender, needed to wait on the
 * network for seconds: a late delivery. Each step's definition says whether it is one (`late`),
 * from the state before it and its action only, so a trace's count is a pure function of the
 * trace, and a search can bound it (`maxLateDeliveries`, spec/budgets.ts).
 *
 * What is late, from Kafka's code:
 * - a fetch or OffsetsForLeaderEpoch request handled after its sender restarted (the request
 *   carries the sender's BE, F1), or while its sender is down and fenced: Kafka's request handler
 *   serves a request it has read even if its connection has closed since (SocketServer drops only
 *   the response), so nothing refuses it, but it was read milliseconds after it was sent (W1, W2);
 * - a fetch or OffsetsForLeaderEpoch response handled while the leader that sent it is down and
 *   fenced (W3);
 * - an AlterPartition handled after the leader that sent it restarted or while it is down and
 *   fenced (W4).
 * Never late: an AlterPartition response (AlterPartitionManager never times its request out, it
 * retries, so a late answer is the answer to a retry, W5); a response to a follower that restarted
 * since (the model drops it, as the closed connection does); a lost message; steps that are not
 * deliveries (a lag shrink and a lost heartbeat are faults with budgets of their own, W6).
 */
import type { ClusterState } from '../cluster.ts';
import type { BrokerId, Message } from '../types.ts';
import { type Enabled, type Named, connectionOf, oldestMessage, running } from './define.ts';

/** A delivery step's parts that say which connection it takes from. */
type Takes<A extends Named> = { readonly enabled: Enabled<A> };

/** Why a step's delivery is late, or null when it is on time. */
export type Late<A extends Named> = (before: ClusterState, a: A) => string | null;

/** A step that is never late: it delivers nothing, or Kafka would handle its message whenever it came. */
export const onTime = (): null => null;

/** The oldest message of the connection a delivery step takes from. */
function headOf<A extends Named>(s: ClusterState, takes: Takes<A>, a: A): Message | undefined {
  if (takes.enabled.each !== 'message') return undefined;
  return oldestMessage(s.network, connectionOf(takes.enabled.delivery, a));
}

/** Broker `b` is down and the controller has fenced it: its session expired since it went down, or it was fenced before. */
function downAndFenced(s: ClusterState, b: BrokerId): boolean {
  return !running(s, b) && s.controller.fenced[b - 1];
}

/** The reason a message from broker `b`'s incarnation `sentBy` is late now, or null. */
function senderEnded(s: ClusterState, b: BrokerId, sentBy: number | undefined, what: string): string | null {
  if (sentBy !== undefined && sentBy !== s.replicas[b - 1].context.incarnation) return `${what} after broker ${b} restarted`;
  if (downAndFenced(s, b)) return `${what} after broker ${b} went down and was fenced`;
  return null;
}

/** W1, W2: a request handled after its sender restarted, or while its sender is down and fenced. */
export function lateRequest<A extends Named>(takes: Takes<A>, what: string): Late<A> {
  return (s, a) => {
    const m = headOf(s, takes, a);
    if (m === undefined || (m.kind !== 'FetchRequest' && m.kind !== 'EpochRequest')) return null;
    return senderEnded(s, m.from, m.brokerEpoch, `${what} from broker ${m.from} handled`);
  };
}

/** W3: a response handled while the leader that sent it is down and fenced. */
export function lateResponse<A extends Named>(takes: Takes<A>, what: string): Late<A> {
  return (s, a) => {
    const m = headOf(s, takes, a);
    if (m === undefined) return null;
    return downAndFenced(s, m.from) ? `${what} from broker ${m.from} handled after broker ${m.from} went down and was fenced` : null;
  };
}

/** W4: an AlterPartition handled after its leader restarted, or while it is down and fenced. */
export function lateAlterPartition<A extends Named>(takes: Takes<A>): Late<A> {
  return (s, a) => {
    const m = headOf(s, takes, a);
    if (m === undefined || m.kind !== 'AlterPartition') return null;
    return senderEnded(s, m.from, m.brokerEpoch, `AlterPartition from broker ${m.from} handled`);
  };
}
