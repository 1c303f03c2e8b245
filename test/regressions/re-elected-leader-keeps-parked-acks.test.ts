// P5 (Partition.makeLeader, DelayedProduce): a broker named leader again in a newer epoch, having
// led all along as far as it knows, keeps its parked acks=all requests and acknowledges each once
// the HW passes it. Until 2026-12-08 the model dropped them on every new epoch. The trace is the
// re-election finding of docs/findings.md with a second crash after it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { replay } from '../../src/trace/replay.ts';
import { parseTrace } from '../../src/trace/schema.ts';

const file = join(import.meta.dirname, '../../docs/traces/kafka-4.1-rf3-re-elected-leader-acks-then-loses.json');
const trace = parseTrace(readFileSync(file, 'utf8'));
const model = kafkaModel(configOfRecord(trace.config));

describe('a leader named again in a newer epoch keeps its parked acks=all requests (P5)', () => {
  const states = replay(model, trace.steps).states as ClusterState[];

  it('broker 2, leading from epoch 1 to epoch 3 without a break, acknowledges v1 when its HW reaches 1', () => {
    const [before, after] = [states[23], states[24]];
    expect(before.replicas[1].context.pendingAcks).toEqual([{ value: 1, offset: 0 }]);
    expect(before.ghost.acked).toEqual([]);
    expect(after.replicas[1].context).toMatchObject({ leaderEpoch: 3, hw: 1, pendingAcks: [] });
    expect(after.ghost.acked.map((a) => [a.value, a.offset, a.acks])).toEqual([[1, 0, 'all']]);
  });

  it('and broker 3, in the ISR without v1, is elected after broker 2 crashes: the acknowledged write is lost', () => {
    expect(replay(model, trace.steps, { invariants: ['acks-all-durable'] }).violation?.step).toBe(27);
  });
});
