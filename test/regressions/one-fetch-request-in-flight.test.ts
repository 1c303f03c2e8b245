// F10 (AbstractFetcherThread): a follower has one request to its leader outstanding, and a restarted
// broker shares no connection with its earlier process. The first thirteen steps of a weak-isr
// counterexample random runs reported under 2.1 at rf 3 before 2026-12-07, then its fourteenth:
// broker 1's crash timed out the fetch broker 3 had sent before its own restart, which freed the
// slot of the OffsetsForLeaderEpoch request whose answer was still on its way; broker 3 asked
// again, later took both answers, and the older one truncated a record the leader had counted.
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import { replay, ReplayError } from '../../src/trace/replay.ts';
import type { Action } from '../../src/model.ts';

const model = kafkaModel(configOfRecord({ protocol: 'kafka-2.1', rf: 3, maxCrashes: 2, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0 }));
const prefix: Action[] = [
  { step: 'FollowerFetch', broker: 3 },
  { step: 'ProducerSend', broker: 1, value: 1 },
  { step: 'LeaderHandleFetch', broker: 1, from: 3 },
  { step: 'FollowerHandleFetchResponse', broker: 3, from: 1 },
  { step: 'FollowerFetch', broker: 3 }, // this fetch is still in flight when broker 3 crashes
  { step: 'BrokerCrash', broker: 3 },
  { step: 'BrokerRestart', broker: 3 },
  { step: 'BrokerApplyMetadata', broker: 3 },
  { step: 'FollowerFetch', broker: 3 }, // the new process asks OffsetsForLeaderEpoch
  { step: 'LeaderHandleEpochQuery', broker: 1, from: 3 }, // the answer is on its way
  { step: 'BrokerCrash', broker: 1 }, // the old process's fetch dies with broker 1's connections
  { step: 'BrokerRestart', broker: 1 },
  { step: 'BrokerApplyMetadata', broker: 1 }, // leader again, in the same epoch
];
const askAgain: Action = { step: 'FollowerFetch', broker: 3 };
const answer: Action = { step: 'FollowerHandleEpochResponse', broker: 3, from: 1 };

describe('one fetch request in flight (F10)', () => {
  it('the follower cannot ask again while the answer to its current request is on its way', () => {
    expect(() => replay(model, [...prefix, askAgain])).toThrow(ReplayError);
  });

  it('once the answer has arrived it can', () => {
    const r = replay(model, [...prefix, answer, askAgain]);
    expect(r.states).toHaveLength(prefix.length + 3);
  });
});
