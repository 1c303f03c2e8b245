// F10 (AbstractFetcherThread): a follower whose leader stays the same in a new epoch keeps the
// fetcher thread it had, which sends nothing until the request it has out is answered. The first
// nine steps of the weak-isr counterexample of "Kafka 3.0 at rf 2, one crash" as generated before
// 2026-12-07, where broker 2 sent a second fetch to leader 1 right after learning of epoch 1 while
// its fetch of epoch 0 was still out.
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { replay, ReplayError } from '../../src/trace/replay.ts';
import type { Action } from '../../src/model.ts';

const model = kafkaModel(configOfRecord({ protocol: 'kafka-3.0', rf: 2, maxLeaderMoves: 0 }));
const prefix: Action[] = [
  { step: 'ProducerSend', broker: 1, value: 1 },
  { step: 'FollowerFetch', broker: 2 },
  { step: 'LeaderHandleFetch', broker: 1, from: 2 },
  { step: 'ControllerFenceBroker', broker: 2 }, // leader 1 again, in epoch 1
  { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 },
  { step: 'FollowerFetch', broker: 2 }, // out, sent in epoch 0
  { step: 'ControllerUnfenceBroker', broker: 2 },
  { step: 'BrokerApplyMetadata', broker: 1 },
  { step: 'BrokerApplyMetadata', broker: 2 }, // broker 2 follows broker 1 in epoch 1
];
const fetch: Action = { step: 'FollowerFetch', broker: 2 };
const answered: Action[] = [
  { step: 'LeaderHandleFetch', broker: 1, from: 2 }, // fenced: sent in epoch 0
  { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 },
];

describe('one fetch request at a time across an epoch change (F10)', () => {
  it('the follower cannot fetch again in the new epoch while its fetch of the old one is out', () => {
    expect(() => replay(model, [...prefix, fetch])).toThrow(ReplayError);
  });

  it('the answer to the old fetch frees the fetcher without being applied, and then it can', () => {
    const states = replay(model, [...prefix, ...answered, fetch]).states as ClusterState[];
    const [before, after] = [states[prefix.length + 1], states[prefix.length + 2]];
    expect(after.replicas[1].context.log).toEqual(before.replicas[1].context.log);
    expect(after.replicas[1].context.fetchOutAtEpoch).toBe(-1);
    expect(states.at(-1)!.replicas[1].context.fetchOutAtEpoch).toBe(1);
  });
});
