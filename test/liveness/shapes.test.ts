/**
 * logs-converge (V2) in the shapes the KIPs describe, checked from the end of the scenario's
 * steps (a prefix trace under docs/traces/) instead of on the complete graph that contains it,
 * which takes minutes. A lasso found from a prefix is a counterexample of the whole behaviour;
 * "holds" from it is claimed only on the complete graph from its end.
 *
 * - KIP-101 scenario 2 (rf 2, both brokers lose power, the one that lost a record comes back
 *   first and leads): truncation to the HW (0.10) keeps the record the new leader never had, for
 *   ever; with KIP-101's truncation, the only rule changed, every divergence heals.
 * - KIP-279's fast leader failover (KAFKA-6361: leadership goes back to a replica that never saw
 *   the epoch in between, here by an unclean election, the only one possible at rf 2): KIP-101's
 *   answer, the start of the next epoch the leader has, leaves the follower's record of the
 *   missing epoch in place for ever; KIP-279's answer removes it.
 * - Today's rules (4.1) at the same settings and bounds hold from both; the KIP-279 steps need a
 *   heartbeat that unfences the restarted broker before it follows (a KRaft broker registers
 *   fenced), kept in their own prefix file. Truncating to the HW, or by KIP-101, makes 4.1 fail.
 *
 * Each lasso must equal its file under docs/traces/ byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaModel } from '../../properties/kafka-model.ts';
import { configOfRecord } from '../../spec/config.ts';
import { VERSIONS } from '../../spec/versions.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { exploreLivenessFrom, PrefixError } from '../../src/explore/liveness-from.ts';
import { replayLasso } from '../../src/trace/replay.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import { lassoTrace } from '../../src/report/liveness.ts';

const traces = join(import.meta.dirname, '../../docs/traces');
const KIP101 = 'kip101-scenario2-prefix.json';
const KIP279 = 'kip279-fast-failover-prefix.json';
const KIP279_KRAFT = 'kip279-fast-failover-kraft-prefix.json';

/** The prefix's configuration, moved to `protocol`'s switches (settings and bounds kept) and then changed by `set`. */
function modelOf(file: string, protocol?: string, set: Record<string, unknown> = {}) {
  const trace = parseTrace(readFileSync(join(traces, file), 'utf8'), file);
  const switches = protocol === undefined ? {} : { ...VERSIONS[protocol], protocol };
  return { model: kafkaModel(configOfRecord({ ...trace.config, ...switches, ...set })), steps: trace.steps };
}

/** logs-converge checked from the end of the prefix in `file`. */
function fromPrefix(file: string, protocol?: string, set?: Record<string, unknown>) {
  const { model, steps } = modelOf(file, protocol, set);
  return { model, steps, r: exploreLivenessFrom(model, steps, { properties: ['logs-converge'] }) };
}

/** The log of broker `b` in the last state of the lasso, as `value@epoch`. */
const logOf = (state: ClusterState, b: number) =>
  state.replicas[b - 1].context.log.map((e) => `v${e.value}@e${e.epoch}`);

function lassoOf(file: string, protocol?: string) {
  const { model, steps, r } = fromPrefix(file, protocol);
  expect(r).toMatchObject({ verdict: 'violated', complete: true, fromSteps: steps.length });
  const l = r.lassos[0];
  expect(l.prefix.slice(0, steps.length)).toEqual(steps);
  const { states, lasso } = replayLasso(model, [...l.prefix, ...l.cycle], l.prefix.length, l.property);
  expect(lasso.violates).toBe(true);
  return { model, l, last: states[states.length - 1] };
}

describe('KIP-101 scenario 2: both brokers lose power, the one that lost a record leads', () => {
  it('kafka-0.10: the follower truncates to its HW, keeps v2 where the leader has v3, and the logs never converge again', () => {
    const { model, l, last } = lassoOf(KIP101);
    expect(logOf(last, 1)).toEqual(['v1@e0', 'v2@e0']);
    expect(logOf(last, 2)).toEqual(['v1@e0', 'v3@e3']);
    expect(JSON.stringify(lassoTrace(model, l), null, 2) + '\n')
      .toBe(readFileSync(join(traces, 'kafka-0.10-kip101-scenario2-logs-never-converge.json'), 'utf8'));
  });

  it('the same steps with KIP-101\'s truncation, the one rule changed: every fair behaviour from there heals', () => {
    expect(fromPrefix(KIP101, undefined, { truncation: 'kip101' }).r).toMatchObject({ verdict: 'holds', complete: true });
  });

  it('today\'s rules at the same settings and bounds hold from the same steps, and fail with truncation to the HW', () => {
    expect(fromPrefix(KIP101, 'kafka-4.1').r).toMatchObject({ verdict: 'holds', complete: true });
    expect(fromPrefix(KIP101, 'kafka-4.1', { truncation: 'hw' }).r).toMatchObject({ verdict: 'violated', complete: true });
  });
});

describe('KIP-279: a fast failover back to a replica that never saw the epoch in between', () => {
  it('kafka-0.11: KIP-101\'s answer leaves the follower\'s v3 of epoch 1 below the HW for ever (the KAFKA-6361 logs)', () => {
    const { model, l, last } = lassoOf(KIP279);
    expect(logOf(last, 1)).toEqual(['v1@e0', 'v2@e0', 'v4@e2']);
    expect(logOf(last, 2)).toEqual(['v1@e0', 'v3@e1', 'v4@e2']);
    expect(l.prefix.some((a) => a.step === 'LeaderHandleEpochQuery')).toBe(true);
    expect(JSON.stringify(lassoTrace(model, l), null, 2) + '\n')
      .toBe(readFileSync(join(traces, 'kafka-0.11-kip279-fast-failover-logs-never-converge.json'), 'utf8'));
  });

  it('the same steps with KIP-279\'s answer, the one rule changed: every fair behaviour from there heals', () => {
    expect(fromPrefix(KIP279, undefined, { truncation: 'kip279' }).r).toMatchObject({ verdict: 'holds', complete: true });
  });

  it('today\'s rules: the restarted broker follows while fenced but must be unfenced before it leads; with that step, it holds, and fails with KIP-101\'s truncation', () => {
    const { model, steps } = modelOf(KIP279, 'kafka-4.1');
    expect(() => exploreLivenessFrom(model, steps)).toThrow(new PrefixError('step 15 (ProducerSend broker=1 value=4) of the prefix is not enabled'));
    const kraft = modelOf(KIP279_KRAFT).steps;
    expect(kraft.filter((a) => a.step !== 'ControllerUnfenceBroker')).toEqual(steps);
    expect(fromPrefix(KIP279_KRAFT).r).toMatchObject({ verdict: 'holds', complete: true });
    expect(fromPrefix(KIP279_KRAFT, undefined, { truncation: 'kip101' }).r).toMatchObject({ verdict: 'violated', complete: true });
  });
});
