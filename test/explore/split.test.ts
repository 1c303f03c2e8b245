/**
 * Breadth-first search in shards (shard.ts `LevelSplit`) against the whole search: together the
 * shards visit exactly its states, find each violated invariant at its shortest length and each
 * goal at its first depth, while each shard alone visits fewer states. On threads, a shard is the
 * shard one thread makes. The blocks of the split level cover it exactly once.
 */
import { describe, expect, it } from 'vitest';
import '../../src/explore/node.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterConfig } from '../../spec/config.ts';
import { exploreExhaustive, type ExploreResult, type ModelSource } from '../../src/explore/index.ts';
import { LevelSplit } from '../../src/explore/shard.ts';
import type { Action } from '../../src/model.ts';
import { checkText } from '../../src/report/check.ts';
import { toyModel } from '../fixtures/toy-model.ts';

const CASES: { name: string; config: Partial<ClusterConfig>; maxDepth: number; shards: number; perShard: number }[] = [
  { name: 'rf 2, min ISR 1, unclean election', config: { rf: 2, minIsr: 1, unclean: true, maxRecords: 1, consumer: false, maxLeaderMoves: 0, maxHeartbeatLosses: 0 }, maxDepth: 7, shards: 3, perShard: 16 },
  { name: 'kafka-3.5, rf 3, one lossy crash', config: { protocol: 'kafka-3.5', consumer: false, maxLeaderMoves: 0 }, maxDepth: 7, shards: 4, perShard: 64 },
  { name: 'kafka-0.10, rf 2, truncation to the HW', config: { protocol: 'kafka-0.10', rf: 2, minIsr: 1, lossyCrashes: 0, consumer: false, maxLeaderMoves: 0 }, maxDepth: 10, shards: 2, perShard: 256 },
];

/** The fingerprints a search visited, as `hi:lo` strings. */
function visitedBy(search: (keep: (slots: { hi: Uint32Array; lo: Uint32Array }) => void) => unknown): Set<string> {
  const out = new Set<string>();
  search(({ hi, lo }) => {
    for (let i = 0; i < hi.length; i++) if (hi[i] !== 0 || lo[i] !== 0) out.add(`${hi[i]}:${lo[i]}`);
  });
  return out;
}

/** What the whole search and the shards together must agree on: each invariant's shortest violation, each goal's first depth, the kinds of step taken. */
function outline<A extends Action>(results: readonly ExploreResult<A>[]) {
  const shortest: Record<string, number> = {};
  const goals: Record<string, number | null> = {};
  const kinds = new Set<string>();
  for (const r of results) {
    for (const v of r.violations) shortest[v.invariant] = Math.min(shortest[v.invariant] ?? Infinity, v.length);
    for (const [g, c] of Object.entries(r.coverage.goals)) {
      const first = goals[g] ?? null;
      goals[g] = c.firstDepth === null ? first : first === null ? c.firstDepth : Math.min(first, c.firstDepth);
    }
    for (const [k, n] of Object.entries(r.coverage.steps)) if (n > 0) kinds.add(k);
  }
  return { shortest, goals, kinds: [...kinds].sort() };
}

