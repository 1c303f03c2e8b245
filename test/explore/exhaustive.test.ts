import { describe, expect, it } from 'vitest';
import { exploreExhaustive, fingerprint, FingerprintSet } from '../../src/explore/index.ts';
import { toyModel } from '../fixtures/toy-model.ts';
import { rememberParts } from '../../src/explore/fingerprint.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';

describe('exhaustive engine', () => {
  it('explores every reachable toy state exactly once (16) and says so', () => {
    const r = exploreExhaustive(toyModel(false));
    expect(r.verdict).toBe('holds');
    expect(r.complete).toBe(true);
    expect(r.stats.states).toBe(16);
    expect(r.stopReason).toBe('exhausted');
  });

  it('reports the shortest counterexample (6 steps) and a trace that reaches it', () => {
    const r = exploreExhaustive(toyModel(true));
    expect(r.verdict).toBe('violated');
    expect(r.violations[0].invariant).toBe('not-both-full');
    expect(r.violations[0].length).toBe(6);
    const steps = r.violations[0].trace.map((a) => a.step).sort();
    expect(steps).toEqual(['IncA', 'IncA', 'IncA', 'IncB', 'IncB', 'IncB']);
  });

  it('counts reachability goals and step coverage, and reports goals never reached', () => {
    const r = exploreExhaustive(toyModel(false));
    expect(r.coverage.goals['a-full'].count).toBeGreaterThan(0);
    expect(r.coverage.goals['a-full'].firstDepth).toBe(3);
    expect(r.coverage.goals.never).toEqual({ count: 0, firstDepth: null });
    expect(r.coverage.steps.Reset).toBeGreaterThan(0);
  });

  it('stops at the depth bound without claiming completeness', () => {
    const r = exploreExhaustive(toyModel(true), { maxDepth: 5 });
    expect(r.verdict).toBe('no-violation-found');
    expect(r.complete).toBe(false);
    expect(r.stopReason).toBe('depth');
  });

  it('checks only the invariants asked for', () => {
    const r = exploreExhaustive(toyModel(true), { invariants: ['in-range'] });
    expect(r.verdict).toBe('holds');
    expect(() => exploreExhaustive(toyModel(true), { invariants: ['nope'] })).toThrow(/unknown invariant 'nope'/);
  });
});

describe('fingerprints', () => {
  it('are equal for equal structures and differ for small changes', () => {
    const base = { log: [{ epoch: 1, value: 2 }], hw: 1, ok: true, name: 'b1', none: null };
    expect(fingerprint(base)).toBe(fingerprint(structuredClone(base)));
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, hw: 2 }));
    expect(fingerprint(base)).not.toBe(fingerprint({ ...base, log: [{ epoch: 2, value: 1 }] }));
    expect(fingerprint([1, [2]])).not.toBe(fingerprint([[1], 2]));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ b: 1 }));
    expect(fingerprint(0.5)).not.toBe(fingerprint(1.5));
  });

  it('depend on the value alone, not on the parts remembered from earlier states', () => {
    const model = kafkaModelOf({ followerReads: true });
    const states = [model.initial];
    for (let i = 0; states.length < 400; i++) states.push(...model.enabled(states[i]).map((a) => model.step(states[i], a)));
    // Siblings share parts, so most of these reuse a remembered part; each must equal a cold walk, and a deep copy.
    const warm = states.map((s) => fingerprint(s));
    rememberParts(false);
    const cold = states.map((s) => fingerprint(s));
    rememberParts(true);
    expect(warm).toEqual(cold);
    expect(states.map((s) => fingerprint(structuredClone(s)))).toEqual(cold);
    expect(new Set(warm).size).toBeGreaterThan(100);
  });

  it('set keeps every one of many fingerprints, across growth', () => {
    const set = new FingerprintSet(16);
    for (let i = 0; i < 50_000; i++) expect(set.add(i * 7919, i ^ 0x5bd1e995, i - 1, i % 5)).toBe(i);
    for (let i = 0; i < 50_000; i += 997) expect(set.add(i * 7919, i ^ 0x5bd1e995, 0, 0)).toBe(-1);
    expect(set.size).toBe(50_000);
    expect(set.parentOf(1234)).toBe(1233);
    expect(set.actionOf(1234)).toBe(1234 % 5);
  });
});
