/**
 * What a verdict claims, on the toy model and on crafted results: "holds" only for a complete
 * search, a counterexample's length said to be shortest only with the reason it is, and the
 * sentence every check ends with (text and JSON alike).
 */
import { describe, expect, it } from 'vitest';
import { toyModel } from '../fixtures/toy-model.ts';
import { exploreCombined, exploreExhaustive, exploreRandom, type ExploreResult, type Violation } from '../../src/explore/index.ts';
import type { Action, Model } from '../../src/model.ts';
import { checkJson, checkText } from '../../src/report/check.ts';
import { checkSummary, extentPhrase, shortestStatus } from '../../src/report/verdict.ts';
import { livenessJson, livenessSummary } from '../../src/report/liveness.ts';
import type { LivenessResult } from '../../src/explore/liveness.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';

const toy = (buggy: boolean): Model<unknown, Action> => ({
  ...(toyModel(buggy) as unknown as Model<unknown, Action>), presentation: { configuration: { values: {}, lines: [], brief: 'the toy, 2 counters' } },
});
const all = (m: Model<unknown, Action>) => m.invariants.map((i) => i.name);

describe('the verdict of a search', () => {
  it('holds only when every reachable state was explored', () => {
    const m = toy(false);
    const complete = exploreExhaustive(m);
    expect(complete).toMatchObject({ verdict: 'holds', complete: true });
    expect(checkSummary(m, complete, all(m))).toBe('the toy, 2 counters: the 2 invariants checked hold in any behaviour within these bounds (every reachable state explored: 16 states).');
    expect(checkText(m, complete, all(m))).toContain('Holds: no invariant violated (2 checked), every reachable state within the bounds explored.');
  });

  it('is "no violation found", with the depth covered, when breadth-first search stopped short', () => {
    const m = toy(false);
    const r = exploreExhaustive(m, { maxDepth: 3 });
    expect(r.verdict).toBe('no-violation-found');
    const json = checkJson(m, r, []) as { verdict: string; summary: string; invariants: { verdict: string }[] };
    expect(json.verdict).toBe('no-violation-found');
    expect(json.invariants.map((v) => v.verdict)).toEqual(['no-violation-found', 'no-violation-found']);
    expect(json.summary).toBe('the toy, 2 counters: no violation of the 2 invariants checked found in any behaviour up to 3 steps (10 states); longer behaviours were not explored.');
    const text = checkText(m, r, all(m));
    expect(text).toContain('No violation found (2 checked), which is not a proof: the search was not complete.');
    expect(text).not.toMatch(/\bholds?\b/i);
    expect(text.split('\n').at(-1)).toBe(json.summary);
  });

  it('after random runs alone says how many runs, of what length, and that they prove nothing about what they missed', () => {
    const m = toy(false);
    const r = exploreRandom(m, { runs: 40, maxSteps: 8, seed: 1 });
    expect(r.verdict).toBe('no-violation-found');
    expect(extentPhrase(r)).toMatch(/^in 40 random runs of up to 8 steps \(\d+ states\); the behaviours they missed are not proven$/);
  });

  it('after both engines gives the depth proven and the runs sampled beyond it', () => {
    const m = toy(false);
    const r = exploreCombined(m, { maxDepth: 2, runs: 20, maxSteps: 10, seed: 1 });
    expect(r.verdict).toBe('no-violation-found');
    expect(checkSummary(m, r, ['in-range'])).toMatch(
      /^the toy, 2 counters: no violation of in-range found in any behaviour up to 2 steps \(\d+ states\); longer behaviours were sampled \(20 random runs of up to \d+ steps\), not proven\.$/);
  });
});

