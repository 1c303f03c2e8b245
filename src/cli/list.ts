/** `kafka-spec list`: the invariants, reachability goals, protocol versions, switches and defaults. */
import { BOUNDS, DECLARATIONS, KAFKA_NAMES, KAFKA_WITHOUT_EQUIVALENT, SETTINGS, makeConfig } from '../../spec/config.ts';
import { CURRENT_VERSION, VERSIONS } from '../../spec/versions.ts';
import { SWITCHES, SWITCH_NAMES } from '../../spec/switches.ts';
import { resolveRules } from '../../spec/rules.ts';
import type { Declaration } from '../../spec/declare.ts';
import { invariants } from '../../properties/invariants.ts';
import { GOALS } from '../../properties/goals.ts';
import { MUTATIONS } from '../../spec/mutations.ts';
import { machineGuards } from '../../spec/cluster.ts';
import { livenessProperties } from '../../properties/liveness.ts';

export function listText(): string {
  const config = makeConfig();
  const out: string[] = ['Invariants (--invariant NAME; a state invariant judges every state, a transition invariant every step):'];
  for (const inv of invariants(resolveRules(config))) out.push(`  ${inv.name.padEnd(24)} ${inv.kind.padEnd(10)} ${inv.statement}`);
  out.push('', 'Liveness properties (--engine liveness, or --invariant NAME; checked under weak fairness once faults stop):');
  for (const p of livenessProperties(resolveRules(config))) out.push(`  ${p.name.padEnd(28)} ${p.statement}`);
  out.push('', 'Reachability goals (reported as coverage):');
  for (const g of GOALS) out.push(`  ${g.name.padEnd(28)} ${g.statement}`);
  out.push('', `Protocol versions (--protocol NAME; default ${CURRENT_VERSION}):`);
  let before: (typeof VERSIONS)[string] | undefined;
  for (const [name, v] of Object.entries(VERSIONS)) {
    const changed = before === undefined ? ['the oldest modelled'] : SWITCH_NAMES.filter((k) => v[k] !== before![k]).map((k) => `${k}=${v[k]}`);
    out.push(`  ${name.padEnd(11)} ${changed.join(' ')}`);
    before = v;
  }
  out.push('', `Protocol switches (--set KEY=VALUE; defaults of ${CURRENT_VERSION}):`);
  for (const [key, d] of Object.entries(SWITCHES) as [keyof typeof SWITCHES, Declaration<unknown>][]) {
    const change = d.change === undefined ? '' : ` (${d.change.by}, ${d.change.release})`;
    out.push(`  ${key.padEnd(32)} ${String(config[key]).padEnd(16)} ${d.meaning}${change}`);
  }
  out.push('', 'Settings (--set KEY=VALUE; defaults shown):');
  for (const [key, d] of Object.entries(SETTINGS)) out.push(`  ${key.padEnd(32)} ${String(config[key as keyof typeof SETTINGS]).padEnd(16)} ${d.meaning}`);
  out.push('', 'Bounds (--set KEY=VALUE; defaults shown):');
  for (const [key, d] of Object.entries(BOUNDS)) out.push(`  ${key.padEnd(32)} ${String(config[key as keyof typeof BOUNDS]).padEnd(16)} ${d.meaning}`);
  for (const key of ['permanentFailures', 'maxLagShrinks', 'maxRetries', 'maxLateDeliveries'] as const) out.push(`  ${key.padEnd(32)} ${'(absent)'.padEnd(16)} ${DECLARATIONS[key].meaning}`);
  out.push('', 'Kafka\'s names (--set NAME=VALUE or in a --config file, for the key beside them):');
  const width = Math.max(...[...Object.keys(KAFKA_NAMES), ...Object.keys(KAFKA_WITHOUT_EQUIVALENT)].map((n) => n.length));
  for (const [name, k] of Object.entries(KAFKA_NAMES)) out.push(`  ${name.padEnd(width)} ${k.key.padEnd(16)} ${k.values}`);
  out.push('', 'Kafka properties the model has no equivalent of:');
  for (const [name, why] of Object.entries(KAFKA_WITHOUT_EQUIVALENT)) out.push(`  ${name.padEnd(width)} ${why}`);
  out.push('', 'Mutations (--set mutation=NAME): rules broken on purpose, to test the checker; no Kafka release behaves so:');
  for (const [name, doc] of Object.entries(MUTATIONS)) out.push(`  ${name.padEnd(40)} ${doc}`);
  out.push('', 'Guard mutants (--set forcedGuard=MACHINE.GUARD=true|false): one guard of a machine forced to one answer:');
  for (const [machine, names] of Object.entries(machineGuards(resolveRules(config)))) out.push(`  ${machine.padEnd(12)} ${names.join(', ')}`);
  return out.join('\n');
}

/** `kafka-spec list --json`: the library's catalog. */
export { catalog as listJson } from '../../api/catalog.ts';
