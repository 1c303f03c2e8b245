/**
 * The result of `kafka-spec check`, for people and for programs: the verdict, each counterexample
 * (replayed and drawn as text), how much each engine explored, the reachability goals reached and
 * the kinds of step never taken. The JSON form leaves wall-clock figures out unless asked, so the
 * same seeded, bounded check prints the same bytes on every run.
 */
import type { Action, Model } from '../model.ts';
import { endsTheCheck, possibleStepKinds, stepKindsNeverTaken, verdictsOf, type CombinedResult, type ExploreResult, type Progress, type SplitReport } from '../explore/index.ts';
import { replay } from '../trace/replay.ts';
import type { Trace } from '../trace/schema.ts';
import { renderTraceText } from './text.ts';
import { type LateDeliveries, lateDeliveries } from './late.ts';
import { checkSummary, extentPhrase, phasesOf, plural, shortestStatus } from './verdict.ts';

/** The engines `check` runs: both (at once on two threads or more, else breadth-first then random runs), or one of them. */
export type CheckEngine = 'both' | 'exhaustive' | 'random';

/** A model to report on: any model behind the seam (its configuration, if it has one, is shown). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, Action>;
type Result = ExploreResult<Action>;
type Phases = NonNullable<ReturnType<typeof phasesOf>>;

const ENGINE_TITLES: Record<CheckEngine, string> = {
  both: 'breadth-first and random runs', exhaustive: 'exhaustive, breadth-first', random: 'random runs',
};

/** The first lines of a human report: the engine (or what is checked) and the configuration. */
export function checkHeader(engine: CheckEngine | 'liveness', model: AnyModel): string {
  const title = engine === 'liveness' ? 'liveness under fairness, on the breadth-first graph' : ENGINE_TITLES[engine];
  return [`kafka-spec check (${title})`, ...(model.presentation?.configuration?.lines ?? []).map((l) => `  ${l}`)].join('\n');
}

/** One line of progress while an engine runs. */
export function progressLine(p: Progress): string {
  const runs = p.runs === undefined ? '' : `${p.runs.toLocaleString('en')} runs, `;
  return `  … ${runs}${p.states.toLocaleString('en')} states, ${p.transitions.toLocaleString('en')} transitions, depth ${p.depth}, ${(p.elapsedMs / 1000).toFixed(0)} s`;
}

export interface CheckJsonOptions {
  /** Include what depends on the machine: the wall-clock figures (`elapsedMs`), which differ from run to run, and the threads used. */
  readonly timings?: boolean;
  /** The invariants checked (default: all of the model's). */
  readonly checked?: readonly string[];
  /** Where the first trace was written, named in the summary. */
  readonly out?: string;
}

/**
 * The machine-readable result: verdict (`holds` only for a complete search, `no-violation-found`
 * otherwise), the closing sentence (`summary`), configuration, each property's verdict,
 * violations with their traces (`traces[i]` is the trace file of `r.violations[i]`), whether
 * each is known to be shortest and the late deliveries it needs, what was explored and the coverage.
 */
export function checkJson(model: AnyModel, r: Result, traces: readonly Trace[], options: CheckJsonOptions = {}): unknown {
  // The clock and the threads used depend on the machine, so they are shown only when asked for.
  const machine = (stats: Result['stats']) => (options.timings === true ? { elapsedMs: stats.elapsedMs, ...(stats.threads === undefined ? {} : { threads: stats.threads }) } : {});
  const phases = phasesOf(r);
  const checked = options.checked ?? model.invariants.map((i) => i.name);
  const verdicts = verdictsOf(model, r.coverage, r.violations, checked, r.complete);
  return {
    verdict: r.verdict,
    summary: checkSummary(model, r, checked, options.out),
    ...(r.verdict === 'violated' ? {} : { extent: extentPhrase(r) }),
    config: model.presentation?.configuration?.values ?? null,
    invariants: verdicts,
    notExercised: verdicts.filter((v) => v.verdict === 'not-exercised').length,
    violations: r.violations.map((v, i) => ({
      invariant: v.invariant, ...anomalyOf(model, v.invariant), step: v.length, length: v.length, certifiedMinimal: v.certifiedMinimal ?? null, ...shortestJson(r, v), ...(v.fewest === undefined ? {} : { fewest: v.fewest }),
      ...(v.seed === undefined ? {} : { seed: v.seed, path: v.path, shrunkFrom: v.shrunkFrom }), ...foundJson(v, options.timings === true), ...lateJson(model, v), trace: traces[i],
    })),
    stats: { engine: r.stats.engine, steps: r.stats.transitions, states: r.stats.states, ...capped(r), depth: r.stats.depth,
      runs: r.stats.random?.runs, ...guidedOf(r), ...machine(r.stats),
      ...(r.stats.breadthFirst?.split === undefined ? {} : { split: r.stats.breadthFirst.split }),
      ...(options.timings === true && r.stats.random?.firstFoundMs !== undefined ? { firstFoundMs: r.stats.random.firstFoundMs } : {}),
      complete: r.complete, stopReason: r.stopReason,
      ...(phases === null ? {} : { phases: phasesJson(phases, machine) }) },
    coverage: Object.fromEntries(Object.entries(r.coverage.goals).map(([k, g]) => [k, g.count])),
    stepCoverage: stepCoverage(model, r),
  };
}

