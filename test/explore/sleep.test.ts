/**
 * Sleep sets (src/explore/sleep.ts) against the full breadth-first search: the same states at the
 * same depths, the same violated invariants with the same shortest lengths, the same goals at the
 * same first depths and the same kinds of step taken; only the number of steps taken falls. A
 * reduction that trusted a wrong independence relation loses states, as the last test shows.
 */
import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterConfig } from '../../spec/config.ts';
import { exploreExhaustive } from '../../src/explore/exhaustive.ts';
import type { ExploreResult } from '../../src/explore/result.ts';
import type { Action } from '../../src/model.ts';

const CASES: { name: string; config: Partial<ClusterConfig>; maxDepth: number }[] = [
  { name: 'rf 2, min ISR 1, one lossy crash', config: { rf: 2, minIsr: 1, maxLeaderMoves: 0, maxHeartbeatLosses: 0, consumer: false }, maxDepth: 10 },
  { name: 'kafka-0.10, rf 2, truncation to the HW', config: { protocol: 'kafka-0.10', rf: 2, minIsr: 1, consumer: false, maxLeaderMoves: 0 }, maxDepth: 9 },
  { name: 'kafka-3.5, rf 3, one lossy crash', config: { protocol: 'kafka-3.5', consumer: false, maxLeaderMoves: 0 }, maxDepth: 6 },
  { name: "today's protocol, rf 3, follower reads and lost fetches", config: { followerReads: true, maxMessageLosses: 1 }, maxDepth: 5 },
];

function outline<A extends Action>(r: ExploreResult<A>) {
  const goals = Object.fromEntries(Object.entries(r.coverage.goals).map(([g, c]) => [g, c.firstDepth]));
  return {
    states: r.stats.states, depth: r.stats.depth, complete: r.complete, goals,
    violations: r.violations.map((v) => `${v.invariant} in ${v.length}`).sort(),
    kinds: Object.keys(r.coverage.steps).filter((k) => r.coverage.steps[k] > 0).sort(),
  };
}

describe('sleep sets', () => {
  for (const { name, config, maxDepth } of CASES) {
    it(`keep every state, shortest violation and goal: ${name}`, () => {
      const full = exploreExhaustive(kafkaModelOf(config), { maxDepth });
      const reduced = exploreExhaustive(kafkaModelOf(config), { maxDepth, reduction: 'sleep' });
      expect(outline(reduced)).toEqual(outline(full));
      expect(reduced.stats.skipped).toBeGreaterThan(0);
      expect(reduced.stats.transitions).toBeLessThan(full.stats.transitions);
      expect(full.stats.skipped).toBeUndefined();
    });
  }

  it('lose states when they trust steps that do not commute', () => {
    const model = kafkaModelOf(CASES[0].config);
    const careless = { ...model, independence: { ...model.independence!, footprint: (_s: unknown, _a: unknown, out: Uint32Array, at: number) => out.fill(0, at, at + 2 * model.independence!.words) } };
    const full = exploreExhaustive(model, { maxDepth: 10 });
    expect(exploreExhaustive(careless, { maxDepth: 10, reduction: 'sleep' }).stats.states).toBeLessThan(full.stats.states);
  });

  it('refuse a model without footprints, and worker threads', () => {
    const { independence: _, ...bare } = kafkaModelOf(CASES[0].config);
    expect(() => exploreExhaustive(bare, { reduction: 'sleep' })).toThrow(/declares no independence/);
    expect(() => exploreExhaustive(kafkaModelOf(CASES[0].config), { reduction: 'sleep', workers: 2 })).toThrow(/one thread/);
  });
});
