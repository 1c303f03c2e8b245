/**
 * Random runs guided by the model's sketches (src/explore/random.ts): a behaviour that needs a long
 * run of rare choices is out of reach of plain runs and within reach of guided ones, and guidance
 * changes only which behaviours are tried — every trace is still a behaviour from the initial state.
 */
import { describe, expect, it } from 'vitest';
import { exploreRandom, type SearchStats } from '../../src/explore/index.ts';
import type { Model } from '../../src/model.ts';
import { violates } from '../../src/model.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';

const LENGTH = 24;
const KINDS = ['Left', 'Right', 'Push'] as const;
type Turn = { step: (typeof KINDS)[number] };

/**
 * A combination lock: `LENGTH` turns, the i-th of which must be KINDS[i % 3]; any other turn
 * starts again from 0. A run of uniform choices opens it with probability 3^-24 per attempt.
 */
function lock(sketched: boolean): Model<{ readonly k: number }, Turn> {
  return {
    name: 'lock',
    initial: { k: 0 },
    enabled: (s) => (s.k >= LENGTH ? [] : KINDS.map((step) => ({ step }))),
    step: (s, a) => ({ k: a.step === KINDS[s.k % 3] ? s.k + 1 : 0 }),
    describe: (a) => a.step,
    summarize: (s) => `k=${s.k}`,
    invariants: [{ kind: 'state', name: 'stays-locked', statement: 'The lock never opens.', holds: (s) => s.k < LENGTH }],
    goals: [],
    ...(sketched ? { guidance: { sketch: (s: { readonly k: number }) => s.k } } : {}),
  };
}

const withoutClock = <T extends { stats: SearchStats }>(r: T) => ({ ...r, stats: { ...r.stats, elapsedMs: 0, random: { ...r.stats.random, firstFoundMs: 0 } } });

describe('random runs guided by sketches', () => {
  it('open the lock that plain runs never open in the same runs, with a trace from the initial state', () => {
    const options = { runs: 3_000, maxSteps: 60, seed: 7 };
    const plain = exploreRandom(lock(true), { ...options, guide: false });
    expect(plain.verdict).toBe('no-violation-found');
    expect(plain.stats.random?.guided).toBeUndefined();

    const guided = exploreRandom(lock(true), options);
    expect(guided.verdict).toBe('violated');
    expect(guided.stats.random?.guided?.resumedRuns).toBeGreaterThan(0);
    expect(guided.stats.random?.guided?.sketches).toBe(LENGTH + 1);
    // The trace starts at the initial state and every step is enabled where it is taken.
    const model = lock(true);
    let s = model.initial;
    for (const a of guided.violations[0].trace) {
      expect(model.enabled(s).map((x) => x.step)).toContain(a.step);
      s = model.step(s, a);
    }
    expect(violates(model.invariants[0], s, s)).toBe(true);
    expect(guided.violations[0].length).toBe(LENGTH);
  });

  it('certify what they find as plain runs do', () => {
    const r = exploreRandom(lock(true), { runs: 3_000, maxSteps: 60, seed: 7, certify: { maxStates: 1_000 } });
    expect(r.violations[0]).toMatchObject({ length: LENGTH, certifiedMinimal: true });
  });

  it('are the same for the same seed, and plain runs are the same as a model without sketches', () => {
    const options = { runs: 500, maxSteps: 60, seed: 3 };
    expect(withoutClock(exploreRandom(lock(true), options))).toEqual(withoutClock(exploreRandom(lock(true), options)));
    expect(withoutClock(exploreRandom(lock(true), { ...options, guide: false }))).toEqual(withoutClock(exploreRandom(lock(false), options)));
  });

  it('reach the last replica standing at rf 3 under the 3.7 rules within 20,000 runs', () => {
    const model = kafkaModelOf({ protocol: 'kafka-3.7', rf: 3, lossyCrashes: 1, consumer: false, maxLeaderMoves: 0 });
    const r = exploreRandom(model, { runs: 20_000, maxSteps: 60, seed: 1, invariants: ['leader-completeness', 'no-committed-loss', 'acks-all-durable'] });
    expect(r.verdict).toBe('violated');
    expect(r.stats.random?.guided?.resumedRuns).toBeGreaterThan(0);
  });
});
