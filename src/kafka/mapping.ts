/**
 * Each kind of step the model takes, mapped onto what the harness does to a real cluster, or the
 * reason it cannot be driven. The table is keyed by the model's step names (the type checker
 * refuses a step kind left out), and each entry says how faithful it is:
 *  - exact: the harness does what the step does, when the step does it (a crash is a SIGKILL, a
 *    fetch handled is the follower's fetch request released at the leader's proxy);
 *  - coarse: Kafka does it on its own timer, close to when the model does, and the harness waits
 *    for its effect (a lag shrink after replica.lag.time.max.ms while the follower's fetches are held);
 *  - absorbed: Kafka does it by itself as part of a neighbouring step (a broker applies metadata as
 *    the controller commits it), so the step has no action of its own.
 * Model-aware only through the trace's step type, taken from the library (api/).
 */
import type { Step } from '../../api/index.ts';
import { HarnessError } from './errors.ts';

export type Fidelity = 'exact' | 'coarse' | 'absorbed';

/** A step the harness drives: how faithfully, and what it does, in one line. */
export interface Driven {
  readonly fidelity: Fidelity;
  readonly how: string;
}

/** A step the harness cannot drive, and why. */
export interface Undrivable {
  readonly fidelity: 'undrivable';
  readonly why: string;
}

export type StepName = Step['step'];

/** The harness action of every kind of step, or the reason it cannot be driven. */
export const MAPPING: { readonly [K in StepName]: Driven | Undrivable } = {
  ProducerSend: { fidelity: 'exact', how: "Kafka's producer (the driver) sends the value with the configured acks, no retries; the harness waits until the leader appended it or the send failed" },
  ConsumerFetch: { fidelity: 'exact', how: "Kafka's consumer (the driver, max.poll.records=1) polls once from its position" },
  ConsumerRefreshMetadata: { fidelity: 'absorbed', how: "the Java consumer refreshes its metadata inside its next poll" },
  ConsumerValidatePosition: { fidelity: 'absorbed', how: "the Java consumer validates its position (OffsetsForLeaderEpoch) inside its next poll after a leader change" },
  LeaderSelectReadReplica: { fidelity: 'undrivable', why: 'the harness does not configure follower reads (KIP-392: replica.selector.class and racks)' },
  ConsumerExpireReadReplica: { fidelity: 'undrivable', why: 'the harness does not configure follower reads (KIP-392: replica.selector.class and racks)' },
  FollowerFetch: { fidelity: 'exact', how: "the follower's fetcher sends its fetch on its own; the leader's proxy holds it" },
  LeaderHandleFetch: { fidelity: 'exact', how: "the follower's oldest held fetch is released at the leader's proxy (a fetch sent before the follower crashed is released just before the crash: Kafka closes a dead process's connection)" },
  FollowerHandleFetchResponse: { fidelity: 'absorbed', how: 'fetch responses are not held: the follower handles the response as soon as the leader answers' },
  LeaderHandleEpochQuery: { fidelity: 'undrivable', why: "Kafka 4's followers truncate on the fetch response's diverging epoch and send no OffsetsForLeaderEpoch (the step belongs to older protocols)" },
  FollowerHandleEpochResponse: { fidelity: 'undrivable', why: "Kafka 4's followers truncate on the fetch response's diverging epoch and send no OffsetsForLeaderEpoch (the step belongs to older protocols)" },
  NetworkLoseFetchRequest: { fidelity: 'exact', how: "the follower's held fetch is dropped at the leader's proxy, which closes that connection (TCP loses no single frame)" },
  NetworkLoseFetchResponse: { fidelity: 'undrivable', why: 'the harness does not hold fetch responses, so it cannot lose one on its own' },
  LeaderShrinkIsr: { fidelity: 'coarse', how: "the follower's fetches stay held until the leader's own lag check (replica.lag.time.max.ms) removes it and the controller commits the smaller ISR" },
  ControllerHandleAlterPartition: { fidelity: 'absorbed', how: 'the controller handles AlterPartition as it arrives' },
  LeaderHandleAlterPartitionResponse: { fidelity: 'absorbed', how: 'the leader handles the AlterPartition response as it arrives' },
  BrokerApplyMetadata: { fidelity: 'absorbed', how: "brokers replay the controller's metadata as it is committed" },
  BrokerCrash: { fidelity: 'exact', how: 'SIGKILL: what the process wrote stays in its files, as in the page cache' },
  BrokerLossyCrash: { fidelity: 'exact', how: "SIGKILL, then the partition's segment cut back to the records kept and the cut segment's indexes emptied (refused below Kafka's recovery point)" },
  BrokerRestart: { fidelity: 'exact', how: "the broker's JVM starts again on the same files and registers a new incarnation; its heartbeats are held, so that it stays fenced until the trace's ControllerUnfenceBroker" },
  BrokerFailPermanently: { fidelity: 'exact', how: 'SIGKILL, and the broker is never started again' },
  ControllerFenceBroker: { fidelity: 'coarse', how: "a stopped broker's session times out (broker.session.timeout.ms); a running broker's heartbeats are held at the controller's proxy until it does" },
  ControllerUnfenceBroker: { fidelity: 'coarse', how: "the broker's heartbeats flow again and the harness waits until the controller lists it as unfenced" },
  ControllerElectPreferredLeader: { fidelity: 'exact', how: 'Admin electLeaders(PREFERRED)' },
  BrokerControlledShutdown: { fidelity: 'exact', how: "SIGTERM: the broker's own controlled shutdown" },
  BrokerCheckpointHw: { fidelity: 'absorbed', how: 'brokers checkpoint their HW every 100 ms (replica.high.watermark.checkpoint.interval.ms)' },
  AdminAlterMinIsr: { fidelity: 'undrivable', why: 'the harness does not change topic configurations yet (Admin incrementalAlterConfigs would)' },
  ControllerFailover: { fidelity: 'undrivable', why: 'the harness runs one controller; a failover needs a quorum of controllers' },
  ProducerRetry: { fidelity: 'undrivable', why: "the harness's producer (non-idempotent, request.timeout.ms = delivery.timeout.ms) retries only a send refused before any append; a resend after a timeout is up to Kafka's Sender, which the harness does not steer" },
  DeposedControllerSendMetadata: { fidelity: 'undrivable', why: 'a deposed controller sending metadata is ZooKeeper mode, which Kafka 4 no longer has' },
};

