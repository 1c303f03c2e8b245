/**
 * Both engines at once on threads of their own (portfolio.ts): breadth-first search keeps its
 * guarantees (the same shortest violations as alone), `stopAtFirst` ends both at the first
 * violation either finds, a random counterexample is certified shortest only when breadth-first
 * search covered every shorter behaviour or a certification asked for did, and on one thread the
 * engines still run in turn, as before.
 */
import { describe, expect, it } from 'vitest';
import '../../src/explore/node.ts';
import { exploreCombined, exploreExhaustive, exploreRandom, type ModelSource, type SearchStats } from '../../src/explore/index.ts';
import { randomThreadsOf } from '../../src/explore/portfolio.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { toyModel } from '../fixtures/toy-model.ts';
import { wideModel } from '../fixtures/wide-model.ts';

const kafkaConfig = { rf: 2, minIsr: 1, unclean: true, maxRecords: 1, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0, maxHeartbeatLosses: 0 };
const kafka: ModelSource = { module: new URL('../../properties/kafka-model.ts', import.meta.url).href, exportName: 'kafkaModelOf', args: [kafkaConfig] };
const toy: ModelSource = { module: new URL('../fixtures/toy-model.ts', import.meta.url).href, exportName: 'toyModel', args: [true] };
const wide = (depth: number, bits: number): ModelSource => ({ module: new URL('../fixtures/wide-model.ts', import.meta.url).href, exportName: 'wideModel', args: [depth, bits] });

describe('breadth-first search and random runs at once', () => {
  it('finds the same shortest violations as breadth-first search alone, and says which engine found each', () => {
    const model = kafkaModelOf(kafkaConfig);
    const alone = exploreExhaustive(model, { maxDepth: 6 });
    expect(alone.violations.length).toBeGreaterThan(1);
    const both = exploreCombined(model, { maxDepth: 6, runs: 300, maxSteps: 30, seed: 1, workers: 2, source: kafka, recordFound: true });
    expect(both.together).toBe(true);
    for (const v of alone.violations) {
      const same = both.violations.find((w) => w.invariant === v.invariant);
      expect(same?.trace).toEqual(v.trace);
      expect(same?.found?.engine).toBe('breadth-first');
    }
    // Whatever random runs add is past breadth-first search's depth, on invariants it did not break.
    for (const w of both.violations.filter((x) => !alone.violations.some((v) => v.invariant === x.invariant))) {
      expect(w.found).toMatchObject({ engine: 'random', seed: 1 });
      expect(w.length).toBeGreaterThan(6);
    }
    expect(both.phases.random?.stats.random?.runs).toBeGreaterThan(0);
  });

  it('on a complete graph, holds only as breadth-first search says', () => {
    const alone = exploreExhaustive(toyModel(true), {});
    const both = exploreCombined(toyModel(true), { timeLimitMs: 20_000, maxSteps: 20, workers: 2, source: toy });
    expect(both.complete).toBe(true);
    expect(both.violations.map((v) => [v.invariant, v.trace])).toEqual(alone.violations.map((v) => [v.invariant, v.trace]));
    expect(both.stopReason).toBe('exhausted');
    // The random runs beside it were stopped as soon as it was done, and are kept out of the result's counts.
    expect(both.phases.random).toBeNull();
    expect(both.leftOut?.stopReason).toBe('stopped');
    expect(both.stats.elapsedMs).toBeLessThan(15_000);
  });

  it('with --first, ends at the first violation random runs reach, marked not certified, long before the time limit', () => {
    const started = Date.now();
    const r = exploreCombined(wideModel(12, 24), { timeLimitMs: 60_000, stopAtFirst: true, maxSteps: 60, workers: 2, source: wide(12, 24), recordFound: true });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.violations).toHaveLength(1);
    const v = r.violations[0];
    expect(v.found?.engine).toBe('random');
    expect(v.found?.atMs).toBeLessThan(Date.now() - started);
    expect(v.certifiedMinimal).toBe(false);
    expect(v.certification).toMatchObject({ alongside: true, stopReason: 'stopped', depth: r.phases.exhaustive.stats.depth });
    expect(r.phases.exhaustive.stopReason).toBe('stopped');
    expect(r.phases.exhaustive.stats.depth).toBeLessThan(11);
    expect(r.stopReason).toBe('violation');
  });

  it('certifies a random counterexample shortest when asked', () => {
    // Breadth-first search stops at depth 3; random runs find the 12-step violation; the certification searches 11 steps.
    const r = exploreCombined(wideModel(12, 4), {
      maxDepth: 3, runs: 2_000, maxSteps: 60, stopAtFirst: true, workers: 2, source: wide(12, 4), certify: { timeLimitMs: 20_000 }, recordFound: true,
    });
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]).toMatchObject({ invariant: 'n-below-depth', length: 12, certifiedMinimal: true, found: { engine: 'random' } });
    expect(r.violations[0].certification).toMatchObject({ stopReason: 'depth', depth: 11 });
    expect(r.violations[0].certification?.alongside).toBeUndefined();
  });

  it('without a certification asked for, leaves it uncertified and says how far breadth-first search got', () => {
    const r = exploreCombined(wideModel(12, 4), { maxDepth: 3, runs: 2_000, maxSteps: 60, stopAtFirst: true, workers: 2, source: wide(12, 4) });
    expect(r.violations[0]).toMatchObject({ length: 12, certifiedMinimal: false, certification: { alongside: true, stopReason: 'depth', depth: 3 } });
  });

  it('gives random runs one thread in four, at least one', () => {
    expect([2, 3, 4, 8, 16].map(randomThreadsOf)).toEqual([1, 1, 1, 2, 4]);
  });
});

describe('on one thread, as before: breadth-first search, then random runs', () => {
  it('equals the two engines run in turn by hand', () => {
    const model = kafkaModelOf(kafkaConfig);
    const options = { maxDepth: 4, runs: 200, maxSteps: 30, seed: 5 };
    const r = exploreCombined(model, options);
    expect(r.together).toBeUndefined();
    const bfs = exploreExhaustive(model, { maxDepth: 4 });
    const standing = model.invariants.map((i) => i.name).filter((n) => !bfs.violations.some((v) => v.invariant === n));
    const random = exploreRandom(model, { runs: 200, maxSteps: 30, seed: 5, invariants: standing });
    const plain = <T extends { stats: SearchStats }>(x: T) => ({
      ...x, stats: { ...x.stats, elapsedMs: 0, breadthFirst: { ...x.stats.breadthFirst, frontierPeak: 0 }, random: { ...x.stats.random, firstFoundMs: 0 } },
    });
    expect(plain(r.phases.exhaustive)).toEqual(plain(bfs));
    expect(plain(r.phases.random!)).toEqual(plain(random));
    expect(r.violations).toEqual([...bfs.violations, ...random.violations]);
  });
});