/** `{ lateDeliveries }` counted along the counterexample when the model classifies them (src/report/late.ts); nothing otherwise. */
function lateJson(model: AnyModel, v: Result['violations'][number]): { lateDeliveries?: LateDeliveries } {
  if (model.presentation?.views?.late === undefined) return {};
  const { states } = replay(model, v.trace, { invariants: [v.invariant] });
  return { lateDeliveries: lateDeliveries(model, v.trace, states)! };
}

/** `{ foundBy }`: the engine that found the violation (random: the seed and the run), and with `timings` when; nothing when not recorded. */
function foundJson(v: Result['violations'][number], timings: boolean): { foundBy?: unknown } {
  if (v.found === undefined) return {};
  const { atMs, ...which } = v.found;
  return { foundBy: { ...which, ...(timings ? { atMs } : {}) } };
}

/** Which engine found a violation and when, in words: `found by random runs (seed 7, run 412) after 0.8 s`. */
function foundWords(v: Result['violations'][number]): string {
  const f = v.found;
  if (f === undefined) return '';
  const by = f.engine === 'breadth-first' ? 'breadth-first search' : `random runs (seed ${f.seed}, run ${f.run.toLocaleString('en')})`;
  return `Found by ${by} after ${(f.atMs / 1000).toFixed(1)} s.`;
}

/** `{ shortest, shortestWhy }`: whether a counterexample is known to be shortest (breadth-first, certified or not), and why. */
function shortestJson(r: Result, v: Result['violations'][number]): { shortest: string; shortestWhy: string } {
  const { shortest, why } = shortestStatus(r, v);
  return { shortest, shortestWhy: why };
}

/** `{ anomaly }` when the invariant names the well-known anomaly its violation is, nothing otherwise. */
function anomalyOf(model: AnyModel, invariant: string): { anomaly?: string } {
  const anomaly = model.invariants.find((i) => i.name === invariant)?.anomaly;
  return anomaly === undefined ? {} : { anomaly };
}

/**
 * How many checked properties were exercised, and each one that was not, with the goals it needs
 * that were never reached: a pass that never reached them says nothing about the property.
 */
function exerciseLines(model: AnyModel, r: Result, checked: readonly string[]): string[] {
  const idle = verdictsOf(model, r.coverage, r.violations, checked, r.complete).filter((v) => v.verdict === 'not-exercised');
  const head = `${checked.length} checked, ${idle.length} not exercised${idle.length === 0 ? '.' : ' (a goal each needs was never reached, so they pass vacuously):'}`;
  return [head, ...idle.map((v) => `  ${v.invariant.padEnd(28)} needs ${v.reason}`)];
}

/** `{ guided }` (sketches met, runs resumed) when random runs were guided by the model's sketches; nothing otherwise. */
function guidedOf(r: Result): { guided?: { sketches: number; resumedRuns: number } } {
  return r.stats.random?.guided === undefined ? {} : { guided: { ...r.stats.random.guided } };
}

/** `statesCapped: true` when `states` is a lower bound (random runs stop counting past a cap); nothing otherwise. */
function capped(r: Result): { statesCapped?: true } {
  return r.stats.random?.statesCapped === true ? { statesCapped: true } : {};
}

function phasesJson(phases: Phases, machine: (stats: Result['stats']) => object): unknown {
  const phase = (p: Result) => ({
    steps: p.stats.transitions, states: p.stats.states, ...capped(p), depth: p.stats.depth, runs: p.stats.random?.runs, ...guidedOf(p), ...machine(p.stats),
    // With the wall-clock figures: when the random runs' first failing run ended, on their own clock.
    ...('elapsedMs' in machine(p.stats) && p.stats.random?.firstFoundMs !== undefined ? { firstFoundMs: p.stats.random.firstFoundMs } : {}),
    stopReason: p.stopReason, violations: p.violations.map((v) => v.invariant),
  });
  // The random runs stopped when breadth-first search ended the check depend on the clock: shown with the other timings only.
  const leftOut = phases.leftOut !== undefined && 'elapsedMs' in machine(phases.leftOut.stats) ? { randomLeftOut: phase(phases.leftOut) } : {};
  return { exhaustive: phase(phases.exhaustive), random: phases.random === null ? null : phase(phases.random), ...leftOut, ...(phases.together ? { together: true } : {}) };
}

