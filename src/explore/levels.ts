/**
 * The breadth-first kernel: level after level, every state of a level expanded (chunks.ts) and its
 * successors added to one visited-state table in search order, whoever expanded them. Every
 * breadth-first technique is this loop with something recorded per step: a safety search's
 * violations and coverage (exhaustive.ts), a liveness graph's edges (liveness.ts), a shard's
 * block of the split level (shard.ts), a budget cap (bounded.ts), the table's fingerprints
 * (`keepStates`). Threads are the scheduler's business alone: `inline` expands each chunk on this
 * thread when it is wanted; the worker-thread scheduler (node.ts) shares a level out among
 * threads and hands the chunks back in order, so ids, counts, violations, coverage and edges are
 * those of one thread, stops included.
 */
import { type Action, type Invariant, type Model, violates } from '../model.ts';
import { CheckedStates, type ChunkResult, ChunkExpander, type Recording, chunkSpan, traceThrough, traceTo } from './chunks.ts';
import { fingerprintInto } from './fingerprint.ts';
import { FingerprintSet } from './fpset.ts';
import type { EdgeRows } from './graph.ts';
import { type LevelSplit } from './shard.ts';
import type { ModelSource } from './on-threads.ts';
import { type SearchLimitOptions, type StopReason, type Violation, CoverageCounter, SearchLimits, selectInvariants } from './result.ts';

/** The message starting a level on every thread. */
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

/** How the chunks of a level get expanded: on this thread (`inline`), or shared with worker threads (node.ts). */
export interface Scheduler {
  /** Threads a level of this many states is shared among (the scheduler starts its threads for the first level worth them). */
  threadsFor(levelSize: number): number;
  /** Whether the table's parent links and the level's counter must be shared memory (other threads read them). */
  readonly shared: boolean;
  /** Chunk c of the level, for c = 0, 1, 2, …, expanded with `expand` here or on another thread. */
  chunks(task: LevelTask, expand: (index: number, from: number, to: number) => ChunkResult): (c: number) => ChunkResult;
  /** Threads that took part (this one included). */
  joined(): number;
  close(): void;
}

/** One thread: every chunk expanded here when it is wanted. */
export const inline: Scheduler = {
  threadsFor: () => 1,
  shared: false,
  chunks: (task, expand) => (c) => expand(c, ...chunkSpan(task, c)),
  joined: () => 1,
  close: () => {},
};

export interface LevelOptions extends SearchLimitOptions {
  readonly maxDepth?: number;
  /** Invariant names to check; all when absent. */
  readonly invariants?: readonly string[];
  /** Stop at the first violation; otherwise once every checked invariant has failed. */
  readonly stopAtFirst?: boolean;
  /** Stamp each violation with when it was found (`Violation.found`), for a report that says which engine found what, and when. */
  readonly recordFound?: boolean;
}

/** The threads a breadth-first search runs on. */
export interface ThreadOptions {
  /**
   * The calling thread and `workers` − 1 worker threads; more than 1 needs `source`. The states,
   * ids, violations, coverage and edges are those of one thread, in the same order.
   */
  readonly workers?: number;
  /** How a worker thread rebuilds this very model. */
  readonly source?: ModelSource;
  /**
   * With `workers`: the smallest level (in states) for which the worker threads start; smaller
   * levels are expanded on the calling thread, and a search with none this large starts no
   * worker (default 2,048, node.ts `THREADS_FROM`).
   */
  readonly threadsFrom?: number;
}

/** What one breadth-first search found and how far it went. */
export interface Levels<A extends Action> {
  readonly stopReason: StopReason;
  /** Levels fully expanded. */
  readonly depth: number;
  readonly seen: FingerprintSet;
  readonly transitions: number;
  readonly violations: Violation<A>[];
  readonly coverage: CoverageCounter<unknown, A>;
  /** The fewest steps after which the budget cap left a state out (Infinity: none). */
  readonly capCut: number;
  /** States in which a fair step was cut by the model's bounds (state graphs only). */
  readonly cutStates: number;
  /** Threads that took part. */
  readonly threads: number;
  /** The most states this thread held as objects at once. */
  readonly frontierPeak: number;
}

