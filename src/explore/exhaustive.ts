/**
 * Exhaustive breadth-first search of the invariants: every reachable state up to a depth, each
 * identified by a 64-bit fingerprint, invariants checked as states are generated, so the first
 * violation found is a shortest one. The search is the kernel's (levels.ts), recording each
 * step's violations and coverage; this file chooses its scheduler and says what it found.
 *
 * No level is kept as state objects: the visited-state table gives every new state a dense id
 * with its parent's id and the index of the action that reached it, and a state is rebuilt by
 * stepping its parent (chunks.ts `Ancestors`). Memory is the table's bytes a state plus one state
 * object per level, instead of every state of the widest level (~1 KB each for Kafka); the price
 * is one extra step per state expanded.
 */
import type { Action, Model } from '../model.ts';
import { refusal } from './compose.ts';
import { inline, type LevelOptions, searchLevels, type ThreadOptions } from './levels.ts';
import { threadEngines } from './on-threads.ts';
import { LevelSplit, type Shard } from './shard.ts';
import { type BudgetCap, type ExploreResult, searchVerdict } from './result.ts';

export interface ExhaustiveOptions extends LevelOptions, ThreadOptions {
  /** Explore only the states within this budget cap, on top of the model's own bounds (see bounded.ts). */
  readonly cap?: BudgetCap;
  /**
   * Search only this shard of the whole (shard.ts `LevelSplit`): every level in full up to the
   * first one holding at least `splitPerShard` (default `SPLIT_STATES_PER_SHARD`) states per
   * shard, then only this shard's block of that level and what it reaches.
   */
  readonly shard?: Shard;
  readonly splitPerShard?: number;
  /** Called once the search is over with its visited-state table's slots (empty ones hold 0:0), e.g. to write them out. */
  readonly keepStates?: (slots: { readonly hi: Uint32Array; readonly lo: Uint32Array }) => void;
}

/**
 * Breadth-first search. The first violation of each invariant is a shortest one; by default the
 * search reports one per invariant (see `stopAtFirst`).
 */
export function exploreExhaustive<S, A extends Action>(model: Model<S, A>, options: ExhaustiveOptions = {}): ExploreResult<A> {
  const started = Date.now();
  const workers = options.workers ?? 1;
  const refused = refusal('breadth-first', { threads: workers > 1, shards: options.shard !== undefined });
  if (refused !== null) throw new Error(refused);
  const recording = { cap: options.cap, goals: true, graph: null };
  const scheduler = workers > 1
    ? threadEngines().scheduler({ workers, source: options.source, recording, threadsFrom: options.threadsFrom })
    : inline;
  const split = options.shard === undefined ? null : new LevelSplit(options.shard, options.splitPerShard);
  const found = searchLevels(model, options, recording, scheduler, { split });
  options.keepStates?.(found.seen.slots);
  const complete = found.stopReason === 'exhausted' && (split === null || split.at === null);
  return {
    verdict: searchVerdict(found.violations, complete),
    complete,
    violations: found.violations,
    stats: {
      engine: 'exhaustive', states: found.seen.size, transitions: found.transitions, depth: found.depth,
      elapsedMs: Date.now() - started, ...(found.threads > 1 ? { threads: found.threads } : {}),
      breadthFirst: {
        bytesPerState: Math.round(found.seen.bytes / Math.max(1, found.seen.size)), frontierPeak: found.frontierPeak,
        ...(found.capCut === Infinity ? {} : { capCut: found.capCut }),
        ...(split === null ? {} : { split: split.report }),
      },
    },
    coverage: found.coverage.snapshot(),
    stopReason: found.stopReason,
  };
}
