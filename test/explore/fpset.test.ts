/**
 * A fingerprint set that only counts (random runs' distinct states) keeps no parent links: the
 * same members and ids as a set with links, in 8 bytes less per state.
 */
import { describe, expect, it } from 'vitest';
import { FingerprintSet } from '../../src/explore/index.ts';

describe('FingerprintSet without links', () => {
  it('holds the same fingerprints under the same ids as a linked set, across growth, in fewer bytes', () => {
    const linked = new FingerprintSet(16);
    const counting = FingerprintSet.withoutLinks(16);
    for (let i = 0; i < 50_000; i++) {
      const [hi, lo] = [Math.imul(i, 7919) >>> 0, (i ^ 0x5bd1e995) >>> 0];
      expect(counting.add(hi, lo, -1, -1)).toBe(linked.add(hi, lo, i - 1, i % 5));
      // Every fingerprint twice: a repeat is found, not added.
      expect(counting.add(hi, lo, -1, -1)).toBe(-1);
    }
    expect(counting.size).toBe(50_000);
    expect(counting.has(Math.imul(1234, 7919) >>> 0, (1234 ^ 0x5bd1e995) >>> 0)).toBe(true);
    expect(counting.has(1, 2)).toBe(false);
    // The linked set's 8 bytes an id (rounded up to a power of two), not the counting set's.
    expect(linked.bytes - counting.bytes).toBeGreaterThanOrEqual(8 * 50_000);
    expect(counting.links.parents.length).toBe(0);
  });
});
