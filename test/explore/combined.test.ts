import { describe, expect, it } from 'vitest';
import { exploreCombined } from '../../src/explore/index.ts';
import { toyModel } from '../fixtures/toy-model.ts';

describe('breadth-first, then random, on one budget', () => {
  it('stops after the breadth-first phase when it covered everything', () => {
    const r = exploreCombined(toyModel(false), { timeLimitMs: 5_000, maxSteps: 20, seed: 1 });
    expect(r.complete).toBe(true);
    expect(r.phases.random).toBeNull();
    expect(r.stats).toMatchObject({ engine: 'exhaustive+random', states: 16 });
  });

  it('finds past the depth bound what breadth-first search could not, certified minimal', () => {
    const r = exploreCombined(toyModel(true), { timeLimitMs: 5_000, maxDepth: 4, runs: 300, maxSteps: 30, seed: 7, certify: { timeLimitMs: 5_000 } });
    expect(r.phases.exhaustive.verdict).toBe('no-violation-found');
    expect(r.phases.random?.stats.random?.runs).toBeGreaterThan(0);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ invariant: 'not-both-full', length: 6, certifiedMinimal: true });
  });

  it('leaves the random phase the invariants breadth-first search has not already broken', () => {
    const r = exploreCombined(toyModel(true), { timeLimitMs: 5_000, maxDepth: 6, runs: 200, maxSteps: 30, seed: 3 });
    expect(r.phases.exhaustive.violations.map((v) => v.invariant)).toEqual(['not-both-full']);
    expect(r.phases.random?.verdict).toBe('no-violation-found');
    expect(r.violations.map((v) => v.invariant)).toEqual(['not-both-full']);
    // Coverage adds up over both phases.
    const a = r.phases.exhaustive.coverage.goals['a-full'].count + r.phases.random!.coverage.goals['a-full'].count;
    expect(r.coverage.goals['a-full'].count).toBe(a);
  });
});
