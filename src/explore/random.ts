/**
 * Random exploration on fast-check: each run is a list of choices among the actions enabled at
 * each step (so faults, deliveries and client steps interleave freely), with every invariant
 * checked after every step. Runs use swarm testing: each run draws a mask that leaves out some
 * kinds of step (by name) whenever others are enabled, so that rare orders — a crash before a
 * fetch completes, many deliveries before any fault — come up far more often than under one
 * uniform choice. With a model that sketches its states (`Model.guidance.sketch`), the search is also
 * guided by coverage, as fuzzers are: a run that meets a sketch no earlier run met is kept, up to
 * the step that met it, and half of the later runs start where a kept run left off instead of at
 * the initial state (`KeptRuns`). Deep behaviours that need several rare steps in a row — two
 * leader changes around a crash — are built a few steps at a time. Every run is still a behaviour
 * from the initial state (its trace includes the kept steps) of at most `maxSteps` steps.
 *
 * A failing run is shrunk by fast-check, then further on concrete named actions (shrink.ts), and
 * finally certified: a breadth-first search up to one step shorter either finds a shorter
 * counterexample (which replaces it) or proves none exists.
 *
 * Memory stays bounded however many runs there are: a run's states are dropped once it ends, and
 * the distinct states are counted exactly only up to `maxDistinctStates` (two million by default,
 * a table of 32 MB, 48 MB while it last grows); past it the count is a lower bound, reported as such
 * (`statesCapped`). `maxStates` and `maxMemoryBytes` stop the search between runs.
 */
import fc from 'fast-check';
import { type Action, type Invariant, type Model, violates } from '../model.ts';
import { exploreExhaustive } from './exhaustive.ts';
import { fingerprintInto } from './fingerprint.ts';
import { FingerprintSet } from './fpset.ts';
import {
  type ExploreResult, type Progress, type StopReason, type Violation, CoverageCounter, boundsOf, raiseStop, residentBytes, selectInvariants, stopRaised,
} from './result.ts';
import { shrinkTrace } from './shrink.ts';
import { type Shard, shardOf } from './shard.ts';
import { type ModelSource, threadEngines } from './on-threads.ts';

export interface RandomOptions {
  readonly runs: number;
  readonly maxSteps: number;
  readonly seed?: number;
  readonly invariants?: readonly string[];
  /**
   * The whole budget: the search, then shrinking and certifying what it found. A search that
   * finds a counterexample late leaves less time to shrink and certify it; what did not finish is
   * reported as such (`certifiedMinimal: false`).
   */
  readonly timeLimitMs?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Budget for the breadth-first search that certifies a counterexample minimal. */
  readonly certify?: CertifyBudget;
  /** Stop (between runs) once more than this many distinct states were seen; raises `maxDistinctStates` to it. */
  readonly maxStates?: number;
  /** Stop (between runs, checked every 16) once the process's resident memory passes this many bytes. */
  readonly maxMemoryBytes?: number;
  /** Count distinct states exactly up to this many, then report a lower bound; default `DISTINCT_STATES_CAP`. */
  readonly maxDistinctStates?: number;
  /** Run only this shard of the campaign (shard.ts): its share of `runs`, from its own seed (`seed`, default 0, plus the shard's index − 1). */
  readonly shard?: Shard;
  /**
   * Threads, each running a shard of this campaign (or of this shard), merged as shard.ts says:
   * the calling thread runs the first and `workers` − 1 worker threads the others; more than 1
   * needs `source`. Deterministic for a given seed and number of workers.
   */
  readonly workers?: number;
  readonly source?: ModelSource;
  /** Start half the runs where runs that met a new sketch left off (default true; needs `Model.guidance.sketch`). */
  readonly guide?: boolean;
  /** The counter of distinct states to use (an empty one, `DistinctStates.of(options)`), for a caller that merges it with others after. */
  readonly distinct?: DistinctStates;
  /** A stop signal (see `SearchLimitOptions.stop`): the campaign stops between runs once it is raised (reason `stopped`). */
  readonly stop?: Int32Array;
  /** Raise `stop` as soon as a run fails, before shrinking, so that whatever else watches it stops at once (a portfolio's `--first`). */
  readonly raiseOnFailure?: boolean;
  /**
   * A quick shrink: fast-check does not shrink the failing run, and the concrete shrink
   * (shrink.ts) gets at most this many milliseconds; absent, both shrink to the time limit.
   */
  readonly quickShrinkMs?: number;
  /** Stamp the violation with which run found it, and when (`Violation.found`). */
  readonly recordFound?: boolean;
}

