/**
 * `kafka-spec check --workers N`: breadth-first search on N threads prints what one thread
 * prints; random runs on N threads are deterministic for a seed, and without a seed use every
 * core by default; a bad count is one line, exit 2.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const SMALL = ['--rf', '2', '--min-isr', '1', '--unclean', '--lossy-crashes', '0', '--set', 'consumer=false', '--set', 'maxRecords=1', '--json'];

describe('check --workers', () => {
  it('prints the same breadth-first result on two threads as on one', async () => {
    // To depth 8 a level passes 2,048 states, where the worker threads start.
    const one = await runCli('check', '--engine', 'exhaustive', '--depth', '8', '--workers', '1', ...SMALL);
    const two = await runCli('check', '--engine', 'exhaustive', '--depth', '8', '--workers', '2', ...SMALL);
    expect(JSON.parse(one.out).violations.length).toBeGreaterThan(0);
    expect([two.code, two.out]).toEqual([one.code, one.out]);
  });

  it('runs breadth-first search on every core by default, and says so, but only once a level is large', async () => {
    const text = SMALL.filter((a) => a !== '--json');
    // Deep enough that the worker has built the model before the search ends (it joins a level under way).
    const deep = await runCli('check', '--engine', 'exhaustive', '--depth', '10', ...text);
    const alone = await runCli('check', '--engine', 'exhaustive', '--depth', '10', '--workers', '1', ...text);
    const shallow = await runCli('check', '--engine', 'exhaustive', '--depth', '4', ...text);
    const cores = availableParallelism();
    expect(deep.out).toMatch(cores > 1 ? new RegExp(`all behaviours up to depth 10 in [\\d.]+ s on ${Math.min(cores, 64)} threads \\(`) : /up to depth 10 in [\d.]+ s \(/);
    for (const r of [alone, shallow]) expect(r.out).toMatch(/all behaviours up to depth \d+ in [\d.]+ s \(/);
  });

  it('keeps random runs on one thread by default, so a seed makes the same runs on any machine', async () => {
    const args = ['--engine', 'random', '--runs', '40', '--max-steps', '12', '--seed', '4', ...SMALL];
    const byDefault = await runCli('check', ...args);
    const one = await runCli('check', ...args, '--workers', '1');
    expect(byDefault.out).toBe(one.out);
  });

  it('runs random runs given no seed on every core, and says so', async () => {
    const text = SMALL.filter((a) => a !== '--json');
    const r = await runCli('check', '--engine', 'random', '--runs', '40', '--max-steps', '12', '--invariant', 'hw-le-leo', ...text);
    const cores = availableParallelism();
    expect(r.out).toMatch(cores > 1 ? new RegExp(`40 random runs .* in [\\d.]+ s on ${Math.min(cores, 64)} threads \\(`) : /40 random runs .* in [\d.]+ s \(/);
  });

  it('runs random shards on threads deterministically', async () => {
    const args = ['check', '--engine', 'random', '--runs', '40', '--max-steps', '12', '--seed', '4', '--workers', '2', ...SMALL];
    const [a, b] = [await runCli(...args), await runCli(...args)];
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out).stats.runs).toBeGreaterThanOrEqual(40); // shrinking a counterexample counts its runs too
  });

  it('rejects a count that is not a whole number of at least 1, with one line', async () => {
    for (const n of ['0', 'two', '65']) {
      const r = await runCli('check', '--workers', n, ...SMALL);
      expect([r.code, r.err.split('\n').length]).toEqual([2, 1]);
      expect(r.err).toMatch(/--workers/);
    }
  });
});
