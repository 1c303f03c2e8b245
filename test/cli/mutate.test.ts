/**
 * `kafka-spec mutate`: verdicts and exit codes. Exit 0 when every mutant judged is killed,
 * equivalent or a documented survivor, 1 when one survives unexplained, 2 for bad input (an
 * unknown mutant, a bad bound, a configuration that already fails at the bounds).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-mutate-'));
const SMALL = ['--depth', '4', '--runs', '0'];

describe('kafka-spec mutate', () => {
  it('kills a switch flip and a guard whose step throws, writes their traces, and exits 0', async () => {
    const page = join(dir, 'mutations.md');
    const r = await runCli('mutate', ...SMALL, '--only', 'switch:hwRequiresMinIsr=false', '--only', 'guard:replica.canFetch=true', '--out', page);
    expect(r.code).toBe(0);
    const text = readFileSync(page, 'utf8');
    expect(text).toContain('**Score: 2/2 = 100.0%**');
    expect(text).toContain('killed: `strong-isr` fails after 3 steps (shortest) ([trace](mutants/switch-hwRequiresMinIsr-false.json))');
    expect(existsSync(join(dir, 'mutants', 'guard-replica.canFetch-true.json'))).toBe(true);
    // The killing trace replays to its violation.
    expect((await runCli('replay', join(dir, 'mutants', 'switch-hwRequiresMinIsr-false.json'))).code).toBe(1);
  });

  it('exits 1 when a mutant survives unexplained, and says so in --json', async () => {
    const r = await runCli('mutate', ...SMALL, '--only', 'switch:fetchCarriesLeaderEpoch=false', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.summary).toMatchObject({ total: 1, survived: 1, unexplained: 1, score: 0 });
    expect(json.mutants[0]).toMatchObject({ id: 'switch:fetchCarriesLeaderEpoch=false', verdict: 'survived' });
  });

  it('bad input is one line and exit 2', async () => {
    const cases = [
      ['--only', 'switch:nope=true'],
      ['--depth', 'x'],
      ['--protocol', 'kafka-9'],
      ['--set', 'hwRequiresMinIsr=false', ...SMALL], // the configuration itself already loses a committed record
    ];
    for (const argv of cases) {
      const r = await runCli('mutate', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('a forced guard the machines lack is one line and exit 2 in check as well', async () => {
    const r = await runCli('check', '--set', 'forcedGuard=replica.noSuchGuard=true', '--depth', '1', '--engine', 'exhaustive');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kafka-spec: impossible configuration: forcedGuard: the replica machine has no guard 'noSuchGuard'/);
    expect(r.err.split('\n')).toHaveLength(1);
  });
});
