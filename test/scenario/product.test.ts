import { describe, expect, it } from 'vitest';
import { exploreExhaustive } from '../../src/explore/index.ts';
import { milestoneGoal, type Scenario, scenarioProduct } from '../../src/explore/scenario.ts';
import { fingerprint } from '../../src/explore/fingerprint.ts';
import { toyModel, type Toy, type ToyAction } from '../fixtures/toy-model.ts';

type S = Scenario<Toy, ToyAction>;
const reset = { kind: 'step', label: 'a reset', reached: (_p: Toy, a: ToyAction) => a.step === 'Reset' } as const;
const bIsTwo = { kind: 'state', label: 'b is 2', holds: (s: Toy) => s.b === 2 } as const;

/** The toy's trace replayed from its initial state, and the state it ends in. */
function replay(steps: readonly ToyAction[]): Toy {
  const m = toyModel(true);
  return steps.reduce((s, a) => {
    expect(m.enabled(s)).toContainEqual(a);
    return m.step(s, a);
  }, m.initial);
}

describe('the product of a model and a scenario', () => {
  it('finds the shortest behaviour that passes the milestones in order and then breaks an invariant', () => {
    // Plain search: (3, 3) after 6 steps. Through a reset, then b = 2: 3 + 1 + 2 + 4 = 10.
    expect(exploreExhaustive(toyModel(true), { invariants: ['not-both-full'] }).violations[0].length).toBe(6);
    const inOrder = exploreExhaustive(scenarioProduct(toyModel(true), { milestones: [reset, bIsTwo] }), { invariants: ['not-both-full'] });
    expect(inOrder.violations[0].length).toBe(10);
    // The other order: b = 2 first (2 steps), then a reset (3 + 1), then (3, 3) from (0, 0): 12.
    const reversed = exploreExhaustive(scenarioProduct(toyModel(true), { milestones: [bIsTwo, reset] }), { invariants: ['not-both-full'] });
    expect(reversed.violations[0].length).toBe(12);
    // The trace is the model's own steps, and breaks the invariant there without the scenario.
    const end = replay(inOrder.violations[0].trace);
    expect(end).toEqual({ a: 3, b: 3 });
    expect(inOrder.violations[0].trace.slice(0, 4).map((a) => a.step)).toContain('Reset');
  });

  it('counts invariants only once the last milestone is passed', () => {
    // (3, 3) is reachable before the reset, but only a violation after it.
    const r = exploreExhaustive(scenarioProduct(toyModel(true), { milestones: [reset] }), { invariants: ['not-both-full'] });
    expect(r.violations[0].length).toBe(10);
    const steps = r.violations[0].trace.map((a) => a.step);
    expect(steps.indexOf('Reset')).toBe(steps.length - 7);
  });

  it('takes only the steps a milestone allows while waiting for it, and what the scenario allows after the last', () => {
    const onlyA: S = { milestones: [{ ...bIsTwo, label: 'b is 2', holds: (s) => s.a === 3, allows: (_s, a) => a.step === 'IncA' }] };
    const r = exploreExhaustive(scenarioProduct(toyModel(true), onlyA), { invariants: ['not-both-full'] });
    expect(r.violations[0].trace.map((a) => a.step)).toEqual(['IncA', 'IncA', 'IncA', 'IncB', 'IncB', 'IncB']);
    // Nothing but IncA after the last milestone: b never moves, so the product is exhausted with no violation.
    const stuck = exploreExhaustive(scenarioProduct(toyModel(true), { ...onlyA, allowsAfter: (_s, a) => a.step === 'IncA' }), { invariants: ['not-both-full'] });
    expect(stuck.verdict).toBe('holds');
    expect(stuck.complete).toBe(true);
    expect(stuck.stats.states).toBe(4);
  });

  it('keeps the milestone count in the fingerprint, and reports each milestone reached as a goal', () => {
    const product = scenarioProduct(toyModel(false), { milestones: [reset] });
    const r = exploreExhaustive(product);
    // 16 states before the reset and the same 16 after it: told apart by the count.
    expect(r.complete).toBe(true);
    expect(r.stats.states).toBe(32);
    expect(fingerprint(product.fingerprintView!({ state: { a: 0, b: 0 }, passed: 0 })))
      .not.toEqual(fingerprint(product.fingerprintView!({ state: { a: 0, b: 0 }, passed: 1 })));
    expect(r.coverage.goals[milestoneGoal(1)].firstDepth).toBe(4);
  });

  it('passes state milestones in the initial state, and a row of them in one step', () => {
    const atStart = scenarioProduct(toyModel(true), { milestones: [{ kind: 'state', label: 'a is 0', holds: (s) => s.a === 0 }] });
    expect(atStart.initial.passed).toBe(1);
    const row = scenarioProduct(toyModel(true), {
      milestones: [reset, { kind: 'state', label: 'a is 0', holds: (s) => s.a === 0 }, { kind: 'state', label: 'b is 0', holds: (s) => s.b === 0 }, reset],
    });
    let p = row.initial;
    for (const a of [{ step: 'IncA' }, { step: 'IncA' }, { step: 'IncA' }, { step: 'Reset' }] as ToyAction[]) p = row.step(p, a);
    // One reset passes the step milestone and the two facts after it, not the second reset.
    expect(p.passed).toBe(3);
  });
});
