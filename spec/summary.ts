/**
 * The cluster state for people: one line per broker (role, epoch, log with each record's epoch,
 * LEO, HW, ISR as it sees it), one for the controller, one for messages in flight and one for the
 * ghost history the properties judge by.
 */
import type { ClusterState } from './cluster.ts';
import { formatEntry } from './log.ts';
import { type Message, NO_LEADER } from './types.ts';
import type { ConsumerState } from './client.ts';
import { formatProducer } from './producer.ts';
import { set } from './words.ts';

export function summarizeState(s: ClusterState): string {
  const lines = s.replicas.map(({ role, context: r }) => {
    const log = r.log.map(formatEntry).join(' ');
    const view = role === 'offline' ? '' : role === 'leader' ? ` LE ${r.leaderEpoch} ISR ${set(r.isr)}` : ` LE ${r.leaderEpoch} leader ${r.leader}`;
    return `b${r.id} ${role.padEnd(8)} log [${log}] LEO ${r.log.length} HW ${r.hw}${view}`;
  });
  const reg = s.controller.registration;
  const fenced = s.controller.fenced.flatMap((f, i) => (f ? [i + 1] : []));
  lines.push(
    `controller leader ${reg.leader} LE ${reg.leaderEpoch} PE ${reg.partitionEpoch} ISR ${set(reg.isr)} ELR ${set(reg.elr)} fenced ${set(fenced)}`,
  );
  if (s.network.length > 0) lines.push(`in flight: ${s.network.map(formatMessage).join(', ')}`);
  if (s.producer !== undefined) lines.push(formatProducer(s.producer));
  const g = s.ghost;
  const acked = g.acked.map((a) => `v${a.value}@${a.offset}(acks=${a.acks})`).join(' ');
  lines.push(`committed [${g.committed.map(formatEntry).join(' ')}] acked [${acked}]` +
    (s.consumer.position >= 0 ? ` consumer ${formatConsumer(s.consumer)}` : ''));
  return lines.join('\n');
}

export function formatMessage(m: Message): string {
  const to = m.to === 0 ? 'controller' : `b${m.to}`;
  const from = m.from === 0 ? 'controller' : `b${m.from}`;
  switch (m.kind) {
    case 'FetchRequest': return `Fetch(${from}→${to} offset ${m.fetchOffset})`;
    case 'FetchResponse':
      if (m.error !== null) return `FetchResponse(${from}→${to} ${m.error})`;
      if (m.diverging !== null) return `FetchResponse(${from}→${to} diverging e${m.diverging.epoch}@${m.diverging.end})`;
      return `FetchResponse(${from}→${to} ${m.records.length} record(s) HW ${m.highWatermark})`;
    case 'EpochRequest': return `OffsetsForLeaderEpoch(${from}→${to} e${m.epoch})`;
    case 'EpochResponse': return `EpochResponse(${from}→${to} e${m.answer.epoch}@${m.answer.end})`;
    case 'AlterPartition': return `AlterPartition(${from}→${to} ISR ${set(m.isr)})`;
    case 'AlterPartitionResponse': return `AlterPartitionResponse(${to} ${m.error ?? `ISR ${set(m.isr)}`})`;
  }
}

/** The consumer for people: `at 2 (e0) · leader b1 LE 0 · reading from b2 · validating`. */
export function formatConsumer(c: ConsumerState): string {
  const epoch = c.positionEpoch >= 0 ? ` (e${c.positionEpoch})` : '';
  const from = c.readReplica !== NO_LEADER ? ` · reading from b${c.readReplica}` : '';
  const phase = c.phase === 'fetching' ? '' : ` · ${c.phase}`;
  return `at ${c.position}${epoch} · leader b${c.leader} LE ${c.leaderEpoch}${from}${phase}`;
}
