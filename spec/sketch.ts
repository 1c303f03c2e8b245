/**
 * A coarse summary of a cluster state, for steering random search toward data loss: the facts a
 * loss invariant turns on, and nothing of how the state was reached. Two states share a sketch when
 * every replica has the same role, log length and HW and holds the same length of the committed
 * history; the committed and acknowledged counts, the controller's leader and ISR, and the leader
 * changes and crashes spent are the same. Metadata views, caches, messages in flight and the
 * consumer are left out on purpose: they multiply states without bringing them nearer a loss,
 * and the loss invariants compare logs with what was committed and acknowledged.
 */
import type { ClusterState } from './cluster.ts';
import type { Entry } from './types.ts';

const ROLE_CODE = { offline: 1, follower: 2, leader: 3 } as const;

export function sketchOf(s: ClusterState): number {
  const committed = s.ghost.committed;
  let h = fold(fold(0x811c9dc5, committed.length), s.ghost.acked.length);
  for (const { role, context } of s.replicas) {
    h = fold(fold(fold(h, ROLE_CODE[role]), context.log.length), context.hw);
    h = fold(h, agreeing(context.log, committed));
  }
  const { registration } = s.controller;
  let isr = 0;
  for (const b of registration.isr) isr |= 1 << b;
  h = fold(fold(h, isr), registration.leader);
  return fold(fold(h, s.spent.leaderChanges), s.spent.crashes) >>> 0;
}

function fold(h: number, x: number): number {
  return Math.imul(h ^ x, 0x01000193);
}

/** How many entries at the start of `log` are the committed history's. */
function agreeing(log: readonly Entry[], committed: readonly Entry[]): number {
  const n = Math.min(log.length, committed.length);
  let i = 0;
  while (i < n && log[i].epoch === committed[i].epoch && log[i].value === committed[i].value) i++;
  return i;
}
