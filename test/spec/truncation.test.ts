/**
 * Follower truncation by generation (T0-T3 in docs/rules.md), on the cases that tell the generations
 * apart. The KAFKA-6361 case: the follower led epoch 1 and wrote a record the leader never got;
 * the leader wrote in epochs 0 and 2 but not 1. KIP-101's answer (the start of the first greater
 * epoch) leaves the follower's epoch-1 record in place; KIP-279's answer names epoch 0, and the
 * follower truncates to the end of its own epoch 0.
 */
import { describe, expect, it } from 'vitest';
import { appendEntries } from '../../spec/log.ts';
import { initialReplica, type ReplicaContext } from '../../spec/replica-context.ts';
import { TRUNCATION_RULES } from '../../spec/rules.ts';
import type { Entry } from '../../spec/types.ts';

function replicaWith(id: number, log: Entry[]): ReplicaContext {
  const { log: l, cache } = appendEntries([], [], log);
  return { ...initialReplica(id, 2), log: l, cache };
}

/** Ask, truncate, ask again until the follower is done, as the fetcher thread does. */
function truncateAgainst(generation: 'kip101' | 'kip279', leader: ReplicaContext, follower: ReplicaContext): number {
  const t = TRUNCATION_RULES[generation];
  let r = follower;
  for (let round = 0; round < 5; round++) {
    const requested = r.cache.length === 0 ? -1 : r.cache[r.cache.length - 1].epoch;
    const step = t.truncationFor(r, t.epochAnswer(leader, requested));
    r = { ...r, log: r.log.slice(0, step.offset), cache: appendEntries([], [], r.log.slice(0, step.offset)).cache };
    if (step.done) return step.offset;
  }
  throw new Error('truncation did not finish');
}

describe('follower truncation by generation', () => {
  const leader = replicaWith(1, [{ epoch: 0, value: 1 }, { epoch: 2, value: 3 }]);
  const follower = replicaWith(2, [{ epoch: 1, value: 2 }]);

  it('KIP-101 keeps a record from an epoch the leader never had (KAFKA-6361)', () => {
    expect(truncateAgainst('kip101', leader, follower)).toBe(1);
  });

  it('KIP-279 truncates it: the answer names the leader epoch it ends', () => {
    expect(truncateAgainst('kip279', leader, follower)).toBe(0);
  });

  it('both keep a prefix the leader shares', () => {
    const behind = replicaWith(2, [{ epoch: 0, value: 1 }]);
    expect(truncateAgainst('kip101', leader, behind)).toBe(1);
    expect(truncateAgainst('kip279', leader, behind)).toBe(1);
  });

  it('KIP-279 asks again when the leader names an epoch the follower lacks', () => {
    const l = replicaWith(1, [{ epoch: 0, value: 1 }, { epoch: 1, value: 2 }, { epoch: 3, value: 4 }]);
    const f = replicaWith(2, [{ epoch: 0, value: 1 }, { epoch: 2, value: 5 }]);
    expect(truncateAgainst('kip279', l, f)).toBe(1);
    expect(truncateAgainst('kip101', l, f)).toBe(2);
  });
});
