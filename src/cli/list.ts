/** `kafka-spec list`: the invariants, reachability goals, protocol versions, switches and defaults. */
import { DEFAULT_BOUNDS, DEFAULT_SETTINGS, makeConfig } from '../../spec/config.ts';
import { CURRENT_VERSION, SWITCH_DOCS, VERSIONS } from '../../spec/versions.ts';
import { invariants } from '../../properties/invariants.ts';
import { GOALS } from '../../properties/goals.ts';
import { MUTATIONS } from '../../spec/mutations.ts';

export function listText(): string {
  const config = makeConfig();
  const out: string[] = ['Invariants (--invariant NAME):'];
  for (const inv of invariants(config)) out.push(`  ${inv.name.padEnd(22)} ${inv.statement}`);
  out.push('', 'Reachability goals (reported as coverage):');
  for (const g of GOALS) out.push(`  ${g.name.padEnd(28)} ${g.statement}`);
  out.push('', `Protocol versions (--protocol NAME; default ${CURRENT_VERSION}):`);
  for (const [name, v] of Object.entries(VERSIONS)) out.push(`  ${name.padEnd(11)} truncation=${v.truncation}`);
  out.push('', `Protocol switches (--set KEY=VALUE; defaults of ${CURRENT_VERSION}):`);
  for (const [key, doc] of Object.entries(SWITCH_DOCS)) {
    out.push(`  ${key.padEnd(32)} ${String(config[key as keyof typeof SWITCH_DOCS]).padEnd(16)} ${doc}`);
  }
  out.push('', 'Settings and bounds (--set KEY=VALUE):');
  for (const [key, value] of Object.entries({ ...DEFAULT_SETTINGS, ...DEFAULT_BOUNDS })) out.push(`  ${key.padEnd(32)} ${value}`);
  out.push('', 'Mutations (--set mutation=NAME): rules broken on purpose, to test the checker; no Kafka release behaves so:');
  for (const [name, doc] of Object.entries(MUTATIONS)) out.push(`  ${name.padEnd(40)} ${doc}`);
  return out.join('\n');
}

export function listJson(): unknown {
  const config = makeConfig();
  return {
    invariants: invariants(config).map(({ name, statement }) => ({ name, statement })),
    goals: GOALS.map(({ name, statement }) => ({ name, statement })),
    protocols: VERSIONS,
    switches: SWITCH_DOCS,
    mutations: MUTATIONS,
    defaults: config,
  };
}
