/**
 * kafka-spec as a library, for a user's own tests: `configure` a cluster (a protocol version, the
 * settings a Kafka operator chooses, the exploration bounds), `check` it with the same engines
 * and defaults as `kafka-spec check`, and `replay` a trace file, as `kafka-spec replay` does.
 * Nothing here prints or exits; bad input throws an error whose message is one line.
 *
 * ```ts
 * import { check, configure, replay } from 'kafka-spec';
 * const result = check(configure({ rf: 2, minIsr: 1, maxRecords: 1 }), { engine: 'exhaustive', depth: 8, invariants: ['acks-all-durable'], first: true });
 * const [loss] = result.violations; // with its trace file: replay(loss.trace), writeTrace(file, loss.trace)
 * ```
 *
 * docs/api.md documents each function, with an example property test.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  type ExploreResult, type GoalCoverage, type Progress, type StopReason, UnknownInvariantError, selectInvariants, verdictsOf,
} from '../src/explore/index.ts';
import { checkText, type CheckEngine } from '../src/report/check.ts';
import { checkSummary, type Shortest, shortestStatus } from '../src/report/verdict.ts';
import type { SearchVerdict } from '../src/explore/result.ts';
import { replayLasso, type LassoVerdict } from '../src/trace/replay.ts';
import { retarget } from '../src/trace/retarget.ts';
import { parseTrace as parseTraceText, type Trace, TraceError } from '../src/trace/schema.ts';
import type { ClusterAction } from '../spec/actions.ts';
import type { ClusterState } from '../spec/cluster.ts';
import { ConfigError, configOfRecord } from '../spec/config.ts';
import { kafkaModel, MODEL_NAME } from '../properties/kafka-model.ts';
import { catalog } from './catalog.ts';
import { type Configuration, ConfigurationError, configure, oneLine, retargeted, type Settings } from './configure.ts';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_STEPS, defaultTimeLimitMs, MAX_STEPS_LIMIT, MAX_WORKERS, searchSafety, threadsFor } from './search.ts';

export { configure, ConfigurationError, type Configuration, type Settings };
export { TraceError, type Trace, type ClusterAction as Step, type ClusterState as State, type CheckEngine as Engine, type Progress, type StopReason };
export { ReplayError, type LassoVerdict } from '../src/trace/replay.ts';
export { MODEL_NAME };
export { TRACE_FORMAT, TRACE_VERSION } from '../src/trace/schema.ts';

/** Options of a check that cannot be used (an unknown engine or invariant, a negative depth, …); the message is one line. */
export class CheckOptionsError extends Error {
  override name = 'CheckOptionsError';
}

/** How to check: the `kafka-spec check` flags of the same names, with the same defaults. */
export interface CheckOptions {
  /** `both` (default: breadth-first search and random runs at once on two threads or more, else breadth-first for half the time, then random runs), `exhaustive` (breadth-first only) or `random`. */
  readonly engine?: CheckEngine;
  /** Breadth-first search stops after this many steps (default: no depth limit but the time limit). */
  readonly depth?: number;
  /**
   * Milliseconds the whole check may take. Default: none when every engine that runs has its own
   * bound (`depth` for breadth-first search, `runs` for random runs), so the result is the same on
   * every machine; otherwise 60 s.
   */
  readonly timeLimitMs?: number;
  /** Random runs (default: 10,000 for the random engine alone; as many as the time allows after breadth-first search). */
  readonly runs?: number;
  /** Steps per random run (default 60). */
  readonly maxSteps?: number;
  /** Seed of the random runs; with a seed they run on one thread, so the same seed makes the same runs everywhere. */
  readonly seed?: number;
  /** The invariants to check, by name (default: all; `catalog().invariants` lists them). */
  readonly invariants?: readonly string[];
  /** Stop at the first violation (breadth-first search: a shortest one). */
  readonly first?: boolean;
  /** Threads (default: every core, except for random runs given a seed). */
  readonly workers?: number;
  /** Called about twice a second while an engine runs. */
  readonly onProgress?: (p: Progress) => void;
}

/** An invariant the check found violated, with the trace that violates it. */
export interface CheckViolation {
  readonly invariant: string;
  /** The invariant in English. */
  readonly statement: string;
  /** Steps of the counterexample; the invariant fails in the state after the last one. */
  readonly length: number;
  /**
   * Whether no shorter trace violates the invariant: `breadth-first` (breadth-first search found
   * it, and it finds the shortest first), `certified` (a breadth-first search certified a random
   * run's find after shrinking it) or `not-certified`, with the reason in `shortestWhy`.
   */
  readonly shortest: Shortest;
  readonly shortestWhy: string;
  /** The trace file: `replay` it, or save it with `writeTrace` for `kafka-spec replay`. */
  readonly trace: Trace;
}

