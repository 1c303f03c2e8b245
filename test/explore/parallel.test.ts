/**
 * Breadth-first search on worker threads gives the result of one thread: the same states in the
 * same order, so the same counts, violations with the same traces, coverage and goals, whether
 * the search completes, stops at a depth or stops at its first violation.
 */
import { describe, expect, it } from 'vitest';
import '../../src/explore/node.ts';
import { exploreBounded, exploreExhaustive, type ExploreResult, type ModelSource } from '../../src/explore/index.ts';
import type { Action } from '../../src/model.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { toyModel } from '../fixtures/toy-model.ts';

const kafkaConfig = { rf: 2, minIsr: 1, unclean: true, maxRecords: 1, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0, maxHeartbeatLosses: 0 };
const kafka: ModelSource = { module: new URL('../../properties/kafka-model.ts', import.meta.url).href, exportName: 'kafkaModelOf', args: [kafkaConfig] };
const toy: ModelSource = { module: new URL('../fixtures/toy-model.ts', import.meta.url).href, exportName: 'toyModel', args: [true] };

/** A result without its wall-clock figure and the single-threaded search's frontier statistic. */
const same = <A extends Action>(r: ExploreResult<A>) => ({ ...r, stats: { ...r.stats, elapsedMs: 0, frontierPeak: undefined } });

describe('breadth-first search on worker threads', () => {
  it('explores a complete graph exactly as one thread does', () => {
    const one = exploreExhaustive(toyModel(true), {});
    const two = exploreExhaustive(toyModel(true), { workers: 2, source: toy });
    expect(one.complete).toBe(true);
    expect(same(two)).toEqual(same(one));
  });

  it('gives the same states, traces, coverage and goals on Kafka to a depth, and at a first violation', () => {
    const model = kafkaModelOf(kafkaConfig);
    const one = exploreExhaustive(model, { maxDepth: 6 });
    expect(one.violations.length).toBeGreaterThan(1);
    expect(same(exploreExhaustive(model, { maxDepth: 6, workers: 2, source: kafka }))).toEqual(same(one));
    const first = exploreExhaustive(model, { stopAtFirst: true, invariants: ['acks-all-durable'] });
    expect(first.stopReason).toBe('violation');
    expect(same(exploreExhaustive(model, { stopAtFirst: true, invariants: ['acks-all-durable'], workers: 3, source: kafka }))).toEqual(same(first));
  });

  it('bounds a budget in the workers as in one thread', () => {
    const model = kafkaModelOf(kafkaConfig);
    const one = exploreBounded(model, { budget: 'crashes', maxDepth: 4 });
    const two = exploreBounded(model, { budget: 'crashes', maxDepth: 4, workers: 2, source: kafka });
    expect({ ...same(two), rounds: two.rounds }).toEqual({ ...same(one), rounds: one.rounds });
  });

  it('fails with one line when a worker cannot build the model', () => {
    const bad = { ...toy, exportName: 'noSuchModel' };
    expect(() => exploreExhaustive(toyModel(true), { workers: 2, source: bad })).toThrow(/^a worker failed: .*exports no function 'noSuchModel'$/);
  });
});
