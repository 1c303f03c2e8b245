/**
 * `kafka-spec check`: explore one configuration with the chosen engine and report the verdict,
 * the first counterexample, how much was explored and which reachability goals were reached
 * (rendered by src/report/check.ts).
 */
import '../explore/node.ts';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { kafkaModel } from '../../properties/kafka-model.ts';
import {
  budgetOf, DistinctStates, UnknownBudgetError, type Progress, UnknownInvariantError, selectInvariants,
} from '../explore/index.ts';
import type { Shard } from '../explore/shard.ts';
import { type ClusterConfig, makeConfig } from '../../spec/config.ts';
import { resolveRules } from '../../spec/rules.ts';
import { livenessProperties } from '../../properties/liveness.ts';
import {
  DEFAULT_MAX_DEPTH, DEFAULT_MAX_STEPS, DEFAULT_TIME_LIMIT_S, defaultTimeLimitMs, MAX_STEPS_LIMIT, MAX_WORKERS, searchSafety, type Threads, threadsFor,
} from '../../api/search.ts';
import { configFromFlags, configNotes, type ModelFlags, UsageError } from './options.ts';
import { oneLine } from '../report/line.ts';
import { checkHeader, checkJson, checkText, progressLine, type CheckEngine } from '../report/check.ts';
import { exploreLiveness } from '../explore/liveness.ts';
import { exploreLivenessFrom, PrefixError, startOf } from '../explore/liveness-from.ts';
import { fairRuns, type FairRunsResult } from '../explore/fair-runs.ts';
import { lassosFromSuspects } from '../explore/suspects.ts';
import { lassoTrace, livenessJson, livenessText } from '../report/liveness.ts';
import type { KafkaModel } from '../../properties/kafka-model.ts';
import { type Prefix, readPrefix } from './prefix.ts';
import { type VisitedStates, writeStates } from './states-file.ts';
import { modeOf, refusalOf, type ModeFlags } from './refusals.ts';
import { runScenarioCheck } from './scenario.ts';

export interface CheckFlags extends ModelFlags, ModeFlags {
  timeLimit?: string;
  invariant?: string[];
  out?: string;
  json?: boolean;
  /** With --json: include the wall-clock figures (elapsedMs), which make the output differ from run to run. */
  timings?: boolean;
  /** Stop once more than this many distinct states were visited (per phase). */
  maxStates?: string;
  /** Stop once the process's resident memory passes this many MB. */
  maxMemory?: string;
}

/** Where the CLI writes: results to `out`, progress and one-line errors (`kafka-spec: …`) to `progress`. */
export interface Output {
  out(text: string): void;
  progress(text: string): void;
}


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

/** `--certify [s]` as the search takes it: absent, or a time limit (none given: the default). */
function certifyOf(flag: string | boolean | undefined): { timeLimitMs?: number } | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (flag === true) return {};
  const seconds = whole('--certify', flag, 0);
  if (seconds === 0) throw new UsageError('--certify must be at least 1 (second)');
  return { timeLimitMs: seconds * 1000 };
}

/**
 * Progress lines of a certification asked for (`--certify`), on stderr as `kafka-spec:` lines, so
 * they show with --json and when stderr is not a terminal too: it is a wait the user chose, and
 * may last a minute. One line for each new depth, and one at least every 5 s.
 */
function certifyProgress(io: Output): (p: Progress) => void {
  let last = { depth: -1, at: 0 };
  return (p) => {
    if (p.depth === last.depth && p.elapsedMs - last.at < 5_000) return;
    last = { depth: p.depth, at: p.elapsedMs };
    io.progress(`kafka-spec: certifying shortest: every behaviour up to ${p.depth} steps done, ${p.states.toLocaleString('en')} states, ${(p.elapsedMs / 1000).toFixed(0)} s`);
  };
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
  if (flags.timeLimit !== undefined) {
    const seconds = whole('--time-limit', flags.timeLimit, DEFAULT_TIME_LIMIT_S);
    if (seconds === 0) throw new UsageError('--time-limit must be at least 1 (second)');
    return seconds * 1000;
  }
  return defaultTimeLimitMs(engine, flags);
}

/**
 * `--workers N`: N threads for both engines. Without it, breadth-first search uses every core,
 * since its result does not depend on the threads, and so do random runs, unless `randomAlone`:
 * given `--seed`, since sharding changes which runs a seed makes (a seed gives the same runs on
 * every machine), or `--max-states`, since each shard stops past the limit on its own (the union
 * of their states would pass it). A random campaign's shard runs on one thread unless told otherwise.
 */
