/**
 * A property is exercised only when the exploration reached every goal it requires; otherwise its
 * pass is vacuous and is reported as "not exercised", never as holding. A violation always counts.
 */
import { describe, expect, it } from 'vitest';
import { exploreExhaustive, verdictsOf } from '../../src/explore/index.ts';
import { GOALS } from '../../properties/goals.ts';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { toyModel } from '../fixtures/toy-model.ts';
import { runCli } from '../cli/run-cli.ts';

describe('verdictsOf', () => {
  const toy = toyModel(true);
  const needs = (goal: string) => ({ ...toy, invariants: toy.invariants.map((i) => ({ ...i, requires: [goal] })) });

  it('is not exercised when a required goal was never reached, and holds once it was', () => {
    const idle = needs('never');
    const r = exploreExhaustive(idle, { invariants: ['in-range'] });
    expect(r.complete).toBe(true);
    expect(verdictsOf(idle, r.coverage, r.violations, ['in-range'], r.complete)).toEqual([
      { invariant: 'in-range', verdict: 'not-exercised', reason: 'never (not reached within the bounds)' },
    ]);
    const busy = needs('a-full');
    expect(verdictsOf(busy, r.coverage, r.violations, ['in-range'], r.complete)).toEqual([{ invariant: 'in-range', verdict: 'holds' }]);
  });

  it('says no violation found, never holds, after a search that was not complete', () => {
    const busy = needs('a-full');
    const r = exploreExhaustive(busy, { invariants: ['in-range'], maxDepth: 4 });
    expect(r).toMatchObject({ complete: false, verdict: 'no-violation-found' });
    expect(verdictsOf(busy, r.coverage, r.violations, ['in-range'], r.complete)).toEqual([{ invariant: 'in-range', verdict: 'no-violation-found' }]);
  });

  it('reports a violation as violated whatever was reached', () => {
    const idle = needs('never');
    const r = exploreExhaustive(idle, {});
    expect(verdictsOf(idle, r.coverage, r.violations, ['not-both-full'], r.complete)[0].verdict).toBe('violated');
  });
});

describe('the Kafka properties name goals that exist', () => {
  it('every required goal is one of the goals', () => {
    const names = new Set(GOALS.map((g) => g.name));
    const required = kafkaModelOf().invariants.flatMap((i) => i.requires ?? []);
    expect(required.length).toBeGreaterThan(10);
    for (const g of required) expect(names, g).toContain(g);
  });
});

describe('kafka-spec check: read properties need a consumer', () => {
  const READS = ['consistent-read', 'monotonic-reads', 'reads-only-committed'];
  const check = async (consumer: boolean) => {
    const r = await runCli('check', '--engine', 'exhaustive', '--depth', '8', '--json', '--set', 'rf=2', '--set', 'maxRecords=1',
      '--set', 'maxLeaderMoves=0', '--set', `consumer=${consumer}`);
    expect(r.code).toBe(0);
    return JSON.parse(r.out) as { invariants: { invariant: string; verdict: string; reason?: string }[]; notExercised: number };
  };

  it('without a consumer they are not exercised, with the reason', async () => {
    const j = await check(false);
    for (const name of READS) {
      expect(j.invariants.find((v) => v.invariant === name)).toMatchObject({ verdict: 'not-exercised', reason: expect.stringContaining('no consumer') });
    }
    expect(j.notExercised).toBeGreaterThanOrEqual(READS.length);
  });

  it('with a consumer they are exercised, and no violation is found (the search to a depth is not complete, so never "holds")', async () => {
    const j = await check(true);
    for (const name of READS) expect(j.invariants.find((v) => v.invariant === name)?.verdict, name).toBe('no-violation-found');
  });

  it('the text report counts them and lists each with what it needs', async () => {
    const r = await runCli('check', '--engine', 'exhaustive', '--depth', '3', '--set', 'consumer=false', '--set', 'rf=2');
    expect(r.out).toMatch(/27 checked, \d+ not exercised/);
    expect(r.out).toMatch(/ {2}monotonic-reads +needs consumer-read \(no consumer\)/);
  });
});
