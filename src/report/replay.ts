/**
 * The result of `kafka-spec replay` in its default format: the trace step by step with the state
 * after each step, then whether the replay violated an invariant and whether that is the violation
 * the trace recorded; or the same verdict as JSON.
 */
import type { Action, Model } from '../model.ts';
import type { ReplayResult } from '../trace/replay.ts';
import type { Trace } from '../trace/schema.ts';
import { renderTraceText } from './text.ts';

/** The replayed trace as text: each step and its state, the violation if any, and a note when it differs from the recorded one. */
export function replayText<S, A extends Action>(model: Model<S, A>, trace: Trace, steps: readonly A[], result: ReplayResult<S>): string {
  const v = result.violation;
  const lines = [renderTraceText(model, steps, result.states, v)];
  if (v === undefined) lines.push(`\nReplayed ${trace.steps.length} step${trace.steps.length === 1 ? '' : 's'}: no violation on this trace (it says nothing about other behaviours).`);
  if (trace.violation && (v === undefined || v.invariant !== trace.violation.invariant || v.step !== trace.violation.step)) {
    lines.push(`Note: the trace recorded ${trace.violation.invariant} after step ${trace.violation.step}, which this replay did not reproduce.`);
  }
  return lines.join('\n');
}

/**
 * The verdict of a replay as one JSON object: verdict (`violated`, or `no-violation-on-trace`: a
 * replay judges one behaviour, so it never says "holds"), steps, the violation found and the one recorded.
 */
export function replayJson<S>(trace: Trace, result: ReplayResult<S>): string {
  const v = result.violation;
  return JSON.stringify({ verdict: v ? 'violated' : 'no-violation-on-trace', steps: trace.steps.length, violation: v ?? null, recorded: trace.violation ?? null });
}
