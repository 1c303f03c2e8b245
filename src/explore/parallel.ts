/**
 * Breadth-first search with worker threads expanding each level. The coordinator keeps the one
 * visited-state table, as the single-threaded search does, with the parent links in shared
 * memory; a level (a range of ids) is cut into chunks that workers take in turn. A worker rebuilds
 * each state of its chunk from the shared links, steps it, and returns per successor its
 * fingerprint, parent, action index and step kind, the invariants it breaks and the goals it
 * reaches. The coordinator takes the chunks in order and adds their successors in order, so ids,
 * state counts, violations (with their traces), coverage and goals are exactly those of one
 * thread, stops included; only the wall-clock figures differ. The coordinator's own work per
 * successor is a table insertion, so the workers' stepping is what scales with their number.
 */
import { type Action, type Model, violates } from '../model.ts';
import { traceTo, violationOf, type ExhaustiveOptions } from './exhaustive.ts';
import { fingerprintInto } from './fingerprint.ts';
import { FingerprintSet } from './fpset.ts';
import {
  type ExploreResult, type StopReason, type Violation, CoverageCounter, residentBytes, selectInvariants,
} from './result.ts';
import { type ModelSource, Pool } from './threads.ts';

/** What a worker returns for one chunk of a level; pairs are (successor index, invariant or goal index). */
export interface ChunkResult {
  readonly kind: 'chunk';
  readonly index: number;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly parent: Int32Array;
  readonly action: Int32Array;
  /** Per successor, its step's index into `names`. */
  readonly step: Uint16Array;
  readonly names: readonly string[];
  /** Whether the budget cap left out a successor in this chunk. */
  readonly capCut: boolean;
  readonly stepFails: Int32Array;
  readonly stateFails: Int32Array;
  readonly goals: Int32Array;
}

/** The coordinator's message starting a level. */
export interface LevelTask {
  readonly kind: 'level';
  readonly depth: number;
  readonly start: number;
  readonly end: number;
  readonly chunk: number;
  /** [0]: the next chunk to take; a new counter each level, so a worker finishing the last level never takes from this one. */
  readonly next: Int32Array;
  readonly parents: Int32Array;
  readonly actions: Int32Array;
  /** Indices into `model.invariants` of those still checked. */
  readonly invariants: readonly number[];
}

/** How long the coordinator waits for the next chunk before it gives the workers up for dead. */
const WORKER_SILENCE_MS = 600_000;

/** Ids a worker takes at once: small levels are shared out finely, large ones in chunks of up to 512. */
function chunkSize(levelSize: number, workers: number): number {
  return Math.max(1, Math.min(512, Math.ceil(levelSize / (workers * 8))));
}

