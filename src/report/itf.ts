/**
 * A trace in the Informal Trace Format (ITF), the JSON trace format of Apalache and Quint: one
 * object per state with the model's variables, integers as `{"#bigint": "n"}`, lists as arrays,
 * records as objects; `null` has no ITF form and is written `{"#unserializable": "null"}`. Each
 * state after the first carries the step that led to it in `action_taken`.
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
): string {
  const first = states[0] as Record<string, unknown>;
  const vars = [...Object.keys(first), 'action_taken'];
  const itfStates = states.map((s, i) => ({
    '#meta': { index: i },
    ...(toItfValue(s) as Record<string, unknown>),
    action_taken: i === 0 ? 'init' : toItfValue(steps[i - 1]),
  }));
  return JSON.stringify({ '#meta': { format: 'ITF', source: model.name, ...meta }, vars, states: itfStates }, null, 1) + '\n';
}
