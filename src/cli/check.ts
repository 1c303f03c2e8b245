/**
 * `kafka-spec check`: explore one configuration with the chosen engine and report the verdict,
 * the first counterexample, how much was explored and which reachability goals were reached
 * (rendered by src/report/check.ts).
 */
import '../explore/node.ts';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import {
  budgetOf, DistinctStates, exploreBounded, exploreCombined, exploreExhaustive, UnknownBudgetError, exploreRandom, type ExploreResult, type Progress,
  UnknownInvariantError, selectInvariants,
} from '../explore/index.ts';
import type { ModelSource } from '../explore/on-threads.ts';
import type { Shard } from '../explore/shard.ts';
import type { Reduction } from '../explore/exhaustive.ts';
import { makeTrace } from '../trace/schema.ts';
import type { ClusterConfig } from '../../spec/config.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { configFromFlags, type ModelFlags, UsageError } from './options.ts';
import { oneLine } from '../report/line.ts';
import { checkHeader, checkJson, checkText, progressLine, type CheckEngine } from '../report/check.ts';
import { exploreLiveness } from '../explore/liveness.ts';
import { exploreLivenessFrom, PrefixError, startOf } from '../explore/liveness-from.ts';
import { fairRuns, type FairRunsResult } from '../explore/fair-runs.ts';
import { lassoTrace, livenessJson, livenessText } from '../report/liveness.ts';
import type { KafkaModel } from '../../properties/kafka-model.ts';
import { type Prefix, readPrefix } from './prefix.ts';
import { type VisitedStates, writeStates } from './states-file.ts';

export interface CheckFlags extends ModelFlags {
  engine?: string;
  runs?: string;
  maxSteps?: string;
  seed?: string;
  depth?: string;
  timeLimit?: string;
  invariant?: string[];
  out?: string;
  json?: boolean;
  /** With --json: include the wall-clock figures (elapsedMs), which make the output differ from run to run. */
  timings?: boolean;
  first?: boolean;
  /** Stop once more than this many distinct states were visited (per phase). */
  maxStates?: string;
  /** Stop once the process's resident memory passes this many MB. */
  maxMemory?: string;
  /** Breadth-first search bounded by this budget of the model, fewest first (e.g. leaderChanges). */
  fewest?: string;
  /** Threads (default: every core, except for random runs given a seed or a state limit). */
  workers?: string;
  /** Partial-order reduction of breadth-first search: none or sleep. */
  reduce?: string;
  /** Random or exhaustive engine: run shard k of n of the campaign or search (`k/n`). */
  shard?: string;
  /** Random or exhaustive engine: write the distinct states met to this file, for `merge --states`. */
  statesOut?: string;
  /** Random runs: false (`--no-guide`) starts every run at the initial state. */
  guide?: boolean;
  /** Check every liveness property (V1-V6) instead of the invariants. */
  liveness?: boolean;
  /** Liveness: build the graph from the end of this trace's steps, under its configuration. */
  from?: string;
}

/** Where the CLI writes: results to `out`, progress and one-line errors (`kafka-spec: …`) to `progress`. */
export interface Output {
  out(text: string): void;
  progress(text: string): void;
}

const ENGINES: readonly CheckEngine[] = ['both', 'exhaustive', 'random'];

/** The time limit of a check that no flag bounds otherwise. */
const DEFAULT_TIME_LIMIT_S = 60;
/** Certifying a random counterexample minimal: a breadth-first search of at most this many states (and 30 s, under a time limit). */
const CERTIFY_MAX_STATES = 3_000_000;
/** Steps per random run at most: a run is generated whole, so a huge bound would exhaust memory. */
const MAX_STEPS_LIMIT = 10_000;

