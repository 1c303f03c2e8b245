/**
 * Every way `check` explores stops cleanly at `--max-states` and `--max-memory`: exit 0 when
 * nothing was violated, the partial coverage report, and the reason it stopped, for the random
 * engine, the default engine's two phases and fewest-first search (the plain breadth-first
 * engine and the JSON of the default engine are in limits.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const FAST = ['--set', 'consumer=false', '--rf', '2'];

describe('check stops at --max-states with the partial report', () => {
  it('random runs: stops between runs and says so', async () => {
    const r = await runCli('check', '--engine', 'random', '--max-states', '2000', '--runs', '100000', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Explored [\d,]+ random runs(?: \([^)]*\))?, [\d,]+ steps, 2,0\d\d distinct states, .*\(stopped at the state limit\)\./);
    expect(r.out).toContain('Reachability goals');
  });

  it('the default engine: each phase says why it stopped', async () => {
    const r = await runCli('check', '--max-states', '2000', '--runs', '100000', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Explored breadth-first: 2,\d\d\d distinct states, .*\(stopped at the state limit\)\./);
    // The engines run at once (two threads or more), each stopping at the limit on its own count.
    expect(r.out).toMatch(/(?:At the same time|Then) at random: [\d,]+ random runs(?: \([^)]*\))?, .*\(stopped at the state limit\)\./);
    expect(r.out).toContain('Reachability goals');
  });

  it('fewest-first search: the round that reaches the limit ends the search', async () => {
    const r = await runCli('check', '--engine', 'exhaustive', '--fewest', 'leaderChanges', '--max-states', '2000', '--json', ...FAST);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.stats).toMatchObject({ stopReason: 'states', complete: false });
    expect(json.stats.states).toBeGreaterThan(2000);
    expect(json.stats.states).toBeLessThan(4000);
    expect(json.verdict).toBe('no-violation-found');
    expect(json.summary).toMatch(/: no violation of the 27 invariants checked found in (?:any behaviour up to \d+ steps?|the initial state only, not in every 1-step behaviour) \([\d,]+ states; those spending at most \d of the budget up to \d+ steps?\); longer behaviours were not explored\.$/);
  });
});

describe('a check stopped before it covered anything says so, and never that anything holds', () => {
  it('--time-limit 0 is refused with one line: a check that could look at nothing is bad input, not a pass', async () => {
    const r = await runCli('check', '--time-limit', '0', ...FAST);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim()).toBe('kafka-spec: --time-limit must be at least 1 (second)');
  });

  it('a search stopped before its first level: "no violation found", and a last sentence saying only the initial state was covered', async () => {
    const r = await runCli('check', '--engine', 'exhaustive', '--max-memory', '1', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('No invariant violated');
    expect(r.out).toContain('No violation found (27 checked), which is not a proof: the search was not complete.');
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(
      /^Kafka 4\.1, rf 2, acks=all, min\.insync\.replicas=2, .*: no violation of the 27 invariants checked found in the initial state only, not in every 1-step behaviour \([\d,]+ states?\); longer behaviours were not explored\.$/);
  });
});

describe('check stops at --max-memory with the partial report', () => {
  it('fewest-first search stops at the first check, and says so', async () => {
    const r = await runCli('check', '--engine', 'exhaustive', '--fewest', 'leaderChanges', '--max-memory', '1', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).toContain('(stopped at the memory limit)');
    expect(r.out).toContain('Reachability goals');
  });

  it('random runs: stops before the first run, and says so', async () => {
    const r = await runCli('check', '--engine', 'random', '--max-memory', '1', ...FAST);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Explored 0 random runs(?: \([^)]*\))?, .*\(stopped at the memory limit\)\./);
  });
});
