/**
 * `--time-limit` bounds the whole command: the search, then shrinking and certifying what it
 * found. What the command reports when the limit stops it is tested here; how close to the limit
 * it returns is a measurement of a loaded machine, recorded by `npm run bench -- limits`.
 */
import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

async function check(args: string[]): Promise<{ code: number; json: any }> {
  let out = '';
  const code = await main(['check', ...args, '--json'], { out: (t) => (out = t), progress: () => {} });
  return { code, json: JSON.parse(out) };
}

it('a random search stopped by the limit says so, incomplete, with the runs, steps and states it explored', async () => {
  // Today's protocol breaks no default invariant, and a hundred million runs outlast any limit.
  const { code, json } = await check(['--engine', 'random', '--runs', '100000000', '--time-limit', '1', '--seed', '1', '--workers', '1']);
  expect(code).toBe(0);
  expect(json.violations).toEqual([]);
  expect(json.stats).toMatchObject({ engine: 'random', complete: false, stopReason: 'time' });
  expect(json.stats.runs).toBeGreaterThan(0);
  expect(json.stats.steps).toBeGreaterThanOrEqual(json.stats.runs);
  expect(json.stats.states).toBeGreaterThan(0);
});

it('a check with a counterexample to shrink and certify within the limit ends with it, saying whether each trace is certified minimal', async () => {
  // Random runs find a long weak-isr counterexample in the pre-0.11 protocol at rf 3, whose
  // certification (a breadth-first search to one step shorter) would take far longer than the limit.
  const { code, json } = await check(['--truncation', 'hw', '--rf', '3', '--set', 'consumer=false', '--engine', 'random',
    '--time-limit', '5', '--invariant', 'weak-isr', '--seed', '1']);
  expect(code).toBe(json.violations.length > 0 ? 1 : 0);
  expect(json.stats.complete).toBe(false);
  for (const v of json.violations) expect(typeof v.certifiedMinimal).toBe('boolean');
});
