/**
 * The breadth-first kernel against the engine it replaced, on six configurations small enough for
 * either (rf 2 and rf 3, five releases, one searched to completion) and two liveness checks: the
 * same distinct states, transitions, steps of each kind, shortest violation of each invariant,
 * first depth of each goal, and lassos, as the figures that engine produced (kernel-figures.json:
 * the engine of commit 9c678c2, run on today's model: `npx tsx test/explore/kernel-figures.pin.ts`
 * writes them again after a change of the model). Within the kernel, the same results and the same set of
 * fingerprints (an order-independent digest) on one thread and on two, whole and as shards.
 */
import { describe, expect, it } from 'vitest';
import '../../src/explore/node.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterConfig } from '../../spec/config.ts';
import { exploreExhaustive, type ExhaustiveOptions, type ExploreResult, FingerprintSet, type ModelSource } from '../../src/explore/index.ts';
import { exploreLiveness, type LivenessResult } from '../../src/explore/liveness.ts';
import type { Action } from '../../src/model.ts';
import BEFORE from './kernel-figures.json' with { type: 'json' };
import { LIVENESS, SAFETY } from './kernel-configurations.ts';

type Slots = { readonly hi: Uint32Array; readonly lo: Uint32Array };

const source = (config: Partial<ClusterConfig>): ModelSource => ({
  module: new URL('../../properties/kafka-model.ts', import.meta.url).href, exportName: 'kafkaModelOf', args: [config],
});

/** Start the workers at the first level, however small (a worker joins once it has built the model: a small search may end first). */
const TWO_THREADS = { workers: 2, threadsFrom: 1 };

const sorted = <T>(entries: [string, T][]) => Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function figures(r: ExploreResult<Action>) {
  return {
    states: r.stats.states, transitions: r.stats.transitions, depth: r.stats.depth, stop: r.stopReason,
    steps: sorted(Object.entries(r.coverage.steps)),
    violations: sorted(r.violations.map((v) => [v.invariant, v.length])),
    goals: sorted(Object.entries(r.coverage.goals).filter(([, g]) => g.firstDepth !== null).map(([k, g]) => [k, g.firstDepth!])),
  };
}

function livenessFigures(r: LivenessResult<Action>) {
  return {
    states: r.stats.states, transitions: r.stats.transitions, stop: r.stopReason, verdict: r.verdict,
    lassos: sorted(r.lassos.map((l) => [l.property, [l.prefix.length, l.cycle.length]])),
  };
}

/** An order-independent digest of a set of fingerprints: how many, their sum and their xor, word by word. */
function digest(slots: Slots): string {
  let count = 0;
  let sumHi = 0;
  let sumLo = 0;
  let xorHi = 0;
  let xorLo = 0;
  for (let i = 0; i < slots.hi.length; i++) {
    if (slots.hi[i] === 0 && slots.lo[i] === 0) continue;
    count++;
    sumHi = (sumHi + slots.hi[i]) >>> 0;
    sumLo = (sumLo + slots.lo[i]) >>> 0;
    xorHi ^= slots.hi[i];
    xorLo ^= slots.lo[i];
  }
  return [count, sumHi, sumLo, xorHi >>> 0, xorLo >>> 0].join(':');
}

/** The search with its fingerprint set's digest. */
function searched(config: Partial<ClusterConfig>, options: ExhaustiveOptions): { result: ExploreResult<Action>; slots: Slots } {
  let slots: Slots | undefined;
  const result = exploreExhaustive(kafkaModelOf(config), { ...options, keepStates: (s) => (slots = s) });
  return { result, slots: slots! };
}

describe('the breadth-first kernel gives the figures of the engine it replaced', () => {
  for (const [name, config, options] of SAFETY) {
    it(`${name}: on one thread and on two, whole and as three shards`, () => {
      const one = searched(config, options);
      expect(figures(one.result)).toEqual(BEFORE[name as keyof typeof BEFORE]);
      const two = searched(config, { ...options, ...TWO_THREADS, source: source(config) });
      expect(figures(two.result)).toEqual(figures(one.result));
      expect(digest(two.slots)).toBe(digest(one.slots));
      // Three shards split early: their union is the whole search's set, and their shortest violations its own.
      const union = FingerprintSet.withoutLinks();
      const shortest = new Map<string, number>();
      for (let index = 1; index <= 3; index++) {
        const shard = searched(config, { ...options, shard: { index, count: 3 }, splitPerShard: 50 });
        expect(shard.result.stats.breadthFirst?.split?.at).not.toBeNull();
        union.addAll(shard.slots);
        for (const v of shard.result.violations) shortest.set(v.invariant, Math.min(v.length, shortest.get(v.invariant) ?? Infinity));
      }
      expect(digest(union.slots)).toBe(digest(one.slots));
      expect(sorted([...shortest])).toEqual(figures(one.result).violations);
    });
  }
});

describe('the liveness graph is built by the kernel', () => {
  for (const [name, config] of LIVENESS) {
    it(`${name}: the same graph and lassos, on one thread and on two`, () => {
      const one = exploreLiveness(kafkaModelOf(config));
      expect(livenessFigures(one)).toEqual(BEFORE[name as keyof typeof BEFORE]);
      const two = exploreLiveness(kafkaModelOf(config), { ...TWO_THREADS, source: source(config) });
      expect(livenessFigures(two)).toEqual(livenessFigures(one));
      expect(two.lassos).toEqual(one.lassos);
    });
  }
});
