/**
 * Breadth-first search on worker threads gives the result of one thread: the same states in the
 * same order, so the same counts, violations with the same traces, coverage and goals, whether
 * the search completes, stops at a depth or stops at its first violation.
 */
import { describe, expect, it } from 'vitest';
import '../../src/explore/node.ts';
import { certifyMinimal, exploreBounded, exploreExhaustive, type ExploreResult, type ModelSource } from '../../src/explore/index.ts';
import type { Action, Model } from '../../src/model.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { toyModel } from '../fixtures/toy-model.ts';

const kafkaConfig = { rf: 2, minIsr: 1, unclean: true, maxRecords: 1, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0, maxHeartbeatLosses: 0 };
const kafka: ModelSource = { module: new URL('../../properties/kafka-model.ts', import.meta.url).href, exportName: 'kafkaModelOf', args: [kafkaConfig] };
const toy: ModelSource = { module: new URL('../fixtures/toy-model.ts', import.meta.url).href, exportName: 'toyModel', args: [true] };

/** A result without its wall-clock figure, the single-threaded search's frontier statistic and the threads used. */
const same = <A extends Action>(r: ExploreResult<A>) => ({
  ...r, stats: { ...r.stats, elapsedMs: 0, threads: undefined, breadthFirst: { ...r.stats.breadthFirst, frontierPeak: undefined } },
});

/** Start the workers at the first level, however small (the default waits for a level of 2,048 states). */
const EVERY_LEVEL = { threadsFrom: 1 };

describe('breadth-first search on worker threads', () => {
  it('explores a complete graph exactly as one thread does', () => {
    const one = exploreExhaustive(toyModel(true), {});
    const two = exploreExhaustive(toyModel(true), { workers: 2, source: toy, ...EVERY_LEVEL });
    expect(one.complete).toBe(true);
    expect(same(two)).toEqual(same(one));
  });

  it('gives the same states, traces, coverage and goals on Kafka to a depth, and at a first violation', () => {
    const model = kafkaModelOf(kafkaConfig);
    const one = exploreExhaustive(model, { maxDepth: 6 });
    expect(one.violations.length).toBeGreaterThan(1);
    expect(same(exploreExhaustive(model, { maxDepth: 6, workers: 2, source: kafka, ...EVERY_LEVEL }))).toEqual(same(one));
    const first = exploreExhaustive(model, { stopAtFirst: true, invariants: ['acks-all-durable'] });
    expect(first.stopReason).toBe('violation');
    expect(same(exploreExhaustive(model, { stopAtFirst: true, invariants: ['acks-all-durable'], workers: 3, source: kafka, ...EVERY_LEVEL }))).toEqual(same(first));
  });

  it('stops at a state limit where one thread stops, midway through a level', () => {
    const model = kafkaModelOf(kafkaConfig);
    for (const maxStates of [1000, 3001]) {
      const one = exploreExhaustive(model, { maxStates });
      expect([one.stopReason, one.stats.states > maxStates]).toEqual(['states', true]);
      expect(same(exploreExhaustive(model, { maxStates, workers: 2, source: kafka, ...EVERY_LEVEL }))).toEqual(same(one));
      expect(same(exploreBounded(model, { budget: 'crashes', maxStates, workers: 2, source: kafka, ...EVERY_LEVEL })))
        .toEqual(same(exploreBounded(model, { budget: 'crashes', maxStates })));
    }
  });

  it('bounds a budget in the workers as in one thread', () => {
    const model = kafkaModelOf(kafkaConfig);
    const one = exploreBounded(model, { budget: 'crashes', maxDepth: 4 });
    const two = exploreBounded(model, { budget: 'crashes', maxDepth: 4, workers: 2, source: kafka, ...EVERY_LEVEL });
    expect({ ...same(two), rounds: two.rounds }).toEqual({ ...same(one), rounds: one.rounds });
  });

  it('starts the workers only at the first level of threadsFrom states, with the same result either way', () => {
    const model = kafkaModelOf(kafkaConfig);
    const one = exploreExhaustive(model, { maxDepth: 6 });
    const levels = levelSizes(model, 6);
    const from = levels.find((n) => n >= 8)!;
    expect(levels.at(-1)!).toBeGreaterThan(from);
    const early = exploreExhaustive(model, { maxDepth: 6, workers: 2, source: kafka, ...EVERY_LEVEL });
    const late = exploreExhaustive(model, { maxDepth: 6, workers: 2, source: kafka, threadsFrom: from });
    const never = exploreExhaustive(model, { maxDepth: 6, workers: 2, source: kafka, threadsFrom: Math.max(...levels) + 1 });
    // The workers join when they have built the model, so a search this short may end before they do.
    expect(never.stats.threads).toBeUndefined();
    for (const r of [early, late]) expect([undefined, 2]).toContain(r.stats.threads);
    for (const r of [early, late, never]) expect(same(r)).toEqual(same(one));
    // A worker that cannot build the model is not started, so not noticed, by a search with no level that large.
    const bad = { ...kafka, exportName: 'noSuchModel' };
    expect(exploreExhaustive(model, { maxDepth: 3, workers: 2, source: bad }).stats.threads).toBeUndefined();
  });

  it('certifies a random find minimal on the threads it is given, with the same verdict as one thread', () => {
    // With heartbeat losses and leader moves, levels pass 2,048 states before depth 8, and the search lasts long enough for a worker to join.
    const config = { ...kafkaConfig, maxLeaderMoves: 1, maxHeartbeatLosses: 1 };
    const source = { ...kafka, args: [config] };
    const model = kafkaModelOf(config);
    // Nothing breaks hw-le-leo, so certifying an 11-step "violation" searches every state to depth 10.
    const found = { invariant: 'hw-le-leo', statement: '', trace: [], length: 11 };
    const one = certifyMinimal(model, found, {});
    expect(one.certifiedMinimal).toBe(true);
    expect(certifyMinimal(model, found, { workers: 2, source })).toEqual(one);
    // A source no worker can build shows the threads were asked for.
    expect(() => certifyMinimal(model, found, { workers: 2, source: { ...source, exportName: 'noSuchModel' } })).toThrow(/^a worker failed/);
  });

  it('joins the workers to a long search, and fails with one line when one cannot build the model', () => {
    const config = { ...kafkaConfig, maxLeaderMoves: 1, maxHeartbeatLosses: 1 };
    const source = { ...kafka, args: [config] };
    const model = kafkaModelOf(config);
    expect(exploreExhaustive(model, { maxDepth: 10, workers: 2, source }).stats.threads).toBe(2);
    const bad = { ...source, exportName: 'noSuchModel' };
    expect(() => exploreExhaustive(model, { maxDepth: 10, workers: 2, source: bad })).toThrow(/^a worker failed: .*exports no function 'noSuchModel'$/);
  });
});

/** The number of states first met at each depth 0 … maxDepth. */
function levelSizes<S, A extends Action>(model: Model<S, A>, maxDepth: number): number[] {
  const upTo = Array.from({ length: maxDepth + 1 }, (_, d) => exploreExhaustive(model, { maxDepth: d }).stats.states);
  return upTo.map((n, d) => n - (d === 0 ? 0 : upTo[d - 1]));
}
