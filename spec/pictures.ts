/**
 * How a cluster step reads in a step table and a sequence diagram: a cell per broker, the
 * controller and the network; and for each step, the message it delivers (an arrow from sender
 * to receiver) or the local event it is (a note over the one who does it), as the step's
 * definition in spec/steps/ draws it.
 */
import { type ClusterAction, stepDefinition } from './actions.ts';
import type { ClusterState } from './cluster.ts';
import { formatEntry } from './log.ts';
import { formatMessage } from './summary.ts';
import { formatConsumer } from './summary.ts';
import type { StepPicture } from './steps/define.ts';
import { set } from './words.ts';

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

/** How step `a` shows in a sequence diagram, as its definition in spec/steps/ draws it. */
export function picture(prev: ClusterState, a: ClusterAction, next: ClusterState): StepPicture {
  return stepDefinition(a.step).picture(prev, a, next);
}