const whole = (flag: string, text: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} expects a whole number, got '${oneLine(text)}'`);
  const n = Number(text);
  if (n > max) throw new UsageError(`${flag} must be at most ${max.toLocaleString('en')}, got ${text.length > 20 ? `${text.slice(0, 20)}…` : text}`);
  return n;
};

/** Resident memory limits accepted by --max-memory, in MB: at least 1, at most 1 TB. */
const MAX_MEMORY_MB = 1 << 20;

/** `--max-states` and `--max-memory` as the engines take them (a count and bytes), or undefined when absent. */
function limitsOf(flags: CheckFlags): { maxStates?: number; maxMemoryBytes?: number } {
  const maxStates = flags.maxStates === undefined ? undefined : whole('--max-states', flags.maxStates, 0);
  const mb = flags.maxMemory === undefined ? undefined : whole('--max-memory', flags.maxMemory, 0, MAX_MEMORY_MB);
  if (maxStates === 0) throw new UsageError('--max-states must be at least 1');
  if (mb === 0) throw new UsageError('--max-memory must be at least 1 (MB)');
  return { maxStates, maxMemoryBytes: mb === undefined ? undefined : mb * 2 ** 20 };
}

/** Fails before exploring, not after, when --out names a file in a folder that does not exist. */
function outFolderExists(out: string): void {
  const folder = dirname(resolve(out));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(oneLine(`--out: no folder '${folder}' to write '${out}' in`));
}

/**
 * The time limit in milliseconds, or undefined for none. `--time-limit` is used as given.
 * Without it, a check whose every phase has its own bound (breadth-first: --depth; random
 * runs: --runs; both engines: both flags) runs to those bounds with no clock, so its result is
 * the same on every machine and every run; any other check stops after 60 s.
 */
function timeLimitOf(engine: CheckEngine, flags: CheckFlags): number | undefined {
  if (flags.timeLimit !== undefined) return whole('--time-limit', flags.timeLimit, DEFAULT_TIME_LIMIT_S) * 1000;
  const bounded = engine === 'exhaustive' ? flags.depth !== undefined
    : engine === 'random' ? flags.runs !== undefined
    : flags.depth !== undefined && flags.runs !== undefined;
  return bounded ? undefined : DEFAULT_TIME_LIMIT_S * 1000;
}

/** Worker threads at most: more than the cores only adds switching. */
const MAX_WORKERS = 64;

/** `--no-guide` changes only random runs, so it is refused with breadth-first search alone. */
function guideFlag(guide: boolean | undefined, engine: CheckEngine): boolean {
  if (guide === false && engine === 'exhaustive') throw new UsageError('--no-guide changes random runs: use it with --engine random or both');
  return guide !== false;
}

/** `--reduce none|sleep`: sleep sets prune breadth-first search on one thread (src/explore/sleep.ts). */
function reductionFlag(text: string | undefined, engine: CheckEngine, workers: number | undefined): Reduction {
  if (text === undefined) return 'none';
  if (text !== 'none' && text !== 'sleep') throw new UsageError(`--reduce must be none or sleep, got '${oneLine(text)}'`);
  if (text === 'sleep' && engine !== 'exhaustive') throw new UsageError('--reduce sleep prunes breadth-first search: use it with --engine exhaustive');
  if (text === 'sleep' && (workers ?? 1) > 1) throw new UsageError('--reduce sleep runs on one thread: drop --workers');
  return text;
}

/** Threads for each engine, and how a worker thread rebuilds this configuration's model. */
interface Threads {
  /** Breadth-first search (absent: this thread alone). */
  readonly workers?: number;
  /** Random runs (absent or 1: this thread alone). */
  readonly randomWorkers?: number;
  readonly source?: ModelSource;
}

/**
 * `--workers N`: N threads for both engines. Without it, breadth-first search uses every core,
 * since its result does not depend on the threads, and so do random runs, unless `randomAlone`:
 * given `--seed`, since sharding changes which runs a seed makes (a seed gives the same runs on
 * every machine), or `--max-states`, since each shard stops past the limit on its own (the union
 * of their states would pass it). Sleep sets and shards run on one thread unless told otherwise.
 */
function threadsOf(text: string | undefined, config: ClusterConfig, oneThread: boolean, randomAlone: boolean): Threads {
  const workers = text === undefined ? (oneThread ? 1 : Math.min(availableParallelism(), MAX_WORKERS)) : whole('--workers', text, 1, MAX_WORKERS);
  if (workers === 0) throw new UsageError('--workers must be at least 1');
  if (workers === 1) return {};
  const module = new URL(import.meta.url.endsWith('.ts') ? '../../properties/kafka-model.ts' : '../../properties/kafka-model.js', import.meta.url);
  const source = { module: module.href, exportName: 'kafkaModel', args: [config] };
  return { workers, randomWorkers: text === undefined && randomAlone ? 1 : workers, source };
}

/** `--shard k/n` (random runs or plain breadth-first search), or undefined when absent. */
function shardFlag(text: string | undefined, engine: CheckEngine, flags: CheckFlags): Shard | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`--shard expects k/n (shard k of n, from 1), got '${oneLine(text)}'`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: k must be between 1 and n`);
  if (engine === 'both') throw new UsageError('--shard splits one engine\'s search: use it with --engine random or --engine exhaustive');
  if (flags.fewest !== undefined) throw new UsageError('--shard splits plain breadth-first search: drop --fewest');
  if (flags.reduce === 'sleep') throw new UsageError('--shard splits plain breadth-first search: drop --reduce sleep');
  return { index, count };
}

