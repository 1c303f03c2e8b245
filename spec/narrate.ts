/**
 * A step in Kafka's words, read from the state before it, the step and the state after it: what
 * the one who acts did ("broker 2 truncates its log to offset 3 (its HW)"), then what followed
 * from it (an HW advanced, a write acknowledged, a record committed). Also the messages a step put
 * on the network and took off it, so a picture can draw a fetch from the step that sent it to the
 * step that handled it, and, at a violation, what is missing where.
 *
 * Pure, and for people only: nothing in the model or the engine reads it.
 */
import { type ClusterAction, deliveryOf, stepDefinition } from './actions.ts';
import { leaderName, lifeline, says, set, values, who } from './words.ts';
import { sameEntry } from './log.ts';
import type { ClusterState, ReplicaSlot } from './cluster.ts';
import type { BrokerId, Entry, Message, Registration } from './types.ts';
import { NO_LEADER } from './types.ts';

const offsets = (from: number, to: number) => (to - from === 1 ? `offset ${from}` : `offsets ${from}-${to - 1}`);
const records = (n: number) => (n === 1 ? '1 record' : `${n} records`);

/** A message sent, as a sentence: `broker 2 asks broker 1 for records from offset 3`. */
function sendLine(m: Message): string {
  switch (m.kind) {
    case 'FetchRequest': return `broker ${m.from} asks broker ${m.to} for records from offset ${m.fetchOffset}`;
    case 'EpochRequest': return `broker ${m.from} asks broker ${m.to} where epoch ${m.epoch} ends (OffsetsForLeaderEpoch)`;
    case 'AlterPartition': return `leader ${m.from} asks the controller for ISR ${set(m.isr)} (AlterPartition)`;
    default: return `${who(m.from)} answers ${who(m.to)}: ${says(m)}`;
  }
}

/** A connection: one kind of message from one sender to one receiver, FIFO like a TCP connection. */
export const connectionOf = (m: Pick<Message, 'kind' | 'from' | 'to'>) => `${m.kind} ${m.from}→${m.to}`;

/** What a step did to the network: the messages it sent, and the connections whose oldest messages it took off. */
export interface Traffic {
  /** Sender and receiver as the pictures' lifelines name them (`b2`, `controller`). */
  readonly sent: readonly { readonly connection: string; readonly from: string; readonly to: string; readonly label: string }[];
  readonly taken: readonly { readonly connection: string; readonly fate: 'delivered' | 'lost' | 'dropped' }[];
}

function countByConnection(network: readonly Message[]): Map<string, Message[]> {
  const out = new Map<string, Message[]>();
  for (const m of network) {
    const k = connectionOf(m);
    out.set(k, [...(out.get(k) ?? []), m]);
  }
  return out;
}

/**
 * The messages a step sent and took: a delivery or loss takes its connection's oldest message, a
 * crash drops what was on its way to the broker, and whatever else a connection gained was sent
 * (each connection is FIFO and the network keeps its order, so the newest messages are the sent ones).
 */
export function traffic(before: ClusterState, a: ClusterAction, after: ClusterState): Traffic {
  const was = countByConnection(before.network);
  const is = countByConnection(after.network);
  const taken: { connection: string; fate: 'delivered' | 'lost' | 'dropped' }[] = [];
  const d = deliveryOf(a);
  if (d !== null) {
    const connection = connectionOf({ kind: d.kind, from: d.from, to: d.to });
    taken.push({ connection, fate: d.lost ? 'lost' : 'delivered' });
    was.set(connection, (was.get(connection) ?? []).slice(1));
  }
  const sent: { connection: string; from: string; to: string; label: string }[] = [];
  for (const k of new Set([...was.keys(), ...is.keys()])) {
    const [n, m] = [was.get(k)?.length ?? 0, is.get(k) ?? []];
    for (let i = m.length; i < n; i++) taken.push({ connection: k, fate: 'dropped' });
    for (const msg of m.slice(n)) sent.push({ connection: k, from: lifeline(msg.from), to: lifeline(msg.to), label: says(msg) });
  }
  return { sent, taken };
}

/** How a log changed: the offset it was cut back to (if it was), and what it gained after that. */
function logChange(before: readonly Entry[], after: readonly Entry[]): { cut: number | null; added: Entry[]; from: number } {
  let p = 0;
  while (p < before.length && p < after.length && sameEntry(before[p], after[p])) p++;
  return { cut: p < before.length ? p : null, added: after.slice(p), from: p };
}