/** Ids a thread takes at once: small levels are shared out finely, large ones in chunks of up to 512. */
function chunkSize(levelSize: number, threads: number): number {
  return Math.max(1, Math.min(512, Math.ceil(levelSize / (threads * 8))));
}

/**
 * Breadth-first search of `model`: with `edges`, every step is recorded as an edge of a state
 * graph (and the table gives ids to states met again); with `split`, only a shard's block of the
 * split level is expanded. `scheduler` is closed when the search ends.
 */
export function searchLevels<S, A extends Action>(
  model: Model<S, A>, options: LevelOptions, recording: Recording, scheduler: Scheduler,
  more: { readonly split?: LevelSplit | null; readonly edges?: EdgeRows | null; readonly seen?: FingerprintSet } = {},
): Levels<A> {
  const started = Date.now();
  const split = more.split ?? null;
  const edges = more.edges ?? null;
  // A state graph is built for liveness properties alone: no invariant is checked on it.
  const invs = recording.graph === null ? selectInvariants(model, options.invariants) : [];
  const standing = new Set(invs.map((i) => model.invariants.indexOf(i)));
  const seen = more.seen ?? (edges === null ? new FingerprintSet(1 << 16, scheduler.shared) : FingerprintSet.withIds(1 << 16, scheduler.shared));
  const coverage = new CoverageCounter(model);
  const violations: Violation<A>[] = [];
  const instances = new Map<string, number>();
  const fp = new Uint32Array(2);
  fingerprintInto((model.fingerprintView ?? ((s: S) => s))(model.initial), fp);
  seen.add(fp[0], fp[1], -1, -1);
  if (edges !== null) edges.settle(0, settledOf(model, recording, model.initial));
  let transitions = 0;
  let capCut = Infinity;
  let cutStates = 0;
  // This thread's own chunks: a state already in the table had its state invariants checked when it
  // was added, and one met earlier in a chunk not yet taken in is marked in `checked` (2^14 entries:
  // a chunk of up to 512 states has a few thousand successors).
  const checked = new CheckedStates(14);
  const expander = new ChunkExpander(model, recording, (hi, lo) => seen.has(hi, lo) || checked.before(hi, lo));
  const result = (stopReason: StopReason, depth: number): Levels<A> => ({
    stopReason, depth, seen, transitions, violations, coverage: coverage as CoverageCounter<unknown, A>, capCut, cutStates,
    threads: scheduler.joined(), frontierPeak: expander.peak,
  });
  /** With `recordFound`, the violation with when it was found. */
  const stamped = (v: Violation<A>): Violation<A> => (options.recordFound === true ? { ...v, found: { engine: 'breadth-first', atMs: Date.now() - started } } : v);
  /** Records a violation of invariant `index`; true when the search must stop. */
  const violated = (index: number, trace: () => A[]): boolean => {
    violations.push(stamped(violationOf(model.invariants[index], trace())));
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
    const graph = r.graph;
    // Steps by kind and goals reached are counted here, and added to the coverage when the chunk is left, whatever stops it.
    const kinds = new Int32Array(r.names.length);
    const reached = new Int32Array(model.goals.length);
    const leave = (why: StopReason | null) => {
      coverage.tally(r.names, kinds, reached, depth + 1);
      return why;
    };
    const global = graph === null ? null : graph.instances.map((key) => {
      let n = instances.get(key);
      if (n === undefined) instances.set(key, (n = instances.size));
      return n;
    });
    for (let id = from; id < to; id++) {
      if (r.capCutAt === id) capCut = Math.min(capCut, depth + 1);
      let cut = false;
      for (; i < r.hi.length && r.parent[i] === id; i++) {
        if (graph !== null) {
          const label = graph.label[i] >= 0 ? global![graph.label[i]] : graph.label[i];
          if (graph.cut[i] === 1) {
            edges!.add(-1, label);
            cut ||= label >= 0;
            continue;
          }
          const found = seen.addOrFind(r.hi[i], r.lo[i], r.parent[i], r.action[i]);
          if (found >= 0) {
            if (graph.settled[i] < 0) throw new Error('a new state of the graph came without its settled bits');
            edges!.settle(found, graph.settled[i]);
          }
          edges!.add(found >= 0 ? found : ~found, label);
          transitions++;
          continue;
        }
        transitions++;
        kinds[r.step[i]]++;
        for (; g < r.goals.length && r.goals[g] === i; g += 2) reached[r.goals[g + 1]]++;
        for (; sf < r.stepFails.length && r.stepFails[sf] === i; sf += 2) {
          const inv = r.stepFails[sf + 1];
          if (standing.has(inv) && violated(inv, () => traceThrough(model, seen, r.parent[i], r.action[i]))) return leave('violation');
        }
        const child = seen.add(r.hi[i], r.lo[i], r.parent[i], r.action[i]);
        for (; tf < r.stateFails.length && r.stateFails[tf] === i; tf += 2) {
          const inv = r.stateFails[tf + 1];
          if (child >= 0 && standing.has(inv) && violated(inv, () => traceTo(model, seen, child))) return leave('violation');
        }
      }
      if (edges !== null) {
        edges.finishRow();
        if (cut) cutStates++;
      }
      const stop = checkpoint(id);
      if (stop !== null) return leave(stop);
    }
    return leave(null);
  };
  try {
    const initialBad = invs.find((inv) => violates(inv, undefined, model.initial));
    if (initialBad !== undefined) {
      violations.push(stamped(violationOf(initialBad, [])));
      return result('violation', 0);
    }
    const maxDepth = options.maxDepth ?? Infinity;
    const limits = new SearchLimits(options, started);
    let levelStart = 0;
    let levelEnd = 1;
    let depth = 0;
    for (; levelStart < levelEnd; depth++) {
      if (depth >= maxDepth) return result('depth', depth);
      // A shard expands only its block of the split level.
      const [from, to] = split?.range(depth, levelStart, levelEnd) ?? [levelStart, levelEnd];
      const size = to - from;
      const chunk = chunkSize(size, scheduler.threadsFor(size));
      const task: LevelTask = {
        kind: 'level', depth, start: from, end: to, chunk, chunks: Math.ceil(size / chunk),
        next: new Int32Array(scheduler.shared ? new SharedArrayBuffer(4) : new ArrayBuffer(4)), ...seen.links, invariants: [...standing],
      };
      const inOrder = scheduler.chunks(task, expander.level({ depth, links: seen, invariants: task.invariants }));
      // The limits are looked at after every 256th state of the level.
      const counted = () => (edges === null ? transitions : edges.count);
      const checkpoint = (id: number) => (((id - from) & 255) !== 0 ? null : limits.check(seen.size, counted(), depth));
      for (let c = 0; c < task.chunks; c++) {
        const stop = take(inOrder(c), depth, ...chunkSpan(task, c), checkpoint);
        if (stop !== null) return result(stop, depth);
      }
      // Every chunk of this level came in before the next level starts, so no message of one is read as the other's.
      levelStart = levelEnd;
      levelEnd = seen.size;
    }
    return result('exhausted', depth);
  } finally {
    scheduler.close();
  }
}

export function violationOf<S, A extends Action>(inv: Invariant<S>, trace: A[]): Violation<A> {
  return { invariant: inv.name, statement: inv.statement, trace, length: trace.length };
}

function settledOf<S, A extends Action>(model: Model<S, A>, recording: Recording, s: S): number {
  let bits = 0;
  recording.graph?.forEach((p, k) => {
    if (model.liveness!.properties[p].settled(s)) bits |= 1 << k;
  });
  return bits;
}
