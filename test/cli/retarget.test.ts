/**
 * Cross-version replay and witnesses: `replay TRACE --protocol X / --set k=v` replays a trace under
 * another configuration and tells a step no longer enabled, a violation that still happens and one
 * that no longer does apart (exit 0, 1, 0); `diff --protocol A --against B` finds the shortest
 * counterexample of A that B does not reproduce (exit 1), or says there is none (exit 0).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import { retarget } from '../../src/trace/retarget.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import { retargetConfig } from '../../src/cli/replay.ts';

const KIP101 = join(import.meta.dirname, '../../docs/traces/truncate-to-hw-loss.json');
/** KIP-279's fast failover under 0.11's rules: a restarted broker leads again at step 15. */
const KIP279 = join(import.meta.dirname, '../../docs/traces/kip279-fast-failover-prefix.json');
/** Found by random runs under 2.0 with KIP-320 on (the kip320-stale-epoch-follower scenario's fix); weak-isr fails at step 29. */
const STALE_EPOCH = join(import.meta.dirname, '../../docs/traces/kafka-2.0-kip320-stale-epoch-on-kafka-7415-shape.json');
/** Found without milestones by `check --first` under 2.1 with truncateOnEveryEpochChange off; weak-isr fails at step 27. */
const UNGUIDED_7164 = join(import.meta.dirname, '../../docs/traces/kafka-2.1-kafka-7164-unguided.json');
const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-retarget-'));
const QUIET = ['--rf', '2', '--set', 'consumer=false', '--set', 'maxLeaderMoves=0'];

describe('retarget', () => {
  const trace = parseTrace(readFileSync(KIP101, 'utf8'));
  const recorded = configOfRecord(trace.config);
  const under = (overrides: object) => kafkaModel(configOfRecord({ ...trace.config, ...overrides }));

  it('reports the violation where the trace was recorded, and none once leader epochs truncate', () => {
    expect(retarget(kafkaModel(recorded), trace.steps)).toMatchObject({ outcome: 'violated', step: 10 });
    expect(retarget(under({ truncation: 'kip101' }), trace.steps)).toMatchObject({ outcome: 'clean', steps: 10 });
  });

  it('reports the first step a newer protocol no longer enables', () => {
    // In KRaft the restarted broker 1 registers fenced: it replays and follows (L7), but is not elected, so it never takes v4.
    const kip279 = parseTrace(readFileSync(KIP279, 'utf8'));
    const kraft = kafkaModel(retargetConfig(configOfRecord(kip279.config), 'kafka-3.7', []));
    expect(retarget(kraft, kip279.steps)).toMatchObject({ outcome: 'blocked', step: 15, pastBounds: false });
    // The restart leaves the ISR (KIP-380), so fencing broker 1 elects no one: the 0.10 loss runs to its end and loses nothing.
    expect(retarget(kafkaModel(retargetConfig(recorded, 'kafka-3.7', [])), trace.steps)).toMatchObject({ outcome: 'clean', steps: 10 });
  });
});

describe('kafka-spec replay --protocol / --set', () => {
  it('exit 1 while the violation still happens, 0 once it does not or the trace no longer runs', async () => {
    const still = await runCli('replay', KIP101, '--protocol', 'kafka-0.10');
    const fixed = await runCli('replay', KIP101, '--protocol', 'kafka-0.11');
    const blocked = await runCli('replay', KIP279, '--protocol', 'kafka-3.7', '--json');
    expect([still.code, fixed.code, blocked.code]).toEqual([1, 0, 0]);
    expect(fixed.out).toContain('the violation no longer happens');
    expect(JSON.parse(blocked.out)).toMatchObject({ outcome: 'blocked', step: 15, action: 'ProducerSend broker=1 value=4' });
    expect((await runCli('replay', KIP101, '--set', 'truncation=kip101')).code).toBe(0);
  });

  it('--invariant judges only the invariants named: the find under KIP-320 is KAFKA-7415\'s shape', async () => {
    // Under the KAFKA-7415 fix the trace runs to its end; weak-isr no longer fails, though with acks=1 another invariant does.
    const asked = await runCli('replay', STALE_EPOCH, '--set', 'epochEntryOnBecomeLeader=true', '--invariant', 'weak-isr');
    expect(asked.code).toBe(0);
    expect(asked.out).toContain('all 29 steps replay and weak-isr does not fail');
    expect((await runCli('replay', STALE_EPOCH, '--set', 'epochEntryOnBecomeLeader=true')).code).toBe(1);
    // The KAFKA-7164 fix does not remove it.
    expect((await runCli('replay', STALE_EPOCH, '--set', 'truncateOnEveryEpochChange=true', '--invariant', 'weak-isr')).code).toBe(1);
  });

  it('the unguided KAFKA-7164 find: a follower that missed an epoch keeps its log under the same leader, which the fix refuses', async () => {
    expect((await runCli('replay', UNGUIDED_7164)).code).toBe(1);
    // Under the fix epoch 2 makes broker 2 ask OffsetsForLeaderEpoch (step 27) before it fetches again: the last step is not enabled.
    const fixed = await runCli('replay', UNGUIDED_7164, '--set', 'truncateOnEveryEpochChange=true', '--invariant', 'weak-isr', '--json');
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.out)).toMatchObject({ outcome: 'blocked', step: 28 });
  });

  it('bad input is one line and exit 2', async () => {
    for (const argv of [['--protocol', 'kafka-9'], ['--set', 'nope=1'], ['--set', 'rf=x'], ['--protocol', 'kafka-0.11', '--format', 'html'],
      ['--invariant', 'weak-isr'], ['--protocol', 'kafka-0.11', '--invariant', 'nope']]) {
      const r = await runCli('replay', KIP101, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
    }
  });
});

describe('kafka-spec diff', () => {
  it('finds what 3.7 fixed in 3.5 (the min-ISR gate on the HW) and writes it as a trace that replays', async () => {
    const out = join(dir, 'witness.json');
    const r = await runCli('diff', '--protocol', 'kafka-3.5', '--against', 'kafka-3.7', ...QUIET, '--depth', '5', '--json', '--out', out);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).witness).toMatchObject({ invariant: 'no-committed-loss', length: 4, underB: { outcome: 'clean' } });
    expect((await runCli('replay', out)).code).toBe(1);
    expect((await runCli('replay', out, '--protocol', 'kafka-3.7')).code).toBe(0);
  });

  it('finds no witness between a version and itself', async () => {
    const r = await runCli('diff', '--protocol', 'kafka-3.5', '--against', 'kafka-3.5', ...QUIET, '--depth', '5');
    expect(r.code).toBe(0);
    expect(r.out).toContain('No witness at these bounds');
  });

  it('bad input is one line and exit 2', async () => {
    for (const argv of [['--protocol', 'kafka-3.5'], ['--against', 'kafka-9'], ['--against', 'kafka-3.7', '--depth', 'x']]) {
      const r = await runCli('diff', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.split('\n')).toHaveLength(1);
    }
  });
});
