/**
 * Limits on a search's memory: `maxStates` and `maxMemoryBytes` stop either engine cleanly, with
 * what was explored so far reported, and random runs count distinct states only up to a cap so
 * their memory does not grow with the number of runs.
 */
import { describe, expect, it } from 'vitest';
import { exploreCombined, exploreExhaustive, exploreRandom } from '../../src/explore/index.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { toyModel } from '../fixtures/toy-model.ts';

const kafka = () => kafkaModelOf({ rf: 2, consumer: false, maxLeaderMoves: 0 });

describe('breadth-first search limits', () => {
  it('stops past maxStates with a partial result', () => {
    const r = exploreExhaustive(kafka(), { maxStates: 1000 });
    expect(r.stopReason).toBe('states');
    expect(r.complete).toBe(false);
    expect(r.stats.states).toBeGreaterThan(1000);
    expect(r.stats.transitions).toBeGreaterThan(0);
  });

  it('stops at the first check once resident memory passes maxMemoryBytes', () => {
    const r = exploreExhaustive(kafka(), { maxMemoryBytes: 1 });
    expect(r.stopReason).toBe('memory');
    expect(r.complete).toBe(false);
    expect(r.verdict).toBe('no-violation-found');
    expect(r.stats.depth).toBe(0);
    expect(r.stats.states).toBeGreaterThan(1); // the initial state was expanded before the check
  });

  it('is not stopped by a memory limit it stays under', () => {
    expect(exploreExhaustive(toyModel(false), { maxMemoryBytes: 2 ** 50 }).stopReason).toBe('exhausted');
  });
});

describe('random search limits', () => {
  it('stops between runs past maxStates distinct states', () => {
    const r = exploreRandom(kafka(), { runs: 1000, maxSteps: 20, seed: 1, maxStates: 200 });
    expect(r.stopReason).toBe('states');
    expect(r.verdict).toBe('no-violation-found');
    expect(r.stats.random?.runs).toBeLessThan(1000);
    expect(r.stats.states).toBeGreaterThan(200);
    expect(r.stats.random?.statesCapped).toBeUndefined();
  });

  it('stops before the first run when resident memory is already past maxMemoryBytes', () => {
    const r = exploreRandom(kafka(), { runs: 1000, maxSteps: 20, seed: 1, maxMemoryBytes: 1 });
    expect(r).toMatchObject({ stopReason: 'memory', verdict: 'no-violation-found', violations: [] });
    expect(r.stats.random?.runs).toBe(0);
  });

  it('counts distinct states up to the cap, then says the count is a lower bound', () => {
    const capped = exploreRandom(kafka(), { runs: 50, maxSteps: 20, seed: 1, maxDistinctStates: 100 });
    expect(capped.stats.states).toBe(100);
    expect(capped.stats.random?.statesCapped).toBe(true);
    const exact = exploreRandom(kafka(), { runs: 50, maxSteps: 20, seed: 1 });
    expect(exact.stats.states).toBeGreaterThan(100);
    expect(exact.stats.random?.statesCapped).toBeUndefined();
    // The cap changes the count only: the same runs, steps and coverage.
    const count = (r: typeof exact) => ({ ...r, stats: { ...r.stats, states: 0, elapsedMs: 0, random: { ...r.stats.random, statesCapped: undefined } } });
    expect(count(capped)).toEqual(count(exact));
  });

  it('still finds, shrinks and certifies a counterexample when limits are set but not reached', () => {
    const r = exploreRandom(toyModel(true), { runs: 200, maxSteps: 40, seed: 42, maxStates: 1000, maxMemoryBytes: 2 ** 50, certify: {} });
    expect(r.stopReason).toBe('violation');
    expect(r.violations[0]).toMatchObject({ invariant: 'not-both-full', length: 6, certifiedMinimal: true });
  });
});

describe('both engines under a memory limit', () => {
  it('ends after the breadth-first phase stops at the limit, with no random runs', () => {
    const r = exploreCombined(kafka(), { runs: 100, maxSteps: 20, seed: 1, maxMemoryBytes: 1 });
    expect(r.stopReason).toBe('memory');
    expect(r.phases.random).toBeNull();
    expect(r.phases.exhaustive.stopReason).toBe('memory');
  });
});
