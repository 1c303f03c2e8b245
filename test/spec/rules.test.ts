/**
 * Where protocol knowledge lives: switches are declared once (spec/switches.ts) and read only by
 * `resolveRules`; machines and helpers receive rules; a mutation transforms rules and no
 * protocol file names one. These tests keep that shape from eroding.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeConfig } from '../../spec/config.ts';
import { SWITCHES, SWITCH_NAMES } from '../../spec/switches.ts';
import { VERSIONS } from '../../spec/versions.ts';
import { resolveRules } from '../../spec/rules.ts';
import { MUTATION_NAMES } from '../../spec/mutations.ts';

const SPEC = join(import.meta.dirname, '../../spec');
const files = [...readdirSync(SPEC).filter((f) => f.endsWith('.ts')), ...['xstate', 'steps'].flatMap((d) => readdirSync(join(SPEC, d)).map((f) => `${d}/${f}`))];
const source = (f: string) => readFileSync(join(SPEC, f), 'utf8');

/** The files that may know the configuration: its declaration, the presets, and the one resolver. */
const CONFIG_AWARE = ['config.ts', 'declare.ts', 'switches.ts', 'versions.ts', 'rules.ts', 'mutations.ts', 'cluster.ts'];

describe('rules are resolved once', () => {
  it('no machine or helper sees the configuration', () => {
    const offenders = files.filter((f) => !CONFIG_AWARE.includes(f) && /\bClusterConfig\b/.test(source(f)));
    expect(offenders).toEqual([]);
  });

  it('the cluster reads the configuration only to resolve the rules and take the bounds', () => {
    const uses = source('cluster.ts').match(/(?<!\.\/)\bconfig\b[.[]/g) ?? [];
    expect(uses).toEqual(['config[']);
  });

  it('no protocol file names a mutation', () => {
    const offenders = files.filter((f) => f !== 'mutations.ts' && f !== 'config.ts' &&
      MUTATION_NAMES.some((m) => source(f).includes(`'${m}'`)));
    expect(offenders).toEqual([]);
  });

  it('each mutation changes the rules, and only the rule it names', () => {
    const base = resolveRules(makeConfig());
    for (const mutation of MUTATION_NAMES) {
      const mutated = resolveRules(makeConfig({ mutation }));
      const changed = Object.keys(base).filter((k) => JSON.stringify(base[k as keyof typeof base]) !== JSON.stringify(mutated[k as keyof typeof base]));
      expect(changed, mutation).toHaveLength(1);
    }
  });

  it('every switch changes the rules of today\'s protocol when flipped', () => {
    const today = makeConfig();
    const base = resolveRules(today);
    for (const name of SWITCH_NAMES) {
      const value = today[name];
      const flipped = typeof value === 'boolean' ? !value : SWITCHES[name].values.split(' | ').find((v) => v !== value);
      const rules = resolveRules(makeConfig({ [name]: flipped }));
      expect(rules, name).not.toEqual(base);
    }
  });
});

describe('each switch is declared once, with the release that changed it', () => {
  const versions = Object.entries(VERSIONS);

  it('the first preset with today\'s value is the first one at or after the release a declaration names', () => {
    const release = (v: string) => v.replace('kafka-', '').split('.').map(Number);
    const atOrAfter = (a: number[], b: number[]) => a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
    for (const name of SWITCH_NAMES) {
      const change = SWITCHES[name].change;
      expect(change, name).toBeDefined();
      const declared = change!.release.split(' / ').at(-1)!.split('.').map(Number);
      const today = versions[versions.length - 1][1][name];
      const first = versions.find(([, v]) => v[name] === today)![0];
      const expected = versions.find(([v]) => atOrAfter(release(v), declared))![0];
      expect(first, name).toBe(expected);
    }
  });

  it('presets hold exactly the declared switches', () => {
    for (const [, v] of versions) expect(Object.keys(v).sort()).toEqual([...SWITCH_NAMES].sort());
  });
});
