/**
 * The liveness engine on a ring it can be checked by hand: a pointer spins round four positions,
 * and `Finish` (fair) sets `done`, enabled only at position 0 or, in the `always` variant,
 * everywhere. "Eventually done" fails under weak fairness in the first (Finish is not enabled
 * continuously on the ring, so spinning for ever is fair) and holds in the second; a fault never
 * belongs to a cycle; a state with no fair step enabled is a lasso of stuttering; a search cut
 * by depth never claims that a property holds.
 */
import { describe, expect, it } from 'vitest';
import type { Action, Model, StepFairness } from '../../src/model.ts';
import { exploreLiveness } from '../../src/explore/liveness.ts';
import { exploreLivenessFrom, PrefixError } from '../../src/explore/liveness-from.ts';
import { replayLasso } from '../../src/trace/replay.ts';
import { renderTraceMermaid } from '../../src/report/mermaid.ts';
import { renderTraceMarkdown } from '../../src/report/markdown.ts';
import { renderTraceHtml } from '../../src/report/html.ts';
import { renderTraceText } from '../../src/report/text.ts';
import { renderTraceItf } from '../../src/report/itf.ts';

interface Ring {
  readonly pos: number;
  readonly done: boolean;
}

function ring(finishEverywhere: boolean, spin: StepFairness): Model<Ring, Action> {
  return {
    name: 'ring',
    initial: { pos: 0, done: false },
    enabled: (s) => [
      { step: 'Spin' },
      ...(!s.done && (finishEverywhere || s.pos === 0) ? [{ step: 'Finish' }] : []),
    ],
    step: (s, a) => (a.step === 'Spin' ? { ...s, pos: (s.pos + 1) % 4 } : { ...s, done: true }),
    describe: (a) => a.step,
    summarize: (s) => `pos=${s.pos} done=${s.done}`,
    invariants: [],
    goals: [],
    liveness: {
      properties: [{ kind: 'liveness', name: 'eventually-done', statement: 'done eventually holds', settled: (s) => s.done }],
      fairness: (_s, a) => (a.step === 'Spin' ? spin : 'fair'),
    },
  };
}

describe('liveness under weak fairness', () => {
  it('finds the fair spin for ever when Finish is enabled only now and then, and the lasso replays', () => {
    const model = ring(false, 'fair');
    const r = exploreLiveness(model);
    expect(r).toMatchObject({ verdict: 'violated', complete: true });
    expect(r.lassos).toHaveLength(1);
    const l = r.lassos[0];
    expect(l.prefix).toEqual([]);
    expect(l.cycle.map((a) => a.step)).toEqual(['Spin', 'Spin', 'Spin', 'Spin']);
    expect(replayLasso(model, [...l.prefix, ...l.cycle], l.prefix.length, l.property).lasso.violates).toBe(true);
  });

  it('holds when Finish stays enabled: spinning for ever would neglect it', () => {
    const r = exploreLiveness(ring(true, 'fair'));
    expect(r).toMatchObject({ verdict: 'holds', complete: true, lassos: [] });
    expect(r.stats.states).toBe(8);
  });

  it('an unfair spin may still form the cycle; a fault may not, so the behaviour stutters where faults stop', () => {
    expect(exploreLiveness(ring(false, 'unfair')).verdict).toBe('violated');
    const faulty = exploreLiveness(ring(false, 'fault'));
    expect(faulty.lassos[0].prefix.map((a) => a.step)).toEqual(['Spin']);
    expect(faulty.lassos[0].cycle).toEqual([]);
    expect(exploreLiveness(ring(true, 'fault')).verdict).toBe('holds');
  });

  it('a search cut by depth says it is not complete', () => {
    const r = exploreLiveness(ring(true, 'fair'), { maxDepth: 2 });
    expect(r).toMatchObject({ complete: false, stopReason: 'depth' });
  });

  it('a tampered lasso no longer replays as a violation, and says why', () => {
    const model = ring(false, 'fair');
    const spins = (n: number) => Array.from({ length: n }, () => ({ step: 'Spin' }));
    expect(replayLasso(model, spins(3), 0, 'eventually-done').lasso).toMatchObject({ closes: false, violates: false });
    // Stuttering at position 0, where Spin and Finish are enabled, neglects both.
    expect(replayLasso(model, [], 0, 'eventually-done').lasso).toMatchObject({ neglected: ['Spin', 'Finish'], violates: false });
    expect(replayLasso(ring(false, 'fault'), spins(4), 0, 'eventually-done').lasso).toMatchObject({ faultAt: 1, violates: false });
    expect(replayLasso(model, [{ step: 'Finish' }, ...spins(4)], 1, 'eventually-done').lasso).toMatchObject({ settledAt: 1, violates: false });
  });

  it('draws the cycle in every renderer', () => {
    const model = ring(false, 'fair');
    const steps = Array.from({ length: 4 }, () => ({ step: 'Spin' }));
    const { states } = replayLasso(model, steps, 0, 'eventually-done');
    const v = { invariant: 'eventually-done', statement: 'done eventually holds', step: 4 };
    const lasso = { cycleStart: 0 };
    expect(renderTraceMermaid(model, steps, states, v, lasso)).toMatch(/loop for ever: steps 1-4, the cycle\n(.*\n){4}  end\n/);
    expect(renderTraceMarkdown(model, steps, states, v, lasso).match(/↻/g)).toHaveLength(5);
    expect(renderTraceText(model, steps, states, v, lasso)).toContain('<-- back to the state after step 0');
    expect(renderTraceHtml(model, steps, states, 'ring', v, lasso)).toContain('steps 1-4 (highlighted) repeat for ever');
    const itf = JSON.parse(renderTraceItf(model, steps, states, {}, lasso));
    expect(itf.loop).toBe(0);
    expect(itf.states).toHaveLength(4);
  });
});

describe('liveness from the end of given steps', () => {
  it('a lasso found there starts with the given steps and replays from the initial state', () => {
    const model = ring(false, 'fair');
    const r = exploreLivenessFrom(model, [{ step: 'Spin' }, { step: 'Spin' }]);
    expect(r).toMatchObject({ verdict: 'violated', complete: true, fromSteps: 2 });
    const l = r.lassos[0];
    expect(l.prefix).toEqual([{ step: 'Spin' }, { step: 'Spin' }]);
    expect(l.cycle).toHaveLength(4);
    expect(replayLasso(model, [...l.prefix, ...l.cycle], l.prefix.length, l.property).lasso.violates).toBe(true);
  });

  it('holds after steps that settle the property for good, though it fails from the initial state', () => {
    const model = ring(false, 'fair');
    expect(exploreLivenessFrom(model, [{ step: 'Finish' }])).toMatchObject({ verdict: 'holds', complete: true, fromSteps: 1 });
  });

  it('a given step that is not enabled is an error naming it', () => {
    expect(() => exploreLivenessFrom(ring(false, 'fair'), [{ step: 'Spin' }, { step: 'Finish' }]))
      .toThrow(new PrefixError('step 2 (Finish) of the prefix is not enabled'));
  });
});
