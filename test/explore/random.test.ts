import { describe, expect, it } from 'vitest';
import { exploreExhaustive, exploreRandom, shrinkTrace } from '../../src/explore/index.ts';
import { toyModel } from '../fixtures/toy-model.ts';
import type { Action, Model } from '../../src/model.ts';

describe('random engine', () => {
  it('finds the toy bug, shrinks it to the exhaustive length and certifies it minimal', () => {
    const model = toyModel(true);
    const r = exploreRandom(model, { runs: 200, maxSteps: 40, seed: 42, certify: { timeLimitMs: 10_000 } });
    const shortest = exploreExhaustive(model).violations[0];
    expect(r.verdict).toBe('violated');
    const v = r.violations[0];
    expect(v.invariant).toBe('not-both-full');
    expect(v.length).toBe(shortest.length);
    expect(v.certifiedMinimal).toBe(true);
    expect(v.seed).toBe(42);
    expect(v.shrunkFrom).toBeGreaterThanOrEqual(v.length);
  });

  it('finds no violation on the bug-free toy (random runs never claim it holds), with coverage accumulated over runs', () => {
    const r = exploreRandom(toyModel(false), { runs: 50, maxSteps: 20, seed: 1 });
    expect(r.verdict).toBe('no-violation-found');
    expect(r.stats.random?.runs).toBe(50);
    expect(r.stats.states).toBeLessThanOrEqual(16);
    expect(r.coverage.goals['a-full'].count).toBeGreaterThan(0);
  });

  it('shrinks a long concrete trace by deleting steps that do not matter', () => {
    const model = toyModel(true);
    const long = [
      { step: 'IncA' }, { step: 'IncA' }, { step: 'IncA' }, { step: 'Reset' }, { step: 'IncB' }, { step: 'IncA' },
      { step: 'IncB' }, { step: 'IncA' }, { step: 'IncB' }, { step: 'IncA' },
    ] as const; // (3, 3) is first reached at step 10; the first four steps are a detour

    const inv = model.invariants.find((i) => i.name === 'not-both-full')!;
    expect(shrinkTrace(model, [...long], inv)).toHaveLength(6);
  });

  it('drops a pair of steps apart from each other when asked, where no run of consecutive steps can go', () => {
    // A counter and a gate: Open and Close alternate; the invariant fails once n reaches 3 with the gate closed.
    type G = { n: number; open: boolean };
    const model: Model<G, Action> = {
      name: 'gate', initial: { n: 0, open: false }, goals: [], describe: (a) => a.step, summarize: (g) => `${g.n}`,
      enabled: (g) => [{ step: 'Inc' }, { step: g.open ? 'Close' : 'Open' }],
      step: (g, a) => (a.step === 'Inc' ? { ...g, n: g.n + 1 } : { ...g, open: a.step === 'Open' }),
      invariants: [{ kind: 'state', name: 'n-below-3-closed', statement: 'n < 3 while the gate is closed', holds: (g: G) => g.n < 3 || g.open }],
    };
    const trace = ['Inc', 'Open', 'Inc', 'Close', 'Inc'].map((step) => ({ step }));
    const inv = model.invariants[0];
    expect(shrinkTrace(model, trace, inv)).toHaveLength(5);
    expect(shrinkTrace(model, trace, inv, Infinity, true).map((a) => a.step)).toEqual(['Inc', 'Inc', 'Inc']);
  });
});
