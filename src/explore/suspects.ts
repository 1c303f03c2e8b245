/**
 * From a suspect to a lasso. A fair run that never settled a property is only a suspect: its
 * cycle, if it has one, was never closed. Here each suspect is taken back to the state where its
 * faults stopped, and the liveness graph is built from that state with faults stopped for good:
 * only fair and unfair steps are taken from there. That graph is far smaller than the graph from
 * the initial state (no faults branch it), so it is often complete where the whole graph is out of
 * reach.
 *
 * A lasso found there is a lasso of the whole model: its prefix is the run's steps up to where
 * the faults stopped and then a stem of fair and unfair steps; its cycle holds no fault, as every
 * lasso's, and is weakly fair as the liveness checker judges it (a fault is never owed, so leaving
 * faults out changes no step's fairness). A graph from a suspect that is complete and has no
 * lasso proves only that this run's faults leave the property to settle, nothing more.
 */
import type { Action, Model } from '../model.ts';
import { faultStepsOf, type FairRunOptions, type FairRunsResult } from './fair-runs.ts';
import { PrefixError, startOf } from './liveness-from.ts';
import { exploreLiveness, fairnessOf, type Lasso, type LivenessOptions } from './liveness.ts';
import type { SearchLimitOptions } from './result.ts';

export interface SuspectOptions extends Pick<SearchLimitOptions, 'maxMemoryBytes'>, Pick<FairRunOptions, 'faultSteps' | 'from'> {
  /** The time for every suspect together, shared equally among those tried; absent: each graph to its bounds. */
  readonly timeLimitMs?: number;
  /**
   * Each suspect's graph stops past this many states (default 200,000: a graph without faults
   * that grows past it is not the small one a suspect usually gives, and the next suspect may be).
   */
  readonly maxStates?: number;
  /** Suspects tried per property, in the order the runs flagged them (default 3). */
  readonly perProperty?: number;
  readonly maxDepth?: number;
}

/** One suspect taken to a graph: how big the graph grew and whether it gave a lasso. */
export interface SuspectTried {
  readonly property: string;
  readonly seed: number;
  /** Steps before the faults stopped, `from` included. */
  readonly faultSteps: number;
  readonly states: number;
  readonly complete: boolean;
  readonly lasso: boolean;
}

export interface SuspectLassos<A extends Action> {
  readonly lassos: Lasso<A>[];
  readonly tried: readonly SuspectTried[];
  readonly elapsedMs: number;
}

const SUSPECT_STATES = 200_000;

/** The model with its faults left out: the steps that remain once faults stop. */
function withoutFaults<S, A extends Action>(model: Model<S, A>): Model<S, A> {
  const fairness = fairnessOf(model);
  return { ...model, enabled: (s) => model.enabled(s).filter((a) => fairness(s, a) !== 'fault') };
}

/** For each property the fair runs left unsettled, a lasso looked for from its first suspects, until one is found. */
export function lassosFromSuspects<S, A extends Action>(
  model: Model<S, A>, fair: FairRunsResult, options: SuspectOptions = {},
): SuspectLassos<A> {
  const started = Date.now();
  const perProperty = options.perProperty ?? 3;
  const todo = fair.verdicts.flatMap((v) => v.suspects.slice(0, perProperty).map((seed) => ({ property: v.property, seed })));
  const faultless = withoutFaults(model);
  const lassos: Lasso<A>[] = [];
  const tried: SuspectTried[] = [];
  for (let i = 0; i < todo.length; i++) {
    const { property, seed } = todo[i];
    if (lassos.some((l) => l.property === property)) continue;
    const left = options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (Date.now() - started);
    if (left !== undefined && left <= 0) break;
    const steps = faultStepsOf(model, { faultSteps: options.faultSteps ?? fair.faultSteps, from: options.from }, seed);
    const limits = {
      properties: [property], maxDepth: options.maxDepth, maxStates: options.maxStates ?? SUSPECT_STATES, maxMemoryBytes: options.maxMemoryBytes,
      timeLimitMs: left === undefined ? undefined : left / (todo.length - i),
    };
    const graph = exploreLiveness({ ...faultless, initial: startOf(model, steps).state }, limits);
    const found = graph.lassos.find((l) => l.property === property);
    tried.push({ property, seed, faultSteps: steps.length, states: graph.stats.states, complete: graph.complete, lasso: found !== undefined });
    if (found === undefined) continue;
    const kept = options.from?.length ?? 0;
    const deadline = options.timeLimitMs === undefined ? Infinity : started + options.timeLimitMs;
    // Each graph of the shortening is kept to a few times the first one's size: a shorter prefix
    // whose graph is much larger costs more than the steps it saves are worth.
    const small = { ...limits, timeLimitMs: undefined, maxStates: Math.min(limits.maxStates, Math.max(10_000, 20 * graph.stats.states)) };
    const short = shorten(model, faultless, { lasso: { ...found, prefix: [...steps, ...found.prefix] }, steps }, kept, small, deadline);
    lassos.push({ ...short.lasso, fromSuspect: { seed, runSteps: short.steps.length } });
  }
  return { lassos, tried, elapsedMs: Date.now() - started };
}

/** A lasso and the run's steps it starts from (before its faults stopped). */
interface FromSteps<A extends Action> {
  readonly lasso: Lasso<A>;
  readonly steps: readonly A[];
}

/**
 * A shorter lasso from the same suspect than `found`: each of its fault-phase steps after the
 * first `kept` dropped in turn, last first, and the drop kept when the steps left can still be
 * taken and the graph from where they lead still has a lasso (a random run's faults are mostly
 * noise). The lasso from the fewest steps, and those steps.
 */
function shorten<S, A extends Action>(
  model: Model<S, A>, faultless: Model<S, A>, found: FromSteps<A>, kept: number, options: LivenessOptions, deadline: number,
): FromSteps<A> {
  const property = options.properties![0];
  const lassoFrom = (candidate: readonly A[]): Lasso<A> | undefined => {
    let start;
    try {
      start = startOf(model, candidate);
    } catch (e) {
      if (e instanceof PrefixError) return undefined;
      throw e;
    }
    const l = exploreLiveness({ ...faultless, initial: start.state }, options).lassos.find((x) => x.property === property);
    return l === undefined ? undefined : { ...l, prefix: [...start.steps, ...l.prefix] };
  };
  let { lasso: best, steps: current } = found;
  for (let i = current.length - 1; i >= kept && Date.now() < deadline; i--) {
    const candidate = [...current.slice(0, i), ...current.slice(i + 1)];
    const l = lassoFrom(candidate);
    if (l !== undefined) [current, best] = [candidate, l];
  }
  return { lasso: best, steps: current };
}
