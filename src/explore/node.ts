/**
 * The engines on Node's worker threads. Importing this module hands them to the registry in
 * on-threads.ts, so `exploreExhaustive` and `exploreRandom` with `workers` > 1 use them; the
 * single-threaded engines never import it, which keeps them free of Node for the browser.
 */
import type { Action, Model } from '../model.ts';
import { provideThreadEngines } from './on-threads.ts';
import { exploreInParallel } from './parallel.ts';
import { type Counted, DistinctStates, exploreRandom, type RandomOptions } from './random.ts';
import type { ExploreResult, Progress } from './result.ts';
import { mergeShards } from './shard.ts';
import { Pool } from './threads.ts';

/**
 * The campaign (or shard) as one shard per thread: thread w of W (this one is the first), in shard
 * k of n, runs shard (k − 1)·W + w of n·W. This thread runs its shard while the workers run theirs.
 * Each shard counts its distinct states and this thread takes in the workers' tables, so the
 * merged count is of the states any shard met, each once (shards in processes of their own do
 * the same through their states files and `merge --states`). Without a seed the shards start from a fresh one, as a
 * campaign on one thread does, so two campaigns make different runs.
 */
function randomOnThreads<S, A extends Action>(model: Model<S, A>, options: RandomOptions): ExploreResult<A> {
  if (options.source === undefined) throw new Error('random runs on worker threads need the model\'s source');
  const threads = options.workers!;
  const outer = options.shard ?? { index: 1, count: 1 };
  const { onProgress, source, distinct: into, ...plain } = options;
  // Each shard certifies what it finds on its own thread: the threads are busy with the shards.
  const certify = plain.certify === undefined ? undefined : { ...plain.certify, workers: undefined, source: undefined };
  const seed = options.seed ?? freshSeed();
  const shard = (w: number): RandomOptions => ({
    ...plain, workers: 1, certify, seed, shard: { index: (outer.index - 1) * threads + w + 1, count: outer.count * threads },
  });
  const script = new URL(import.meta.url.endsWith('.ts') ? './random-worker.ts' : './random-worker.js', import.meta.url);
  const pool = new Pool(script, threads - 1, (w) => ({ source, options: shard(w + 1), progress: onProgress !== undefined }));
  try {
    const distinct = into ?? DistinctStates.of(plain);
    const done: ShardDone<A>[] = [];
    // The workers' latest progress, added to this thread's when it reports (distinct states are
    // added up there, so they may count a state twice until the shards' tables are merged).
    const latest = new Map<number, Progress>();
    const read = (m: ShardDone<A> | ShardProgress) => {
      if ('progress' in m) latest.set(m.index, m.progress);
      else done.push(m);
    };
    const report = onProgress === undefined ? undefined : (mine: Progress) => {
      for (let m = pool.poll(); m !== undefined; m = pool.poll()) read(m as ShardDone<A> | ShardProgress);
      onProgress([...latest.values()].reduce((all, p) => ({
        states: all.states + p.states, transitions: all.transitions + p.transitions, runs: (all.runs ?? 0) + (p.runs ?? 0),
        depth: Math.max(all.depth, p.depth), elapsedMs: all.elapsedMs,
      }), mine));
    };
    done.push({ index: -1, result: exploreRandom(model, { ...shard(0), distinct, onProgress: report }) });
    // A shard answers once, when it is done: after its time limit at the latest, if it has one.
    const silence = options.timeLimitMs === undefined ? Infinity : options.timeLimitMs + 600_000;
    while (done.length < threads) read(pool.next(silence) as ShardDone<A> | ShardProgress);
    for (const d of done) if (d.counted !== undefined) distinct.merge(d.counted);
    // In shard order, whichever thread finished first, so the merge is the same on every run.
    const merged = mergeShards(done.sort((a, b) => a.index - b.index).map((r) => r.result));
    const { statesCapped: _, ...stats } = merged.stats;
    return { ...merged, stats: { ...stats, states: distinct.size, ...(distinct.capped ? { statesCapped: true } : {}), threads } };
  } finally {
    pool.close();
  }
}

/** A worker's progress, posted as often as a search on one thread reports its own. */
export interface ShardProgress {
  readonly index: number;
  readonly progress: Progress;
}

/** What a shard's thread posts when it is done: its result and, from a worker, the distinct states it counted. */
export interface ShardDone<A extends Action> {
  readonly index: number;
  readonly result: ExploreResult<A>;
  readonly counted?: Counted;
}

/** A seed for a campaign given none, from the clock and `Math.random` (fast-check draws its own when given none). */
function freshSeed(): number {
  return (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
}

provideThreadEngines({ exhaustive: exploreInParallel, random: randomOnThreads });
