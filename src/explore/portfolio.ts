/**
 * Both engines at once, on threads of their own (a portfolio): breadth-first search on the calling
 * thread and its workers, random runs guided by the model's sketches on worker threads beside it,
 * both for the whole time limit. A deep violation that random runs reach in a second no longer
 * waits for breadth-first search to spend its share, and breadth-first search keeps its
 * guarantees: "holds" only when it exhausted its bounds, and what it finds is shortest.
 *
 * With `stopAtFirst` the first violation either engine finds raises a shared stop signal that
 * ends the other (breadth-first search looks at it every 256 states, random runs between runs);
 * a violation from random runs then gets a quick shrink only, and is certified shortest when
 * breadth-first search had already covered every shorter behaviour. A certification that may take
 * long (`certify`) is run only when asked for: a breadth-first search up to one step shorter, on
 * every thread, started afresh (the levels breadth-first search already covered are the cheap
 * ones: each level holds several times the states of all the levels before it).
 *
 * Without `stopAtFirst` random runs give every invariant a pass of its own (`everyInvariant`),
 * and each invariant keeps breadth-first search's violation when there is one, the random runs'
 * otherwise. Needs worker threads (node.ts); on one thread combined.ts runs the engines one
 * after the other instead.
 */
import type { Action, Model } from '../model.ts';
import { breadthFirstFor, type CombinedOptions, type CombinedResult, combinedResult, endsTheCheck } from './combined.ts';
import { threadEngines } from './on-threads.ts';
import { certifyMinimal } from './random.ts';
import { type ExploreResult, raiseStop, type StopReason, selectInvariants, type Violation } from './result.ts';

/** Milliseconds the quick shrink of a random counterexample may take under `stopAtFirst`. */
export const QUICK_SHRINK_MS = 1_000;

/**
 * Threads for random runs out of `workers` (at least 2): one in four, at least one. Breadth-first
 * search keeps the rest, since its levels share out over threads and its verdict is the one that
 * can say "holds"; random runs find deep violations with a campaign or two. On 2 cores that is
 * one thread each: two random threads there found the first failing run of the rf 3 loss cases
 * later, not sooner (docs/scale.md).
 */
export function randomThreadsOf(workers: number): number {
  return Math.max(1, Math.floor(workers / 4));
}

/** How long to wait for the random campaign once breadth-first search is done (beyond its own time limit). */
const RANDOM_GRACE_MS = 10_000;
/** Waiting for a campaign with no time limit (a number of runs): as long as a silent worker is given elsewhere. */
const RANDOM_SILENCE_MS = 600_000;

/**
 * Breadth-first search and random runs at once; `options.workers` (at least 2) threads in all and
 * `options.source` to rebuild the model on them. `options.randomWorkers` of 1 asks for one random
 * thread (a seeded campaign makes the runs it makes on one thread).
 */
export function explorePortfolio<S, A extends Action>(model: Model<S, A>, options: CombinedOptions): CombinedResult<A> {
  const workers = options.workers ?? 1;
  if (workers < 2 || options.source === undefined) throw new Error('a portfolio needs two threads or more and the model\'s source');
  const started = Date.now();
  const checked = selectInvariants(model, options.invariants).map((i) => i.name);
  const first = options.stopAtFirst === true;
  const randomThreads = options.randomWorkers === 1 ? 1 : randomThreadsOf(workers);
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const aside = threadEngines().randomAside<A>({
    threads: randomThreads, source: options.source, everyInvariant: !first,
    runs: options.runs ?? Number.MAX_SAFE_INTEGER, maxSteps: options.maxSteps, seed: options.seed, invariants: checked,
    timeLimitMs: options.timeLimitMs, guide: options.guide, maxStates: options.maxStates, maxMemoryBytes: options.maxMemoryBytes,
    stop, raiseOnFailure: first, quickShrinkMs: first ? QUICK_SHRINK_MS : undefined, recordFound: true,
  });
  try {
    const bfs = breadthFirstFor<S, A>(options.budget)(model, {
      maxDepth: options.maxDepth, timeLimitMs: options.timeLimitMs, invariants: checked, stopAtFirst: first, onProgress: options.onProgress,
      maxStates: options.maxStates, maxMemoryBytes: options.maxMemoryBytes, workers: workers - randomThreads, source: options.source,
      stop, recordFound: true,
    });
    // Breadth-first search done for good (complete, every invariant or the first one violated, out of memory): random runs have
    // nothing to add, and what they did before they stopped is left out, so that the report is the same on every run.
    if (endsTheCheck(bfs)) {
      raiseStop(stop);
      const stopped = aside.result(QUICK_SHRINK_MS + RANDOM_GRACE_MS)?.result ?? null;
      return { ...merged(model, options, { bfs, random: null, started, first }), ...(stopped === null ? {} : { leftOut: stopped }) };
    }
    const left = options.timeLimitMs === undefined ? RANDOM_SILENCE_MS : Math.max(0, options.timeLimitMs - (Date.now() - started));
    const taken = aside.result(left + RANDOM_GRACE_MS);
    const random = taken === null || taken.result === null ? null : shifted(taken.result, taken.startedAt - started);
    return merged(model, options, { bfs, random, started, first });
  } finally {
    aside.close();
  }
}

