/**
 * A trace as a Mermaid sequence diagram (GitHub renders it): the model's participants as
 * lifelines, each delivered message as an arrow, local events (crashes, elections) as notes, and
 * the violation as a final note.
 */
import type { Action, Model } from '../model.ts';

const clean = (text: string) => text.replace(/[;#]/g, ' ').replace(/\n/g, ' ');

export function renderTraceMermaid<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  violation?: { invariant: string; statement: string; step: number },
): string {
  const views = model.views;
  const lines = ['sequenceDiagram'];
  const people = views?.participants ?? ['system'];
  for (const p of people) lines.push(`  participant ${p}`);
  for (let i = 0; i < steps.length && i + 1 < states.length; i++) {
    const pic = views?.picture(states[i], steps[i], states[i + 1]) ?? { arrows: [], notes: [{ over: people[0], text: model.describe(steps[i]) }] };
    for (const a of pic.arrows) lines.push(`  ${a.from}->>${a.to}: ${i + 1}. ${clean(a.label)}`);
    for (const n of pic.notes) lines.push(`  Note over ${n.over}: ${i + 1}. ${clean(n.text)}`);
  }
  if (violation) {
    const span = people.length > 1 ? `${people[0]},${people[people.length - 1]}` : people[0];
    lines.push(`  Note over ${span}: VIOLATED after step ${violation.step}: ${violation.invariant}`);
  }
  return lines.join('\n') + '\n';
}
