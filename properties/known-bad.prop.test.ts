/**
 * The checker must fail where Kafka is known to fail: each configuration below loses data in a
 * documented way, and both engines must find it. These are the evidence that a "holds" elsewhere
 * comes from a checker that could have failed.
 */
import { describe, expect, it } from 'vitest';
import { exploreExhaustive, exploreRandom } from '../src/explore/index.ts';
import { replay } from '../src/trace/replay.ts';
import { kafkaModelOf } from './kafka-model.ts';
import type { ClusterConfig } from '../spec/config.ts';

const LOSS = ['leader-completeness', 'no-committed-loss', 'acks-all-durable', 'acks-one-durable'];

interface KnownBad {
  readonly name: string;
  readonly config: Partial<ClusterConfig>;
  /** Invariants of which at least one must be violated. */
  readonly expect: readonly string[];
  readonly maxLength: number;
}

const KNOWN_BAD: readonly KnownBad[] = [
  {
    name: 'truncate-to-HW (0.10) loses a committed record under clean elections',
    config: { protocol: 'kafka-0.10', rf: 2, lossyCrashes: 0, maxCrashes: 1, consumer: false, maxLeaderMoves: 0 },
    expect: ['leader-completeness', 'acks-all-durable', 'no-committed-loss'],
    maxLength: 12,
  },
  {
    name: 'acks=1 loses an acknowledged write when the leader fails',
    config: { acks: 1, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0 },
    expect: ['acks-one-durable'],
    maxLength: 4,
  },
  {
    name: 'unclean election loses committed data',
    config: { rf: 2, minIsr: 1, unclean: true, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0 },
    expect: ['leader-completeness', 'no-committed-loss', 'acks-all-durable'],
    maxLength: 8,
  },
  {
    name: 'min.insync.replicas=1 with acks=all loses an acknowledged write after one lossy crash',
    config: { minIsr: 1, lossyCrashes: 1, consumer: false, maxLeaderMoves: 0 },
    expect: ['acks-all-durable', 'leader-completeness', 'no-committed-loss'],
    maxLength: 8,
  },
];

describe('known-bad configurations are caught', () => {
  for (const bad of KNOWN_BAD) {
    it(`exhaustive: ${bad.name}`, () => {
      const model = kafkaModelOf(bad.config);
      const r = exploreExhaustive(model, { invariants: [...bad.expect], stopAtFirst: true, timeLimitMs: 60_000 });
      expect(r.verdict).toBe('violated');
      const v = r.violations[0];
      expect(bad.expect).toContain(v.invariant);
      expect(v.length).toBeLessThanOrEqual(bad.maxLength);
      expect(replay(model, v.trace, { invariants: [v.invariant] }).violation).toMatchObject({ invariant: v.invariant, step: v.length });
    });
  }

  it('random search finds the acks=1 loss, shrinks it to the exhaustive length and certifies it', () => {
    const model = kafkaModelOf(KNOWN_BAD[1].config);
    const shortest = exploreExhaustive(model, { invariants: ['acks-one-durable'] }).violations[0];
    const r = exploreRandom(model, { runs: 500, maxSteps: 40, seed: 7, invariants: ['acks-one-durable'], certify: { timeLimitMs: 30_000 } });
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].length).toBe(shortest.length);
    expect(r.violations[0].certifiedMinimal).toBe(true);
  });

  it('random search finds the lossy-crash loss with min ISR 1, and its shrunk trace is as short as breadth-first', () => {
    const model = kafkaModelOf(KNOWN_BAD[3].config);
    const invariants = ['no-committed-loss'];
    const shortest = exploreExhaustive(model, { invariants, timeLimitMs: 60_000 }).violations[0];
    const r = exploreRandom(model, { runs: 20_000, maxSteps: 40, seed: 11, invariants, certify: { timeLimitMs: 60_000 } });
    expect(r.verdict).toBe('violated');
    const v = r.violations[0];
    expect(v.certifiedMinimal).toBe(true);
    expect(v.length).toBe(shortest.length);
    expect(v.shrunkFrom).toBeGreaterThanOrEqual(v.length);
  });

  it('the loss invariants are the ones that fail, not only the structural ones', () => {
    expect(KNOWN_BAD.every((b) => b.expect.every((i) => LOSS.includes(i)))).toBe(true);
  });
});
