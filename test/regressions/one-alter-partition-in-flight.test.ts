// S2 (AlterPartitionManager): a broker has at most one AlterPartition out. The first twelve steps of
// the strong-isr counterexample of today-no-elr as recorded before 2026-12-07, where the leader's
// second shrink went out while the controller's answer to its first was still on its way.
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import { replay, ReplayError } from '../../src/trace/replay.ts';
import type { Action } from '../../src/model.ts';

const model = kafkaModel(configOfRecord({ protocol: 'kafka-4.1', elr: false, lastKnownLeaderElection: false, maxLeaderMoves: 0 }));
const prefix: Action[] = [
  { step: 'FollowerFetch', broker: 3 },
  { step: 'LeaderShrinkIsr', broker: 1, follower: 3 }, // the first AlterPartition, ISR {1,2}
  { step: 'ProducerSend', broker: 1, value: 1 },
  { step: 'LeaderHandleFetch', broker: 1, from: 3 },
  { step: 'FollowerHandleFetchResponse', broker: 3, from: 1 },
  { step: 'ProducerSend', broker: 1, value: 2 },
  { step: 'FollowerFetch', broker: 2 },
  { step: 'FollowerFetch', broker: 3 },
  { step: 'LeaderHandleFetch', broker: 1, from: 3 },
  { step: 'ControllerFenceBroker', broker: 2 }, // ISR {1,3}: the first proposal is now stale
  { step: 'ControllerHandleAlterPartition', leader: 1 }, // refused; the answer is on its way back
  { step: 'BrokerApplyMetadata', broker: 1 }, // metadata replaces the pending proposal
];
const secondShrink: Action = { step: 'LeaderShrinkIsr', broker: 1, follower: 3 };
const answer: Action = { step: 'LeaderHandleAlterPartitionResponse', broker: 1, from: 0 };

describe('one AlterPartition in flight (S2)', () => {
  it('the leader cannot shrink again before the controller\'s answer to its first AlterPartition arrives', () => {
    expect(() => replay(model, [...prefix, secondShrink])).toThrow(ReplayError);
  });

  it('once the answer has arrived it can', () => {
    const r = replay(model, [...prefix, answer, secondShrink]);
    expect(r.states).toHaveLength(prefix.length + 3);
  });
});
