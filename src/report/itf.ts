/**
 * A trace in the Informal Trace Format (ITF), the JSON trace format of Apalache and Quint: one
 * object per state with the model's variables, integers as `{"#bigint": "n"}`, lists as arrays,
 * records as objects; `null` has no ITF form and is written `{"#unserializable": "null"}`. Each
 * state after the first carries the step that led to it in `action_taken`. A lasso sets ITF's
 * `loop` to the index of the state where its cycle starts, and leaves out its last state (the
 * same state again): the state after the last one written is the one at `loop`.
 */
import type { Action, Model } from '../model.ts';

export function toItfValue(v: unknown): unknown {
  if (v === null || v === undefined) return { '#unserializable': String(v) };
  if (typeof v === 'number') return Number.isInteger(v) ? { '#bigint': String(v) } : { '#unserializable': String(v) };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toItfValue);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toItfValue(x)]));
  return { '#unserializable': String(v) };
}

export function renderTraceItf<S, A extends Action>(
  model: Model<S, A>,
  steps: readonly A[],
  states: readonly S[],
  meta: Record<string, unknown> = {},
  lasso?: { cycleStart: number },
): string {
  const first = states[0] as Record<string, unknown>;
  const vars = [...Object.keys(first), 'action_taken'];
  const itfStates = states.map((s, i) => ({
    '#meta': { index: i },
    ...(toItfValue(s) as Record<string, unknown>),
    action_taken: i === 0 ? 'init' : toItfValue(steps[i - 1]),
  }));
  // ITF's `loop`: the index of the state that follows the last one. A lasso's last state is the
  // cycle's first again, so it is left out and the loop points at the cycle's first.
  const closing = lasso !== undefined && lasso.cycleStart < states.length - 1;
  const loop = lasso === undefined ? {} : { loop: lasso.cycleStart };
  const written = closing ? itfStates.slice(0, -1) : itfStates;
  return JSON.stringify({ '#meta': { format: 'ITF', source: model.name, ...meta }, vars, states: written, ...loop }, null, 1) + '\n';
}
