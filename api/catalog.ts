/**
 * The names a user of the model needs, as plain data: the invariants and liveness properties, the
 * reachability goals, the protocol versions with their switches, the switches, settings and
 * bounds with their values and meaning, the mutations and guards that test the checker, and the
 * default configuration. `kafka-spec list --json` prints it; the library's `catalog` returns it.
 */
import { BOUNDS, KAFKA_NAMES, KAFKA_WITHOUT_EQUIVALENT, SETTINGS, makeConfig } from '../spec/config.ts';
import { VERSIONS } from '../spec/versions.ts';
import { SWITCHES } from '../spec/switches.ts';
import { resolveRules } from '../spec/rules.ts';
import type { Declaration } from '../spec/declare.ts';
import { MUTATIONS } from '../spec/mutations.ts';
import { machineGuards } from '../spec/cluster.ts';
import { invariants } from '../properties/invariants.ts';
import { GOALS } from '../properties/goals.ts';
import { livenessProperties } from '../properties/liveness.ts';

/** A declared key as plain data: the values it takes, what it means and (for a switch) the change that flipped it. */
export interface DeclaredKey {
  readonly values: string;
  readonly meaning: string;
  readonly change?: { readonly by: string; readonly release: string };
}

/** Every invariant, goal, protocol version, switch, setting and bound, and the defaults. */
export function catalog() {
  const config = makeConfig();
  return {
    invariants: invariants(resolveRules(config)).map(({ name, kind, statement }) => ({ name, kind, statement })),
    liveness: livenessProperties(resolveRules(config)).map(({ name, kind, statement }) => ({ name, kind, statement })),
    goals: GOALS.map(({ name, statement }) => ({ name, statement })),
    protocols: VERSIONS,
    switches: declared(SWITCHES),
    settings: declared(SETTINGS),
    bounds: declared(BOUNDS),
    kafkaNames: Object.fromEntries(Object.entries(KAFKA_NAMES).map(([name, k]) => [name, { key: k.key, values: k.values }])),
    kafkaWithoutEquivalent: KAFKA_WITHOUT_EQUIVALENT,
    mutations: MUTATIONS,
    guards: machineGuards(resolveRules(config)),
    defaults: config,
  };
}

/** Declarations as plain data: values, meaning and (for a switch) the change that flipped it. */
function declared(ds: Record<string, Declaration<unknown>>): Record<string, DeclaredKey> {
  return Object.fromEntries(Object.entries(ds).map(([k, d]) => [k, { values: d.values, meaning: d.meaning, ...(d.change ? { change: d.change } : {}) }]));
}
