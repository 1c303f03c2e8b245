/**
 * `kafka-spec check --reduce sleep`: breadth-first search with sleep sets reports the same states,
 * verdicts and counterexamples as the full search, with fewer steps taken and the skipped ones
 * counted; anything else than none or sleep, another engine or worker threads is one line, exit 2.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const SMALL = ['--rf', '2', '--min-isr', '1', '--unclean', '--set', 'consumer=false', '--set', 'maxRecords=1', '--json'];

describe('check --reduce', () => {
  it('finds what the full search finds, taking fewer steps', async () => {
    const full = await runCli('check', '--engine', 'exhaustive', '--depth', '8', ...SMALL);
    const sleep = await runCli('check', '--engine', 'exhaustive', '--depth', '8', '--reduce', 'sleep', ...SMALL);
    const [f, s] = [JSON.parse(full.out), JSON.parse(sleep.out)];
    expect(f.violations.length).toBeGreaterThan(0);
    expect(sleep.code).toBe(full.code);
    expect(s.invariants).toEqual(f.invariants);
    expect(s.violations).toEqual(f.violations);
    expect([s.stats.states, s.stats.depth]).toEqual([f.stats.states, f.stats.depth]);
    expect(s.stats.steps).toBeLessThan(f.stats.steps);
    expect(s.stats.skipped).toBeGreaterThan(0);
    expect(f.stats.skipped).toBeUndefined();
  });

  it('rejects another kind, another engine and worker threads, with one line', async () => {
    for (const args of [['--reduce', 'fast'], ['--reduce', 'sleep'], ['--engine', 'random', '--reduce', 'sleep'], ['--engine', 'exhaustive', '--reduce', 'sleep', '--workers', '2']]) {
      const r = await runCli('check', ...args, ...SMALL);
      expect([r.code, r.err.split('\n').length]).toEqual([2, 1]);
      expect(r.err).toMatch(/--reduce/);
    }
  });
});
