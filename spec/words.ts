/**
 * The model's values in Kafka's words, for people: a set of brokers, the values of a log, who a
 * broker id is, what a message says. Shared by the steps' own headlines (spec/steps/) and the
 * narration built around them (spec/narrate.ts); nothing in the model's behaviour reads it.
 */
import type { BrokerId, Entry, Message } from './types.ts';
import { NO_LEADER } from './types.ts';

export const set = (xs: readonly number[]): string => `{${xs.join(',')}}`;
export const values = (es: readonly Entry[]): string => (es.length === 0 ? 'nothing' : es.map((e) => `v${e.value}`).join(' '));
export const leaderName = (b: BrokerId): string => (b === NO_LEADER ? 'no leader' : `leader ${b}`);
/** A broker's lifeline in a picture (`b2`); id 0 on a connection is the controller. */
export const lifeline = (b: BrokerId): string => (b === 0 ? 'controller' : `b${b}`);
/** Broker id 0 is the controller on a connection. */
export const who = (b: BrokerId): string => (b === 0 ? 'the controller' : `broker ${b}`);

/** What one message says, in a few words (`fetch from offset 3`, `v3 v4, HW 2`). */
export function says(m: Message): string {
  switch (m.kind) {
    case 'FetchRequest': return `fetch from offset ${m.fetchOffset}`;
    case 'FetchResponse':
      if (m.error !== null) return m.error;
      if (m.diverging !== null) return `diverging: epoch ${m.diverging.epoch} ends at ${m.diverging.end}`;
      return m.records.length === 0 ? `no records, HW ${m.highWatermark}` : `${values(m.records)}, HW ${m.highWatermark}`;
    case 'EpochRequest': return `OffsetsForLeaderEpoch(epoch ${m.epoch})`;
    case 'EpochResponse': return m.error ?? `epoch ${m.answer.epoch} ends at ${m.answer.end}`;
    case 'AlterPartition': return `AlterPartition ISR ${set(m.isr)}`;
    case 'AlterPartitionResponse': return m.error ?? `ISR ${set(m.isr)} accepted`;
  }
}
