/**
 * `check --json` is a pure function of its flags when they bound the search: the same seed and
 * bounds print the same bytes every time. Wall-clock figures appear only with --timings, and a
 * check bounded by --depth and --runs runs without a time limit, so the clock cannot cut it short.
 */
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runCheck } from '../../src/cli/check.ts';
import * as engines from '../../src/explore/index.ts';

type Engines = typeof engines;
const calls: { engine: string; timeLimitMs: number | undefined; certify?: { timeLimitMs?: number } }[] = [];

// Record the time limit each engine is given; a bare check's 60 s is cut to a fraction of a second.
vi.mock('../../src/explore/index.ts', async (importOriginal) => {
  const real = await importOriginal<Engines>();
  const short = (ms: number | undefined) => (ms === undefined ? undefined : Math.min(ms, 300));
  return {
    ...real,
    exploreCombined: ((model, options) => {
      calls.push({ engine: 'both', timeLimitMs: options.timeLimitMs, certify: options.certify });
      return real.exploreCombined(model, { ...options, timeLimitMs: short(options.timeLimitMs) });
    }) as Engines['exploreCombined'],
    exploreRandom: ((model, options) => {
      calls.push({ engine: 'random', timeLimitMs: options.timeLimitMs, certify: options.certify });
      return real.exploreRandom(model, { ...options, timeLimitMs: short(options.timeLimitMs) });
    }) as Engines['exploreRandom'],
    exploreExhaustive: ((model, options) => {
      calls.push({ engine: 'exhaustive', timeLimitMs: options?.timeLimitMs });
      return real.exploreExhaustive(model, { ...options, timeLimitMs: short(options?.timeLimitMs) });
    }) as Engines['exploreExhaustive'],
  };
});

async function json(...argv: string[]): Promise<string> {
  const out: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), progress: () => {} });
  expect([0, 1]).toContain(code);
  expect(out).toHaveLength(1);
  return out[0];
}

const lastCall = () => calls[calls.length - 1];

describe('check --json is deterministic', () => {
  it('random engine: --runs 300 --seed 7 gives the same bytes twice, with no wall-clock figure in them', async () => {
    const argv = ['check', '--engine', 'random', '--runs', '300', '--seed', '7', '--json', '--set', 'consumer=false'];
    const first = await json(...argv);
    expect(lastCall()).toMatchObject({ engine: 'random', timeLimitMs: undefined, certify: { maxStates: 3_000_000 } });
    expect(lastCall().certify).not.toHaveProperty('timeLimitMs');
    expect(await json(...argv)).toBe(first);
    expect(first).not.toContain('elapsedMs');
    expect(JSON.parse(first).stats).toMatchObject({ engine: 'random', runs: 300, stopReason: 'runs' });
  });

  it('default engine: --depth 4 --runs 200 --seed 3 gives the same bytes twice, both phases run to their bounds', async () => {
    const argv = ['check', '--depth', '4', '--runs', '200', '--seed', '3', '--json'];
    const first = await json(...argv);
    expect(lastCall()).toMatchObject({ engine: 'both', timeLimitMs: undefined });
    expect(await json(...argv)).toBe(first);
    expect(first).not.toContain('elapsedMs');
    const { stats } = JSON.parse(first);
    expect(stats.phases.exhaustive).toMatchObject({ depth: 4, stopReason: 'depth' });
    expect(stats.phases.random).toMatchObject({ runs: 200, stopReason: 'runs' });
  });

  it('a counterexample found at random, shrunk and certified, is the same every time', async () => {
    const argv = ['check', '--acks', '1', '--engine', 'random', '--runs', '300', '--seed', '3', '--json', '--set', 'consumer=false'];
    const first = await json(...argv);
    expect(await json(...argv)).toBe(first);
    expect(JSON.parse(first).violations[0]).toMatchObject({ invariant: 'acks-one-durable', certifiedMinimal: true, seed: 3 });
  });

  it('breadth-first alone with --depth: no time limit', async () => {
    const argv = ['check', '--engine', 'exhaustive', '--depth', '3', '--json', '--set', 'consumer=false'];
    const first = await json(...argv);
    expect(lastCall()).toEqual({ engine: 'exhaustive', timeLimitMs: undefined });
    expect(await json(...argv)).toBe(first);
  });
});

describe('the time limit', () => {
  it('is 60 s for a check no flag bounds, and for the default engine given only one of --depth and --runs', async () => {
    for (const flags of [[], ['--depth', '3'], ['--runs', '20']]) {
      // On one thread the random runs certify what they find, for up to 30 s; with the engines at once that is asked for (--certify).
      await json('check', ...flags, '--seed', '1', '--json', '--set', 'consumer=false', '--workers', '1');
      expect(lastCall()).toMatchObject({ engine: 'both', timeLimitMs: 60_000, certify: { timeLimitMs: 30_000 } });
      await json('check', ...flags, '--seed', '1', '--json', '--set', 'consumer=false', '--workers', '2');
      expect(lastCall()).toMatchObject({ engine: 'both', timeLimitMs: 60_000, certify: undefined });
      await json('check', ...flags, '--seed', '1', '--json', '--set', 'consumer=false', '--workers', '2', '--certify', '5');
      expect(lastCall()).toMatchObject({ engine: 'both', timeLimitMs: 60_000, certify: { timeLimitMs: 5_000 } });
    }
    await json('check', '--engine', 'exhaustive', '--json', '--set', 'consumer=false');
    expect(lastCall()).toMatchObject({ engine: 'exhaustive', timeLimitMs: 60_000 });
    await json('check', '--engine', 'random', '--json', '--set', 'consumer=false');
    expect(lastCall()).toMatchObject({ engine: 'random', timeLimitMs: 60_000 });
  });

  it('is what --time-limit says, bounds or not', async () => {
    await json('check', '--depth', '3', '--runs', '20', '--time-limit', '5', '--json', '--set', 'consumer=false');
    expect(lastCall()).toMatchObject({ engine: 'both', timeLimitMs: 5000 });
  });
});

describe('--timings', () => {
  it('adds the wall-clock figures to the JSON, overall and per phase', () => {
    const out: string[] = [];
    const flags = { depth: '3', runs: '20', seed: '1', json: true, timings: true, set: ['consumer=false'] };
    expect(runCheck(flags, { out: (t) => out.push(t), progress: () => {} })).toBe(0);
    const { stats } = JSON.parse(out[0]);
    expect(typeof stats.elapsedMs).toBe('number');
    expect(typeof stats.phases.exhaustive.elapsedMs).toBe('number');
    expect(typeof stats.phases.random.elapsedMs).toBe('number');
  });
});
