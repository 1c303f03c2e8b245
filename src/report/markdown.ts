/**
 * A trace as a Markdown step table: one row per step, told in the model's words when it has them,
 * one column per cell the model names (brokers, controller, network, …), with the cells a step
 * changed in bold, and the violated invariant stated at the end with what is missing where; a
 * lasso's cycle rows are marked ↻; then how many late deliveries the trace needs.
 */
import type { Action, Model } from '../model.ts';
import { lassoSentence } from './text.ts';
import { lateDeliveries, lateLine } from './late.ts';

const escape = (text: string) => text.replace(/\|/g, '\\|');

export function renderTraceMarkdown<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  violation?: { invariant: string; statement: string; step: number },
  lasso?: { cycleStart: number },
): string {
  const cells = (s: S) => model.presentation?.views?.cells(s) ?? { state: model.summarize(s).replace(/\n/g, '<br>') };
  const columns = Object.keys(cells(states[0]));
  const lines = [`| # | step | ${columns.join(' | ')} |`, `|---|---|${columns.map(() => '---').join('|')}|`];
  let before = cells(states[0]);
  lines.push(`| 0 | initial state | ${columns.map((c) => escape(before[c] ?? '')).join(' | ')} |`);
  for (let i = 0; i < steps.length && i + 1 < states.length; i++) {
    const after = cells(states[i + 1]);
    const row = columns.map((c) => (after[c] === before[c] || !after[c] ? escape(after[c] ?? '') : `**${escape(after[c])}**`));
    const mark = lasso !== undefined ? (i >= lasso.cycleStart ? ' ↻' : '') : violation?.step === i + 1 ? ' ⚠' : '';
    const told = model.presentation?.views?.narrate?.(states[i], steps[i], states[i + 1]).join('; ') ?? model.describe(steps[i]);
    lines.push(`| ${i + 1}${mark} | ${escape(told)} | ${row.join(' | ')} |`);
    before = after;
  }
  if (lasso !== undefined && violation) {
    lines.push('', `**${lassoSentence(lasso.cycleStart, steps.length, `\`${violation.invariant}\``)}** (rows marked ↻ form the cycle) — ${violation.statement}`);
  } else if (violation) lines.push('', `**Violated after step ${violation.step}: \`${violation.invariant}\`** — ${violation.statement}`);
  const missing = violation && model.presentation?.views?.missing?.(violation.invariant, states.slice(0, violation.step + 1));
  if (missing) lines.push('', missing);
  const late = lateDeliveries(model, steps, states);
  if (late !== null) lines.push('', lateLine(late));
  return lines.join('\n') + '\n';
}