/** How many distinct states random runs count exactly by default: a fingerprint table of 32 MB. */
export const DISTINCT_STATES_CAP = 1 << 21;

/**
 * The distinct states random runs visit: exact up to `cap`, then a lower bound (`capped` once a
 * state not counted was met). Past the cap nothing is added, so memory stops growing. The shards
 * of a campaign on threads each count their own and the calling thread takes in the others'
 * (`merge`), so a state two shards met counts once.
 */
export class DistinctStates {
  private readonly set = FingerprintSet.withoutLinks();
  private readonly fp = new Uint32Array(2);
  capped = false;

  constructor(private readonly cap: number) {}

  /** The counter a search with these options uses. */
  static of(options: Pick<RandomOptions, 'maxDistinctStates' | 'maxStates'>): DistinctStates {
    return new DistinctStates(Math.max(options.maxDistinctStates ?? DISTINCT_STATES_CAP, options.maxStates ?? 0));
  }

  get size(): number {
    return this.set.size;
  }

  add(view: unknown): void {
    if (this.capped) return;
    fingerprintInto(view, this.fp);
    if (this.set.size < this.cap) this.set.add(this.fp[0], this.fp[1], -1, -1);
    else if (!this.set.has(this.fp[0], this.fp[1])) this.capped = true;
  }

  /** What another thread's counter holds, to post here: its table (handed over, not copied) and whether it was capped. */
  get counted(): Counted {
    return { ...this.set.slots, capped: this.capped };
  }

  /** Adds the states another counter counted: the count of their union, still up to the cap. */
  merge(other: Counted): void {
    this.capped = this.set.addAll(other, this.cap) || this.capped || other.capped;
  }
}

/** A counter's states as posted between threads. */
export interface Counted {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly capped: boolean;
}

/** Runs kept to start from, at most this many; once full, each newly kept run replaces the oldest. */
export const KEPT_RUNS_CAP = 4096;
/** Sketches remembered, at most this many; past it no run is kept for meeting a new one. */
const SKETCHES_CAP = 1 << 20;

interface KeptRun<S, A> {
  readonly steps: readonly A[];
  readonly state: S;
}

/**
 * The runs kept for meeting a sketch first, each cut at the step that met it, with the state it
 * reached (states are immutable, so a run restarts there without replaying). What a run finds is
 * kept only once it ends without a violation, and nothing is kept once a run has failed: fast-check
 * then replays and shrinks that run, and each replay must start from the same kept runs.
 */
class KeptRuns<S, A> {
  private readonly sketches = new Set<number>();
  private readonly kept: KeptRun<S, A>[] = [];
  private readonly found: KeptRun<S, A>[] = [];
  private oldest = 0;
  frozen = false;
  /** Runs that started from a kept run. */
  resumed = 0;

  get sketchesMet(): number {
    return this.sketches.size;
  }

  /** The kept run that run input `pick` starts from: none for even picks or while none is kept. */
  startOf(pick: number): KeptRun<S, A> | null {
    if ((pick & 1) === 0 || this.kept.length === 0) return null;
    return this.kept[(pick >>> 1) % this.kept.length];
  }

  /** A run has reached `state` by `steps` (which the caller keeps extending, so they are copied); not called once frozen. */
  meet(sketch: number, steps: readonly A[], state: S): void {
    if (this.sketches.has(sketch) || this.sketches.size >= SKETCHES_CAP) return;
    this.sketches.add(sketch);
    this.found.push({ steps: steps.slice(), state });
  }

  /** The current run ended; what it found is kept if it broke nothing. */
  end(failed: boolean): void {
    this.frozen ||= failed;
    if (!this.frozen) {
      for (const run of this.found) {
        if (this.kept.length < KEPT_RUNS_CAP) this.kept.push(run);
        else {
          this.kept[this.oldest] = run;
          this.oldest = (this.oldest + 1) % KEPT_RUNS_CAP;
        }
      }
    }
    this.found.length = 0;
  }
}

/** Which limit, if any, stops the search before run number `runs` (counted from 1). */
function limitReached(options: RandomOptions, seen: DistinctStates, runs: number): StopReason | null {
  if (stopRaised(options.stop)) return 'stopped';
  if (options.maxStates !== undefined && seen.size > options.maxStates) return 'states';
  if (options.maxMemoryBytes !== undefined && (runs - 1) % 16 === 0 && residentBytes() > options.maxMemoryBytes) return 'memory';
  return null;
}

