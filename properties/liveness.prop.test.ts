/**
 * Evidence for the liveness properties (V1-V6): for each, a configuration where some fair
 * behaviour never settles it again (a lasso, replayed to confirm it) and one where the whole
 * bounded graph shows that every fair behaviour settles it again and again. The graphs are small
 * on purpose (rf 2, one or two records, no consumer); the historical divergence of the
 * truncation generations is pinned in test/liveness/history.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from './kafka-model.ts';
import type { ClusterConfig } from '../spec/config.ts';
import { exploreLiveness, type LivenessResult } from '../src/explore/liveness.ts';
import { replayLasso } from '../src/trace/replay.ts';
import type { Action } from '../src/model.ts';
import { fairnessOf } from '../spec/fairness.ts';
import type { ClusterState } from '../spec/cluster.ts';
import { fingerprint } from '../src/explore/fingerprint.ts';

/** rf 2, one record, no fault unless a test adds one, no consumer. */
const SMALL: Partial<ClusterConfig> = {
  rf: 2, consumer: false, maxRecords: 1, maxCrashes: 0, lossyCrashes: 0, maxHeartbeatLosses: 0,
  maxLeaderMoves: 0, maxLeaderChanges: 1, maxMessageLosses: 0,
};

function check(overrides: Partial<ClusterConfig>): LivenessResult<Action> & { violated: string[] } {
  const model = kafkaModelOf({ ...SMALL, ...overrides });
  const r = exploreLiveness(model);
  expect(r.complete).toBe(true);
  for (const l of r.lassos) {
    expect(replayLasso(model, [...l.prefix, ...l.cycle], l.prefix.length, l.property).lasso.violates, l.property).toBe(true);
  }
  return { ...r, violated: r.lassos.map((l) => l.property) };
}

/** The partition's only other broker fails for good after its follower may have been dropped for lagging. */
const LEADER_GONE: Partial<ClusterConfig> = { minIsr: 1, permanentFailures: 1, maxLagShrinks: 1 };

describe('liveness of today\'s Kafka (4.1) at rf 2', () => {
  it('every property holds without faults', () => {
    expect(check({}).violated).toEqual([]);
  });

  it('with unclean election off, a dropped follower left alone never leads and never rejoins: V4 and V5 fail by design, V1 holds', () => {
    const r = check(LEADER_GONE);
    expect(r.violated).toEqual(expect.arrayContaining(['isr-eventually-complete', 'leader-eventually-elected']));
    expect(r.violated).not.toContain('acked-eventually-replicated');
  });

  it('with unclean election on it is elected (V4, V5 hold) and the acknowledged record it lacks is gone for good (V1 fails)', () => {
    const r = check({ ...LEADER_GONE, unclean: true });
    expect(r.violated).toContain('acked-eventually-replicated');
    expect(r.violated).not.toContain('leader-eventually-elected');
    expect(r.violated).not.toContain('isr-eventually-complete');
  });

  it('acks=all writes stop with min.insync.replicas=2 and one broker down for good (V6 fails), and go on with 1 (V6 holds)', () => {
    expect(check({ minIsr: 2, permanentFailures: 1, maxLagShrinks: 0 }).violated).toContain('writes-eventually-accepted');
    expect(check({ minIsr: 1, permanentFailures: 1, maxLagShrinks: 0 }).violated).not.toContain('writes-eventually-accepted');
  });

  it('followers that stop fetching are caught by hw-eventually-advances (and the divergence they leave by logs-converge)', () => {
    expect(check({ mutation: 'followers-stop-fetching' }).violated).toContain('hw-eventually-advances');
    expect(check({ minIsr: 1, maxLagShrinks: 1, mutation: 'followers-stop-fetching' }).violated).toContain('logs-converge');
  });
});

/** Every budget a fault may spend, summed: a step that raises it can never be undone. */
const spentOf = (s: ClusterState) =>
  Object.values(s.spent).reduce((a, b) => a + b, 0) + (s.permanentlyDown?.length ?? 0) + (s.lagShrinks ?? 0);

describe('faults stop by themselves', () => {
  it('every fault but the deposed controller\'s messages spends a budget, so no cycle can hold one', () => {
    const model = kafkaModelOf({
      ...SMALL, maxCrashes: 1, lossyCrashes: 1, maxHeartbeatLosses: 1, maxLeaderMoves: 1, maxMessageLosses: 1,
      maxControllerFailovers: 1, controller: 'zk', permanentFailures: 1, maxLagShrinks: 1,
    });
    const seen = new Set<string>();
    const faults = new Map<string, number>();
    let level = [model.initial];
    while (level.length > 0 && seen.size < 4000) {
      const next: ClusterState[] = [];
      for (const s of level) {
        for (const a of model.enabled(s)) {
          const n = model.step(s, a);
          if (fairnessOf(s, a) === 'fault' && a.step !== 'DeposedControllerSendMetadata') {
            expect(spentOf(n), a.step).toBeGreaterThan(spentOf(s));
            faults.set(a.step, (faults.get(a.step) ?? 0) + 1);
          }
          const f = fingerprint(n);
          if (!seen.has(f)) (seen.add(f), next.push(n));
        }
      }
      level = next;
    }
    expect([...faults.keys()].sort()).toEqual(expect.arrayContaining([
      'BrokerCrash', 'BrokerFailPermanently', 'BrokerLossyCrash', 'ControllerFailover', 'ControllerFenceBroker', 'LeaderShrinkIsr',
    ]));
  });
});
