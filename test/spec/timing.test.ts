/**
 * Late deliveries (spec/steps/timing.ts, W1-W6 in docs/rules.md): each step's definition says
 * whether it handles a message after a restart or a session expiry ended its sender. Counted along
 * pinned traces and hand-made ones, and in the state when `maxLateDeliveries` bounds them; absent
 * the bound, states carry no count.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkaModel, kafkaModelOf } from '../../properties/kafka-model.ts';
import { type ClusterConfig, configOfRecord } from '../../spec/config.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import { replay, ReplayError } from '../../src/trace/replay.ts';
import { lateDeliveries, lateLine } from '../../src/report/late.ts';
import { budgetOf, UnknownBudgetError } from '../../src/explore/bounded.ts';
import type { Action } from '../../src/model.ts';

const root = join(import.meta.dirname, '../..');
const traceOf = (name: string) => parseTrace(readFileSync(join(root, 'docs/traces', name), 'utf8'), name);

/** The late deliveries of `steps` replayed under `config`. */
function lateAlong(config: ClusterConfig, steps: readonly Action[]) {
  const model = kafkaModel(config);
  const { states } = replay(model, steps);
  expect(states).toHaveLength(steps.length + 1);
  return { late: lateDeliveries(model, steps, states)!, last: states[states.length - 1] as ClusterState };
}

describe('late deliveries along the pinned traces', () => {
  it('the ELR headline trace answers, at step 8, a fetch broker 2 sent before it crashed and restarted', () => {
    const t = traceOf('elr-last-known-leader-loss.json');
    const { late } = lateAlong(configOfRecord(t.config), t.steps);
    expect(late).toEqual({ count: 1, steps: [{ step: 8, why: 'fetch from broker 2 handled after broker 2 restarted' }] });
    expect(lateLine(late)).toBe('Late deliveries: 1 (step 8: fetch from broker 2 handled after broker 2 restarted)');
  });

  it('the rejected-expansion trace serves a fetch whose sender failed for good and was fenced', () => {
    const t = traceOf('kafka-4.1-hw-stuck-after-rejected-expansion.json');
    const { late } = lateAlong(configOfRecord(t.config), t.steps);
    expect(late.steps).toEqual([{ step: 7, why: 'fetch from broker 2 handled after broker 2 went down and was fenced' }]);
  });

  it('the truncate-to-HW loss needs one, the rf 3 two-power-loss trace none', () => {
    const hw = traceOf('truncate-to-hw-loss.json');
    expect(lateAlong(configOfRecord(hw.config), hw.steps).late.steps.map((l) => l.step)).toEqual([10]);
    const rf3 = traceOf('kafka-4.1-rf3-two-power-losses.json');
    expect(lateAlong(configOfRecord(rf3.config), rf3.steps).late.count).toBe(0);
  });
});

describe('which deliveries are late', () => {
  const rf2 = (extra: Partial<ClusterConfig> = {}) => kafkaModelOf({ rf: 2, maxCrashes: 2, maxLeaderMoves: 0, ...extra }).config;
  const sent: Action[] = [{ step: 'FollowerFetch', broker: 2 }, { step: 'BrokerCrash', broker: 2 }];

  it('W1: a fetch handled after its sender crashed is on time; after it restarted, late', () => {
    expect(lateAlong(rf2(), [...sent, { step: 'LeaderHandleFetch', broker: 1, from: 2 }]).late.count).toBe(0);
    const { late } = lateAlong(rf2(), [...sent, { step: 'BrokerRestart', broker: 2 }, { step: 'LeaderHandleFetch', broker: 1, from: 2 }]);
    expect(late.steps).toEqual([{ step: 4, why: 'fetch from broker 2 handled after broker 2 restarted' }]);
  });

  it('W2: a fetch handled while its sender is down and fenced is late', () => {
    const { late } = lateAlong(rf2(), [...sent, { step: 'ControllerFenceBroker', broker: 2 }, { step: 'LeaderHandleFetch', broker: 1, from: 2 }]);
    expect(late.steps).toEqual([{ step: 4, why: 'fetch from broker 2 handled after broker 2 went down and was fenced' }]);
  });

  it('W3: a fetch response from a leader that went down is on time until the leader is fenced', () => {
    const answered: Action[] = [{ step: 'FollowerFetch', broker: 2 }, { step: 'LeaderHandleFetch', broker: 1, from: 2 }, { step: 'BrokerCrash', broker: 1 }];
    const handle: Action = { step: 'FollowerHandleFetchResponse', broker: 2, from: 1 };
    expect(lateAlong(rf2(), [...answered, handle]).late.count).toBe(0);
    const { late } = lateAlong(rf2(), [...answered, { step: 'ControllerFenceBroker', broker: 1 }, handle]);
    expect(late.steps).toEqual([{ step: 5, why: 'fetch response from broker 1 handled after broker 1 went down and was fenced' }]);
  });

  it('W4: an AlterPartition handled after its leader restarted is late; W5: its response never is', () => {
    const proposed: Action[] = [{ step: 'ProducerSend', broker: 1, value: 1 }, { step: 'LeaderShrinkIsr', broker: 1, follower: 2 }];
    expect(lateAlong(rf2(), [...proposed, { step: 'ControllerHandleAlterPartition', leader: 1 }, { step: 'LeaderHandleAlterPartitionResponse', broker: 1, from: 0 }]).late.count).toBe(0);
    const { late } = lateAlong(rf2(), [...proposed, { step: 'BrokerCrash', broker: 1 }, { step: 'BrokerRestart', broker: 1 },
      { step: 'ControllerHandleAlterPartition', leader: 1 }]);
    expect(late.steps).toEqual([{ step: 5, why: 'AlterPartition from broker 1 handled after broker 1 restarted' }]);
  });
});

describe('the count in the state', () => {
  it('is absent without maxLateDeliveries, so the default states are as they were', () => {
    expect('lateDeliveries' in kafkaModelOf({}).initial).toBe(false);
    expect(() => budgetOf(kafkaModelOf({}), 'lateDeliveries')).toThrow(UnknownBudgetError);
    expect(() => budgetOf(kafkaModelOf({}), 'lateDeliveries')).toThrow(/set maxLateDeliveries/);
  });

  it('with the bound, counts what the trace count counts and refuses a behaviour past it', () => {
    const t = traceOf('elr-last-known-leader-loss.json');
    const bounded = { ...configOfRecord(t.config), maxLateDeliveries: 1 };
    const { late, last } = lateAlong(bounded, t.steps);
    expect(last.lateDeliveries).toBe(late.count);
    expect(budgetOf(kafkaModel(bounded), 'lateDeliveries').spent(last)).toBe(1);
    expect(() => replay(kafkaModel({ ...bounded, maxLateDeliveries: 0 }), t.steps)).toThrow(ReplayError);
    expect(() => replay(kafkaModel({ ...bounded, maxLateDeliveries: 0 }), t.steps)).toThrow(/step 8 .* goes past the configuration's bounds/);
  });
});