/** What a check found and how much it covered. */
export interface CheckResult {
  /**
   * The engine's verdict, as `kafka-spec check --json` gives it. A verdict without a violation
   * says nothing beyond what was covered: read `complete`, `depth` and `states`.
   */
  readonly verdict: SearchVerdict;
  /** The one sentence `kafka-spec check` ends with: the configuration in Kafka's terms, the verdict and how far it was checked. */
  readonly summary: string;
  /** True when breadth-first search explored every state within the configuration's bounds (the only case the verdict is `holds`). */
  readonly complete: boolean;
  /** Why the search stopped: `exhausted`, `depth`, `time`, `violation`, `runs`, … */
  readonly stopReason: StopReason;
  readonly engine: string;
  /** Breadth-first: every behaviour up to this many steps was explored. Random alone: the longest run. */
  readonly depth: number;
  /** Distinct states visited (breadth-first search's, when both engines ran). */
  readonly states: number;
  readonly transitions: number;
  /** Random runs made, when any were. */
  readonly runs?: number;
  /** Each invariant checked with its verdict: violated, not exercised (with the goals it needs that were never reached), or the engine's word for no violation. */
  readonly invariants: readonly { readonly invariant: string; readonly verdict: string; readonly reason?: string }[];
  /** The violations found, the shortest first when breadth-first search found them. */
  readonly violations: readonly CheckViolation[];
  /** Each reachability goal: how many transitions reached it, and after how few steps. */
  readonly goals: Readonly<Record<string, GoalCoverage>>;
  /** The report `kafka-spec check` prints after its header, for a failing test's message. */
  readonly report: string;
}

/** A whole number of at least `min`, or undefined when absent; throws CheckOptionsError otherwise. */
function count(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CheckOptionsError(oneLine(`${name} must be a whole number from ${min} to ${max.toLocaleString('en')}, got ${typeof value === 'number' ? value : JSON.stringify(value) ?? typeof value}`));
  }
  return value;
}

const ENGINES: readonly CheckEngine[] = ['both', 'exhaustive', 'random'];

/**
 * Checks the invariants of a configuration (`configure`'s result) with the chosen engine, as
 * `kafka-spec check` does with the same options; synchronous, and it may take as long as the
 * time limit. Throws CheckOptionsError for options that cannot be used, ConfigurationError for a
 * configuration that cannot be run. Liveness properties are checked by `kafka-spec check --liveness`.
 */
export function check(config: Configuration, options: CheckOptions = {}): CheckResult {
  // Validated again, so that a configuration made by hand gets one line too.
  const model = kafkaModel(configure(config));
  const engine = options.engine ?? 'both';
  if (!ENGINES.includes(engine)) throw new CheckOptionsError(oneLine(`engine must be both, exhaustive or random, got '${String(engine)}'`));
  const depth = count('depth', options.depth, 0);
  const runs = count('runs', options.runs, 0);
  const maxSteps = count('maxSteps', options.maxSteps, 1, MAX_STEPS_LIMIT) ?? DEFAULT_MAX_STEPS;
  const seed = count('seed', options.seed, 0);
  const workers = count('workers', options.workers, 1, MAX_WORKERS);
  const timeLimitMs = count('timeLimitMs', options.timeLimitMs, 1) ?? defaultTimeLimitMs(engine, { depth, runs });
  const named = options.invariants === undefined ? undefined : [...options.invariants];
  const liveness = (named ?? []).filter((n) => model.liveness?.properties.some((p) => p.name === n));
  if (liveness.length > 0) throw new CheckOptionsError(oneLine(`${liveness.join(', ')}: liveness properties are checked by 'kafka-spec check --liveness', not by check()`));
  let checked: string[];
  try {
    checked = selectInvariants(model, named).map((i) => i.name);
  } catch (e) {
    if (e instanceof UnknownInvariantError) throw new CheckOptionsError(oneLine(e.message));
    throw e;
  }
  const threads = threadsFor(model.config, workers, { randomAlone: seed !== undefined });
  const { result, traces } = searchSafety(model, {
    engine, maxDepth: depth ?? DEFAULT_MAX_DEPTH, timeLimitMs, runs, maxSteps, seed, invariants: named, stopAtFirst: options.first, threads,
    onProgress: options.onProgress,
  });
  return {
    verdict: result.verdict,
    summary: checkSummary(model, result, checked),
    complete: result.complete,
    stopReason: result.stopReason,
    engine: result.stats.engine,
    depth: result.stats.depth,
    states: result.stats.states,
    transitions: result.stats.transitions,
    ...(result.stats.random === undefined ? {} : { runs: result.stats.random.runs }),
    invariants: verdictsOf(model, result.coverage, result.violations, checked, result.complete),
    violations: result.violations.map((v, i) => {
      const { shortest, why } = shortestStatus(result, v);
      return { invariant: v.invariant, statement: v.statement, length: v.length, shortest, shortestWhy: why, trace: traces[i] };
    }),
    goals: result.coverage.goals,
    report: checkText(model, result, checked),
  };
}

