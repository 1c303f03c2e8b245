/**
 * `kafka-spec check` guides random runs by the model's state sketches unless told `--no-guide`:
 * the report says how many runs resumed kept ones, `--no-guide` runs plain, and the flag with
 * breadth-first search alone is one line, exit 2.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const CAMPAIGN = ['check', '--engine', 'random', '--runs', '200', '--max-steps', '30', '--seed', '5', '--rf', '2', '--set', 'consumer=false'];

describe('check --no-guide', () => {
  it('reports guidance by default and none with --no-guide', async () => {
    const guided = JSON.parse((await runCli(...CAMPAIGN, '--json')).out);
    expect(guided.stats.guided.resumedRuns).toBeGreaterThan(0);
    expect(guided.stats.guided.sketches).toBeGreaterThan(1);
    const plain = JSON.parse((await runCli(...CAMPAIGN, '--json', '--no-guide')).out);
    expect(plain.stats.guided).toBeUndefined();
    expect(plain.stats.runs).toBe(guided.stats.runs);
    expect((await runCli(...CAMPAIGN)).out).toMatch(/random runs \([\d,]+ resuming a run kept for meeting one of [\d,]+ state sketches first\)/);
  });

  it('rejects --no-guide with breadth-first search alone or a liveness check, with one line', async () => {
    for (const args of [['--engine', 'exhaustive'], ['--liveness']]) {
      const r = await runCli('check', ...args, '--no-guide', '--rf', '2');
      expect([r.code, r.err.split('\n').length]).toEqual([2, 1]);
      expect(r.err).toMatch(/--no-guide cannot go with (--engine exhaustive|--engine liveness|a liveness check): it changes random runs/);
    }
  });
});
