/**
 * The result of a liveness check (`kafka-spec check` naming liveness properties), for people and
 * for programs: how much of the graph was explored (and whether all of it, without which "holds"
 * is not claimed), and each lasso found, replayed and drawn with its cycle marked.
 */
import type { Action, Model } from '../model.ts';
import type { LivenessResult } from '../explore/liveness.ts';
import { replayLasso } from '../trace/replay.ts';
import { makeTrace, type Trace } from '../trace/schema.ts';
import { renderTraceText } from './text.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, Action>;

const STOPS: Record<string, string> = {
  exhausted: 'the whole graph within the bounds',
  depth: 'stopped at the depth limit',
  time: 'stopped at the time limit',
  states: 'stopped at the state limit',
  memory: 'stopped at the memory limit',
};

/** What was explored, in words. */
export function livenessScope(r: LivenessResult<Action>): string {
  const s = r.stats;
  const cut = s.statesWithCutFairStep === 0 ? ''
    : `; in ${s.statesWithCutFairStep.toLocaleString('en')} states a fair step went past the bounds, so no cycle through them counts`;
  return `${s.states.toLocaleString('en')} distinct states, ${s.transitions.toLocaleString('en')} edges, depth ${s.depth}, ` +
    `${s.bytesPerState} bytes of graph per state, in ${(s.elapsedMs / 1000).toFixed(1)} s (${STOPS[r.stopReason] ?? r.stopReason})${cut}`;
}

/** The human report: the scope, each lasso step by step, then the verdict on every property checked. */
export function livenessText(model: AnyModel, r: LivenessResult<Action>, out?: string): string {
  const lines = [`Explored under weak fairness, faults stopping: ${livenessScope(r)}.`];
  for (const l of r.lassos) {
    const steps = [...l.prefix, ...l.cycle];
    const { states } = replayLasso(model, steps, l.prefix.length, l.property);
    const shape = l.cycle.length === 0 ? `${l.prefix.length} steps, then no fair step is enabled` : `${l.prefix.length} steps, then a cycle of ${l.cycle.length}`;
    lines.push('', `VIOLATED ${l.property}: ${l.statement}`, `Lasso: ${shape} (shortest prefix: breadth-first)`, '');
    lines.push(renderTraceText(model, steps, states, { invariant: l.property, statement: l.statement, step: steps.length }, { cycleStart: l.prefix.length }));
    if (out !== undefined && l === r.lassos[0]) lines.push('', `Trace written to ${out}; replay it with: kafka-spec replay ${out}`);
  }
  const violated = new Set(r.lassos.map((l) => l.property));
  const ok = r.checked.filter((p) => !violated.has(p));
  if (ok.length > 0) {
    lines.push('', r.complete
      ? `Holds: ${ok.join(', ')} (every fair behaviour of the whole bounded graph settles again and again).`
      : `No lasso found for ${ok.join(', ')} in the part of the graph explored; the graph was not complete, so this is not a proof.`);
  }
  return lines.join('\n');
}

/** The trace file of a lasso. */
export function lassoTrace(model: AnyModel, l: LivenessResult<Action>['lassos'][number]): Trace {
  const steps = [...l.prefix, ...l.cycle];
  return makeTrace({
    model: model.name, config: { ...(model.configuration?.values ?? {}) }, steps,
    violation: { invariant: l.property, statement: l.statement, step: steps.length }, lasso: { cycleStart: l.prefix.length },
  });
}

/** The machine-readable result. */
export function livenessJson(model: AnyModel, r: LivenessResult<Action>, options: { timings?: boolean } = {}): unknown {
  const { elapsedMs, ...stats } = r.stats;
  return {
    verdict: r.verdict,
    config: model.configuration?.values ?? null,
    checked: r.checked,
    lassos: r.lassos.map((l) => ({ property: l.property, prefix: l.prefix.length, cycle: l.cycle.length, trace: lassoTrace(model, l) })),
    stats: { ...stats, ...(options.timings === true ? { elapsedMs } : {}), complete: r.complete, stopReason: r.stopReason },
  };
}