/** Breadth-first search on `options.workers` threads; the result is that of `exploreExhaustive` on one. */
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
  const finish = (stopReason: StopReason, depth: number): ExploreResult<A> => ({
    verdict: violations.length > 0 ? 'violated' : 'holds',
    complete: stopReason === 'exhausted',
    violations,
    stats: {
      engine: 'exhaustive', states: seen.size, transitions, depth, elapsedMs: Date.now() - started,
      bytesPerState: Math.round(seen.bytes / Math.max(1, seen.size)), ...(capCut === Infinity ? {} : { capCut }),
    },
    coverage: coverage.snapshot(),
    stopReason,
  });
  const initialBad = invs.find((i) => violates(i, undefined, model.initial));
  if (initialBad) {
    violations.push(violationOf(initialBad, []));
    return finish('violation', 0);
  }
  const bfsWorker = new URL(import.meta.url.endsWith('.ts') ? './bfs-worker.ts' : './bfs-worker.js', import.meta.url);
  const pool = new Pool(bfsWorker, options.workers, { source: options.source, cap: options.cap ?? null });
  try {
    for (let i = 0; i < pool.size; i++) pool.next(WORKER_SILENCE_MS);
    /** Records a violation of invariant `index`; true when the search must stop. */
    const violated = (index: number, trace: () => A[]): boolean => {
      violations.push(violationOf(model.invariants[index], trace()));
      standing.delete(index);
      return options.stopAtFirst === true || standing.size === 0;
    };
    const take = (r: ChunkResult, depth: number): boolean => {
      if (r.capCut) capCut = Math.min(capCut, depth + 1);
      let sf = 0;
      let tf = 0;
      let g = 0;
      for (let i = 0; i < r.hi.length; i++) {
        transitions++;
        const reached: number[] = [];
        for (; g < r.goals.length && r.goals[g] === i; g += 2) reached.push(r.goals[g + 1]);
        coverage.tally(r.names[r.step[i]], reached, depth + 1);
        for (; sf < r.stepFails.length && r.stepFails[sf] === i; sf += 2) {
          const inv = r.stepFails[sf + 1];
          if (standing.has(inv) && violated(inv, () => traceThrough(model, seen, r.parent[i], r.action[i]))) return true;
        }
        const child = seen.add(r.hi[i], r.lo[i], r.parent[i], r.action[i]);
        for (; tf < r.stateFails.length && r.stateFails[tf] === i; tf += 2) {
          const inv = r.stateFails[tf + 1];
          if (child >= 0 && standing.has(inv) && violated(inv, () => traceTo(model, seen, child))) return true;
        }
      }
      return false;
    };
    return finish(...levels(pool, seen, options, started, standing, () => transitions, take));
  } finally {
    pool.close();
  }
}

/** The trace to state `parent` followed by its action number `action`. */
function traceThrough<S, A extends Action>(model: Model<S, A>, seen: FingerprintSet, parent: number, action: number): A[] {
  const trace = traceTo(model, seen, parent);
  const s = trace.reduce((x, a) => model.step(x, a), model.initial);
  return [...trace, model.enabled(s)[action]];
}

/** Level after level: hands the level to the workers, takes their chunks in order; the reason it stopped and the depth done. */
function levels(
  pool: Pool, seen: FingerprintSet, options: ExhaustiveOptions, started: number, standing: Set<number>,
  transitions: () => number, take: (r: ChunkResult, depth: number) => boolean,
): [StopReason, number] {
  const maxDepth = options.maxDepth ?? Infinity;
  const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
  let lastReport = started;
  let levelStart = 0;
  let levelEnd = 1;
  let depth = 0;
  for (; levelStart < levelEnd; depth++) {
    if (depth >= maxDepth) return ['depth', depth];
    const size = levelEnd - levelStart;
    const chunk = chunkSize(size, pool.size);
    const chunks = Math.ceil(size / chunk);
    const { parents, actions } = seen.links;
    const next = new Int32Array(new SharedArrayBuffer(4));
    pool.broadcast({ kind: 'level', depth, start: levelStart, end: levelEnd, chunk, next, parents, actions, invariants: [...standing] } satisfies LevelTask);
    const early = new Map<number, ChunkResult>();
    for (let c = 0; c < chunks; c++) {
      let r = early.get(c);
      while (r === undefined) {
        const m = pool.next(WORKER_SILENCE_MS) as ChunkResult;
        if (m.index === c) r = m;
        else early.set(m.index, m);
      }
      early.delete(c);
      if (take(r, depth)) return ['violation', depth];
      const now = Date.now();
      if (now > deadline) return ['time', depth];
      if (seen.size > (options.maxStates ?? Infinity)) return ['states', depth];
      if (options.maxMemoryBytes !== undefined && residentBytes() > options.maxMemoryBytes) return ['memory', depth];
      if (options.onProgress && now - lastReport > 500) {
        lastReport = now;
        options.onProgress({ states: seen.size, transitions: transitions(), depth, elapsedMs: now - started });
      }
    }
    // Every chunk of this level came in before the next level starts, so no message of one is read as the other's.
    levelStart = levelEnd;
    levelEnd = seen.size;
  }
  return ['exhausted', depth];
}