/** What a replica's log, HW and role did in a step. */
function replicaLines(a: ClusterAction, b: ReplicaSlot, n: ReplicaSlot): string[] {
  const id = b.context.id;
  const out: string[] = [];
  const down = a.step === 'BrokerCrash' || a.step === 'BrokerLossyCrash' || a.step === 'BrokerFailPermanently' || a.step === 'BrokerControlledShutdown';
  if (n.role !== b.role) {
    if (n.role === 'leader') out.push(`broker ${id} becomes leader in epoch ${n.context.leaderEpoch}`);
    else if (n.role === 'follower') out.push(b.role === 'leader' ? `broker ${id} steps down as leader; ${leaderName(n.context.leader)} in epoch ${n.context.leaderEpoch}`
      : n.context.leader === NO_LEADER ? `broker ${id} comes back, not yet knowing the leader` : `broker ${id} comes back as a follower of broker ${n.context.leader}`);
    else if (!down) out.push(`broker ${id} goes offline`);
  } else if (n.role === 'follower' && (n.context.leader !== b.context.leader || n.context.leaderEpoch !== b.context.leaderEpoch)) {
    out.push(`broker ${id} follows ${n.context.leader === NO_LEADER ? 'no leader' : `broker ${n.context.leader}`} in epoch ${n.context.leaderEpoch}`);
  }
  const log = logChange(b.context.log, n.context.log);
  if (log.cut !== null && a.step === 'BrokerLossyCrash') out.push(`broker ${id} loses ${values(b.context.log.slice(log.cut))} (not flushed), keeping ${values(n.context.log)}`);
  else if (log.cut !== null) out.push(`broker ${id} truncates its log to offset ${log.cut}${truncationReason(b, log.cut)}, dropping ${values(b.context.log.slice(log.cut))}`);
  if (log.added.length > 0) out.push(`broker ${id} appends ${values(log.added)} at ${offsets(log.from, log.from + log.added.length)}`);
  if (n.context.hw !== b.context.hw) {
    const verb = n.context.hw > b.context.hw ? 'advances' : 'lowers';
    out.push(n.role === 'leader' ? `leader ${id} ${verb} the HW to ${n.context.hw}` : `broker ${id} ${verb} its HW to ${n.context.hw}`);
  }
  if (n.role === 'leader' && b.role === 'leader' && set(n.context.isr) !== set(b.context.isr)) out.push(`leader ${id} now counts ISR ${set(n.context.isr)}`);
  return out;
}

function truncationReason(b: ReplicaSlot, cut: number): string {
  if (cut === b.context.hw) return ' (its HW)';
  if (cut === b.context.hwCheckpoint) return ' (its HW checkpoint)';
  return '';
}

/** What the controller decided in a step: an election, an ISR or ELR change, a fencing. */
function controllerLines(b: ClusterState, n: ClusterState): string[] {
  const [p, q]: Registration[] = [b.controller.registration, n.controller.registration];
  const out: string[] = [];
  n.controller.fenced.forEach((f, i) => {
    if (f !== b.controller.fenced[i]) out.push(`the controller ${f ? 'fences' : 'unfences'} broker ${i + 1}`);
  });
  const unclean = n.controller.uncleanElections > b.controller.uncleanElections || (q.leader !== NO_LEADER && !q.isr.includes(q.leader));
  if (q.leader !== p.leader || q.leaderEpoch !== p.leaderEpoch) {
    out.push(q.leader === NO_LEADER
      ? `the controller leaves the partition without a leader in epoch ${q.leaderEpoch} (ISR ${set(q.isr)})`
      : `the controller elects broker ${q.leader} leader in epoch ${q.leaderEpoch} (ISR ${set(q.isr)}${unclean ? ', an unclean election' : ''})`);
  } else if (set(q.isr) !== set(p.isr)) {
    const verb = q.isr.length < p.isr.length ? 'shrinks' : q.isr.length > p.isr.length ? 'expands' : 'changes';
    out.push(`the controller ${verb} the ISR to ${set(q.isr)}`);
  }
  if (set(q.elr) !== set(p.elr)) out.push(`the ELR becomes ${set(q.elr)}`);
  if (n.controller.epoch !== b.controller.epoch) out.push(`a new controller takes over in controller epoch ${n.controller.epoch}`);
  return out;
}

/** What the ghost history learned: writes acknowledged, records committed, records read. */
function historyLines(b: ClusterState, n: ClusterState): string[] {
  const out: string[] = [];
  for (const w of n.ghost.acked.slice(b.ghost.acked.length)) out.push(`v${w.value} is acknowledged (acks=${w.acks}, offset ${w.offset})`);
  const [was, is] = [b.ghost.committed, n.ghost.committed];
  const kept = logChange(was, is);
  if (kept.cut !== null) out.push(`the committed history is replaced: ${values(was.slice(kept.cut))} give way to ${values(kept.added)}`);
  else if (kept.added.length > 0) out.push(`${values(kept.added)} ${kept.added.length === 1 ? 'is' : 'are'} committed (true HW ${is.length})`);
  for (const r of n.ghost.consumed.slice(b.ghost.consumed.length)) out.push(`the consumer reads v${r.entry.value} at offset ${r.offset} from broker ${r.from}`);
  if (n.ghost.resets > b.ghost.resets) out.push(`the consumer resets its position to ${n.consumer.position}`);
  return out;
}