describe('breadth-first search in shards', () => {
  for (const { name, config, maxDepth, shards, perShard } of CASES) {
    it(`together visit every state, shortest violation and goal of the whole search: ${name}`, () => {
      const model = kafkaModelOf(config);
      let whole: ExploreResult<Action> | undefined;
      const all = visitedBy((keepStates) => (whole = exploreExhaustive(model, { maxDepth, keepStates })));
      const parts: ExploreResult<Action>[] = [];
      const union = new Set<string>();
      for (let index = 1; index <= shards; index++) {
        const mine = visitedBy((keepStates) => parts.push(exploreExhaustive(model, { maxDepth, keepStates, shard: { index, count: shards }, splitPerShard: perShard })));
        for (const fp of mine) union.add(fp);
        expect(mine.size).toBe(parts.at(-1)!.stats.states);
      }
      expect(whole!.stats.states).toBe(all.size);
      expect(union).toEqual(all);
      expect(outline(parts)).toEqual(outline([whole!]));
      // A real split, below the violations' depth for at least one invariant, and every shard smaller than the whole.
      const at = parts.map((p) => p.stats.breadthFirst?.split?.at);
      expect(new Set(at.map((a) => `${a?.depth}/${a?.levelStates}`)).size).toBe(1);
      expect(at[0]!.depth).toBeGreaterThan(0);
      expect(whole!.violations.some((v) => v.length > at[0]!.depth + 1)).toBe(true);
      for (const p of parts) expect([p.stats.states < whole!.stats.states, p.complete]).toEqual([true, false]);
    });
  }

  it('is the same shard on threads as on one thread', () => {
    const { config, maxDepth } = CASES[0];
    const source: ModelSource = { module: new URL('../../properties/kafka-model.ts', import.meta.url).href, exportName: 'kafkaModelOf', args: [config] };
    const shard = { index: 2, count: 3 };
    const same = <A extends Action>(r: ExploreResult<A>) => ({ ...r, stats: { ...r.stats, elapsedMs: 0, frontierPeak: undefined, threads: undefined } });
    const one = exploreExhaustive(kafkaModelOf(config), { maxDepth, shard, splitPerShard: 16 });
    const two = exploreExhaustive(kafkaModelOf(config), { maxDepth, shard, splitPerShard: 16, workers: 2, source, threadsFrom: 1 });
    expect(same(two)).toEqual(same(one));
  });

  it('exhausts its own part without claiming the whole, and says which part it searched', () => {
    const model = toyModel(true);
    const union = new Set<string>();
    const texts = [1, 2].map((index) => {
      let r: ExploreResult<Action> | undefined;
      for (const fp of visitedBy((keepStates) => (r = exploreExhaustive(model, { shard: { index, count: 2 }, splitPerShard: 1, keepStates })))) union.add(fp);
      expect([r!.stopReason, r!.complete, r!.stats.breadthFirst?.split?.at?.depth]).toEqual(['exhausted', false, 1]);
      return checkText(model, r!, ['in-range', 'not-both-full']);
    });
    expect(union.size).toBe(16);
    for (const text of texts) {
      expect(text).toMatch(/, those longer than 1 step through this shard [12] of 2's 1 of the 2 states at depth 1 \(merge the shards' outputs for the whole search\)/);
      expect(text).toMatch(/\(every state this shard reaches within the bounds was explored\)/);
    }
    // Each shard meets (3, 3) in 6 steps, a shortest through its block: merging says whether it is the shortest of all.
    expect(texts.every((t) => /Counterexample: 6 steps \(not certified shortest: the shortest through this shard's block only; a shorter one through another shard's block is not ruled out \(merge the shards\)\)/.test(t))).toBe(true);
  });

  it('splits the first large enough level once, into blocks that cover it exactly', () => {
    for (const count of [1, 2, 3, 7]) {
      const covered: number[] = [];
      for (let index = 1; index <= count; index++) {
        const split = new LevelSplit({ index, count }, 10);
        expect(split.range(0, 0, 1)).toEqual([0, 1]);
        expect(split.range(1, 1, 10 * count)).toEqual([1, 10 * count]);
        const [from, to] = split.range(2, 100, 100 + 10 * count + 5);
        for (let id = from; id < to; id++) covered.push(id);
        expect(split.range(3, 500, 5000)).toEqual([500, 5000]);
        expect(split.report.at).toEqual(count === 1 ? null : { depth: 2, levelStates: 10 * count + 5, from: from - 100, to: to - 100 });
      }
      expect(covered).toEqual(Array.from({ length: 10 * count + 5 }, (_, i) => 100 + i));
    }
  });
});