/** One step of a trace as the harness will drive it. */
export interface PlannedStep {
  /** 1-based, as reports number steps. */
  readonly index: number;
  readonly step: Step;
  readonly fidelity: Fidelity;
  readonly how: string;
}

/** A step's one-line name: `BrokerCrash broker=2`. */
export function stepLine(s: Step): string {
  const args = Object.entries(s).filter(([k]) => k !== 'step').map(([k, v]) => `${k}=${String(v)}`);
  return [s.step, ...args].join(' ');
}

/**
 * The plan for a trace: each step with its fidelity, or a HarnessError naming the first step that
 * cannot be driven and why (before anything is started).
 */
export function planTrace(steps: readonly Step[]): PlannedStep[] {
  return steps.map((step, i) => {
    const m = (MAPPING as Record<string, Driven | Undrivable | undefined>)[step.step];
    if (m === undefined) throw new HarnessError(`cannot drive step ${i + 1} (${stepLine(step)}): the harness has no mapping for this kind of step`);
    if (m.fidelity === 'undrivable') throw new HarnessError(`cannot drive step ${i + 1} (${stepLine(step)}): ${m.why}`);
    return { index: i + 1, step, fidelity: m.fidelity, how: m.how };
  });
}

/**
 * The fetches a crash overtakes: for a crash (or power loss, or permanent failure) of broker b at
 * step k, the later step that delivers the fetch b sent before it crashed (a LeaderHandleFetch
 * from b before b's next FollowerFetch), if any. Kafka closes a dead process's connections, so the
 * harness releases that fetch just before the crash; the step that delivers it then has nothing
 * left to do. Returns the 1-based index of that delivery, or null.
 */
export function fetchOvertakenByCrash(steps: readonly Step[], crashIndex: number): number | null {
  const crash = steps[crashIndex - 1];
  if (crash === undefined || !('broker' in crash)) return null;
  const b = crash.broker;
  for (let i = crashIndex; i < steps.length; i++) {
    const s = steps[i];
    if (s.step === 'FollowerFetch' && s.broker === b) return null;
    if (s.step === 'NetworkLoseFetchRequest' && s.from === b) return null;
    if (s.step === 'LeaderHandleFetch' && s.from === b) return i + 1;
  }
  return null;
}
