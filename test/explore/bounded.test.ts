/**
 * Fewest-first bounded search: rounds of breadth-first search with a budget raised by one each
 * time find the counterexample spending the fewest units, a shortest among those, and on
 * configurations small enough for plain breadth-first search the same invariants violated.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/model.ts';
import { budgetOf, exploreBounded, exploreExhaustive, UnknownBudgetError } from '../../src/explore/index.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';

interface Walk {
  readonly at: number;
  readonly jumps: number;
}

/**
 * A walk from 0 to 6: a step forward costs nothing, a jump of 3 spends one unit of `jumps`
 * (at most 2). Reaching 6 violates `below-six`: two jumps get there in 2 steps, one jump in 4,
 * none in 6.
 */
const walk: Model<Walk, { step: 'Forward' } | { step: 'Jump' }> = {
  name: 'walk',
  initial: { at: 0, jumps: 0 },
  enabled: (s) => (s.at >= 6 ? [] : [{ step: 'Forward' }, ...(s.jumps < 2 ? [{ step: 'Jump' as const }] : [])]),
  step: (s, a) => (a.step === 'Forward' ? { ...s, at: s.at + 1 } : { at: s.at + 3, jumps: s.jumps + 1 }),
  describe: (a) => a.step,
  summarize: (s) => `at ${s.at}`,
  invariants: [{ kind: 'state', name: 'below-six', statement: 'The walk stays below 6.', holds: (s) => s.at < 6 }],
  goals: [{ name: 'jumped', statement: 'A jump was taken.', reached: (_p, a) => a.step === 'Jump' }],
  guidance: { budgets: { jumps: { statement: 'jumps', limit: 2, spent: (s) => s.jumps } } },
};

describe('fewest-first bounded search', () => {
  it('finds the counterexample spending the fewest, not the shortest one', () => {
    expect(exploreExhaustive(walk, {}).violations[0].length).toBe(2);
    const r = exploreBounded(walk, { budget: 'jumps' });
    expect(r.violations).toHaveLength(1);
    const [v] = r.violations;
    expect(v.trace.map((a) => a.step).filter((s) => s === 'Jump')).toHaveLength(0);
    expect(v).toMatchObject({ length: 6, fewest: { budget: 'jumps', spent: 0, proven: true }, certifiedMinimal: false });
    expect(r.rounds.map((x) => x.spent)).toEqual([0]);
    // A jump is one step from the start, so of the whole graph only the empty behaviour was explored.
    expect(r.stats).toMatchObject({ depth: 0, breadthFirst: { capCut: 1 } });
  });

  it('raises the budget until a counterexample needs it, and proves that fewer is not enough', () => {
    const deep = { ...walk, enabled: (s: Walk) => (s.at >= 6 ? [] : [...(s.at < 2 ? [{ step: 'Forward' as const }] : []), ...(s.jumps < 2 ? [{ step: 'Jump' as const }] : [])]) };
    const r = exploreBounded(deep, { budget: 'jumps' });
    expect(r.rounds.map((x) => [x.spent, x.stopReason, x.violations])).toEqual([[0, 'exhausted', []], [1, 'exhausted', []], [2, 'violation', ['below-six']]]);
    // The last round is the whole graph, so its counterexample is a shortest one outright.
    expect(r.violations[0]).toMatchObject({ length: 2, fewest: { spent: 2, proven: true }, certifiedMinimal: true });
    // The round at the limit leaves nothing out: its depth is the whole graph's.
    expect(r.stats.breadthFirst?.capCut).toBeUndefined();
    expect(r.stats.depth).toBe(r.rounds[2].depth);
  });

  it('does not call a budget the fewest when a round with less stopped early', () => {
    const r = exploreBounded(walk, { budget: 'jumps', maxDepth: 3 });
    // The 6- and 4-step counterexamples lie past depth 3, so only round 2 finds one: the fewest within depth 3.
    expect(r.rounds.map((x) => x.stopReason)).toEqual(['depth', 'depth', 'violation']);
    expect(r.violations[0]).toMatchObject({ length: 2, fewest: { spent: 2, proven: true } });
  });

  it('with no invariant to check, runs the plain search once, for its coverage', () => {
    const r = exploreBounded({ ...walk, invariants: [] }, { budget: 'jumps' });
    expect(r.rounds.map((x) => x.spent)).toEqual([2]);
    expect(r).toMatchObject({ verdict: 'holds', complete: true, stopReason: 'exhausted' });
    expect(r.coverage).toEqual(exploreExhaustive({ ...walk, invariants: [] }, {}).coverage);
  });

  it('rejects a budget the model does not declare, naming those it does', () => {
    expect(() => budgetOf(walk, 'crashes')).toThrow(UnknownBudgetError);
    expect(() => budgetOf(walk, 'crashes')).toThrow(/known: jumps/);
  });
});

describe('fewest-first bounded search on Kafka, against plain breadth-first search', () => {
  // Kafka's graphs have no end (epochs grow), so both searches stop at the same depth: rf 2, one record, unclean election.
  const model = kafkaModelOf({ rf: 2, minIsr: 1, unclean: true, maxRecords: 1, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0, maxHeartbeatLosses: 0 });
  const maxDepth = 7;
  const plain = exploreExhaustive(model, { maxDepth });

  it.each(['leaderChanges', 'crashes', 'faults'])('bounded by %s: the same invariants violated, each within its fewest budget', (budget) => {
    expect(plain.violations.length).toBeGreaterThan(1);
    const r = exploreBounded(model, { budget, maxDepth });
    expect(r.violations.map((v) => v.invariant).sort()).toEqual(plain.violations.map((v) => v.invariant).sort());
    const spend = model.guidance!.budgets![budget].spent;
    for (const v of r.violations) {
      const shortest = plain.violations.find((p) => p.invariant === v.invariant)!;
      // Never shorter than the shortest, and never spending more than the shortest spends.
      expect(v.length).toBeGreaterThanOrEqual(shortest.length);
      expect(v.fewest!.spent).toBeLessThanOrEqual(spend(replayTo(shortest.trace)));
      expect(spend(replayTo(v.trace))).toBe(v.fewest!.spent);
      if (v.certifiedMinimal) expect(v.length).toBe(shortest.length);
    }
    // Each goal reached is one plain search reached, never earlier than it did.
    for (const [name, g] of Object.entries(r.coverage.goals)) {
      if (g.firstDepth !== null) expect(g.firstDepth).toBeGreaterThanOrEqual(plain.coverage.goals[name].firstDepth!);
    }
  });

  function replayTo(trace: readonly (typeof plain.violations)[number]['trace'][number][]) {
    return trace.reduce((s, a) => model.step(s, a), model.initial);
  }
});

describe('what fewest-first search does not compose with', () => {
  it('refuses shards with the kernel\'s reason, on one line', () => {
    expect(() => exploreBounded(walk, { budget: 'jumps', shard: { index: 1, count: 2 } }))
      .toThrow(/^fewest-first search does not run as shards: fewest-first search proves a count of its budget only when every round searched the whole graph below it$/);
  });
});