/** Transitions by kind of step, with 0 for each kind that can happen here but was never taken. */
function stepCoverage(model: AnyModel, r: Result): Record<string, number> {
  return { ...Object.fromEntries(possibleStepKinds(model).map((k) => [k, 0])), ...r.coverage.steps };
}

/** Which kinds of step were never taken, and which cannot happen here (grouped by reason). */
function stepLines(model: AnyModel, r: Result): string[] {
  const kinds = Object.entries(model.presentation?.stepKinds ?? {});
  if (kinds.length === 0) return [];
  const possible = possibleStepKinds(model);
  const never = stepKindsNeverTaken(model, r.coverage);
  const byReason = new Map<string, string[]>();
  for (const [k, why] of kinds) if (why !== null) byReason.set(why, [...(byReason.get(why) ?? []), k]);
  return [
    '',
    never.length === 0
      ? `Every kind of step that can happen here was taken (${possible.length} kinds).`
      : `Kinds of step never taken (${never.length} of the ${possible.length} that can happen here): ${never.join(', ')}.`,
    ...[...byReason].map(([why, ks]) => `  cannot happen here (${why}): ${ks.join(', ')}`),
  ];
}

/** What one engine explored, in words. */
function scopeOf(r: Result): string {
  const s = r.stats;
  const split = s.breadthFirst?.split;
  const { runs = 0, guided: g, firstFoundMs } = s.random ?? {};
  const guided = g === undefined ? ''
    : ` (${g.resumedRuns.toLocaleString('en')} resuming a run kept for meeting one of ${g.sketches.toLocaleString('en')} state sketches first)`;
  const scope = s.engine === 'exhaustive'
    ? `${s.states.toLocaleString('en')} distinct states, ${s.transitions.toLocaleString('en')} transitions, all behaviours up to depth ${s.depth}` +
      (r.stopReason === 'time' || r.stopReason === 'states' || r.stopReason === 'memory' ? ` and some of depth ${s.depth + 1}` : '') + shareOf(split)
    : `${runs.toLocaleString('en')} random runs${guided}, ${s.transitions.toLocaleString('en')} steps, ${distinctOf(s)}, runs up to ${s.depth} steps`;
  const certifying = r.violations.some((v) => v.certification !== undefined && v.certification.alongside !== true) ? ' and certifying' : '';
  const found = firstFoundMs === undefined ? '' : `; the first failing run ended after ${(firstFoundMs / 1000).toFixed(1)} s, then shrinking${certifying}`;
  const threads = s.threads === undefined ? '' : ` on ${s.threads} threads`;
  const stop = r.stopReason === 'exhausted' && split !== undefined && split.at !== null ? 'every state this shard reaches within the bounds was explored' : STOPS[r.stopReason];
  return `${scope} in ${(s.elapsedMs / 1000).toFixed(1)} s${threads} (${stop}${found})`;
}

/** What part of the whole search a breadth-first shard made, in words; nothing for the whole search. */
function shareOf(split: SplitReport | undefined): string {
  if (split === undefined) return '';
  const shard = `shard ${split.index} of ${split.count}`;
  if (split.at === null) return ` (${shard}, not split: no level it reached was large enough, so this is the whole search's)`;
  const { depth, levelStates, from, to } = split.at;
  return `, those longer than ${depth} step${depth === 1 ? '' : 's'} through this ${shard}'s ${(to - from).toLocaleString('en')} of the ${levelStates.toLocaleString('en')} states at depth ${depth}` +
    ' (merge the shards\' outputs for the whole search)';
}

/** Random runs' distinct states: exact, or a lower bound once counting stopped to bound memory. */
function distinctOf(s: Result['stats']): string {
  return s.random?.statesCapped === true
    ? `at least ${s.states.toLocaleString('en')} distinct states (counting stops there to bound memory)`
    : `${s.states.toLocaleString('en')} distinct states`;
}

function combinedLines({ exhaustive, random, together, leftOut }: Phases): string[] {
  const lines = [`Explored breadth-first: ${scopeOf(exhaustive)}.`];
  if (together && random !== null) {
    lines.push(`At the same time at random: ${scopeOf(random)}.`);
  } else if (together && endsTheCheck(exhaustive)) {
    const done = exhaustive.stopReason === 'memory' ? 'stopped at the memory limit, which ends the search' : 'was done';
    const far = leftOut === undefined ? '' : ` (${plural(leftOut.stats.random?.runs ?? 0, 'run')}, ${plural(leftOut.stats.transitions, 'step')} in ${(leftOut.stats.elapsedMs / 1000).toFixed(1)} s; --json shows them with --timings)`;
    lines.push(`Random runs ran beside it until it ${done}${far}; they are left out of the verdict and the counts, which are then the same on every run.`);
  } else if (together) {
    lines.push('No random runs: their thread did not answer in time.');
  } else if (random !== null) {
    const skipped = exhaustive.violations.length > 0 ? ' (on the invariants not already violated)' : '';
    lines.push(`Then at random${skipped}: ${scopeOf(random)}.`);
  } else if (exhaustive.stopReason === 'memory') {
    lines.push('No random runs: the breadth-first phase stopped at the memory limit.');
  } else if (!exhaustive.complete) {
    lines.push('No random runs: the breadth-first phase already stopped at its first violation or violated every invariant checked.');
  }
  return lines;
}

