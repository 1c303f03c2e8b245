/**
 * A high watermark that stays behind under today's rules: the leader proposes taking back a
 * follower whose stale fetch it served after the follower died, appends a record while the
 * expansion is pending (the HW counts the proposed ISR, H5), and the controller rejects the
 * expansion (the follower is fenced: INELIGIBLE_REPLICA). The leader goes back to the committed
 * ISR, itself alone, but does not compute its HW again (Kafka's Partition resets the state on
 * that error without calling maybeIncrementLeaderHW; only a later append or follower fetch
 * does). With one record and no live follower, nothing comes later, so V3 fails with the leader
 * alone in the ISR and min.insync.replicas 1. docs/findings.md explains why Kafka's producer, which
 * retries, gets past it, and docs/traces/kafka-4.1-hw-stuck-after-rejected-expansion.json is the
 * lasso.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exploreLiveness } from '../../src/explore/liveness.ts';
import { exploreLivenessFrom } from '../../src/explore/liveness-from.ts';
import { replayLasso } from '../../src/trace/replay.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import type { ClusterConfig } from '../../spec/config.ts';

const TRACE = new URL('../../docs/traces/kafka-4.1-hw-stuck-after-rejected-expansion.json', import.meta.url);

/** Today's rules at rf 2, min.insync.replicas 1, one broker failing for good, one record. */
const CONFIG: Partial<ClusterConfig> = {
  protocol: 'kafka-4.1', rf: 2, minIsr: 1, consumer: false, maxRecords: 1, lossyCrashes: 0, permanentFailures: 1,
  maxLagShrinks: 0, maxLeaderMoves: 0, maxHeartbeatLosses: 0,
};

/** The leader's HW and LEO and the controller's ISR in `s`. */
function leaderView(s: ClusterState) {
  const leader = s.controller.registration.leader;
  const { hw, log, pendingIsr } = s.replicas[leader - 1].context;
  return { leader, hw, leo: log.length, pendingIsr, isr: s.controller.registration.isr };
}

describe('the HW after a rejected ISR expansion', () => {
  it('stays below the leader\'s LEO for ever when nothing is appended or fetched afterwards', () => {
    const model = kafkaModelOf(CONFIG);
    const r = exploreLiveness(model, { properties: ['hw-eventually-advances'] });
    expect(r).toMatchObject({ verdict: 'violated', complete: true });
    const [lasso] = r.lassos;
    expect(lasso.cycle).toEqual([]);
    expect(lasso.prefix.slice(-2).map((a) => a.step)).toEqual(['ControllerHandleAlterPartition', 'LeaderHandleAlterPartitionResponse']);
    const { states } = replayLasso(model, lasso.prefix, lasso.prefix.length, lasso.property);
    expect(leaderView(states[states.length - 1])).toEqual({ leader: 1, hw: 0, leo: 1, pendingIsr: null, isr: [1] });
  });

  it('is the pinned lasso, which replays and stutters where the rejection leaves it', () => {
    const trace = parseTrace(readFileSync(TRACE, 'utf8'), 'trace');
    const model = kafkaModelOf(trace.config as Partial<ClusterConfig>);
    const { states, lasso } = replayLasso(model, trace.steps, trace.lasso!.cycleStart, 'hw-eventually-advances');
    expect(lasso.violates).toBe(true);
    const before = states[states.length - 2];
    expect(leaderView(before).pendingIsr).not.toBeNull();
    expect(leaderView(states[states.length - 1])).toMatchObject({ hw: 0, leo: 1, pendingIsr: null, isr: [1] });
  });

  it('heals once the producer may send again: the next append computes the HW with the leader alone', () => {
    const model = kafkaModelOf({ ...CONFIG, maxRecords: 2 });
    const trace = parseTrace(readFileSync(TRACE, 'utf8'), 'trace');
    const { states } = replayLasso(model, [...trace.steps, { step: 'ProducerSend', broker: 1, value: 2 }], trace.steps.length + 1, 'hw-eventually-advances');
    expect(leaderView(states[states.length - 1])).toMatchObject({ hw: 2, leo: 2 });
  });

  it('heals with producer retries (P8), as in Kafka: the resend is a duplicate that appends nothing and still computes the HW', () => {
    const model = kafkaModelOf({ ...CONFIG, maxRetries: 1 });
    const trace = parseTrace(readFileSync(TRACE, 'utf8'), 'trace');
    const from = exploreLivenessFrom(model, trace.steps, { properties: ['hw-eventually-advances'] });
    expect(from).toMatchObject({ verdict: 'holds', complete: true });
    const { states } = replayLasso(model, [...trace.steps, { step: 'ProducerRetry', broker: 1, value: 1 }], trace.steps.length + 1, 'hw-eventually-advances');
    const healed = states[states.length - 1];
    expect(leaderView(healed)).toMatchObject({ hw: 1, leo: 1 });
    expect(healed.ghost.acked.map((a) => a.value)).toEqual([1]);
  });

  it('stays stuck with retries only when the producer spent them all while the expansion was pending (time is abstracted: Kafka retries after request.timeout.ms)', () => {
    const model = kafkaModelOf({ ...CONFIG, maxRetries: 1 });
    const r = exploreLiveness(model, { properties: ['hw-eventually-advances'] });
    expect(r).toMatchObject({ verdict: 'violated', complete: true });
    const [lasso] = r.lassos;
    const { states } = replayLasso(model, lasso.prefix, lasso.prefix.length, lasso.property);
    const retried = lasso.prefix.findIndex((a) => a.step === 'ProducerRetry');
    expect(retried).toBeGreaterThan(0);
    expect(leaderView(states[retried]).pendingIsr).not.toBeNull();
    expect(states[states.length - 1].producer!.retries).toBe(1);
  });
});