interface Walk<A> {
  readonly steps: A[];
  readonly failed: Invariant<unknown> | null;
}

export function exploreRandom<S, A extends Action>(model: Model<S, A>, options: RandomOptions): ExploreResult<A> {
  if ((options.workers ?? 1) > 1) return threadEngines().random(model, options);
  if (options.shard !== undefined) return exploreRandom(model, { ...options, ...shardOf(options.runs, options.seed ?? 0, options.shard), shard: undefined });
  const started = Date.now();
  const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
  const inBounds = boundsOf(model);
  const invs = selectInvariants(model, options.invariants);
  const coverage = new CoverageCounter(model);
  const seen = options.distinct ?? DistinctStates.of(options);
  let stopped: StopReason | null = null;
  const view = model.fingerprintView ?? ((s: S) => s);
  const counters = { transitions: 0, runs: 0, longest: 0, lastReport: started, failed: false, foundAt: 0, foundRun: 0 };
  const sketch = options.guide === false ? undefined : model.guidance?.sketch?.bind(model.guidance);
  const kept = new KeptRuns<S, A>();
  const walk = ([swarm, pick, choices]: readonly [number, number, readonly number[]]): Walk<A> => {
    const start = sketch === undefined ? null : kept.startOf(pick);
    let s = start?.state ?? model.initial;
    const steps: A[] = start === null ? [] : start.steps.slice();
    if (start !== null && !kept.frozen) kept.resumed++;
    for (const choice of choices) {
      if (steps.length >= options.maxSteps) break;
      const enabled = model.enabled(s);
      if (enabled.length === 0) break;
      const allowed = swarm === 0 ? enabled : enabled.filter((a) => (swarm >>> stepBit(a.step)) & 1);
      let pool = allowed.length > 0 ? allowed : enabled;
      let a = pool[choice % pool.length];
      let n = model.step(s, a);
      while (!inBounds(n) && pool.length > 1) {
        // A step past the bounds counts as not enabled: choose again among the others.
        pool = pool.filter((x) => x !== a);
        a = pool[choice % pool.length];
        n = model.step(s, a);
      }
      if (!inBounds(n)) break;
      steps.push(a);
      counters.transitions++;
      coverage.record(s, a, n, steps.length);
      seen.add(view(n));
      // A run that used up its steps leaves nothing for a run resuming it to take; once a run has
      // failed nothing more is kept, so the replays of shrinking need no sketches.
      if (sketch !== undefined && !kept.frozen && steps.length < options.maxSteps) kept.meet(sketch(n), steps, n);
      const bad = invs.find((inv) => violates(inv, s, n));
      if (bad) return { steps, failed: bad as Invariant<unknown> };
      s = n;
    }
    counters.longest = Math.max(counters.longest, steps.length);
    return { steps, failed: null };
  };
  // A run: its swarm mask, which kept run it may start from, and a choice per step.
  const run = fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0x7fffffff }), fc.array(fc.nat({ max: 0xffff }), { maxLength: options.maxSteps, size: 'max' }));
  const property = fc.property(run, (input) => {
    // A skipped run ends the check (maxSkipsPerRun: 0) without a counterexample; once a run has
    // failed, fast-check is shrinking it, which the limits leave alone.
    if (!counters.failed) stopped ??= limitReached(options, seen, counters.runs + 1);
    fc.pre(stopped === null);
    counters.runs++;
    report(options, counters, seen, started);
    const ok = walk(input).failed === null;
    kept.end(!ok);
    if (!ok && !counters.failed) {
      counters.foundAt = Date.now() - started;
      counters.foundRun = counters.runs;
      if (options.raiseOnFailure === true) raiseStop(options.stop);
    }
    counters.failed ||= !ok;
    return ok;
  });
  const details = fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    interruptAfterTimeLimit: options.timeLimitMs,
    markInterruptAsFailure: false,
    maxSkipsPerRun: 0,
    endOnFailure: options.quickShrinkMs !== undefined,
  });
  const base = {
    complete: false,
    stats: {
      engine: 'random' as const, states: seen.size, transitions: counters.transitions, depth: counters.longest, elapsedMs: 0,
      random: {
        runs: counters.runs, ...(seen.capped ? { statesCapped: true } : {}),
        ...(sketch === undefined ? {} : { guided: { sketches: kept.sketchesMet, resumedRuns: kept.resumed } }),
      },
    },
    coverage: coverage.snapshot(),
  };
  if (!details.failed || details.counterexample === null) {
    return { ...base, verdict: 'no-violation-found', violations: [], stats: { ...base.stats, elapsedMs: Date.now() - started },
      stopReason: stopped ?? (details.interrupted ? 'time' : 'runs') };
  }
  const failing = walk(details.counterexample[0]);
  const shrinkBy = options.quickShrinkMs === undefined ? deadline : Math.min(deadline, Date.now() + options.quickShrinkMs);
  const minimised = minimise(model, failing, details.seed, details.counterexamplePath ?? '', options, shrinkBy);
  const violation: Violation<A> = options.recordFound === true
    ? { ...minimised, found: { engine: 'random', atMs: counters.foundAt, seed: details.seed, run: counters.foundRun } } : minimised;
  return { ...base, verdict: 'violated', violations: [violation], stats: { ...base.stats, elapsedMs: Date.now() - started, random: { ...base.stats.random, firstFoundMs: counters.foundAt } },
    stopReason: 'violation' };
}