/** The random result with its violations' times counted from the portfolio's start (`offsetMs` later than the campaign's). */
function shifted<A extends Action>(r: ExploreResult<A>, offsetMs: number): ExploreResult<A> {
  return { ...r, violations: r.violations.map((v) => (v.found === undefined ? v : { ...v, found: { ...v.found, atMs: v.found.atMs + offsetMs } })) };
}

interface Engines<A extends Action> {
  readonly bfs: ExploreResult<A>;
  readonly random: ExploreResult<A> | null;
  readonly started: number;
  readonly first: boolean;
}

/** The two engines' findings as one result: the violations kept, certified where breadth-first search covered them, or by `certify`. */
function merged<S, A extends Action>(model: Model<S, A>, options: CombinedOptions, { bfs, random, started, first }: Engines<A>): CombinedResult<A> {
  const fromRandom = (random?.violations ?? []).filter((v) => !bfs.violations.some((b) => b.invariant === v.invariant)).map((v) => coveredBy(bfs, v, options.budget));
  let violations = [...bfs.violations, ...fromRandom];
  if (first && violations.length > 1) violations = [violations.reduce((a, b) => ((b.found?.atMs ?? Infinity) < (a.found?.atMs ?? Infinity) ? b : a))];
  violations = violations.map((v) => (v.certifiedMinimal === false && options.certify !== undefined ? certifyAsked(model, v, options, started) : v));
  return { ...combinedResult(bfs, random, violations, stopReasonOf(bfs, random), started), together: true };
}

/** Why the portfolio stopped: breadth-first search's reason when it ended the search, the random runs' otherwise. */
function stopReasonOf<A extends Action>(bfs: ExploreResult<A>, random: ExploreResult<A> | null): StopReason {
  if (endsTheCheck(bfs)) return bfs.stopReason;
  if (bfs.stopReason === 'stopped') return 'violation';
  return random === null || random.stopReason === 'stopped' ? bfs.stopReason : random.stopReason;
}

/**
 * A random counterexample certified shortest when breadth-first search (plain, not fewest-first)
 * covered every behaviour one step shorter without violating its invariant; otherwise marked not
 * certified, with how far breadth-first search had got.
 */
function coveredBy<A extends Action>(bfs: ExploreResult<A>, v: Violation<A>, budget: string | undefined): Violation<A> {
  const certification = { stopReason: bfs.stopReason, depth: bfs.stats.depth, states: bfs.stats.states, alongside: true };
  if (v.certifiedMinimal === true) return v;
  return { ...v, certifiedMinimal: budget === undefined && bfs.stats.depth >= v.length - 1, certification };
}

/** The certification asked for (`options.certify`): a breadth-first search up to one step shorter, on every thread, reporting progress. */
function certifyAsked<S, A extends Action>(model: Model<S, A>, v: Violation<A>, options: CombinedOptions, started: number): Violation<A> {
  const certified = certifyMinimal(model, v, { ...options.certify, workers: options.workers, source: options.source });
  // A shorter one the certification found is breadth-first search's, shortest by construction.
  if (certified.length >= v.length) return certified;
  const { seed: _s, path: _p, shrunkFrom: _f, ...shorter } = certified;
  return { ...shorter, found: { engine: 'breadth-first', atMs: Date.now() - started } };
}
