/**
 * `kafka-spec check --max-states N` and `--max-memory MB`: the search stops at the limit, exits 0
 * when nothing was violated, and reports what it explored (goals reached and not); a bad value is
 * one line and exit 2.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const run = runCli;

const FAST = ['--set', 'consumer=false', '--rf', '2'];

describe('check --max-states', () => {
  it('stops the breadth-first search past the limit with the partial report (exit 0)', async () => {
    const r = await run('check', '--engine', 'exhaustive', '--max-states', '1000', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Explored [\d,]+ distinct states, .* and some of depth \d+ in [\d.]+ s \(stopped at the state limit\)\./);
    expect(r.out).toContain('Reachability goals');
    expect(r.out).toMatch(/NOT REACHED|earliest after/);
    const json = JSON.parse((await run('check', '--engine', 'exhaustive', '--max-states', '1000', '--json', ...FAST)).out);
    expect(json.stats).toMatchObject({ stopReason: 'states', complete: false, engine: 'exhaustive' });
    expect(json.stats.states).toBeGreaterThan(1000);
    expect(json.stats.states).toBeLessThan(3000);
  });

  it('stops both phases of the default engine', async () => {
    const r = await run('check', '--max-states', '1000', '--runs', '100000', '--json', ...FAST);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.stats.stopReason).toBe('states');
    expect(json.stats.phases.exhaustive.stopReason).toBe('states');
    expect(json.stats.phases.random.stopReason).toBe('states');
    expect(json.stats.phases.random.runs).toBeLessThan(100000);
  });
});

describe('check --max-memory', () => {
  it('stops at the first check when the limit is tiny, with the partial report (exit 0)', async () => {
    const r = await run('check', '--engine', 'exhaustive', '--max-memory', '1', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(stopped at the memory limit)');
    expect(r.out).toContain('Reachability goals');
    const json = JSON.parse((await run('check', '--max-memory', '1', '--json', ...FAST)).out);
    expect(json.stats).toMatchObject({ stopReason: 'memory', complete: false });
    expect(json.stats.phases.random).toBeNull();
    const random = JSON.parse((await run('check', '--engine', 'random', '--max-memory', '1', '--json', ...FAST)).out);
    expect(random.stats).toMatchObject({ stopReason: 'memory', runs: 0 });
  });

  it('says so when the breadth-first phase used the memory and the random runs were left out', async () => {
    const r = await run('check', '--max-memory', '1', ...FAST);
    // With two threads or more the random runs ran beside breadth-first search (one thread: none followed it).
    expect(r.out).toMatch(/Random runs ran beside it until it stopped at the memory limit, which ends the search(?: \([^)]*\))?; they are left out|No random runs: the breadth-first phase stopped at the memory limit\./);
  });
});

describe('bad limits', () => {
  const cases: [string, string, RegExp][] = [
    ['--max-states', 'many', /--max-states expects a whole number, got 'many'/],
    ['--max-states', '0', /--max-states must be at least 1/],
    ['--max-states', '1.5', /--max-states expects a whole number/],
    ['--max-memory', '-5', /--max-memory expects a whole number, got '-5'/],
    ['--max-memory', '0', /--max-memory must be at least 1 \(MB\)/],
    ['--max-memory', '99999999999', /--max-memory must be at most 1,048,576/],
    ['--max-memory', '2 GB', /--max-memory expects a whole number/],
  ];
  for (const [flag, value, message] of cases) {
    it(`${flag} ${value}: one line, exit 2`, async () => {
      const r = await run('check', flag, value, ...FAST);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
    });
  }
});
