/**
 * Checks one compiled step against xstate's own pure `transition()`: the same next state value,
 * the same context (deep-equal) and the same emitted events, where an event the compiled machine
 * does not handle counts as leaving state and context as they were and emitting nothing. The
 * property tests run this on every step of random cluster walks.
 */
import { isDeepStrictEqual } from 'node:util';
import { transition } from 'xstate';
import type { CompiledMachine } from './compile.ts';

interface Resolvable {
  resolveState(config: { value: string; context: unknown }): unknown;
}

export function checkAgainstXstate<C, E extends { type: string }>(
  machine: unknown,
  compiled: CompiledMachine<C, E>,
  value: string,
  context: C,
  event: E,
): { equal: boolean; detail?: string } {
  const snapshot = (machine as Resolvable).resolveState({ value, context });
  const [next, actions] = transition(machine as never, snapshot as never, event as never) as [
    { value: unknown; context: unknown },
    { type: string; params?: { event?: unknown } }[],
  ];
  const ours = compiled.step(value, context, event) ?? { value, context, emitted: [] };
  const emitted = actions.filter((a) => a.type === 'xstate.emit').map((a) => a.params?.event);
  if (next.value !== ours.value) return { equal: false, detail: `next state ${String(next.value)} vs ${ours.value}` };
  if (!isDeepStrictEqual(next.context, ours.context)) return { equal: false, detail: 'contexts differ' };
  if (!isDeepStrictEqual(emitted, ours.emitted)) return { equal: false, detail: 'emitted events differ' };
  return { equal: true };
}