/**
 * A step in Kafka's words: what was done, then what followed from it, one clause a line, e.g.
 * `broker 2 handles broker 1's v3, HW 2`, `broker 2 appends v3 at offset 2`, `broker 2 advances
 * its HW to 2`. Never empty.
 */
export function narrate(before: ClusterState, a: ClusterAction, after: ClusterState): string[] {
  const lines: string[] = [];
  const head = stepDefinition(a.step).tell(before, a as never, after);
  if (head !== null) lines.push(head);
  after.replicas.forEach((slot, i) => lines.push(...replicaLines(a, before.replicas[i], slot)));
  lines.push(...controllerLines(before, after));
  if (deliveryOf(a)?.lost !== true) {
    const was = countByConnection(before.network);
    for (const m of after.network) {
      const k = connectionOf(m);
      const left = was.get(k);
      if (left !== undefined && left.includes(m)) continue;
      lines.push(sendLine(m));
    }
  }
  lines.push(...historyLines(before, after));
  if (lines.length === 0) lines.push('nothing changes');
  return lines;
}

const at = (log: readonly Entry[], o: number) => (log[o] === undefined ? 'nothing' : `v${log[o].value}`);

/** Each broker's log: `broker 1 holds v1 v2, broker 2 (offline) holds v1 v2 v4`. */
export function logsLine(s: ClusterState): string {
  return s.replicas.map(({ role, context: r }) => `broker ${r.id}${role === 'offline' ? ' (offline)' : ''} holds ${values(r.log)}`).join(', ');
}

/** The first step (0 for the initial state) from which `seen` holds in every later state. */
function since(states: readonly ClusterState[], seen: (s: ClusterState) => boolean): number {
  let k = states.length - 1;
  while (k > 0 && seen(states[k - 1])) k--;
  return k;
}

/** The replicas holding `e` at offset `o`, in words: `only broker 3 (offline) holds it`, `no replica holds it`. */
function holders(s: ClusterState, e: Entry, o: number): string {
  const hs = s.replicas.filter(({ context: r }) => sameEntry(r.log[o], e)).map(({ role, context: r }) => `broker ${r.id}${role === 'offline' ? ' (offline)' : ''}`);
  if (hs.length === 0) return 'it is in no replica\'s log';
  return `only ${hs.join(' and ')} ${hs.length === 1 ? 'holds' : 'hold'} it`;
}

/** The running leader the controller elected, if any. */
function leaderOf(s: ClusterState): ReplicaSlot | null {
  const l = s.controller.registration.leader;
  const slot = l === NO_LEADER ? undefined : s.replicas[l - 1];
  return slot !== undefined && slot.role !== 'offline' ? slot : null;
}

function lostAck(states: readonly ClusterState[], onlyAll: boolean): string | null {
  const s = states[states.length - 1];
  const leader = leaderOf(s);
  if (leader === null) return null;
  const w = s.ghost.acked.find((x) => (!onlyAll || x.acks === 'all') && leader.context.log[x.offset]?.value !== x.value);
  if (w === undefined) return null;
  const step = since(states, (x) => x.ghost.acked.some((y) => y.value === w.value));
  const somewhere = s.replicas.filter(({ context: r }) => r.log[w.offset]?.value === w.value);
  const where = somewhere.length === 0 ? 'is in no replica\'s log' : `is not at offset ${w.offset} in leader ${leader.context.id}'s log (which holds ${at(leader.context.log, w.offset)} there)`;
  return `v${w.value} was acknowledged at step ${step} (acks=${w.acks}, offset ${w.offset}) and ${where}`;
}

function lostCommitted(states: readonly ClusterState[], role: string, among: (s: ClusterState) => readonly ReplicaSlot[]): string | null {
  const s = states[states.length - 1];
  for (const slot of among(s)) {
    const o = s.ghost.committed.findIndex((e, i) => !sameEntry(slot.context.log[i], e));
    if (o < 0) continue;
    const e = s.ghost.committed[o];
    const step = since(states, (x) => sameEntry(x.ghost.committed[o], e));
    return `v${e.value}, committed at offset ${o} at step ${step}, is missing from ${role} ${slot.context.id} (which holds ${at(slot.context.log, o)} there); ${holders(s, e, o)}`;
  }
  return null;
}

