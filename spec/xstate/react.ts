/**
 * The one way a machine of this model sends messages: a `react` action runs a helper that returns
 * a `Reaction` (next context and messages), assigns the context and emits the messages as one
 * `Send` event. Because a helper that sends returns its messages with its context, a transition
 * cannot change state and forget what it sent. Built on xstate's `enqueueActions`, so xstate's
 * own `transition()` runs it as it is (the compiler in compile.ts supports it too).
 */
import { enqueueActions } from 'xstate';
import type { Outgoing } from '../types.ts';

interface Reaction<C> {
  readonly context: C;
  readonly sent: readonly Outgoing[];
}

/** The one event a machine emits: what it sends in this step. */
export interface SendEvent {
  type: 'Send';
  messages: readonly Outgoing[];
}

/** An action that runs `fn`, assigns its context and emits its messages (if any). */
export function react<C, E>(fn: (context: C, event: E) => Reaction<C>) {
  const collect = ({ context, event, enqueue }: { context: C; event: E; enqueue: Enqueue<C> }) => {
    const r = fn(context, event);
    enqueue.assign(() => r.context);
    if (r.sent.length > 0) enqueue.emit({ type: 'Send', messages: r.sent });
  };
  return enqueueActions(collect as never) as never;
}

interface Enqueue<C> {
  assign(f: () => C): void;
  emit(e: SendEvent): void;
}