/** `--fewest BUDGET` checked against the model's budgets and the engine (it bounds breadth-first search), or undefined when absent. */
function budgetFlag(model: Parameters<typeof budgetOf>[0], engine: CheckEngine, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (engine === 'random') throw new UsageError('--fewest bounds breadth-first search: use it with --engine exhaustive or both');
  try {
    budgetOf(model, name);
  } catch (e) {
    if (e instanceof UnknownBudgetError) throw new UsageError(oneLine(`--fewest: ${e.message}`));
    throw e;
  }
  return name;
}

/** Runs `kafka-spec check` with the parsed flags; returns the exit code (0 holds, 1 violated); throws UsageError for bad input. */
export function runCheck(flags: CheckFlags, io: Output): number {
  const prefix = flags.from === undefined ? undefined : readPrefix(flags.from, flags);
  const config = prefix?.config ?? configFromFlags(flags);
  const model = kafkaModel(config);
  const named = flags.invariant ?? [];
  const livenessNamed = named.filter((n) => model.liveness?.some((p) => p.name === n));
  if (flags.liveness === true || livenessNamed.length > 0 || prefix !== undefined) {
    if (livenessNamed.length < named.length) {
      throw new UsageError(prefix !== undefined && livenessNamed.length === 0
        ? '--from starts a liveness check: name liveness properties with --invariant, or none for all of them'
        : 'liveness properties and invariants are checked by separate runs: name only one kind with --invariant');
    }
    return runLivenessCheck(flags, model, livenessNamed, io, prefix);
  }
  let checked: string[];
  try {
    checked = selectInvariants(model, flags.invariant).map((i) => i.name);
  } catch (e) {
    if (e instanceof UnknownInvariantError) throw new UsageError(oneLine(e.message));
    throw e;
  }
  const engine = (flags.engine ?? 'both') as CheckEngine;
  if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be both, exhaustive or random, got '${oneLine(engine)}'`);
  const timeLimitMs = timeLimitOf(engine, flags);
  const maxDepth = whole('--depth', flags.depth, 1000);
  const maxSteps = whole('--max-steps', flags.maxSteps, 60, MAX_STEPS_LIMIT);
  const seed = flags.seed === undefined ? undefined : whole('--seed', flags.seed, 0);
  const runs = flags.runs === undefined ? undefined : whole('--runs', flags.runs, 0);
  const limits = limitsOf(flags);
  const budget = budgetFlag(model, engine, flags.fewest);
  const shard = shardFlag(flags.shard, engine, flags);
  const threads = threadsOf(flags.workers, config, flags.reduce === 'sleep' || (shard !== undefined && engine === 'random'), seed !== undefined || limits.maxStates !== undefined);
  const reduction = reductionFlag(flags.reduce, engine, threads.workers);
  if (flags.statesOut !== undefined && (engine === 'both' || budget !== undefined)) {
    throw new UsageError('--states-out writes the states one search visited: use it with --engine random or with --engine exhaustive without --fewest');
  }
  // The states the random runs meet, counted here so they can be written out (every shard's, with threads).
  const distinct = flags.statesOut === undefined || engine !== 'random' ? undefined : DistinctStates.of(limits);
  // Breadth-first search hands its visited-state table over at the end.
  let visited: VisitedStates | undefined;
  const keepStates = flags.statesOut === undefined || engine !== 'exhaustive' ? undefined : (slots: VisitedStates) => {
    visited = slots;
  };
  const guide = guideFlag(flags.guide, engine);
  if (flags.out !== undefined) outFolderExists(flags.out);
  if (!flags.json) io.out(checkHeader(engine, model));
  const onProgress = flags.json ? undefined : (p: Progress) => io.progress(progressLine(p));
  // Without a time limit, certification is bounded by states alone, so it too does not depend on the clock.
  const breadthFirstThreads = { workers: threads.workers, source: threads.source };
  // Certifying is breadth-first search, so it uses the threads breadth-first search does.
  const certify = { maxStates: CERTIFY_MAX_STATES, ...(timeLimitMs === undefined ? {} : { timeLimitMs: 30_000 }), ...breadthFirstThreads };
  const result: ExploreResult<ClusterAction> = engine === 'exhaustive'
    ? budget === undefined
      ? exploreExhaustive(model, { maxDepth, timeLimitMs, invariants: flags.invariant, onProgress, stopAtFirst: flags.first, reduction, shard, keepStates, ...limits, ...breadthFirstThreads })
      : exploreBounded(model, { budget, maxDepth, timeLimitMs, invariants: flags.invariant, onProgress, stopAtFirst: flags.first, reduction, ...limits, ...breadthFirstThreads })
    : engine === 'random'
      ? exploreRandom(model, {
        runs: runs ?? 10_000, maxSteps, seed, guide, timeLimitMs, invariants: flags.invariant, onProgress, certify, ...limits, workers: threads.randomWorkers, source: threads.source, shard, distinct,
      })
      : exploreCombined(model, {
        timeLimitMs, maxDepth, budget, invariants: flags.invariant, stopAtFirst: flags.first, maxSteps, seed, guide, certify, onProgress, runs, ...limits, ...threads,
      });
  const traces = result.violations.map((v) => makeTrace({
    model: MODEL_NAME, config: { ...config }, steps: v.trace,
    violation: { invariant: v.invariant, statement: v.statement, step: v.length },
  }));
  if (flags.statesOut !== undefined) writeStates(flags.statesOut, distinct?.counted ?? visited!);
  // The first trace is the shortest counterexample found (exhaustive search finds them in order).
  if (flags.out !== undefined && traces.length > 0) {
    try {
      writeFileSync(flags.out, JSON.stringify(traces[0], null, 2) + '\n');
    } catch (e) {
      throw new UsageError(oneLine(`--out: cannot write '${flags.out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
    }
  }
  const out = traces.length > 0 ? flags.out : undefined;
  io.out(flags.json ? JSON.stringify(checkJson(model, result, traces, { timings: flags.timings, checked, out })) : checkText(model, result, checked, out));
  return result.verdict === 'violated' ? 1 : 0;
}

