/**
 * Breadth-first search on several threads: the calling thread and `workers - 1` worker threads
 * expand each level together. The calling thread keeps the one visited-state table, as the
 * single-threaded search does, with the parent links in shared memory; a level (a range of ids) is
 * cut into chunks that every thread takes in turn off a shared counter. A chunk's successors are
 * recorded with their fingerprints, parents, action indices and step kinds, the invariants they
 * break and the goals they reach (chunks.ts); the calling thread adds the chunks to the table in
 * order, its own among them, so ids, state counts, violations (with their traces), coverage and
 * goals are exactly those of one thread, stops included; only the wall-clock figures differ.
 * Adding a successor is a table insertion, and the calling thread expands chunks itself whenever
 * the next one in order is not in yet, so all threads keep stepping.
 *
 * The worker threads start with the first level of at least `threadsFrom` states: a smaller
 * level is expanded on the calling thread alone, chunk by chunk as the workers would, and a
 * search with no such level starts none (a worker costs about a quarter of a second and tens of
 * megabytes to start, more than small levels take).
 */
import { type Action, type Model, violates } from '../model.ts';
import { splitOf, traceTo, violationOf, type ExhaustiveOptions } from './exhaustive.ts';
import type { LevelSplit } from './shard.ts';
import { type ChunkResult, ChunkExpander, chunkSpan } from './chunks.ts';
import { fingerprintInto } from './fingerprint.ts';
import { FingerprintSet } from './fpset.ts';
import {
  type ExploreResult, type StopReason, type Violation, CoverageCounter, SearchLimits, searchVerdict, selectInvariants,
} from './result.ts';
import { type ModelSource, Pool } from './threads.ts';

/** The coordinator's message starting a level. */
export interface LevelTask {
  readonly kind: 'level';
  readonly depth: number;
  readonly start: number;
  readonly end: number;
  readonly chunk: number;
  readonly chunks: number;
  /** [0]: the next chunk to take; a new counter each level, so a thread finishing the last level never takes from this one. */
  readonly next: Int32Array;
  readonly parents: Int32Array;
  readonly actions: Int32Array;
  /** Indices into `model.invariants` of those still checked. */
  readonly invariants: readonly number[];
}

/** The goals a successor reached when it reached none (shared, not one array per successor). */
const NO_GOALS: readonly number[] = [];

/** How long the coordinator waits for the next chunk before it gives the workers up for dead. */
const WORKER_SILENCE_MS = 600_000;

/** The smallest level the worker threads start for, by default (see `ExhaustiveOptions.threadsFrom`). */
export const THREADS_FROM = 2048;

/** Ids a thread takes at once: small levels are shared out finely, large ones in chunks of up to 512. */
function chunkSize(levelSize: number, threads: number): number {
  return Math.max(1, Math.min(512, Math.ceil(levelSize / (threads * 8))));
}

/** Breadth-first search on `options.workers` threads, this one included; the result is that of `exploreExhaustive` on one. */
export function exploreInParallel<S, A extends Action>(
  model: Model<S, A>, options: ExhaustiveOptions & { readonly workers: number; readonly source: ModelSource },
): ExploreResult<A> {
  const started = Date.now();
  const invs = selectInvariants(model, options.invariants);
  const standing = new Set(invs.map((i) => model.invariants.indexOf(i)));
  const seen = new FingerprintSet(1 << 16, true);
  const coverage = new CoverageCounter(model);
  const violations: Violation<A>[] = [];
  const fp = new Uint32Array(2);
  fingerprintInto((model.fingerprintView ?? ((s: S) => s))(model.initial), fp);
  seen.add(fp[0], fp[1], -1, -1);
  let transitions = 0;
  let capCut = Infinity;
  const split = splitOf(options);
  const finish = (stopReason: StopReason, depth: number): ExploreResult<A> => {
    options.keepStates?.(seen.slots);
    const complete = stopReason === 'exhausted' && (split === null || split.at === null);
    return {
      verdict: searchVerdict(violations, complete),
      complete,
      violations,
      stats: {
        engine: 'exhaustive', states: seen.size, transitions, depth, elapsedMs: Date.now() - started,
        bytesPerState: Math.round(seen.bytes / Math.max(1, seen.size)), ...(capCut === Infinity ? {} : { capCut }),
        ...(split === null ? {} : { split: split.report }),
      },
      coverage: coverage.snapshot(),
      stopReason,
    };
  };
  const initialBad = invs.find((i) => violates(i, undefined, model.initial));
  if (initialBad) {
    violations.push(violationOf(initialBad, []));
    return finish('violation', 0);
  }
  const bfsWorker = new URL(import.meta.url.endsWith('.ts') ? './bfs-worker.ts' : './bfs-worker.js', import.meta.url);
  const workers = new Workers(() => new Pool(bfsWorker, options.workers - 1, { source: options.source, cap: options.cap ?? null }));
  try {
    /** Records a violation of invariant `index`; true when the search must stop. */
    const violated = (index: number, trace: () => A[]): boolean => {
      violations.push(violationOf(model.invariants[index], trace()));
      standing.delete(index);
      return options.stopAtFirst === true || standing.size === 0;
    };
    /**
     * Adds the successors of the chunk's states `from` … `to` − 1 to the table, in order, and after
     * each state asks `checkpoint` whether the search must stop there, as one thread would after
     * expanding it: a violation, or the stop reason a limit gives.
     */
    const take = (r: ChunkResult, depth: number, from: number, to: number, checkpoint: (id: number) => StopReason | null): StopReason | null => {
      let i = 0;
      let sf = 0;
      let tf = 0;
      let g = 0;
      for (let id = from; id < to; id++) {
        if (r.capCutAt === id) capCut = Math.min(capCut, depth + 1);
        for (; i < r.hi.length && r.parent[i] === id; i++) {
          transitions++;
          let reached = NO_GOALS;
          if (g < r.goals.length && r.goals[g] === i) {
            const some: number[] = [];
            for (; g < r.goals.length && r.goals[g] === i; g += 2) some.push(r.goals[g + 1]);
            reached = some;
          }
          coverage.tally(r.names[r.step[i]], reached, depth + 1);
          for (; sf < r.stepFails.length && r.stepFails[sf] === i; sf += 2) {
            const inv = r.stepFails[sf + 1];
            if (standing.has(inv) && violated(inv, () => traceThrough(model, seen, r.parent[i], r.action[i]))) return 'violation';
          }
          const child = seen.add(r.hi[i], r.lo[i], r.parent[i], r.action[i]);
          for (; tf < r.stateFails.length && r.stateFails[tf] === i; tf += 2) {
            const inv = r.stateFails[tf + 1];
            if (child >= 0 && standing.has(inv) && violated(inv, () => traceTo(model, seen, child))) return 'violation';
          }
        }
        const stop = checkpoint(id);
        if (stop !== null) return stop;
      }
      return null;
    };
    // This thread's own chunks: a state already in the table had its state invariants checked when it was added.
    const expander = new ChunkExpander(model, options.cap, (hi, lo) => seen.has(hi, lo));
    const [stopReason, depth] = levels(workers, expander, seen, options, split, started, standing, () => transitions, take);
    const done = finish(stopReason, depth);
    const threads = workers.joined();
    return threads === 1 ? done : { ...done, stats: { ...done.stats, threads } };
  } finally {
    workers.close();
  }
}