function lostEverywhere(states: readonly ClusterState[]): string | null {
  const s = states[states.length - 1];
  const o = s.ghost.committed.findIndex((e, i) => s.replicas.every(({ context: r }) => !sameEntry(r.log[i], e)));
  if (o < 0) return null;
  const e = s.ghost.committed[o];
  const step = since(states, (x) => sameEntry(x.ghost.committed[o], e));
  return `v${e.value}, committed at offset ${o} at step ${step}, is in no replica's log`;
}

function replacedHistory(states: readonly ClusterState[]): string | null {
  if (states.length < 2) return null;
  const [b, n] = [states[states.length - 2].ghost.committed, states[states.length - 1].ghost.committed];
  const o = b.findIndex((e, i) => !sameEntry(n[i], e));
  if (o < 0) return null;
  const e = b[o];
  const step = since(states.slice(0, -1), (x) => sameEntry(x.ghost.committed[o], e));
  return `v${e.value}, committed at offset ${o} at step ${step}, is ${n[o] === undefined ? 'no longer committed' : `replaced by v${n[o].value} in the committed history`}; ${holders(states[states.length - 1], e, o)}`;
}

function divergence(s: ClusterState): string | null {
  const rs = s.replicas.filter((r) => r.role !== 'offline').map((r) => r.context);
  for (const x of rs) for (const y of rs) {
    if (x.id >= y.id) continue;
    const below = Math.min(x.hw, y.hw);
    const o = x.log.slice(0, below).findIndex((e, i) => !sameEntry(y.log[i], e));
    if (o >= 0) return `brokers ${x.id} and ${y.id} disagree at offset ${o}, below both their HWs (${x.hw} and ${y.hw}): broker ${x.id} holds ${at(x.log, o)}, broker ${y.id} holds ${at(y.log, o)}`;
  }
  for (const r of rs) {
    const o = r.log.slice(0, r.hw).findIndex((e, i) => !sameEntry(s.ghost.committed[i], e));
    if (o >= 0) return `broker ${r.id} exposes ${at(r.log, o)} at offset ${o}, below its HW ${r.hw}, where the committed history holds ${at(s.ghost.committed, o)}`;
  }
  return null;
}

function badRead(states: readonly ClusterState[]): string | null {
  const s = states[states.length - 1];
  const leader = leaderOf(s);
  for (const r of s.ghost.consumed.toReversed()) {
    const step = since(states, (x) => x.ghost.consumed.length > s.ghost.consumed.indexOf(r));
    if (!sameEntry(s.ghost.committed[r.offset], r.entry)) {
      return `the consumer read v${r.entry.value} at offset ${r.offset} from broker ${r.from} at step ${step}, and the committed history holds ${at(s.ghost.committed, r.offset)} there`;
    }
    if (leader !== null && !sameEntry(leader.context.log[r.offset], r.entry)) {
      return `the consumer read v${r.entry.value} at offset ${r.offset} at step ${step}, and leader ${leader.context.id} now holds ${at(leader.context.log, r.offset)} there`;
    }
  }
  return null;
}

/**
 * At a violation of `invariant` in the last of `states`, what is missing where, in one sentence
 * ending with every broker's log, e.g. `v3 was acknowledged at step 6 (acks=all, offset 2) and is
 * in no replica's log: broker 1 holds v1 v2, broker 2 holds v1 v2 v4`. Null when the invariant
 * is not about data that goes missing (an epoch or ISR rule).
 */
export function missingWhere(invariant: string, states: readonly ClusterState[]): string | null {
  const s = states[states.length - 1];
  const controllerSet = (x: ClusterState) => [...x.controller.registration.isr, ...x.controller.registration.elr]
    .map((b) => x.replicas[b - 1]).filter((r) => r.role !== 'offline');
  let what: string | null = null;
  switch (invariant) {
    case 'acks-all-durable': case 'acks-one-durable': what = lostAck(states, false); break;
    case 'leader-completeness': what = lostCommitted(states, 'leader', (x) => { const l = leaderOf(x); return l === null ? [] : [l]; }) ?? lostAck(states, true); break;
    case 'strong-isr': what = lostCommitted(states, 'ISR or ELR member', controllerSet); break;
    case 'no-committed-loss': what = lostEverywhere(states); break;
    case 'committed-history-stable': what = replacedHistory(states); break;
    case 'weak-isr': case 'log-matching': case 'hw-only-committed': case 'logs-converge': what = divergence(s); break;
    case 'consistent-read': case 'reads-only-committed': case 'monotonic-reads': what = badRead(states); break;
    default: return null;
  }
  return what === null ? null : `${what}: ${logsLine(s)}.`;
}
