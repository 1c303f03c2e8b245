/**
 * A trace as a Mermaid sequence diagram (GitHub renders it): the model's participants as
 * lifelines, each delivered message as an arrow, local events (crashes, elections) as notes in the
 * model's words when it has them (and what followed a delivery as a note beside it), and
 * the violation as a final note; a lasso's cycle as a `loop` block.
 */
import type { Action, Model } from '../model.ts';

const clean = (text: string) => text.replace(/[;#]/g, ' ').replace(/\n/g, ' ');

export function renderTraceMermaid<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  violation?: { invariant: string; statement: string; step: number },
  lasso?: { cycleStart: number },
): string {
  const views = model.presentation?.views;
  const lines = ['sequenceDiagram'];
  const people = views?.participants ?? ['system'];
  for (const p of people) lines.push(`  participant ${p}`);
  const n = Math.min(steps.length, states.length - 1);
  const span = people.length > 1 ? `${people[0]},${people[people.length - 1]}` : people[0];
  for (let i = 0; i < n; i++) {
    if (lasso !== undefined && i === lasso.cycleStart) lines.push(`  loop for ever: steps ${i + 1}-${n}, the cycle`);
    const pic = views?.picture(states[i], steps[i], states[i + 1]) ?? { arrows: [], notes: [{ over: people[0], text: model.describe(steps[i]) }] };
    const told = views?.narrate?.(states[i], steps[i], states[i + 1]);
    for (const a of pic.arrows) lines.push(`  ${a.from}->>${a.to}: ${i + 1}. ${clean(a.label)}`);
    if (told === undefined) for (const n of pic.notes) lines.push(`  Note over ${n.over}: ${i + 1}. ${clean(n.text)}`);
    else if (pic.arrows.length === 0) lines.push(`  Note over ${pic.notes[0]?.over ?? people[0]}: ${i + 1}. ${clean(told.join(' · '))}`);
    else if (told.length > 1) lines.push(`  Note over ${pic.arrows[0].to}: ${clean(told.slice(1).join(' · '))}`);
  }
  if (lasso !== undefined && lasso.cycleStart < n) lines.push('  end');
  if (lasso !== undefined && violation) {
    const where = lasso.cycleStart < n ? 'the loop repeats fairly' : `no fair step is enabled after step ${lasso.cycleStart}`;
    lines.push(`  Note over ${span}: VIOLATED for ever (${where}): ${violation.invariant}`);
  } else if (violation) {
    lines.push(`  Note over ${span}: VIOLATED after step ${violation.step}: ${violation.invariant}`);
  }
  return lines.join('\n') + '\n';
}
