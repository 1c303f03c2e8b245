/**
 * Searches in pieces that any batch system can run (worker threads, a CI matrix, indexed jobs).
 *
 * A random campaign's shard runs its share of the runs from a seed of its own, so the shards of
 * one campaign explore disjoint, deterministic sets of runs. Their results merge into one: the
 * shortest violation of each invariant, coverage and step counts added up, states and runs
 * summed (a state met by two shards counts twice, so the merged count of distinct states is an
 * upper bound, not exact), depth the deepest.
 *
 * A breadth-first search's shard (`LevelSplit`) searches every level in full up to the first
 * one holding at least `SPLIT_STATES_PER_SHARD` states per shard, expands only its own block
 * of that level, then goes on breadth-first from what the block reached. Every shard expands
 * every level above the split, so all of them see those states and their violations. Below it,
 * a state at distance d from the initial state is the end of a shortest path, whose state at
 * the split depth k lies in some shard's block; that shard reaches it at depth d, its true
 * distance, and no shard reaches it at a smaller depth (that would be a shorter path). So the
 * shards' union is every state the whole search would visit to the same depth, and each
 * invariant's shortest violation over all shards is a shortest one of the whole search. Shards
 * overlap (two blocks often lead to one state), which is why the union is counted from their
 * tables, not summed.
 */
import type { Action } from '../model.ts';
import { addCoverage, type ExploreResult, type StopReason, type Violation, searchVerdict } from './result.ts';

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * The runs and seed of one shard of a campaign of `runs` runs from `seed`: the runs split as
 * evenly as they go (the first shards take one more), shard k starting from seed + k − 1. One
 * shard of one is the campaign itself.
 */
export function shardOf(runs: number, seed: number, shard: Shard): { readonly runs: number; readonly seed: number } {
  const share = Math.floor(runs / shard.count) + (shard.index <= runs % shard.count ? 1 : 0);
  return { runs: share, seed: (seed + shard.index - 1) >>> 0 };
}

/** The shortest violation of each invariant, in the order the invariants were first violated. */
export function shortestPerInvariant<V extends { readonly invariant: string; readonly length: number }>(violations: readonly V[]): V[] {
  const best = new Map<string, V>();
  for (const v of violations) {
    const b = best.get(v.invariant);
    if (b === undefined || v.length < b.length) best.set(v.invariant, v);
  }
  return [...best.values()];
}

/** Why shards stopped, as one reason: a violation if any found one, else the reason they share, else the first. */
function stopReasonOf(reasons: readonly StopReason[]): StopReason {
  if (reasons.includes('violation')) return 'violation';
  return reasons[0];
}

/** The earliest time a shard's run first broke an invariant, if any did. */
function firstFound<A extends Action>(results: readonly ExploreResult<A>[]): { firstFoundMs?: number } {
  const times = results.map((r) => r.stats.random?.firstFoundMs).filter((t): t is number => t !== undefined);
  return times.length === 0 ? {} : { firstFoundMs: Math.min(...times) };
}

type Guidance = { readonly sketches: number; readonly resumedRuns: number };

/**
 * The guidance of the shards that were guided, added up (each shard keeps runs of its own, so a
 * sketch met by two shards counts twice); nothing when none was.
 */
export function sumGuidance(each: readonly (Guidance | undefined)[]): { guided?: Guidance } {
  const some = each.filter((g) => g !== undefined);
  if (some.length === 0) return {};
  return { guided: { sketches: some.reduce((n, g) => n + g.sketches, 0), resumedRuns: some.reduce((n, g) => n + g.resumedRuns, 0) } };
}

/** The results of the shards of one random campaign as one result. */
export function mergeShards<A extends Action>(results: readonly ExploreResult<A>[]): ExploreResult<A> {
  const violations: Violation<A>[] = shortestPerInvariant(results.flatMap((r) => r.violations));
  const sum = (f: (r: ExploreResult<A>) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    verdict: searchVerdict(violations, false),
    complete: false,
    violations,
    stats: {
      engine: results[0].stats.engine, states: sum((r) => r.stats.states), transitions: sum((r) => r.stats.transitions),
      depth: Math.max(...results.map((r) => r.stats.depth)), elapsedMs: Math.max(...results.map((r) => r.stats.elapsedMs)),
      random: {
        runs: sum((r) => r.stats.random?.runs ?? 0),
        ...(results.some((r) => r.stats.random?.statesCapped) ? { statesCapped: true } : {}),
        ...firstFound(results),
        ...sumGuidance(results.map((r) => r.stats.random?.guided)),
      },
    },
    coverage: results.slice(1).reduce((c, r) => addCoverage(c, r.coverage), results[0].coverage),
    stopReason: stopReasonOf(results.map((r) => r.stopReason)),
  };
}

/**
 * The states a breadth-first shard's split level holds per shard, at least: the first level of
 * at least this many times the shards is split. Deeper splits overlap less (each block's
 * descendants are more its own) and cost more levels that every shard expands.
 */
export const SPLIT_STATES_PER_SHARD = 1024;

/** Where a breadth-first shard split the search: the level's depth and size, and its own block of it (offsets into the level). */
export interface SplitAt {
  readonly depth: number;
  readonly levelStates: number;
  readonly from: number;
  readonly to: number;
}

/** What a breadth-first shard reports: which shard it is, and where it split (null: no level it reached was large enough, so it searched the whole graph to its depth). */
export interface SplitReport {
  readonly index: number;
  readonly count: number;
  readonly at: SplitAt | null;
}

/**
 * One breadth-first shard's choice of ids to expand, level by level: every id of a level, except
 * at the split level, where shard k of n takes the k-th of n contiguous blocks (siblings stay
 * together, so fewer states are reached by two shards than with ids dealt out in turn).
 */
export class LevelSplit {
  at: SplitAt | null = null;

  private readonly perShard: number;

  constructor(private readonly shard: Shard, perShard = SPLIT_STATES_PER_SHARD) {
    this.perShard = Math.max(1, perShard);
  }

  /** The ids to expand of the level of ids `start` … `end` − 1, at `depth`. */
  range(depth: number, start: number, end: number): [number, number] {
    const { index, count } = this.shard;
    const size = end - start;
    if (this.at !== null || count === 1 || size < this.perShard * count) return [start, end];
    const from = Math.floor(((index - 1) * size) / count);
    const to = Math.floor((index * size) / count);
    this.at = { depth, levelStates: size, from, to };
    return [start + from, start + to];
  }

  get report(): SplitReport {
    return { index: this.shard.index, count: this.shard.count, at: this.at };
  }
}