const STOPS: Record<string, string> = {
  exhausted: 'every reachable state within the bounds was explored',
  depth: 'stopped at the depth limit',
  time: 'stopped at the time limit',
  states: 'stopped at the state limit',
  memory: 'stopped at the memory limit',
  runs: 'all runs done',
  violation: 'stopped at the first violation',
  stopped: 'stopped when the other engine was done',
};

/**
 * The human report after the header: what was explored, each counterexample step by step, the
 * verdict (naming the invariants checked when `checked` is not all of them), the goals reached
 * and the kinds of step never taken. `out` is where the first trace was written, if anywhere.
 */
export function checkText(model: AnyModel, r: Result, checked: readonly string[], out?: string): string {
  const phases = phasesOf(r);
  const lines = phases === null ? [`Explored ${scopeOf(r)}.`] : combinedLines(phases);
  for (const v of r.violations) {
    const minimal = lengthWords(r, v);
    const shrunk = v.shrunkFrom === undefined ? '' : `; shrunk from ${plural(v.shrunkFrom, 'step')}`;
    const fewest = v.fewest === undefined ? '' : `; spends ${v.fewest.spent} ${v.fewest.budget}, ${v.fewest.proven ? 'the fewest any counterexample spends' : 'fewer not ruled out'}, and is a shortest among those spending at most that`;
    const anomaly = anomalyOf(model, v.invariant).anomaly;
    const found = foundWords(v);
    lines.push('', `VIOLATED ${v.invariant}${anomaly === undefined ? '' : ` (${anomaly})`}: ${v.statement}`, `Counterexample: ${plural(v.length, 'step')}${minimal}${shrunk}${fewest}`,
      ...(found === '' ? [] : [found]), '');
    const replayed = replay(model, v.trace, { invariants: [v.invariant] });
    lines.push(renderTraceText(model, v.trace, replayed.states, replayed.violation));
    if (out !== undefined) lines.push('', `Trace written to ${out}; replay it with: kafka-spec replay ${out}`);
  }
  if (r.verdict !== 'violated') {
    const which = checked.length === model.invariants.length ? `${checked.length} checked`
      : `checked ${checked.join(', ')}; ${model.invariants.length - checked.length} others not checked`;
    lines.push(r.verdict === 'holds'
      ? `Holds: no invariant violated (${which}), every reachable state within the bounds explored.`
      : `No violation found (${which}), which is not a proof: the search was not complete.`);
  }
  lines.push(...exerciseLines(model, r, checked));
  lines.push('', 'Reachability goals (transitions that reached each):');
  for (const [name, g] of Object.entries(r.coverage.goals)) {
    lines.push(`  ${name.padEnd(28)} ${g.count === 0 ? 'NOT REACHED' : `${g.count.toLocaleString('en')} (earliest after ${plural(g.firstDepth ?? 0, 'step')})`}`);
  }
  for (const [name, why] of Object.entries(model.presentation?.goalsImpossible ?? {})) lines.push(`  ${name.padEnd(28)} cannot happen here: ${why}`);
  lines.push(...stepLines(model, r));
  if (r.verdict !== 'violated' && Object.values(r.coverage.goals).some((g) => g.count === 0)) {
    lines.push('', 'Goals marked NOT REACHED are states this search never visited, so the pass says nothing about them;',
      r.stats.engine === 'exhaustive'
        ? 'look deeper with --engine both or random (runs of up to --max-steps) or a longer --time-limit.'
        : 'look deeper with a longer --time-limit or --max-steps, or wider bounds (--set maxLeaderChanges=3, …).');
  }
  lines.push('', checkSummary(model, r, checked, out));
  return lines.join('\n');
}

/** How short a counterexample is known to be, after its length: shortest by breadth-first search, certified, or not and why. */
function lengthWords(r: Result, v: Result['violations'][number]): string {
  if (v.fewest !== undefined) return '';
  const { shortest, why } = shortestStatus(r, v);
  return shortest === 'breadth-first' ? ' (shortest: breadth-first)'
    : shortest === 'certified' ? ` (certified shortest: ${why})`
    : ` (not certified shortest: ${why})`;
}
