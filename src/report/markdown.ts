/**
 * A trace as a Markdown step table: one row per step, one column per cell the model names
 * (brokers, controller, network, …), with the cells a step changed in bold, and the violated
 * invariant stated at the end.
 */
import type { Action, Model } from '../model.ts';

const escape = (text: string) => text.replace(/\|/g, '\\|');

export function renderTraceMarkdown<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  violation?: { invariant: string; statement: string; step: number },
): string {
  const cells = (s: S) => model.views?.cells(s) ?? { state: model.summarize(s).replace(/\n/g, '<br>') };
  const columns = Object.keys(cells(states[0]));
  const lines = [`| # | step | ${columns.join(' | ')} |`, `|---|---|${columns.map(() => '---').join('|')}|`];
  let before = cells(states[0]);
  lines.push(`| 0 | initial state | ${columns.map((c) => escape(before[c] ?? '')).join(' | ')} |`);
  for (let i = 0; i < steps.length && i + 1 < states.length; i++) {
    const after = cells(states[i + 1]);
    const row = columns.map((c) => (after[c] === before[c] || !after[c] ? escape(after[c] ?? '') : `**${escape(after[c])}**`));
    const mark = violation?.step === i + 1 ? ' ⚠' : '';
    lines.push(`| ${i + 1}${mark} | ${escape(model.describe(steps[i]))} | ${row.join(' | ')} |`);
    before = after;
  }
  if (violation) lines.push('', `**Violated after step ${violation.step}: \`${violation.invariant}\`** — ${violation.statement}`);
  return lines.join('\n') + '\n';
}