function threadsOf(text: string | undefined, config: ClusterConfig, oneThread: boolean, randomAlone: boolean): Threads {
  const workers = text === undefined ? undefined : whole('--workers', text, 1, MAX_WORKERS);
  if (workers === 0) throw new UsageError('--workers must be at least 1');
  return threadsFor(config, workers, { oneThread, randomAlone });
}

/**
 * What a breadth-first search of its own takes from the command line, read as `check` reads it:
 * --depth, the time limit (none when --depth bounds it, else 60 s), --max-states, --max-memory and
 * --workers (every core by default); and --out's folder checked before anything is explored.
 */
export function breadthFirstFlags(flags: CheckFlags, config: ClusterConfig): {
  maxDepth: number; timeLimitMs?: number; maxStates?: number; maxMemoryBytes?: number; workers: number;
} {
  if (flags.out !== undefined) outFolderExists(flags.out);
  return {
    maxDepth: whole('--depth', flags.depth, DEFAULT_MAX_DEPTH), timeLimitMs: timeLimitOf('exhaustive', flags), ...limitsOf(flags),
    workers: threadsOf(flags.workers, config, false, false).workers ?? 1,
  };
}

/** `--shard k/n` (random runs or plain breadth-first search), or undefined when absent. */
function shardFlag(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (m === null) throw new UsageError(`--shard expects k/n (shard k of n, from 1), got '${oneLine(text)}'`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: k must be between 1 and n`);
  return { index, count };
}

/** `--fewest BUDGET` checked against the model's budgets, or undefined when absent. */
function budgetFlag(model: Parameters<typeof budgetOf>[0], name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  try {
    budgetOf(model, name);
  } catch (e) {
    if (e instanceof UnknownBudgetError) throw new UsageError(oneLine(`--fewest: ${e.message}`));
    throw e;
  }
  return name;
}

/** The liveness properties' names, which are the same in every configuration. */
const LIVENESS_NAMES: ReadonlySet<string> = new Set(livenessProperties(resolveRules(makeConfig())).map((p) => p.name));

/** Runs `kafka-spec check` with the parsed flags; returns the exit code (0 holds, 1 violated); throws UsageError for bad input. */
export function runCheck(flags: CheckFlags, io: Output): number {
  // The mode and the flags that cannot go with it come first: nothing is read or explored for a refused command line.
  const named = flags.invariant ?? [];
  const chosen = modeOf(flags, named, (n) => LIVENESS_NAMES.has(n));
  if ('refused' in chosen) throw new UsageError(oneLine(chosen.refused));
  const refused = refusalOf(flags, chosen.mode);
  if (refused !== undefined) throw new UsageError(refused);
  // A scenario is its own search: breadth-first through its milestones (src/cli/scenario.ts).
  if (flags.scenario !== undefined) return runScenarioCheck(flags, io);
  const prefix = flags.from === undefined ? undefined : readPrefix(flags.from, flags);
  const config = prefix?.config ?? configFromFlags(flags);
  const model = kafkaModel(config);
  for (const line of configNotes(config)) io.progress(`kafka-spec: note: ${line}`);
  if (chosen.mode === 'liveness') return runLivenessCheck(flags, model, named, io, prefix);
  const engine: CheckEngine = chosen.mode;
  let checked: string[];
  try {
    checked = selectInvariants(model, flags.invariant).map((i) => i.name);
  } catch (e) {
    if (e instanceof UnknownInvariantError) throw new UsageError(oneLine(e.message));
    throw e;
  }
  const timeLimitMs = timeLimitOf(engine, flags);
  const maxDepth = whole('--depth', flags.depth, DEFAULT_MAX_DEPTH);
  const maxSteps = whole('--max-steps', flags.maxSteps, DEFAULT_MAX_STEPS, MAX_STEPS_LIMIT);
  const seed = flags.seed === undefined ? undefined : whole('--seed', flags.seed, 0);
  const runs = flags.runs === undefined ? undefined : whole('--runs', flags.runs, 0);
  const limits = limitsOf(flags);
  const asked = certifyOf(flags.certify);
  const certify = asked === undefined ? undefined : { ...asked, onProgress: certifyProgress(io) };
  const budget = budgetFlag(model, flags.fewest);
  const shard = shardFlag(flags.shard);
  const threads = threadsOf(flags.workers, config, shard !== undefined && engine === 'random', seed !== undefined || limits.maxStates !== undefined);
  // The states the random runs meet, counted here so they can be written out (every shard's, with threads).
  const distinct = flags.statesOut === undefined || engine !== 'random' ? undefined : DistinctStates.of(limits);
  // Breadth-first search hands its visited-state table over at the end.
  let visited: VisitedStates | undefined;
  const keepStates = flags.statesOut === undefined || engine !== 'exhaustive' ? undefined : (slots: VisitedStates) => {
    visited = slots;
  };
  const guide = flags.guide !== false;
  if (flags.out !== undefined) outFolderExists(flags.out);
  if (!flags.json) io.out(checkHeader(engine, model));
  const onProgress = flags.json ? undefined : (p: Progress) => io.progress(progressLine(p));
  const { result, traces } = searchSafety(model, {
    engine, maxDepth, timeLimitMs, runs, maxSteps, seed, invariants: flags.invariant, stopAtFirst: flags.first, threads, ...limits,
    budget, shard, guide, distinct, keepStates, onProgress, certify,
  });
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
 * fair runs (--fair-runs, of --fair-steps fair steps after the faults, from --seed; half the time limit)
 * add evidence for the properties without a lasso: evidence only, so they never change the
 * verdict or the exit code. A run that never settled (a suspect) is then taken back to where its
 * faults stopped and the graph built from there without faults, in the time left
 * (src/explore/suspects.ts): a lasso found there is a counterexample like any other, its prefix
 * marked as not known to be the shortest.
 */
function runLivenessCheck(flags: CheckFlags, model: KafkaModel, properties: readonly string[], io: Output, prefix?: Prefix): number {
  const timeLimitMs = timeLimitOf('exhaustive', flags);
  const maxDepth = whole('--depth', flags.depth, DEFAULT_MAX_DEPTH);
  // --runs and --max-steps, the old names of --fair-runs and --fair-steps, are still read here.
  const runs = flags.fairRuns !== undefined || flags.runs === undefined ? whole('--fair-runs', flags.fairRuns, FAIR_RUNS) : whole('--runs', flags.runs, FAIR_RUNS);
  const fairSteps = flags.fairSteps !== undefined || flags.maxSteps === undefined
    ? whole('--fair-steps', flags.fairSteps, FAIR_STEPS, MAX_STEPS_LIMIT) : whole('--max-steps', flags.maxSteps, FAIR_STEPS, MAX_STEPS_LIMIT);
  const seed = flags.seed === undefined ? undefined : whole('--seed', flags.seed, 0);
  const limits = limitsOf(flags);
  if (flags.out !== undefined) outFolderExists(flags.out);
  if (prefix !== undefined) prefixIsEnabled(model, prefix);
  if (!flags.json) io.out(checkHeader('liveness', model));
  const onProgress = flags.json ? undefined : (p: Progress) => io.progress(progressLine(p));
  const graphTime = timeLimitMs === undefined || runs === 0 ? timeLimitMs : timeLimitMs / 2;
  // The graph is built on every core, as breadth-first search is: its result does not depend on the threads.
  const threads = threadsOf(flags.workers, model.config, false, false);
  const options = { maxDepth, timeLimitMs: graphTime, properties, onProgress, ...limits, workers: threads.workers, source: threads.source };
  let result = prefix === undefined ? exploreLiveness(model, options) : exploreLivenessFrom(model, prefix.steps, options);
  const unproven = result.checked.filter((p) => !result.lassos.some((l) => l.property === p));
  const fair: FairRunsResult | undefined = result.complete || runs === 0 || unproven.length === 0 ? undefined
    : fairRuns(model, { runs, fairSteps, seed, properties: unproven, from: prefix?.steps, timeLimitMs: timeLimitMs === undefined ? undefined : timeLimitMs - result.stats.elapsedMs });
  // A suspect's own graph, from where its faults stopped, often closes the cycle the run could not.
  const spent = result.stats.elapsedMs + (fair?.elapsedMs ?? 0);
  const suspects = fair === undefined || fair.verdicts.every((v) => v.suspects.length === 0) || (timeLimitMs !== undefined && spent >= timeLimitMs) ? undefined
    : lassosFromSuspects(model, fair, { from: prefix?.steps, timeLimitMs: timeLimitMs === undefined ? undefined : timeLimitMs - spent, ...limits });
  if (suspects !== undefined && suspects.lassos.length > 0) result = { ...result, verdict: 'violated', lassos: [...result.lassos, ...suspects.lassos] };
  if (flags.out !== undefined && result.lassos.length > 0) {
    try {
      writeFileSync(flags.out, JSON.stringify(lassoTrace(model, result.lassos[0]), null, 2) + '\n');
    } catch (e) {
      throw new UsageError(oneLine(`--out: cannot write '${flags.out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
    }
  }
  const report = { out: flags.out, from: prefix?.file, fairRuns: fair, suspects };
  io.out(flags.json ? JSON.stringify(livenessJson(model, result, { ...report, timings: flags.timings })) : livenessText(model, result, report));
  return result.verdict === 'violated' ? 1 : 0;
}
