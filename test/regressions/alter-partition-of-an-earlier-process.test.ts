// S3 (ReplicationControlManager.alterPartition, ClusterControlManager.checkBrokerEpoch): the
// controller refuses an AlterPartition whose sender has registered again since it was sent
// (STALE_BROKER_EPOCH), and its answer goes back on the connection the old process had, so the
// restarted process never sees it. Until 2026-12-07 the model's request carried no broker epoch
// and the answer (here FENCED_LEADER_EPOCH) was delivered to the new process, which cleared its
// one-AlterPartition slot on it (S2) whatever it had sent itself.
import { describe, expect, it } from 'vitest';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { alterPartitionError } from '../../spec/controller.ts';
import type { AlterPartition } from '../../spec/types.ts';
import { replay, ReplayError } from '../../src/trace/replay.ts';
import type { Action } from '../../src/model.ts';

const model = kafkaModel(configOfRecord({ protocol: 'kafka-4.1' }));
const prefix: Action[] = [
  { step: 'LeaderShrinkIsr', broker: 1, follower: 3 }, // AlterPartition ISR {1,2}, sent at broker epoch 1
  { step: 'BrokerCrash', broker: 1 }, // the request is already on its way to the controller
  { step: 'BrokerRestart', broker: 1 }, // broker epoch 2; the controller elects broker 2 in epoch 1
  { step: 'ControllerHandleAlterPartition', leader: 1 },
];
const answer: Action = { step: 'LeaderHandleAlterPartitionResponse', broker: 1, from: 0 };

describe('an AlterPartition of an earlier process (S3)', () => {
  const states = replay(model, prefix).states as ClusterState[];
  const [restarted, handled] = states.slice(-2);

  it('is refused for its broker epoch, and the controller\'s registration is unchanged', () => {
    expect(restarted.replicas[0].context.incarnation).toBe(2);
    expect(alterPartitionError(model.rules, restarted.controller, restarted.network[0] as AlterPartition)).toBe('STALE_BROKER_EPOCH');
    expect(handled.controller).toEqual(restarted.controller);
  });

  it('is answered to no one: the restarted process has no answer to take', () => {
    expect(handled.network).toEqual([]);
    expect(() => replay(model, [...prefix, answer])).toThrow(ReplayError);
  });
});
