/** The log algebra against its rules (LeaderEpochFileCache, UnifiedLog.truncateTo). */
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { appendEntries, assignEpoch, endOffsetForEpoch, truncateCacheFromEnd } from '../../spec/log.ts';
import type { Entry } from '../../spec/types.ts';

fc.configureGlobal({ seed: 4242 });

/** A log whose epochs never decrease, as every log Kafka writes. */
const logArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 9 })), { maxLength: 8 })
  .map((steps) => {
    let epoch = 0;
    return steps.map(([bump, value]): Entry => ({ epoch: (epoch += bump), value }));
  });

const increasing = (cache: readonly { epoch: number; start: number }[]) =>
  cache.every((e, i) => i === 0 || (e.epoch > cache[i - 1].epoch && e.start > cache[i - 1].start));

describe('epoch cache', () => {
  test.prop([logArb])('appending a log builds a cache with one entry per epoch, strictly increasing (E1, E2)', (log) => {
    const { cache } = appendEntries([], [], log);
    expect(increasing(cache)).toBe(true);
    expect(cache.map((e) => e.epoch)).toEqual([...new Set(log.map((e) => e.epoch))]);
    for (const e of cache) expect(log[e.start].epoch).toBe(e.epoch);
  });

  test.prop([logArb, fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 10 })])(
    'assign keeps the cache strictly increasing whatever it is given (E1)',
    (log, epoch, start) => {
      const { cache } = appendEntries([], [], log);
      expect(increasing(assignEpoch(cache, epoch, start))).toBe(true);
    },
  );

  test.prop([logArb, fc.integer({ min: 0, max: 8 })])('truncation drops exactly the epochs starting at or after the offset', (log, offset) => {
    const { cache } = appendEntries([], [], log);
    const kept = truncateCacheFromEnd(cache, offset);
    expect(kept).toEqual(cache.filter((e) => e.start < offset));
  });

  test.prop([logArb, fc.integer({ min: 0, max: 7 })])('endOffsetFor answers within the log and never with a greater epoch (E3)', (log, requested) => {
    const { cache } = appendEntries([], [], log);
    const answer = endOffsetForEpoch(cache, log.length, requested);
    if (answer.epoch === -1) expect(answer.end).toBe(-1);
    else {
      expect(answer.epoch).toBeLessThanOrEqual(requested);
      expect(answer.end).toBeLessThanOrEqual(log.length);
      expect(log.slice(answer.end).every((e) => e.epoch > requested)).toBe(true);
    }
  });
});
