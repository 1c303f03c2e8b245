/**
 * `kafka-spec check --fewest BUDGET`: breadth-first search bounded by a budget, fewest first. The
 * report says what the counterexample spends and what is proven of it; a budget the model does
 * not have, or the random engine, is one line and exit 2. Late deliveries, counted only when
 * bounded, are searched fewest first once `maxLateDeliveries` is set.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const UNCLEAN = ['--rf', '2', '--min-isr', '1', '--unclean', '--lossy-crashes', '0', '--set', 'consumer=false', '--set', 'maxRecords=1',
  '--set', 'maxLeaderMoves=0', '--set', 'maxHeartbeatLosses=0', '--depth', '7', '--invariant', 'leader-completeness'];

describe('check --fewest', () => {
  it('reports the counterexample spending the fewest leader changes, and what is proven of it', async () => {
    const r = await runCli('check', '--engine', 'exhaustive', '--fewest', 'leaderChanges', '--json', ...UNCLEAN);
    expect(r.code).toBe(1);
    const [v] = JSON.parse(r.out).violations;
    expect(v).toMatchObject({ invariant: 'leader-completeness', fewest: { budget: 'leaderChanges', spent: 1, proven: true } });
    const text = await runCli('check', '--engine', 'exhaustive', '--fewest', 'leaderChanges', ...UNCLEAN);
    expect(text.out).toMatch(/spends 1 leaderChanges, the fewest any counterexample spends, and is a shortest among those spending at most that/);
    expect(text.out).not.toContain('(shortest: breadth-first)');
  });

  it('is deterministic with --depth (no clock)', async () => {
    const a = await runCli('check', '--engine', 'exhaustive', '--fewest', 'faults', '--json', ...UNCLEAN);
    const b = await runCli('check', '--engine', 'exhaustive', '--fewest', 'faults', '--json', ...UNCLEAN);
    expect(a.out).toBe(b.out);
  });

  it('finds the ELR last-known-leader loss with no late delivery, proven the fewest, where plain search needs one', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kafka-spec-late-')), 'elr.json');
    const ELR = ['--rf', '2', '--set', 'maxCrashes=2', '--set', 'maxLeaderMoves=0', '--set', 'maxRecords=1', '--set', 'consumer=false',
      '--set', 'maxHeartbeatLosses=0', '--invariant', 'leader-completeness', '--first'];
    const r = await runCli('check', '--engine', 'exhaustive', '--fewest', 'lateDeliveries', '--set', 'maxLateDeliveries=1', '--json', '--out', out, ...ELR);
    expect(r.code).toBe(1);
    const [v] = JSON.parse(r.out).violations;
    expect(v).toMatchObject({ invariant: 'leader-completeness', length: 12, fewest: { budget: 'lateDeliveries', spent: 0, proven: true } });
    expect(v.lateDeliveries).toEqual({ count: 0, steps: [] });
    const plain = JSON.parse((await runCli('check', '--engine', 'exhaustive', '--json', ...ELR)).out).violations[0];
    expect(plain).toMatchObject({ length: 12, lateDeliveries: { count: 1, steps: [{ step: 8, why: 'fetch from broker 2 handled after broker 2 restarted' }] } });
    const replayed = await runCli('replay', out, '--json');
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.out).lateDeliveries).toEqual({ count: 0, steps: [] });
  });

  it('refuses late deliveries when the configuration does not count them, one line, exit 2', async () => {
    const r = await runCli('check', '--engine', 'exhaustive', '--fewest', 'lateDeliveries', ...UNCLEAN);
    expect(r.code).toBe(2);
    expect(r.err).toBe("kafka-spec: --fewest: budget 'lateDeliveries' is counted only when the configuration bounds it: set maxLateDeliveries (e.g. --set maxLateDeliveries=2)");
  });

  it('rejects an unknown budget and the random engine with one line, exit 2', async () => {
    const bad = await runCli('check', '--fewest', 'elections', ...UNCLEAN);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^kafka-spec: --fewest: unknown budget 'elections' \(known: leaderChanges, crashes, .*faults\)$/);
    const random = await runCli('check', '--engine', 'random', '--fewest', 'crashes', ...UNCLEAN);
    expect(random.code).toBe(2);
    expect(random.err.split('\n')).toHaveLength(1);
  });
});
