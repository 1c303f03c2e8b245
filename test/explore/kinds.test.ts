/**
 * The engines decide what to check from a property's declared kind, never from the shape of its
 * function. The case that matters: a transition invariant broken only by a step into a state
 * seen before (here the step 2 → 0 closing a 3-state cycle), which a check made only on newly
 * found states would miss.
 */
import { describe, expect, it } from 'vitest';
import type { Action, Model } from '../../src/model.ts';
import { exploreExhaustive, exploreRandom } from '../../src/explore/index.ts';
import { replay } from '../../src/trace/replay.ts';

type Cycle = { readonly at: number };

function cycle(holds: (prev: Cycle, next: Cycle) => boolean): Model<Cycle, Action> {
  return {
    name: 'cycle',
    initial: { at: 0 },
    enabled: () => [{ step: 'Next' }],
    step: (s) => ({ at: (s.at + 1) % 3 }),
    describe: () => 'next',
    summarize: (s) => `at ${s.at}`,
    invariants: [{ kind: 'transition', name: 'never-2-to-0', statement: 'No step goes from 2 to 0.', holds }],
    goals: [],
  };
}

/** Written with a default second parameter, so `holds.length` is 1: its kind alone says it is a transition invariant. */
const written = (prev: Cycle, next: Cycle = prev) => !(prev.at === 2 && next.at === 0);

describe('property kinds are explicit', () => {
  it('the function really has one declared parameter', () => {
    expect(written.length).toBe(1);
  });

  it('breadth-first search checks a transition invariant on a step into a state already seen', () => {
    const r = exploreExhaustive(cycle(written));
    expect(r.verdict).toBe('violated');
    expect(r.violations[0]).toMatchObject({ invariant: 'never-2-to-0', length: 3 });
  });

  it('random search checks it on every step too', () => {
    const r = exploreRandom(cycle(written), { runs: 10, maxSteps: 5, seed: 1 });
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].length).toBe(3);
  });

  it('replay reports it after the step that closes the cycle', () => {
    const r = replay(cycle(written), [{ step: 'Next' }, { step: 'Next' }, { step: 'Next' }, { step: 'Next' }]);
    expect(r.violation).toMatchObject({ invariant: 'never-2-to-0', step: 3 });
  });
});

describe('bounds checked on the state a step reaches', () => {
  const bounded: Model<Cycle, Action> = {
    ...cycle(() => true),
    initial: { at: 0 },
    enabled: () => [{ step: 'Up' }, { step: 'Stay' }],
    step: (s, a) => (a.step === 'Up' ? { at: s.at + 1 } : s),
    withinBounds: (s) => s.at <= 2,
    invariants: [{ kind: 'state', name: 'below-3', statement: 'Never at 3.', holds: (s) => s.at < 3 }],
  };

  it('breadth-first search neither checks nor explores a state past the bounds', () => {
    const r = exploreExhaustive(bounded);
    expect(r.verdict).toBe('holds');
    expect(r.complete).toBe(true);
    expect(r.stats.states).toBe(3);
    expect(r.coverage.steps.Up).toBe(2);
  });

  it('random runs choose another step instead', () => {
    const r = exploreRandom(bounded, { runs: 50, maxSteps: 20, seed: 2 });
    expect(r.verdict).toBe('no-violation-found');
    expect(r.stats.depth).toBe(20);
  });

  it('replay refuses a step past the bounds with one line', () => {
    expect(() => replay(bounded, [{ step: 'Up' }, { step: 'Up' }, { step: 'Up' }])).toThrow(/step 3 \(Up\) goes past the configuration's bounds/);
  });
});
