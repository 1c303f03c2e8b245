/**
 * The result of a liveness check (`kafka-spec check` naming liveness properties), for people and
 * for programs: how much of the graph was explored (and whether all of it: "holds" only then, "no
 * lasso found" otherwise), each lasso found, replayed and drawn with its cycle marked, and the
 * sentence the check ends with.
 */
import type { Action, Model } from '../model.ts';
import type { Lasso, LivenessResult } from '../explore/liveness.ts';
import type { SuspectLassos } from '../explore/suspects.ts';
import type { FairRunsResult } from '../explore/fair-runs.ts';
import { replayLasso } from '../trace/replay.ts';
import { makeTrace, type Trace } from '../trace/schema.ts';
import { renderTraceText } from './text.ts';
import { configPhrase, plural } from './verdict.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, Action>;
/** A liveness result, from the initial state or (`fromSteps`) from the end of given steps. */
type Result = LivenessResult<Action> & { readonly fromSteps?: number };

const STOPS: Record<string, string> = {
  exhausted: 'the whole graph within the bounds',
  depth: 'stopped at the depth limit',
  time: 'stopped at the time limit',
  states: 'stopped at the state limit',
  memory: 'stopped at the memory limit',
};

/** Where the graph starts, in words: `after the 14 steps of kip.json`, or nothing from the initial state. */
function startWords(r: Result, from: string | undefined): string {
  return (r.fromSteps ?? 0) === 0 && from === undefined ? '' : ` from the state after the ${r.fromSteps} steps of ${from ?? 'the given prefix'}`;
}

/** Where a lasso from a fair run's suspect came from, in words. */
function suspectWords(from: NonNullable<Lasso<Action>['fromSuspect']>, prefix: number): string {
  return `from fair run ${from.seed}, which never settled: ${plural(from.runSteps, 'step')} of that run before its faults stopped, ` +
    `then ${prefix - from.runSteps} more without faults, the fewest from there: not known to be the shortest prefix`;
}

/** What was explored, in words. */
export function livenessScope(r: Result, from?: string): string {
  const s = r.stats;
  const cut = s.statesWithCutFairStep === 0 ? ''
    : `; in ${s.statesWithCutFairStep.toLocaleString('en')} states a fair step went past the bounds, so no cycle through them counts`;
  return `${s.states.toLocaleString('en')} distinct states${startWords(r, from)}, ${s.transitions.toLocaleString('en')} edges, depth ${s.depth}, ` +
    `${s.bytesPerState} bytes of graph per state, in ${(s.elapsedMs / 1000).toFixed(1)} s (${STOPS[r.stopReason] ?? r.stopReason})${cut}`;
}

/** What `livenessText` may add: the trace the graph starts after, and fair runs made where the graph was not complete. */
export interface LivenessTextOptions {
  readonly out?: string;
  readonly from?: string;
  readonly fairRuns?: FairRunsResult;
  /** The graphs built from the fair runs' suspects, when there were any. */
  readonly suspects?: SuspectLassos<Action>;
}

/** The human report: the scope, each lasso step by step, then the verdict on every property checked. */
export function livenessText(model: AnyModel, r: Result, options: LivenessTextOptions = {}): string {
  const { out, from } = options;
  const lines = [`Explored under weak fairness, faults stopping: ${livenessScope(r, from)}.`];
  for (const l of r.lassos) {
    const steps = [...l.prefix, ...l.cycle];
    const { states } = replayLasso(model, steps, l.prefix.length, l.property);
    const how = l.fromSuspect !== undefined ? suspectWords(l.fromSuspect, l.prefix.length)
      : (r.fromSteps ?? 0) === 0 ? 'shortest prefix: breadth-first' : `the ${r.fromSteps} given steps, then ${l.prefix.length - r.fromSteps!} more, the fewest: breadth-first`;
    const shape = `${plural(l.prefix.length, 'step')} (${how}), then ${l.cycle.length === 0 ? 'no fair step is enabled' : `a cycle of ${l.cycle.length}`}`;
    lines.push('', `VIOLATED ${l.property}: ${l.statement}`, `Lasso: ${shape}`, '');
    lines.push(renderTraceText(model, steps, states, { invariant: l.property, statement: l.statement, step: steps.length }, { cycleStart: l.prefix.length }));
    if (out !== undefined && l === r.lassos[0]) lines.push('', `Trace written to ${out}; replay it with: kafka-spec replay ${out}`);
  }
  const violated = new Set(r.lassos.map((l) => l.property));
  const ok = r.checked.filter((p) => !violated.has(p));
  if (ok.length > 0) {
    const whose = (r.fromSteps ?? 0) === 0 ? 'of the whole bounded graph' : `after the ${r.fromSteps} given steps, over the whole bounded graph from there,`;
    lines.push('', r.complete
      ? `Holds: ${ok.join(', ')} (every fair behaviour ${whose} settles again and again).`
      : `No lasso found for ${ok.join(', ')} in the part of the graph explored; the graph was not complete, so this is not a proof.`);
  }
  if (options.fairRuns !== undefined) lines.push('', fairRunsText(options.fairRuns));
  if (options.suspects !== undefined && options.suspects.tried.length > 0) lines.push(suspectsText(options.suspects));
  lines.push('', livenessSummary(model, r, options));
  return lines.join('\n');
}

/**
 * The sentence a liveness check ends with: the configuration in Kafka's terms, then the verdict
 * with its extent (a lasso and its length; holds on the complete graph; or no lasso found in the
 * part explored, which proves nothing about the rest).
 */