/** What replaying a trace found. */
export interface ReplayOutcome {
  /** The configuration replayed under: the recorded one, with `overrides` applied. */
  readonly config: Configuration;
  /** The initial state, then the state after each step replayed (up to the violation or the blocked step). */
  readonly states: readonly ClusterState[];
  /** `violated`: an invariant fails; `blocked`: a step cannot be taken there; `clean`: every step replays and none fails. */
  readonly outcome: 'violated' | 'blocked' | 'clean';
  /** The invariant that fails, and after which step (0: in the initial state). */
  readonly violation?: { readonly invariant: string; readonly statement: string; readonly step: number };
  /** The step (1-based) that cannot be taken, and whether it is not enabled or goes past the bounds. */
  readonly blocked?: { readonly step: number; readonly action: string; readonly pastBounds: boolean };
  /** A lasso's replay (a liveness violation, replayed without overrides): whether it is still a fair cycle that never settles. */
  readonly lasso?: LassoVerdict;
  /** The trace records a violation and replaying it violates the same invariant after the same step (a lasso: it is still a lasso). */
  readonly reproduced: boolean;
}

/**
 * Replays a trace (`check`'s, `parseTrace`'s, or its JSON text) step by step under its recorded
 * configuration, or under it changed by `overrides` (`protocol` replaces the recorded switches
 * with that version's; any other key is set), as `kafka-spec replay` and `replay --protocol/--set`
 * do: without overrides the invariant the trace records is checked (every invariant when it
 * records none), with overrides every invariant. A step that cannot be taken is an outcome
 * (`blocked`), not an error. Throws TraceError for a trace that is not one of this model,
 * ConfigurationError for overrides that cannot be run, ReplayError for a lasso whose steps do not
 * replay.
 */
export function replay(trace: Trace | string, overrides?: Settings): ReplayOutcome {
  const t = parseTrace(trace);
  if (t.model !== MODEL_NAME) throw new TraceError(oneLine(`trace: a trace of model '${t.model}', not '${MODEL_NAME}'`));
  let recorded;
  try {
    recorded = configOfRecord(t.config);
  } catch (e) {
    if (e instanceof ConfigError) throw new TraceError(oneLine(`trace: config: ${e.message}`));
    throw e;
  }
  const changed = overrides !== undefined && Object.keys(overrides).length > 0;
  const config = changed ? retargeted(recorded, overrides) : Object.freeze(recorded);
  const model = kafkaModel(config);
  if (t.lasso !== undefined && !changed) {
    if (t.violation === undefined) throw new TraceError('trace: a lasso must name the liveness property it violates (violation.invariant)');
    const { states, lasso } = replayLasso(model, t.steps, t.lasso.cycleStart, t.violation.invariant);
    const violation = lasso.violates ? { invariant: lasso.property, statement: lasso.statement, step: t.steps.length } : undefined;
    return { config, states, outcome: lasso.violates ? 'violated' : 'clean', ...(violation ? { violation } : {}), lasso, reproduced: lasso.violates };
  }
  let r;
  try {
    r = retarget(model, t.steps, changed || t.violation === undefined ? undefined : [t.violation.invariant]);
  } catch (e) {
    if (e instanceof UnknownInvariantError) throw new TraceError(oneLine(`trace: ${e.message}`));
    throw e;
  }
  const violation = r.outcome === 'violated' ? { invariant: r.invariant, statement: r.statement, step: r.step } : undefined;
  const blocked = r.outcome === 'blocked' ? { step: r.step, action: r.action, pastBounds: r.pastBounds } : undefined;
  const reproduced = violation !== undefined && t.violation !== undefined && violation.invariant === t.violation.invariant && violation.step === t.violation.step;
  return { config, states: r.states, outcome: r.outcome, ...(violation ? { violation } : {}), ...(blocked ? { blocked } : {}), reproduced };
}

/** Reads a trace from its JSON text, or from an object (`JSON.parse`'s, say); throws TraceError with one line naming where it is wrong. */
export function parseTrace(json: string | object): Trace {
  return parseTraceText(typeof json === 'string' ? json : JSON.stringify(json));
}

/** A trace as the JSON text of a trace file (two-space indented, ending in a newline), as `kafka-spec check --out` writes it. */
export function stringifyTrace(trace: Trace): string {
  return `${JSON.stringify(parseTrace(trace), null, 2)}\n`;
}

/** Reads and checks a trace file; throws TraceError with one line when it cannot be read or is not a trace. */
export function readTrace(file: string): Trace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TraceError(oneLine(`cannot read trace '${file}'`));
  }
  return parseTraceText(text, file);
}

/** Writes a trace file that `kafka-spec replay` and `readTrace` read. */
export function writeTrace(file: string, trace: Trace): void {
  writeFileSync(file, stringifyTrace(trace));
}

/** The names a user needs: invariants, liveness properties, goals, protocol versions, switches, settings, bounds, defaults. */
export type Catalog = ReturnType<typeof catalog>;

/** What `kafka-spec list --json` gives: every invariant, goal, protocol version, switch, setting and bound, and the defaults. */
export { catalog };
export type { DeclaredKey } from './catalog.ts';
