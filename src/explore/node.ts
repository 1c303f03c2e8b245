/**
 * The engines on Node's worker threads. Importing this module hands them to the registry in
 * on-threads.ts, so `exploreExhaustive` and `exploreRandom` with `workers` > 1 use them; the
 * single-threaded engines never import it, which keeps them free of Node for the browser.
 */
import type { Action, Model } from '../model.ts';
import { provideThreadEngines } from './on-threads.ts';
import { exploreInParallel } from './parallel.ts';
import { exploreRandom, type RandomOptions } from './random.ts';
import type { ExploreResult } from './result.ts';
import { mergeShards } from './shard.ts';
import { Pool } from './threads.ts';

/**
 * The campaign (or shard) as one shard per thread: thread w of W (this one is the first), in shard
 * k of n, runs shard (k − 1)·W + w of n·W. This thread runs its shard while the workers run theirs.
 */
function randomOnThreads<S, A extends Action>(model: Model<S, A>, options: RandomOptions): ExploreResult<A> {
  if (options.source === undefined) throw new Error('random runs on worker threads need the model\'s source');
  const threads = options.workers!;
  const outer = options.shard ?? { index: 1, count: 1 };
  const { onProgress: _, source, ...plain } = options;
  // Each shard certifies what it finds on its own thread: the threads are busy with the shards.
  const certify = plain.certify === undefined ? undefined : { ...plain.certify, workers: undefined, source: undefined };
  const shard = (w: number): RandomOptions => ({
    ...plain, workers: 1, certify, seed: options.seed ?? 0, shard: { index: (outer.index - 1) * threads + w + 1, count: outer.count * threads },
  });
  const script = new URL(import.meta.url.endsWith('.ts') ? './random-worker.ts' : './random-worker.js', import.meta.url);
  const pool = new Pool(script, threads - 1, (w) => ({ source, options: shard(w + 1) }));
  try {
    const results: { index: number; result: ExploreResult<A> }[] = [{ index: -1, result: exploreRandom(model, shard(0)) }];
    // A shard answers once, when it is done: after its time limit at the latest, if it has one.
    const silence = options.timeLimitMs === undefined ? Infinity : options.timeLimitMs + 600_000;
    for (let i = 0; i < pool.size; i++) results.push(pool.next(silence) as { index: number; result: ExploreResult<A> });
    // In shard order, whichever thread finished first, so the merge is the same on every run.
    return mergeShards(results.sort((a, b) => a.index - b.index).map((r) => r.result));
  } finally {
    pool.close();
  }
}

provideThreadEngines({ exhaustive: exploreInParallel, random: randomOnThreads });
