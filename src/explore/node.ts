/**
 * The engines on Node's worker threads. Importing this module hands them to the registry in
 * on-threads.ts, so breadth-first searches (safety and liveness) and random campaigns with
 * `workers` > 1 use them; the single-threaded engines never import it, which keeps them free of
 * Node for the browser.
 */
import type { Action, Model } from '../model.ts';
import { type ChunkResult, chunkSpan } from './chunks.ts';
import type { LevelTask, Scheduler } from './levels.ts';
import { provideThreadEngines, type RandomAside, type RandomAsideOptions, type ThreadedLevels } from './on-threads.ts';
import { type Counted, DistinctStates, exploreRandom, type RandomOptions } from './random.ts';
import type { ExploreResult, Progress } from './result.ts';
import { mergeShards } from './shard.ts';
import { NO_ANSWER, Pool } from './threads.ts';

/** The smallest level the worker threads start for, by default (see `ExhaustiveOptions.threadsFrom`). */
export const THREADS_FROM = 2048;

/** How long the coordinator waits for the next chunk before it gives the workers up for dead. */
const WORKER_SILENCE_MS = 600_000;

/**
 * Chunks this thread holds at most before the one it wants next: past them it waits for the
 * worker that took that one, so a worker the machine starves cannot make it buffer a whole level.
 */
const AHEAD = 64;

/**
 * Breadth-first levels shared among this thread and `workers` − 1 worker threads. The pool starts
 * with the first level of at least `threadsFrom` states: a smaller level is expanded on this thread
 * alone, and a search with no such level starts none (a worker costs about a quarter of a second
 * and tens of megabytes to start, more than small levels take). This thread does not wait for the
 * workers: it goes on expanding chunks, and each worker joins the level it finds going once it has
 * built the model, so starting them costs the search no time and a time limit holds as on one
 * thread. A worker that cannot build the model is an error as soon as this thread reads its
 * message, at the latest when the search ends.
 */
function threadedScheduler(options: ThreadedLevels): Scheduler {
  if (options.source === undefined) throw new Error('breadth-first search on worker threads needs the model\'s source');
  const threadsFrom = options.threadsFrom ?? THREADS_FROM;
  const script = new URL(import.meta.url.endsWith('.ts') ? './bfs-worker.ts' : './bfs-worker.js', import.meta.url);
  let pool: Pool | null = null;
  return {
    shared: true,
    threadsFor(levelSize) {
      if (pool === null && levelSize >= threadsFrom) pool = new Pool(script, options.workers - 1, { source: options.source, recording: options.recording });
      return 1 + (pool?.size ?? 0);
    },
    chunks(task, expand) {
      if (pool === null || task.end - task.start < threadsFrom) return (c) => expand(c, ...chunkSpan(task, c));
      pool.broadcast(task);
      return chunksInOrder(pool, task, expand);
    },
    joined: () => 1 + (pool?.joined() ?? 0),
    close: () => pool?.close(),
  };
}

/**
 * Chunk number c of the level, for c = 0, 1, 2 ...: from a worker, or expanded by this thread,
 * which takes the next chunk off the counter whenever the one wanted is not in yet, and waits
 * only when every chunk is taken or it holds `AHEAD` chunks already.
 */
function chunksInOrder(pool: Pool, task: LevelTask, expand: (index: number, from: number, to: number) => ChunkResult): (c: number) => ChunkResult {
  const early = new Map<number, ChunkResult>();
  const keep = (r: ChunkResult) => early.set(r.index, r);
  return (c) => {
    for (;;) {
      for (let m = pool.poll(); m !== undefined; m = pool.poll()) keep(m as ChunkResult);
      const r = early.get(c);
      if (r !== undefined) {
        early.delete(c);
        return r;
      }
      // Holding enough already, while a worker expands the one wanted: wait for the workers.
      const full = early.size >= AHEAD && c < Atomics.load(task.next, 0);
      const mine = full ? task.chunks : Atomics.add(task.next, 0, 1);
      if (mine < task.chunks) {
        keep(expand(mine, ...chunkSpan(task, mine)));
      } else {
        keep(pool.next(WORKER_SILENCE_MS) as ChunkResult);
      }
    }
  };
}

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
  const certify = plain.certify === undefined ? undefined : { ...plain.certify, workers: undefined, source: undefined, onProgress: undefined };
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
    // In shard order, whichever thread finished first, so the merge is the same on every run.
    return campaignOf(done.sort((a, b) => a.index - b.index), distinct, threads);
  } finally {
    pool.close();
  }
}

/** A worker's progress, posted as often as a search on one thread reports its own. */
export interface ShardProgress {
  readonly index: number;
  readonly progress: Progress;
}

/**
 * What a shard's thread posts when it is done: its result and, from a worker, the distinct states
 * it counted and when it started. A portfolio's campaign (`randomAside`) posts a null result when
 * its time was up before its first pass.
 */
export interface ShardDone<A extends Action> {
  readonly index: number;
  readonly result: ExploreResult<A>;
  readonly counted?: Counted;
  readonly startedAt?: number;
}

/**
 * A campaign on `threads` worker threads of its own (on-threads.ts `RandomAside`), each a shard
 * of it when there are several (from a fresh seed when none is given, as on threads above).
 */
function randomAside<A extends Action>(options: RandomAsideOptions): RandomAside<A> {
  const { threads, source, everyInvariant, ...plain } = options;
  const seed = threads === 1 ? plain.seed : plain.seed ?? freshSeed();
  const shard = (w: number): RandomOptions => (threads === 1 ? plain : { ...plain, seed, shard: { index: w + 1, count: threads } });
  const script = new URL(import.meta.url.endsWith('.ts') ? './random-worker.ts' : './random-worker.js', import.meta.url);
  const pool = new Pool(script, threads, (w) => ({ source, options: shard(w), progress: false, passes: { everyInvariant, postedAt: Date.now() } }));
  const done: ShardDone<A>[] = [];
  return {
    result(timeoutMs) {
      try {
        while (done.length < threads) done.push(pool.next(timeoutMs) as ShardDone<A>);
      } catch (e) {
        if ((e as Error).message === NO_ANSWER) return null;
        throw e;
      }
      const answered = done.sort((a, b) => a.index - b.index).filter((d) => d.result !== null);
      const startedAt = Math.min(...done.map((d) => d.startedAt ?? Infinity));
      if (answered.length === 0) return { result: null, startedAt };
      return { result: campaignOf(answered, DistinctStates.of(plain), threads), startedAt };
    },
    close: () => pool.close(),
  };
}

/**
 * The shards of a campaign as one result, in the order given: their distinct states merged into
 * `distinct` (each state once, whichever shards met it) and counted there, and the threads they ran on when more than one.
 */
function campaignOf<A extends Action>(shards: readonly ShardDone<A>[], distinct: DistinctStates, threads: number): ExploreResult<A> {
  for (const d of shards) if (d.counted !== undefined) distinct.merge(d.counted);
  const merged = shards.length === 1 ? shards[0].result : mergeShards(shards.map((d) => d.result));
  const { statesCapped: _, ...random } = merged.stats.random ?? { runs: 0 };
  return {
    ...merged,
    stats: { ...merged.stats, states: distinct.size, ...(threads > 1 ? { threads } : {}), random: { ...random, ...(distinct.capped ? { statesCapped: true } : {}) } },
  };
}

/** A seed for a campaign given none, from the clock and `Math.random` (fast-check draws its own when given none). */
function freshSeed(): number {
  return (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
}

provideThreadEngines({ scheduler: threadedScheduler, random: randomOnThreads, randomAside });