/**
 * The pool of worker threads, started the first time a level is worth sharing. This thread does
 * not wait for them: it goes on expanding chunks, and each worker joins the level it finds going
 * once it has built the model, so starting them costs the search no time and a time limit holds
 * as on one thread. A worker that cannot build the model is an error as soon as this thread reads
 * its message, at the latest when the search ends (a search over before the worker failed did
 * not need it, and its result is one thread's).
 */
class Workers {
  private pool: Pool | null = null;

  constructor(private readonly start: () => Pool) {}

  /** The pool, started on the first call. */
  get(): Pool {
    return (this.pool ??= this.start());
  }

  /** Threads to share a level among once the pool is started. */
  get planned(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /** Threads that took part: this one and the workers that built the model (throws at a worker's failure). */
  joined(): number {
    return 1 + (this.pool?.joined() ?? 0);
  }

  close(): void {
    this.pool?.close();
  }
}

/** The trace to state `parent` followed by its action number `action`. */
function traceThrough<S, A extends Action>(model: Model<S, A>, seen: FingerprintSet, parent: number, action: number): A[] {
  const trace = traceTo(model, seen, parent);
  const s = trace.reduce((x, a) => model.step(x, a), model.initial);
  return [...trace, model.enabled(s)[action]];
}

/** Level after level: shares the level out in chunks and takes them in order; the reason it stopped and the depth done. */
function levels<S, A extends Action>(
  workers: Workers, expander: ChunkExpander<S, A>, seen: FingerprintSet, options: ExhaustiveOptions, split: LevelSplit | null, started: number, standing: Set<number>,
  transitions: () => number, take: (r: ChunkResult, depth: number, from: number, to: number, checkpoint: (id: number) => StopReason | null) => StopReason | null,
): [StopReason, number] {
  const maxDepth = options.maxDepth ?? Infinity;
  const threadsFrom = options.threadsFrom ?? THREADS_FROM;
  const limits = new SearchLimits(options, started);
  let levelStart = 0;
  let levelEnd = 1;
  let depth = 0;
  for (; levelStart < levelEnd; depth++) {
    if (depth >= maxDepth) return ['depth', depth];
    // A shard expands only its block of the split level.
    const [from, to] = split?.range(depth, levelStart, levelEnd) ?? [levelStart, levelEnd];
    const size = to - from;
    const pool = size >= threadsFrom ? workers.get() : null;
    const chunk = chunkSize(size, workers.planned);
    const task: LevelTask = {
      kind: 'level', depth, start: from, end: to, chunk, chunks: Math.ceil(size / chunk),
      next: new Int32Array(new SharedArrayBuffer(4)), ...seen.links, invariants: [...standing],
    };
    pool?.broadcast(task);
    const expand = expander.level({ depth, links: seen, invariants: task.invariants });
    // Without the workers, this thread expands the chunks in order as they are wanted.
    const inOrder = pool === null ? (c: number) => expand(c, ...chunkSpan(task, c)) : chunksInOrder(pool, task, expand);
    // The limits are looked at where one thread looks at them: after every 256th state of the level.
    const first = from;
    const checkpoint = (id: number) => (((id - first) & 255) !== 0 ? null : limits.check(seen.size, transitions(), depth));
    for (let c = 0; c < task.chunks; c++) {
      const stop = take(inOrder(c), depth, ...chunkSpan(task, c), checkpoint);
      if (stop !== null) return [stop, depth];
    }
    // Every chunk of this level came in before the next level starts, so no message of one is read as the other's.
    levelStart = levelEnd;
    levelEnd = seen.size;
  }
  return ['exhausted', depth];
}

/**
 * Chunks this thread holds at most before the one it wants next: past them it waits for the
 * worker that took that one, so a worker the machine starves cannot make it buffer a whole level.
 */
const AHEAD = 64;

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
