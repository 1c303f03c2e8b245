/**
 * Guard mutants: a machine with one named guard answering the same way whatever it is asked, to
 * see whether the checker notices that the question was ever needed. Protocol-agnostic: it swaps
 * one guard implementation with xstate's `machine.provide()`, so the transitions that name the
 * guard are unchanged and the compiler (compile.ts) steps the result like any machine.
 */

interface Providing<M> {
  readonly implementations: { readonly guards: Record<string, unknown> };
  provide(implementations: { guards: Record<string, () => boolean> }): M;
}

/** The named guards of a machine built with `setup({ guards })`, in declaration order. */
export function guardNamesOf(machine: unknown): string[] {
  return Object.keys((machine as Providing<unknown>).implementations.guards);
}

/** Thrown when the guard to force is not one the machine names. */
export class UnknownGuardError extends Error {
  override name = 'UnknownGuardError';
}

/** `machine` with guard `name` forced to `value`. */
export function withForcedGuard<M>(machine: M, name: string, value: boolean): M {
  const m = machine as unknown as Providing<M>;
  if (!(name in m.implementations.guards)) throw new UnknownGuardError(`no guard '${name}' (known: ${guardNamesOf(machine).join(', ')})`);
  return m.provide({ guards: { [name]: () => value } });
}
