/**
 * A trace for people: numbered steps, each followed by the state it leads to, with the lines the
 * step changed marked `*`.
 */
import type { Action, Model } from '../model.ts';

export function renderTraceText<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  violation?: { invariant: string; statement: string; step: number },
): string {
  const marked = (now: string, before?: string) => {
    const old = new Set(before?.split('\n') ?? []);
    return now.split('\n').map((line) => (before !== undefined && !old.has(line) ? `    * ${line}` : `      ${line}`)).join('\n');
  };
  const lines = ['   0. initial state', marked(model.summarize(states[0]))];
  for (let i = 0; i < steps.length && i + 1 < states.length; i++) {
    const marker = violation !== undefined && violation.step === i + 1 ? '  <-- violation' : '';
    lines.push(`${String(i + 1).padStart(4)}. ${model.describe(steps[i])}${marker}`, marked(model.summarize(states[i + 1]), model.summarize(states[i])));
  }
  if (violation !== undefined) {
    lines.push('', `Violated after step ${violation.step}: ${violation.invariant}`, `  ${violation.statement}`);
  }
  return lines.join('\n');
}
