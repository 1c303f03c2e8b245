/**
 * Random campaigns in shards: the shards split the runs and use seeds of their own, one shard of
 * one is the campaign itself, and a campaign on worker threads is exactly its shards merged, its
 * distinct states counted once whichever shards met them.
 */
import { describe, expect, it } from 'vitest';
import '../../src/explore/node.ts';
import { exploreRandom, mergeShards, shardOf, shortestPerInvariant, type ModelSource, type SearchStats } from '../../src/explore/index.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { toyModel } from '../fixtures/toy-model.ts';

const config = { rf: 2, acks: 1 as const, consumer: false, maxLeaderMoves: 0 };
const toy: ModelSource = { module: new URL('../fixtures/toy-model.ts', import.meta.url).href, exportName: 'toyModel', args: [false] };
const source: ModelSource = { module: new URL('../../properties/kafka-model.ts', import.meta.url).href, exportName: 'kafkaModelOf', args: [config] };
/** The result without its wall-clock figures (the time spent, and when a failing run was first met). */
const withoutClock = <T extends { stats: SearchStats }>(r: T) => {
  const { firstFoundMs: _, ...random } = r.stats.random ?? { runs: 0 };
  return { ...r, stats: { ...r.stats, elapsedMs: 0, random } };
};

describe('shards of a random campaign', () => {
  it('split the runs as evenly as they go, each shard from its own seed', () => {
    const shards = [1, 2, 3].map((index) => shardOf(100, 7, { index, count: 3 }));
    expect(shards).toEqual([{ runs: 34, seed: 7 }, { runs: 33, seed: 8 }, { runs: 33, seed: 9 }]);
    expect(shardOf(100, 7, { index: 1, count: 1 })).toEqual({ runs: 100, seed: 7 });
  });

  it('one shard of one is the campaign itself', () => {
    const model = kafkaModelOf(config);
    const options = { runs: 40, maxSteps: 15, seed: 5, invariants: ['hw-le-leo'] };
    expect(withoutClock(exploreRandom(model, { ...options, shard: { index: 1, count: 1 } }))).toEqual(withoutClock(exploreRandom(model, options)));
  });

  it('on two worker threads is its two shards merged, in shard order, counting a state both met once', () => {
    const model = kafkaModelOf(config);
    const options = { runs: 60, maxSteps: 15, seed: 5, invariants: ['hw-le-leo', 'acks-one-durable'] };
    const shards = [1, 2].map((index) => exploreRandom(model, { ...options, shard: { index, count: 2 } }));
    const threads = exploreRandom(model, { ...options, workers: 2, source });
    const merged = mergeShards(shards);
    expect(threads.stats.threads).toBe(2);
    expect(withoutClock({ ...threads, stats: { ...threads.stats, states: 0, threads: undefined } })).toEqual(withoutClock({ ...merged, stats: { ...merged.stats, states: 0 } }));
    expect(threads.stats.random?.runs).toBe(shards[0].stats.random?.runs! + shards[1].stats.random?.runs!);
    // The shards share their first steps, so the union is smaller than the sum and at least either shard.
    expect(threads.stats.states).toBeLessThan(merged.stats.states);
    expect(threads.stats.states).toBeGreaterThanOrEqual(Math.max(shards[0].stats.states, shards[1].stats.states));
  });

  it('on threads counts exactly the states any shard met: all 16 of a model that has 16, not 16 for each shard added up', () => {
    const options = { runs: 40, maxSteps: 30, seed: 3 };
    const shards = [1, 2].map((index) => exploreRandom(toyModel(false), { ...options, shard: { index, count: 2 } }));
    expect(shards.map((r) => r.stats.states)).toEqual([16, 16]);
    expect(exploreRandom(toyModel(false), { ...options, workers: 2, source: toy }).stats.states).toBe(16);
    expect(exploreRandom(toyModel(false), { ...options, workers: 3, source: toy }).stats.states).toBe(16);
  });

  it('on threads without a seed starts from a fresh one each time, as one thread does', () => {
    const options = { runs: 30, maxSteps: 40, invariants: ['hw-le-leo'], workers: 2, source };
    const model = kafkaModelOf(config);
    const transitions = [1, 2, 3].map(() => exploreRandom(model, options).stats.transitions);
    expect(new Set(transitions).size).toBeGreaterThan(1);
  });

  it('merge keeps the shortest violation of each invariant, first found on ties', () => {
    const v = (invariant: string, length: number, tag: string) => ({ invariant, length, tag });
    expect(shortestPerInvariant([v('a', 5, 'x'), v('b', 3, 'y'), v('a', 4, 'z'), v('a', 4, 'w')])).toEqual([v('a', 4, 'z'), v('b', 3, 'y')]);
  });
});
