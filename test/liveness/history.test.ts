/**
 * logs-converge (V2) tells a permanent divergence from a passing one, which no state invariant
 * can: at rf 2, min.insync.replicas=1, two records and one lossy crash, the releases before
 * KIP-380 (2.2) let a leader that lost its unflushed record come back as leader in the same
 * leader epoch; its follower keeps the lost record below the HW, and no truncation rule of those
 * releases (HW truncation, KIP-101, KIP-279) ever removes it, because no epoch changed. From
 * 2.2 the restarted broker leaves the ISR, the follower is elected in a new epoch, and every
 * disagreement heals, at the same bounds, over the whole bounded graph.
 */
import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterConfig } from '../../spec/config.ts';
import { exploreLiveness } from '../../src/explore/liveness.ts';
import { replayLasso } from '../../src/trace/replay.ts';

const BOUNDS: Partial<ClusterConfig> = {
  rf: 2, minIsr: 1, consumer: false, maxRecords: 2, maxCrashes: 1, lossyCrashes: 1, maxLeaderChanges: 1,
  maxHeartbeatLosses: 0, maxLeaderMoves: 0, maxMessageLosses: 0, maxLagShrinks: 0,
};

function logsConverge(protocol: string) {
  const model = kafkaModelOf({ ...BOUNDS, protocol });
  const r = exploreLiveness(model, { properties: ['logs-converge'] });
  return { model, r };
}

describe('logs-converge across the truncation generations', () => {
  it.each(['kafka-0.10', 'kafka-0.11', 'kafka-2.0'])('%s: the logs stay divergent for ever (a lasso that replays)', (protocol) => {
    const { model, r } = logsConverge(protocol);
    expect(r.lassos).toHaveLength(1);
    const { prefix, cycle } = r.lassos[0];
    expect(prefix.some((a) => a.step === 'BrokerLossyCrash')).toBe(true);
    expect(cycle.map((a) => a.step)).toEqual(['FollowerFetch', 'LeaderHandleFetch', 'FollowerHandleFetchResponse']);
    const { states, lasso } = replayLasso(model, [...prefix, ...cycle], prefix.length, 'logs-converge');
    expect(lasso.violates).toBe(true);
    const last = states[states.length - 1];
    const [leader, follower] = [last.replicas[0].context, last.replicas[1].context];
    expect(leader.log[0].value).not.toBe(follower.log[0].value);
    expect(leader.leaderEpoch).toBe(0);
  });

  it('kafka-4.1: every disagreement heals, over the whole graph at the same bounds', () => {
    const { r } = logsConverge('kafka-4.1');
    expect(r).toMatchObject({ verdict: 'holds', complete: true });
  });
});