const stepBits = new Map<string, number>();

/** The bit of the swarm mask that decides whether steps of this name may be chosen. */
function stepBit(step: string): number {
  let bit = stepBits.get(step);
  if (bit === undefined) {
    let h = 0x811c9dc5;
    for (let i = 0; i < step.length; i++) h = Math.imul(h ^ step.charCodeAt(i), 0x01000193);
    bit = (h >>> 0) % 31;
    stepBits.set(step, bit);
  }
  return bit;
}

function report(options: RandomOptions, counters: { transitions: number; runs: number; longest: number; lastReport: number }, seen: DistinctStates, started: number): void {
  const now = Date.now();
  if (!options.onProgress || now - counters.lastReport < 500) return;
  counters.lastReport = now;
  options.onProgress({ states: seen.size, transitions: counters.transitions, depth: counters.longest, runs: counters.runs, elapsedMs: now - started });
}

/** Concrete shrinking, then certification by a bounded breadth-first search, both before `deadline`. */
function minimise<S, A extends Action>(
  model: Model<S, A>, failing: Walk<A>, seed: number, path: string, options: RandomOptions, deadline: number,
): Violation<A> {
  const inv = failing.failed as Invariant<S>;
  // The quick shrink skips fast-check's shrinking, so it also tries dropping steps apart from each other.
  const shrunk = shrinkTrace(model, failing.steps, inv, deadline, options.quickShrinkMs !== undefined);
  const found: Violation<A> = {
    invariant: inv.name, statement: inv.statement, trace: shrunk, length: shrunk.length, seed, path, shrunkFrom: failing.steps.length,
  };
  if (options.certify === undefined) return { ...found, certifiedMinimal: shrunk.length === 0 };
  const remaining = deadline - Date.now();
  const timeLimitMs = Math.max(0, Math.min(options.certify.timeLimitMs ?? Infinity, remaining));
  return certifyMinimal(model, found, { ...options.certify, timeLimitMs: Number.isFinite(timeLimitMs) ? timeLimitMs : undefined });
}

/**
 * What the certifying breadth-first search may spend, and the threads it may expand its levels on
 * (`workers` and `source`, as for `exploreExhaustive`: the same result as one thread).
 */
export interface CertifyBudget {
  readonly maxStates?: number;
  readonly timeLimitMs?: number;
  readonly workers?: number;
  readonly source?: ModelSource;
  /** Progress of the certifying search, as breadth-first search reports it. */
  readonly onProgress?: (p: Progress) => void;
}

/**
 * A breadth-first search up to one step shorter than `found`, within `budget`: a shorter
 * violation of the same invariant replaces it; a search that completes proves it minimal.
 */
export function certifyMinimal<S, A extends Action>(
  model: Model<S, A>, found: Violation<A>, budget: CertifyBudget,
): Violation<A> {
  if (found.length === 0) return { ...found, certifiedMinimal: true };
  const bfs = exploreExhaustive(model, {
    maxDepth: found.length - 1, invariants: [found.invariant], maxStates: budget.maxStates, timeLimitMs: budget.timeLimitMs,
    workers: budget.workers, source: budget.source, onProgress: budget.onProgress,
  });
  const certification = { stopReason: bfs.stopReason, depth: bfs.stats.depth, states: bfs.stats.states };
  if (bfs.verdict === 'violated') {
    const shorter = bfs.violations[0];
    return { ...found, trace: shorter.trace, length: shorter.length, certifiedMinimal: true, certification };
  }
  return { ...found, certifiedMinimal: bfs.stopReason === 'depth' || bfs.stopReason === 'exhausted', certification };
}
