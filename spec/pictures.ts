/**
 * How a cluster step reads in a step table and a sequence diagram: a cell per broker, the
 * controller and the network; and for each step, the message it delivers (an arrow from sender
 * to receiver) or the local event it is (a note over the one who does it).
 */
import { type ClusterAction, deliveryOf } from './actions.ts';
import type { ClusterState } from './cluster.ts';
import { formatEntry } from './log.ts';
import { formatMessage } from './summary.ts';
import { formatConsumer } from './client.ts';

const set = (xs: readonly number[]) => `{${xs.join(',')}}`;
const name = (b: number) => (b === 0 ? 'controller' : `b${b}`);

export function participants(rf: number): string[] {
  return ['producer', ...Array.from({ length: rf }, (_, i) => `b${i + 1}`), 'controller', 'consumer'];
}

export function cells(s: ClusterState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { role, context: r } of s.replicas) {
    const log = r.log.map(formatEntry).join(' ');
    const view = role === 'offline' ? '' : role === 'leader' ? ` · LE ${r.leaderEpoch} · ISR ${set(r.isr)}` : ` · LE ${r.leaderEpoch}`;
    out[`b${r.id}`] = `${role} [${log}] LEO ${r.log.length} HW ${r.hw}${view}`;
  }
  const reg = s.controller.registration;
  out.controller = `leader ${reg.leader} · LE ${reg.leaderEpoch} · ISR ${set(reg.isr)} · ELR ${set(reg.elr)}`;
  out['in flight'] = s.network.map(formatMessage).join(', ');
  out.committed = `[${s.ghost.committed.map(formatEntry).join(' ')}] acked ${s.ghost.acked.map((a) => `v${a.value}`).join(' ')}`;
  if (s.consumer.position >= 0) out.consumer = formatConsumer(s.consumer);
  return out;
}

/** What the consumer hears back (C1-C6): the record, or the error or answer and what it did about it. */
function consumerAnswer(prev: ClusterState, a: ClusterAction & { broker: number }, next: ClusterState): string {
  const [p, n] = [prev.consumer, next.consumer];
  const reset = next.ghost.resets > prev.ghost.resets ? `, reset to ${n.position}` : n.phase === 'stopped' ? ', consumer stops' : '';
  switch (a.step) {
    case 'ConsumerFetch':
      if (next.ghost.consumed.length > prev.ghost.consumed.length) return `record at ${p.position}`;
      return `OFFSET_OUT_OF_RANGE${reset || ', back to the leader'}`;
    case 'ConsumerRefreshMetadata':
      return `Metadata: leader b${n.leader}, LE ${n.leaderEpoch}${n.phase === 'validating' ? ', validate' : ''}`;
    case 'ConsumerValidatePosition':
      return `OffsetsForLeaderEpoch(e${p.positionEpoch})${reset || ': position valid'}`;
    default:
      return `preferred read replica b${n.readReplica}`;
  }
}

export function picture(prev: ClusterState, a: ClusterAction, next: ClusterState) {
  const d = deliveryOf(a);
  if (d !== null && !d.lost) {
    const m = prev.network.find((x) => x.kind === d.kind && x.from === d.from && x.to === d.to);
    return { arrows: [{ from: name(d.from), to: name(d.to), label: m ? formatMessage(m) : d.kind }], notes: [] };
  }
  switch (a.step) {
    case 'ProducerSend': {
      const acked = next.ghost.acked.length > prev.ghost.acked.length;
      return { arrows: [{ from: 'producer', to: `b${a.broker}`, label: `Produce v${a.value}${acked ? ' (acked)' : ''}` }], notes: [] };
    }
    case 'ConsumerFetch':
    case 'ConsumerRefreshMetadata':
    case 'ConsumerValidatePosition':
    case 'LeaderSelectReadReplica':
      return { arrows: [{ from: `b${a.broker}`, to: 'consumer', label: consumerAnswer(prev, a, next) }], notes: [] };
    case 'ConsumerExpireReadReplica':
      return { arrows: [], notes: [{ over: 'consumer', text: `forgets read replica b${a.broker}` }] };
    case 'ControllerFenceBroker':
    case 'ControllerUnfenceBroker': {
      const reg = next.controller.registration;
      const verb = a.step === 'ControllerFenceBroker' ? 'fences' : 'unfences';
      return { arrows: [], notes: [{ over: 'controller', text: `${verb} b${a.broker}; leader ${reg.leader}, LE ${reg.leaderEpoch}, ISR ${set(reg.isr)}` }] };
    }
    default: {
      const who = 'broker' in a ? `b${a.broker}` : 'controller';
      return { arrows: [], notes: [{ over: who, text: a.step }] };
    }
  }
}