/** Fails before anything is printed when a step of the prefix cannot be taken under the configuration checked. */
function prefixIsEnabled(model: KafkaModel, prefix: Prefix): void {
  try {
    startOf(model, prefix.steps);
  } catch (e) {
    if (e instanceof PrefixError) throw new UsageError(oneLine(`--from ${prefix.file}: ${e.message} under ${model.config.protocol}`));
    throw e;
  }
}

/** Random fair runs made when the liveness graph is not complete, by default: evidence for what no lasso was found for. */
const FAIR_RUNS = 200;
const FAIR_STEPS = 400;

/**
 * A liveness check: the breadth-first graph with its edges (bounded like the exhaustive engine
 * by --depth, --time-limit, --max-states, --max-memory), from the initial state or from the end
 * of a trace's steps (--from), then a search for lassos. When the graph is not complete, random
 * fair runs (--runs, of --max-steps fair steps after the faults, from --seed; half the time limit)
 * add evidence for the properties without a lasso: evidence only, so they never change the
 * verdict or the exit code.
 */
function runLivenessCheck(flags: CheckFlags, model: KafkaModel, properties: readonly string[], io: Output, prefix?: Prefix): number {
  const timeLimitMs = timeLimitOf('exhaustive', flags);
  const maxDepth = whole('--depth', flags.depth, 1000);
  const runs = whole('--runs', flags.runs, FAIR_RUNS);
  const fairSteps = whole('--max-steps', flags.maxSteps, FAIR_STEPS, MAX_STEPS_LIMIT);
  const seed = flags.seed === undefined ? undefined : whole('--seed', flags.seed, 0);
  const limits = limitsOf(flags);
  if (flags.guide === false) throw new UsageError('--no-guide changes random runs of the invariants: fair runs of a liveness check are never guided');
  if (flags.statesOut !== undefined) throw new UsageError('--states-out writes the states a search of the invariants met: a liveness check has none to write');
  if (flags.out !== undefined) outFolderExists(flags.out);
  if (prefix !== undefined) prefixIsEnabled(model, prefix);
  if (!flags.json) io.out(checkHeader('liveness', model));
  const onProgress = flags.json ? undefined : (p: Progress) => io.progress(progressLine(p));
  const graphTime = timeLimitMs === undefined || runs === 0 ? timeLimitMs : timeLimitMs / 2;
  const options = { maxDepth, timeLimitMs: graphTime, properties, onProgress, ...limits };
  const result = prefix === undefined ? exploreLiveness(model, options) : exploreLivenessFrom(model, prefix.steps, options);
  const unproven = result.checked.filter((p) => !result.lassos.some((l) => l.property === p));
  const fair: FairRunsResult | undefined = result.complete || runs === 0 || unproven.length === 0 ? undefined
    : fairRuns(model, { runs, fairSteps, seed, properties: unproven, from: prefix?.steps, timeLimitMs: timeLimitMs === undefined ? undefined : timeLimitMs - result.stats.elapsedMs });
  if (flags.out !== undefined && result.lassos.length > 0) {
    try {
      writeFileSync(flags.out, JSON.stringify(lassoTrace(model, result.lassos[0]), null, 2) + '\n');
    } catch (e) {
      throw new UsageError(oneLine(`--out: cannot write '${flags.out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
    }
  }
  io.out(flags.json ? JSON.stringify(livenessJson(model, result, { timings: flags.timings, fairRuns: fair, out: flags.out, from: prefix?.file }))
    : livenessText(model, result, { out: flags.out, from: prefix?.file, fairRuns: fair }));
  return result.verdict === 'violated' ? 1 : 0;
}
