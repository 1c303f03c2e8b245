/**
 * The compiled reducers are a faster way to step the xstate machines, never a second model: every
 * replica and controller step taken along random cluster walks is replayed through xstate's own
 * pure `transition()` and must agree on the next state, the context and the emitted events.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cluster } from '../../spec/cluster.ts';
import { makeConfig, type ClusterConfig } from '../../spec/config.ts';
import { createControllerMachine } from '../../spec/controller.ts';
import { createReplicaMachine } from '../../spec/replica.ts';
import { checkAgainstXstate } from '../../spec/xstate/differential.ts';

type Stepper = { step: (value: string, context: unknown, event: unknown) => unknown };

/** Wraps a compiled machine so that every step it takes is checked against xstate. */
function checked(machine: Parameters<typeof checkAgainstXstate>[0], compiled: Stepper, failures: string[]): void {
  const step = compiled.step.bind(compiled);
  const original = { ...compiled, step };
  compiled.step = (value, context, event) => {
    const verdict = checkAgainstXstate(machine, original as never, value as never, context as never, event as never);
    if (!verdict.equal) failures.push(`${(event as { type: string }).type} in ${value}: ${verdict.detail}`);
    return step(value, context, event);
  };
}

function walkChecked(config: ClusterConfig, choices: number[]): string[] {
  const cluster = new Cluster(config);
  const failures: string[] = [];
  checked(createReplicaMachine(cluster.rules), cluster.replica as unknown as Stepper, failures);
  checked(createControllerMachine(cluster.rules), cluster.controllerMachine as unknown as Stepper, failures);
  let s = cluster.initial;
  for (const choice of choices) {
    const enabled = cluster.enabled(s);
    if (enabled.length === 0 || failures.length > 0) break;
    const next = cluster.step(s, enabled[choice % enabled.length]);
    if (cluster.withinBounds(next)) s = next;
  }
  return failures;
}

const CONFIGS: Record<string, ClusterConfig> = {
  today: makeConfig({ maxCrashes: 2, maxHeartbeatLosses: 2, maxLeaderChanges: 4, maxRecords: 3, maxMinIsrChanges: 2 }),
  'kafka-0.10': makeConfig({ protocol: 'kafka-0.10', unclean: true, maxMessageLosses: 1 }),
  'kafka-0.11': makeConfig({ protocol: 'kafka-0.11', maxCrashes: 2 }),
  'kafka-2.0': makeConfig({ protocol: 'kafka-2.0', maxCrashes: 2, acks: 1 }),
  'kafka-3.0': makeConfig({ protocol: 'kafka-3.0', followerReads: true, maxMessageLosses: 1 }),
  'today, an idempotent producer that retries': makeConfig({ rf: 2, minIsr: 1, maxRetries: 3, maxRecords: 3, maxCrashes: 2 }),
  'kafka-2.2, an idempotent producer that retries (UNKNOWN_PRODUCER_ID)': makeConfig({
    protocol: 'kafka-2.2', idempotentProducer: true, rf: 2, minIsr: 1, maxRetries: 3, maxRecords: 3, maxCrashes: 2,
  }),
};

describe('compiled machines agree with xstate transition()', () => {
  for (const [name, config] of Object.entries(CONFIGS)) {
    it(`on random walks of ${name}`, () => {
      fc.assert(
        fc.property(fc.array(fc.nat(), { minLength: 10, maxLength: 80, size: 'max' }), (choices) => {
          expect(walkChecked(config, choices)).toEqual([]);
        }),
        { numRuns: 60, seed: 20261123 },
      );
    });
  }
});
