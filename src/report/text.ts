/**
 * A trace for people: numbered steps, each followed by the state it leads to, with the lines the
 * step changed marked `*`. For a lasso, the step where the cycle starts and the return to it are
 * marked. The trace's late deliveries close it, when the model classifies them.
 */
import type { Action, Model } from '../model.ts';
import { lateDeliveries, lateLine } from './late.ts';

export function renderTraceText<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  violation?: { invariant: string; statement: string; step: number },
  lasso?: { cycleStart: number },
): string {
  const marked = (now: string, before?: string) => {
    const old = new Set(before?.split('\n') ?? []);
    return now.split('\n').map((line) => (before !== undefined && !old.has(line) ? `    * ${line}` : `      ${line}`)).join('\n');
  };
  const lines = ['   0. initial state', marked(model.summarize(states[0]))];
  for (let i = 0; i < steps.length && i + 1 < states.length; i++) {
    const marker = lasso !== undefined ? lassoMarker(lasso.cycleStart, i + 1, steps.length)
      : violation !== undefined && violation.step === i + 1 ? '  <-- violation' : '';
    lines.push(`${String(i + 1).padStart(4)}. ${model.describe(steps[i])}${marker}`, marked(model.summarize(states[i + 1]), model.summarize(states[i])));
  }
  if (lasso !== undefined && violation !== undefined) {
    lines.push('', lassoSentence(lasso.cycleStart, steps.length, violation.invariant), `  ${violation.statement}`);
  } else if (violation !== undefined) {
    lines.push('', `Violated after step ${violation.step}: ${violation.invariant}`, `  ${violation.statement}`);
  }
  const late = lateDeliveries(model, steps, states);
  if (late !== null) lines.push('', lateLine(late));
  return lines.join('\n');
}

/** The marks of a lasso's steps: the first of the cycle, and the last, which leads back to its start. */
export function lassoMarker(cycleStart: number, step: number, length: number): string {
  if (cycleStart === length) return step === length ? '  <-- stays here: no fair step is enabled' : '';
  if (step === length && step === cycleStart + 1) return '  <-- cycle: this step leads back to the state before it';
  if (step === cycleStart + 1) return '  <-- cycle starts';
  if (step === length) return `  <-- back to the state after step ${cycleStart}: the cycle repeats forever`;
  return '';
}

/** One sentence saying what a lasso shows. */
export function lassoSentence(cycleStart: number, length: number, property: string): string {
  return cycleStart === length
    ? `Violated for ever after step ${cycleStart}: ${property} (no fair step is enabled, and the property never holds again)`
    : `Violated for ever: ${property} — steps ${cycleStart + 1}-${length} repeat fairly and the property never holds in them`;
}