export function livenessSummary(model: AnyModel, r: Result, options: LivenessTextOptions = {}): string {
  const from = (r.fromSteps ?? 0) === 0 ? '' : ` after the ${plural(r.fromSteps!, 'step')} of ${options.from ?? 'the given prefix'}`;
  const head = `${configPhrase(model)}${from}`;
  if (r.lassos.length > 0) {
    const l = r.lassos[0];
    const others = r.lassos.length === 1 ? '' : ` (${plural(r.lassos.length - 1, 'other property', 'other properties')} also fail)`;
    const cycle = l.cycle.length === 0 ? 'then no fair step is enabled' : `then a fair cycle of ${plural(l.cycle.length, 'step')} repeats`;
    const where = options.out === undefined ? '' : `; trace in ${options.out}`;
    const which = l.fromSuspect === undefined ? 'the shortest prefix' : `a prefix from fair run ${l.fromSuspect.seed}, not known to be the shortest`;
    return `${head}: ${l.property} fails for ever after ${plural(l.prefix.length, 'step')}, ${cycle} (${which}${where})${others}.`;
  }
  const subject = r.checked.length === 1 ? `${r.checked[0]} holds` : `${r.checked.join(', ')} hold`;
  const states = plural(r.stats.states, 'state');
  const sampled = options.fairRuns === undefined || options.fairRuns.runs === 0 ? ''
    : `; ${plural(options.fairRuns.runs, 'random fair run')} add evidence, not proof`;
  return r.complete
    ? `${head}: ${subject} in every fair behaviour once faults stop (the whole bounded graph, ${states}).`
    : `${head}: no lasso found for ${r.checked.join(', ')} in the graph explored (${states}, up to depth ${r.stats.depth}); the graph was not complete, so not proven${sampled}.`;
}

/** Fair runs in words: evidence, never proof; a run that never settles is a suspect, given with its seed. */
export function fairRunsText(f: FairRunsResult): string {
  if (f.runs === 0) return 'Random fair runs: none, the time limit was spent on the graph.';
  const cut = f.interrupted ? ' (the time limit stopped them)' : '';
  const lines = [`Random fair runs, evidence and not proof: ${f.runs.toLocaleString('en')} runs${cut}, each up to ${f.faultSteps} steps in which faults may happen, ` +
    `then ${f.fairSteps} weakly fair steps without faults (seeds ${f.seed}-${f.seed + Math.max(0, f.runs - 1)}).`];
  for (const v of f.verdicts) {
    if (v.suspects.length === 0) {
      lines.push(`  ${v.property}: settled again in all ${f.runs.toLocaleString('en')} runs.`);
      continue;
    }
    const shown = v.suspects.slice(0, 10).join(', ') + (v.suspects.length > 10 ? ', …' : '');
    lines.push(`  ${v.property}: settled again in ${v.settled.toLocaleString('en')} of ${f.runs.toLocaleString('en')} runs; ` +
      `suspects (never settled in the last quarter of their fair steps; not counterexamples, a lasso needs a cycle): seeds ${shown}.`);
  }
  return lines.join('\n');
}

/** The suspects taken to a graph of their own, in words. */
export function suspectsText(s: SuspectLassos<Action>): string {
  const each = s.tried.map((t) => `run ${t.seed} (${t.property}): ${plural(t.states, 'state')}${t.complete ? ', complete' : ', not complete'}, ` +
    (t.lasso ? 'a lasso' : 'no lasso'));
  return `  From where a suspect's faults stopped, faults left out: ${each.join('; ')}.`;
}

/** The trace file of a lasso. */
export function lassoTrace(model: AnyModel, l: LivenessResult<Action>['lassos'][number]): Trace {
  const steps = [...l.prefix, ...l.cycle];
  return makeTrace({
    model: model.name, config: { ...(model.presentation?.configuration?.values ?? {}) }, steps,
    violation: { invariant: l.property, statement: l.statement, step: steps.length }, lasso: { cycleStart: l.prefix.length },
  });
}

/** The machine-readable result; `fromSteps` and `fairRuns` only when the check started after given steps or made fair runs. */
export function livenessJson(model: AnyModel, r: Result, options: LivenessTextOptions & { timings?: boolean } = {}): unknown {
  const { elapsedMs, ...stats } = r.stats;
  const fair = options.fairRuns === undefined ? undefined : (({ elapsedMs: ms, ...rest }) => ({ ...rest, ...(options.timings === true ? { elapsedMs: ms } : {}) }))(options.fairRuns);
  return {
    verdict: r.verdict,
    summary: livenessSummary(model, r, options),
    config: model.presentation?.configuration?.values ?? null,
    checked: r.checked,
    ...((r.fromSteps ?? 0) === 0 ? {} : { fromSteps: r.fromSteps }),
    lassos: r.lassos.map((l) => ({
      property: l.property, prefix: l.prefix.length, cycle: l.cycle.length, shortestPrefix: l.fromSuspect === undefined,
      ...(l.fromSuspect === undefined ? {} : { fromSuspect: l.fromSuspect }), trace: lassoTrace(model, l),
    })),
    stats: { ...stats, ...(options.timings === true ? { elapsedMs } : {}), complete: r.complete, stopReason: r.stopReason },
    ...(fair === undefined ? {} : { fairRuns: fair }),
    ...(options.suspects === undefined ? {} : { suspects: options.suspects.tried }),
  };
}
