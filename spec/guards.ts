/**
 * The machines whose guards a guard mutant may force (spec/xstate/force.ts), and a forced guard
 * as the configuration names it: `replica.canFetch=true` makes every replica's `canFetch` answer
 * yes. Like a rule mutation, it is a configuration only so that its counterexamples replay; the
 * cluster (cluster.ts) builds its machines with the guard forced.
 */
export type GuardedMachine = 'replica' | 'controller';
export const GUARDED_MACHINES: readonly GuardedMachine[] = ['replica', 'controller'];

/** One guard of one machine forced to answer `value`. */
export interface ForcedGuard {
  readonly machine: GuardedMachine;
  readonly guard: string;
  readonly value: boolean;
}

/** How a forced guard is written: `machine.guard=true|false`. */
export const FORCED_GUARD_PATTERN = /^(replica|controller)\.([A-Za-z][A-Za-z0-9]*)=(true|false)$/;

/** The forced guard `text` names, or undefined when it is not of the form `machine.guard=value`. */
export function parseForcedGuard(text: string): ForcedGuard | undefined {
  const m = FORCED_GUARD_PATTERN.exec(text);
  return m === null ? undefined : { machine: m[1] as GuardedMachine, guard: m[2], value: m[3] === 'true' };
}

/** How a forced guard is written. */
export function forcedGuardText(f: ForcedGuard): string {
  return `${f.machine}.${f.guard}=${f.value}`;
}