describe('whether a counterexample is the shortest', () => {
  const m = toy(true);
  const bfs = exploreExhaustive(m);
  const found = bfs.violations[0];
  const random = (v: Partial<Violation<Action>>): ExploreResult<Action> => ({ ...bfs, stats: { ...bfs.stats, engine: 'random' }, violations: [{ ...found, ...v }] });

  it('is shortest by construction when breadth-first search found it', () => {
    expect(shortestStatus(bfs, found)).toEqual({ shortest: 'breadth-first', why: 'found by breadth-first search, which tries every shorter behaviour first' });
    expect(checkSummary(m, bfs, all(m), 'ce.json')).toBe('the toy, 2 counters: not-both-full fails in a 6-step behaviour (the shortest; trace in ce.json).');
    for (const [length, article] of [[8, 'an'], [11, 'an'], [18, 'an'], [81, 'an'], [1, 'a'], [17, 'a'], [28, 'a']] as const) {
      expect(checkSummary(m, { ...bfs, violations: [{ ...found, length }] }, all(m))).toContain(` fails in ${article} ${length}-step behaviour`);
    }
    expect((checkJson(m, bfs, []) as { violations: object[] }).violations[0]).toMatchObject({ shortest: 'breadth-first', certifiedMinimal: null });
  });

  it('is certified when a breadth-first search after random runs found none shorter', () => {
    const r = random({ seed: 1, shrunkFrom: 9, certifiedMinimal: true, certification: { stopReason: 'depth', depth: 5, states: 15 } });
    expect(shortestStatus(r, r.violations[0])).toEqual({ shortest: 'certified', why: 'a breadth-first search of every behaviour up to 5 steps found none shorter' });
    expect(checkText(m, r, all(m))).toContain('Counterexample: 6 steps (certified shortest: a breadth-first search of every behaviour up to 5 steps found none shorter); shrunk from 9 steps');
  });

  it('is not certified when the certifying search stopped at a limit, and says to what depth it covered', () => {
    const r = random({ seed: 1, certifiedMinimal: false, certification: { stopReason: 'time', depth: 1, states: 3 } });
    expect(shortestStatus(r, r.violations[0])).toEqual({
      shortest: 'not-certified',
      why: 'found by random runs; the breadth-first search certifying it stopped at the time limit after covering every behaviour up to 1 step (3 states), so a behaviour of 2 to 5 steps may be shorter',
    });
    expect(checkSummary(m, r, all(m))).toBe('the toy, 2 counters: not-both-full fails in a 6-step behaviour (not certified shortest).');
  });

  it('is not certified when no certifying search ran', () => {
    const r = random({ seed: 1, certifiedMinimal: false });
    expect(shortestStatus(r, r.violations[0])).toEqual({ shortest: 'not-certified', why: 'found by random runs, and no breadth-first search was run to certify it' });
  });

  it('is not certified past the split of a breadth-first shard', () => {
    const r: ExploreResult<Action> = { ...bfs, stats: { ...bfs.stats, breadthFirst: { bytesPerState: 0, frontierPeak: 1, split: { index: 1, count: 2, at: { depth: 3, levelStates: 4, from: 0, to: 2 } } } } };
    expect(shortestStatus(r, found).shortest).toBe('not-certified');
  });

  it('the random engine certifies what it finds on the toy model', () => {
    const r = exploreRandom(m, { runs: 200, maxSteps: 30, seed: 1, certify: { maxStates: 1000 } });
    expect(r.violations[0].certification).toMatchObject({ stopReason: expect.stringMatching(/^(depth|exhausted)$/) });
    expect(shortestStatus(r, r.violations[0]).shortest).toBe('certified');
  });
});

describe('the sentence names the configuration in Kafka\'s terms', () => {
  it('release, settings and the faults the bounds allow', () => {
    expect(kafkaModelOf().presentation?.configuration?.brief).toBe('Kafka 4.1, rf 3, acks=all, min.insync.replicas=2, unclean election off, ELR on, 2 records, ' +
      'up to 1 crash (a power loss), 1 session expiry, 2 leader changes and 1 leader move');
    expect(kafkaModelOf({ maxCrashes: 2, lossyCrashes: 1, maxHeartbeatLosses: 0, maxLeaderMoves: 0 }).presentation?.configuration?.brief)
      .toMatch(/, up to 2 crashes \(1 may be a power loss\) and 2 leader changes$/);
  });
});

describe('a liveness verdict', () => {
  const m = toy(false);
  const result = (over: Partial<LivenessResult<Action>>): LivenessResult<Action> => ({
    verdict: 'holds', complete: true, checked: ['settles'], lassos: [], stopReason: 'exhausted',
    stats: { engine: 'liveness', states: 120, transitions: 300, depth: 9, elapsedMs: 5, bytesPerState: 70, statesWithCutFairStep: 0 }, ...over,
  });

  it('holds only on the complete graph', () => {
    expect(livenessSummary(m, result({}))).toBe('the toy, 2 counters: settles holds in every fair behaviour once faults stop (the whole bounded graph, 120 states).');
  });

  it('is "no lasso found" on a graph that was not complete, in text and JSON', () => {
    const r = result({ verdict: 'no-lasso-found', complete: false, stopReason: 'time' });
    expect(livenessSummary(m, r)).toBe('the toy, 2 counters: no lasso found for settles in the graph explored (120 states, up to depth 9); the graph was not complete, so not proven.');
    expect(livenessJson(m, r)).toMatchObject({ verdict: 'no-lasso-found', summary: livenessSummary(m, r) });
  });

  it('names the lasso, its prefix and its cycle', () => {
    const r = result({ verdict: 'violated', lassos: [{ property: 'settles', statement: 'It settles.', prefix: [{ step: 'IncA' }], cycle: [{ step: 'IncB' }, { step: 'Reset' }] }] });
    expect(livenessSummary(m, r, { out: 'lasso.json' })).toBe('the toy, 2 counters: settles fails for ever after 1 step, then a fair cycle of 2 steps repeats (the shortest prefix; trace in lasso.json).');
  });
});

describe("the configuration in the closing sentence, in Kafka's terms", () => {
  it('names every fault the bounds allow, with its most, and only those', async () => {
    const { briefConfig } = await import('../../properties/describe.ts');
    const { makeConfig } = await import('../../spec/config.ts');
    expect(briefConfig(makeConfig({ rf: 3, minIsr: 2, maxRecords: 1, maxLeaderChanges: 1, maxHeartbeatLosses: 0, maxLeaderMoves: 0, maxLagShrinks: 2 })))
      .toBe('Kafka 4.1, rf 3, acks=all, min.insync.replicas=2, unclean election off, ELR on, 1 record, up to 1 crash (a power loss), 2 live followers dropped for lag and 1 leader change');
    expect(briefConfig(makeConfig({ maxCrashes: 0, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderChanges: 0, maxLeaderMoves: 0 }))).toMatch(/, no faults$/);
  });
});
