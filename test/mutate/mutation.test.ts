/**
 * Mutation testing: the mutants of a configuration are the ones declared (every switch value,
 * every rule mutation, every guard both ways), and each verdict of the judge can be told apart
 * from the others on a real mutant: killed by an invariant, by a lost behaviour, by a model that
 * throws; equivalent only when the state space is the very same.
 */
import { describe, expect, it } from 'vitest';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { mutantsOf } from '../../properties/mutants.ts';
import { ConfigError, makeConfig } from '../../spec/config.ts';
import { SWITCH_NAMES } from '../../spec/switches.ts';
import { MUTATION_RULES } from '../../spec/mutations.ts';
import { machineGuards } from '../../spec/cluster.ts';
import { resolveRules } from '../../spec/rules.ts';
import { exploreWithStateSpace, judgeMutant, MODEL_ERROR, reaching, sameStateSpace, withModelErrors } from '../../src/explore/mutation.ts';
import { retarget } from '../../src/trace/retarget.ts';

const BASE = { rf: 2, consumer: false } as const;
const DEPTH = 5;
const original = exploreWithStateSpace(withModelErrors(kafkaModelOf(BASE)), { maxDepth: DEPTH });
const judge = (overrides: object) => judgeMutant(withModelErrors(kafkaModelOf({ ...BASE, ...overrides })), original.space, { maxDepth: DEPTH });

describe('the mutants of a configuration', () => {
  const base = makeConfig(BASE);
  const mutants = mutantsOf(base);

  it('flip every switch to each other value, apply every rule mutation, and force every guard both ways', () => {
    const guards = machineGuards(resolveRules(base));
    const switches = mutants.filter((m) => m.kind === 'switch');
    expect(new Set(switches.map((m) => Object.keys(m.overrides)[0]))).toEqual(new Set(SWITCH_NAMES));
    expect(switches.filter((m) => 'truncation' in m.overrides)).toHaveLength(3);
    expect(mutants.filter((m) => m.kind === 'rule').map((m) => m.overrides.mutation)).toEqual(Object.keys(MUTATION_RULES));
    expect(mutants.filter((m) => m.kind === 'guard')).toHaveLength(2 * (guards.replica.length + guards.controller.length));
    expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
  });

  it('every mutant is a configuration that validates and builds a model', () => {
    for (const m of mutants) expect(() => kafkaModelOf({ ...BASE, ...m.overrides }), m.id).not.toThrow();
  });

  it('a forced guard the machines do not have, or one not written machine.guard=value, is refused', () => {
    expect(() => kafkaModelOf({ forcedGuard: 'replica.noSuchGuard=true' })).toThrow(ConfigError);
    expect(() => makeConfig({ forcedGuard: 'replica.canFetch' })).toThrow(ConfigError);
  });
});

describe('judging a mutant against the original', () => {
  it('the original holds at these bounds', () => {
    expect(original.result.violations).toEqual([]);
    expect(original.space.whole).toBe(true);
  });

  it('kills a switch flip with the shortest violation', () => {
    const r = judge({ hwRequiresMinIsr: false });
    expect(r.verdict).toBe('killed');
    expect('violation' in r && [r.violation.invariant, r.violation.length]).toEqual(['strong-isr', 3]);
  });

  it('kills a forced guard whose step then throws, with the steps into it', () => {
    const r = judge({ forcedGuard: 'replica.canFetch=true' });
    expect('violation' in r && r.violation.invariant).toBe(MODEL_ERROR);
  });

  it('kills a mutant that loses a behaviour the original shows, with the original\'s trace into it as witness', () => {
    const r = judge({ forcedGuard: 'replica.canShrinkIsr=false' });
    expect(r.verdict).toBe('killed');
    if (!('lost' in r)) throw new Error('expected a lost behaviour');
    const witness = reaching(kafkaModelOf(BASE), r.lost, DEPTH)!;
    expect(witness.length).toBeGreaterThan(0);
    expect(retarget(kafkaModelOf({ ...BASE, forcedGuard: 'replica.canShrinkIsr=false' }), witness).outcome).toBe('blocked');
    expect(retarget(kafkaModelOf(BASE), witness).outcome).toBe('clean');
  });

  it('calls a mutant equivalent only when it reaches the very same states', () => {
    const same = judge({ followerReadsIsrOnly: false }); // no consumer: the switch is never read
    expect(same.verdict).toBe('equivalent');
    expect(sameStateSpace(same.space, original.space)).toBe(true);
    const other = judge({ controller: 'zk' }); // other states (fewer: fenced brokers replay nothing), none of them bad at this depth
    expect(other.verdict).toBe('survived');
    expect(other.space.states).not.toBe(original.space.states);
    expect(sameStateSpace({ ...original.space, digest: '0'.repeat(32) }, original.space)).toBe(false);
    expect(sameStateSpace({ ...original.space, whole: false }, original.space)).toBe(false);
  });
});
