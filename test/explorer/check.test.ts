/**
 * A check as the explorer's worker runs it reports what `kafka-spec check` reports for the same
 * configuration and bounds (the page shows this report), and hands over each counterexample's
 * steps, the goals and the kinds of step never taken as plain data.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { runExplorerCheck } from '../../explorer/check.ts';
import { makeConfig } from '../../spec/config.ts';

const seconds = (text: string) => text.replace(/ in \d+\.\d s /g, ' in _ s ');

describe('the explorer check', () => {
  it('reports as kafka-spec check does, and hands over the counterexample', async () => {
    const config = makeConfig({ protocol: 'kafka-0.10', rf: 2, lossyCrashes: 0, consumer: false });
    const outcome = runExplorerCheck({ config, engine: 'exhaustive', depth: 6, invariants: [], first: true });
    const cli = await runCli('check', '--protocol', 'kafka-0.10', '--rf', '2', '--lossy-crashes', '0', '--set', 'consumer=false', '--engine', 'exhaustive', '--depth', '6', '--first');
    expect(cli.code).toBe(1);
    // The CLI prints a header (engine and configuration) before the report.
    expect(seconds(cli.out)).toContain(seconds(outcome.report));
    expect(outcome.verdict).toBe('violated');
    expect(outcome.violations.map((v) => [v.invariant, v.steps.length])).toEqual([['no-fenced-in-isr', 4]]);
    expect(outcome.goals.length).toBeGreaterThan(0);
    expect(outcome.neverTaken.length).toBeGreaterThan(0);
    expect(outcome.report).toContain(`Kinds of step never taken (${outcome.neverTaken.length} of the`);
    expect(outcome.summary).toBe(outcome.report.split('\n').at(-1));
  });

  it('says no violation found, with the depth covered, for a search stopped at its depth, as the CLI does', () => {
    const config = makeConfig({ rf: 2, consumer: false });
    const outcome = runExplorerCheck({ config, engine: 'exhaustive', depth: 3, invariants: [], first: false });
    expect(outcome.verdict).toBe('no-violation-found');
    expect(outcome.summary).toMatch(/^Kafka 4\.1, rf 2, .*: no violation of the 27 invariants checked found in any behaviour up to 3 steps \([\d,]+ states\); longer behaviours were not explored\.$/);
  });
});
