/**
 * Replays a model trace on a real Kafka cluster: each step driven as mapping.ts says, the cluster
 * observed after each step and compared with the model's state after it, and the invariant the
 * trace breaks checked on what the real cluster did. The model's states come in as plain data
 * (`ModelView`, built from the model by the CLI), so this file knows Kafka and the trace's step
 * names, not the model's internals.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Step } from '../../api/index.ts';
import { KafkaCluster, type Observation, waitFor } from './cluster.ts';
import { type KafkaSettings, TOPIC } from './config.ts';
import type { Completion, Consumed } from './driver.ts';
import type { Jars } from './environment.ts';
import { HarnessError } from './errors.ts';
import { type Fidelity, fetchOvertakenByCrash, planTrace, stepLine } from './mapping.ts';

/** What the model says after a step, in the terms the harness can observe. */
export interface ModelView {
  readonly leader: number;
  readonly isr: readonly number[];
  readonly elr: readonly number[];
  /** The ISR the leader has proposed in an AlterPartition the controller has not handled yet, or null (Kafka's controller handles it at once). */
  readonly proposedIsr: readonly number[] | null;
  /** Per broker (index broker-1): whether its process runs, whether the controller has it fenced. */
  readonly running: readonly boolean[];
  readonly fenced: readonly boolean[];
  /** Per broker: its log's values, by offset. */
  readonly logs: readonly (readonly string[])[];
  /** Values the producer had acknowledged. */
  readonly acked: readonly string[];
  /**
   * Per broker: an idle follower, an ISR member whose log equals its leader's and whose fetch
   * cannot move the leader's HW (the leader knows its LEO, or has nothing left to commit). Its
   * fetches change nothing but the time it was last caught up, so the harness
   * lets them flow (holding them would make Kafka's lag check drop it from the ISR, which the model
   * does only in a LeaderShrinkIsr step).
   */
  readonly idle: readonly boolean[];
}

/** Which invariant the real cluster is checked for. */
export type RealCheck = 'acked-lost' | 'logs-diverge' | 'consumer-skipped' | 'fenced-in-isr' | 'none';

export interface ReproduceOptions {
  readonly java: string;
  readonly jars: Jars;
  readonly settings: KafkaSettings;
  readonly acks: 'all' | '1' | '0';
  readonly steps: readonly Step[];
  /** The initial state, then the model's state after each step. */
  readonly views: readonly ModelView[];
  /** The invariant the trace breaks in the model (by the harness's name for it), and after which step; none for a trace the model says holds. */
  readonly expect: { readonly check: RealCheck; readonly invariant: string; readonly step: number } | null;
  readonly dir: string;
  readonly portBase?: number;
  readonly progress?: (line: string) => void;
}

/** One difference between the real cluster and the model after a step. */
export interface Difference {
  readonly what: string;
  readonly model: string;
  readonly real: string;
}

/** A step as it was driven and what was seen after it. */
export interface StepReport {
  readonly index: number;
  readonly step: string;
  readonly fidelity: Fidelity | 'reordered';
  readonly note?: string;
  readonly differences: readonly Difference[];
  readonly observation: Observation | null;
  readonly ms: number;
}

/** What the real cluster's run came to. */
export interface ReproduceResult {
  readonly verdict: 'reproduced' | 'clean' | 'diverged';
  /** One line saying what happened. */
  readonly summary: string;
  /** The first step after which the real cluster stayed different from the model, if any. */
  readonly divergedAt: number | null;
  /** The invariant broken on the real cluster: what breaks, and what shows it. */
  readonly broken: { readonly check: RealCheck; readonly evidence: string } | null;
  readonly steps: readonly StepReport[];
  readonly acks: readonly Completion[];
  readonly consumed: readonly Consumed[];
  /** After a loss: what Kafka did with every hold lifted for a few seconds (the survivors' logs). */
  readonly afterwards: string | null;
  /** Broker log lines near the divergence or the break (elections, ISR changes, truncations). */
  readonly logLines: readonly string[];
  readonly startMs: number;
  readonly totalMs: number;
  readonly dir: string;
}

const list = (xs: readonly number[]) => `{${[...xs].sort((a, b) => a - b).join(',')}}`;
const sameSet = (a: readonly number[], b: readonly number[]) => list(a) === list(b);

/** The differences between an observation and the model's view that the harness can judge after this step. */
export function compare(o: Observation, m: ModelView, acked: readonly Completion[], skipAcks: boolean, skipLogOf: number | null = null): Difference[] {
  const d: Difference[] = [];
  // The controller's view: only when every broker the model has down is also fenced in the model,
  // since Kafka fences a dead broker on its own timer (broker.session.timeout.ms).
  const settled = m.running.every((r, i) => r || m.fenced[i]);
  // When no broker answers the Admin API, the controller's own log says what it committed.
  const c = o.controller;
  const part = o.partition ?? (c.leader !== null && c.isr !== null ? { leader: c.leader, isr: c.isr, elr: c.elr ?? [] } : null);
  if (settled && part !== null) {
    if (part.leader !== m.leader) d.push({ what: 'leader', model: String(m.leader), real: String(part.leader) });
    // A proposal the model's controller has yet to handle is committed by Kafka's at once.
    const proposed = m.proposedIsr !== null && sameSet(part.isr, m.proposedIsr);
    if (!sameSet(part.isr, m.isr) && !proposed) d.push({ what: 'ISR', model: list(m.isr), real: list(part.isr) });
    if (!sameSet(part.elr, m.elr) && !proposed) d.push({ what: 'ELR', model: list(m.elr), real: list(part.elr) });
  }
  for (const r of o.replicas) {
    const want = m.logs[r.broker - 1] ?? [];
    if (!m.running[r.broker - 1] || !r.running || r.broker === skipLogOf) continue;
    const got = r.records.map((x) => x.value ?? '?');
    if (got.join(',') !== want.join(',')) d.push({ what: `broker ${r.broker}'s log`, model: `[${want.join(',')}]`, real: `[${got.join(',')}]` });
  }
  if (!skipAcks) {
    const real = acked.filter((a) => a.error === null).map((a) => a.value).sort();
    if (real.join(',') !== [...m.acked].sort().join(',')) d.push({ what: 'acknowledged', model: `[${[...m.acked].sort().join(',')}]`, real: `[${real.join(',')}]` });
  }
  return d;
}

/**
 * The invariant as the real cluster shows it: an acknowledged record missing from every replica's
 * files, or from the running leader's; two replicas that differ below both their high watermarks; a consumer that
 * read a sequence no replica's log ever held; a fenced broker in the ISR. Null when it holds.
 */
export function checkReal(check: RealCheck, o: Observation, acked: readonly Completion[], consumed: readonly Consumed[], seenLogs: ReadonlySet<string>): string | null {
  if (check === 'acked-lost') {
    const leader = o.partition?.leader ?? -1;
    const lead = o.replicas.find((r) => r.broker === leader && r.running);
    for (const a of acked.filter((x) => x.error === null)) {
      const on = o.replicas.filter((r) => r.records.some((x) => x.value === a.value && x.offset === a.offset)).map((r) => r.broker);
      if (on.length === 0) return `v${a.value}, acknowledged at offset ${String(a.offset)}, is in no replica's log (the files of all ${o.replicas.length}, running or not)`;
      if (lead !== undefined && !on.includes(leader)) {
        return `v${a.value}, acknowledged at offset ${String(a.offset)}, is not in the log of leader ${leader} (${on.length === 0 ? 'nor in any replica\'s log' : `only on broker(s) ${on.join(',')}`})`;
      }
    }
    return null;
  }
  if (check === 'fenced-in-isr') {
    // Without ELR Kafka keeps a fenced last member in the ISR on purpose (S5); with ELR that never happens.
    const tolerated = (isr: number[], elr: number[], leader: number) => isr.length === 1 && elr.length === 0 && leader === -1;
    if (o.partition !== null && o.unfenced !== null) {
      const isr = o.partition.isr;
      const fenced = isr.filter((b) => !o.unfenced!.includes(b));
      if (fenced.length > 0 && !tolerated(isr, o.partition.elr, o.partition.leader)) return `broker ${fenced.join(',')} is in the ISR ${list(isr)} (leader ${o.partition.leader}) while the controller has it fenced (describeCluster lists ${list(o.unfenced)} before and after)`;
    }
    const c = o.controller;
    if (c.isr !== null) {
      const fenced = c.isr.filter((b) => c.fenced.includes(b));
      if (fenced.length > 0 && !tolerated(c.isr, c.elr ?? [], c.leader ?? -1)) return `the controller's log: broker ${fenced.join(',')} is in the ISR ${list(c.isr)} (leader ${c.leader ?? -1}) while its newest registration record says fenced`;
    }
    return null;
  }
  if (check === 'logs-diverge') {
    const hwOf = (r: Observation['replicas'][number]) => (r.broker === o.partition?.leader ? o.hw : r.hwCheckpoint) ?? 0;
    for (const a of o.replicas) for (const b of o.replicas) {
      if (a.broker >= b.broker) continue;
      const below = Math.min(hwOf(a), hwOf(b), a.records.length, b.records.length);
      for (let i = 0; i < below; i++) {
        if (a.records[i].value !== b.records[i].value) return `brokers ${a.broker} and ${b.broker} differ at offset ${i} (v${a.records[i].value ?? '?'} against v${b.records[i].value ?? '?'}), below both their high watermarks`;
      }
    }
    return null;
  }
  if (check === 'consumer-skipped') {
    if (consumed.length === 0) return null;
    const read = consumed.map((c) => `${c.offset}:${c.value}`);
    for (const log of seenLogs) {
      const at = new Set(log.split(','));
      if (read.every((r) => at.has(r))) return null;
    }
    return `the consumer read ${consumed.map((c) => `v${c.value} at ${c.offset}`).join(', then ')}: no replica's log ever held that sequence`;
  }
  return null;
}

/** The lines of every broker's log about elections, ISR and ELR changes, truncation and fencing, newest last. */
function interestingLines(c: KafkaCluster, limit = 40): string[] {
  const re = /partition change for t-0|starts at leader epoch|[Tt]runcat.*t-0|t-0.*[Tt]runcat|Shrinking ISR|Expanding ISR|ISR updated|handleBroker(Fenced|Unfenced|UncleanShutdown)|using an unclean election/;
  const lines: string[] = [];
  for (const n of c.nodes()) {
    for (const l of n.serverLog().split('\n')) if (re.test(l)) lines.push(`${n.id === 0 ? 'controller' : `broker-${n.id}`}: ${l.length > 400 ? `${l.slice(0, 400)}…` : l}`);
  }
  return lines.sort((a, b) => a.slice(a.indexOf('[')).localeCompare(b.slice(b.indexOf('[')))).slice(-limit);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long Kafka runs on its own after a loss, before the last look. */
const AFTERWARDS_MS = 5000;

/** Drives a trace on a fresh cluster and judges it; the cluster is stopped whatever happens. */
export async function reproduce(o: ReproduceOptions): Promise<ReproduceResult> {
  const plan = planTrace(o.steps);
  const say = o.progress ?? (() => {});
  const t0 = Date.now();
  const cluster = await KafkaCluster.start({ java: o.java, jars: o.jars, settings: o.settings, dir: o.dir, portBase: o.portBase, progress: say });
  const startMs = Date.now() - t0;
  say(`cluster of ${o.settings.rf} brokers started in ${(startMs / 1000).toFixed(1)} s`);
  const steps: StepReport[] = [];
  const consumed: Consumed[] = [];
  const seenLogs = new Set<string>();
  const reordered = new Set<number>();
  let acked: Completion[] = [];
  let divergedAt: number | null = null;
  let broken: ReproduceResult['broken'] = null;
  let afterwards: string | null = null;
  const logLines: string[] = [];
  try {
    for (const b of cluster.brokers) cluster.setFetching(b.id, false);
    const holdUntil = neverFetchedUntil(o.steps, o.views);
    for (const p of plan) {
      const s0 = Date.now();
      // Idle followers fetch freely, except around a send (they would fetch the new record at once).
      const before = o.views[p.index - 1];
      for (const b of cluster.brokers) cluster.setFetching(b.id, p.step.step !== 'ProducerSend' && before.idle[b.id - 1] === true && o.views[p.index].idle[b.id - 1] === true && p.index > (holdUntil.get(b.id) ?? 0));
      const note = await drive(cluster, o, p.step, p.index, reordered, consumed);
      const view = o.views[p.index];
      // Wait for the real cluster to settle where the model is; what stays different is a difference.
      const skipAcks = [...reordered].some((r) => r > p.index);
      // Kafka's follower handles the response the moment the leader answers (responses are not
      // held), so its log is ahead of the model's until the model's FollowerHandleFetchResponse.
      const skipLog = p.step.step === 'LeaderHandleFetch' ? p.step.from : null;
      let obs: Observation | null = null;
      let diffs: Difference[] = [];
      await waitFor(async () => {
        obs = await cluster.observe();
        acked = (await ackResults(cluster));
        diffs = compare(obs, view, acked, skipAcks, skipLog);
        return diffs.length === 0 ? true : undefined;
      }, p.fidelity === 'absorbed' ? 3000 : 6000, 250);
      const observed = obs as Observation | null;
      for (const r of observed?.replicas ?? []) seenLogs.add(r.records.map((x) => `${x.offset}:${x.value ?? '?'}`).join(','));
      if (diffs.length > 0 && divergedAt === null) divergedAt = p.index;
      steps.push({ index: p.index, step: stepLine(p.step), fidelity: reordered.has(p.index) ? 'reordered' : p.fidelity, ...(note ? { note } : {}), differences: diffs, observation: observed, ms: Date.now() - s0 });
      say(`step ${p.index} ${stepLine(p.step)} [${p.fidelity}] ${diffs.length === 0 ? 'as the model' : diffs.map((x) => `${x.what}: model ${x.model}, real ${x.real}`).join('; ')}`);
      if (o.expect !== null && observed !== null && broken === null) {
        const ev = checkReal(o.expect.check, observed, acked, consumed, seenLogs);
        if (ev !== null) broken = { check: o.expect.check, evidence: `after step ${p.index}: ${ev}` };
      }
    }
    // Then every hold is lifted and Kafka runs on its own for a few seconds: what the break leads to.
    if (broken !== null && o.expect?.check === 'acked-lost') {
      for (const b of cluster.brokers) {
        cluster.setFetching(b.id, true);
        cluster.setHeartbeatsHeld(b.id, false);
      }
      await sleep(AFTERWARDS_MS);
      const after = await cluster.observe();
      acked = await ackResults(cluster);
      const lost = acked.filter((a) => a.error === null && !after.replicas.some((r) => r.records.some((x) => x.value === a.value && x.offset === a.offset)));
      afterwards = lost.length > 0
        ? `after ${AFTERWARDS_MS / 1000} s more with nothing held, ${lost.map((a) => `v${a.value}`).join(', ')} ${lost.length === 1 ? 'is' : 'are'} in no replica's log: ${after.replicas.map((r) => `broker ${r.broker} [${r.records.map((x) => x.value ?? '?').join(',')}]`).join(', ')}`
        : `after ${AFTERWARDS_MS / 1000} s more with nothing held, the acknowledged records are on ${after.replicas.filter((r) => r.records.length > 0).map((r) => `broker ${r.broker}`).join(', ') || 'no broker'}`;
      say(afterwards);
    }
    if (o.expect === null) {
      // A trace the model says holds: every invariant the harness can see must hold at the end.
      const last = steps.at(-1)?.observation ?? null;
      if (last !== null) {
        for (const check of ['acked-lost', 'logs-diverge', 'consumer-skipped', 'fenced-in-isr'] as const) {
          const ev = checkReal(check, last, acked, consumed, seenLogs);
          if (ev !== null && broken === null) broken = { check, evidence: ev };
        }
      }
    }
  } finally {
    try {
      writeFileSync(join(o.dir, 'frames.log'), cluster.frameLog());
    } catch { /* the folder is gone */ }
    logLines.push(...interestingLines(cluster));
    await cluster.stop();
  }
  const totalMs = Date.now() - t0;
  const expected = o.expect;
  let verdict: ReproduceResult['verdict'];
  let summary: string;
  if (expected !== null && broken !== null && broken.check === expected.check) {
    verdict = 'reproduced';
    summary = `reproduced: ${expected.invariant} breaks on Kafka ${o.jars.version} too, ${broken.evidence}`;
  } else if (expected === null && broken === null && divergedAt === null) {
    verdict = 'clean';
    summary = `ran clean as the model says: no acknowledged record lost, no divergence below the HW, no skipped read on Kafka ${o.jars.version}`;
  } else {
    verdict = 'diverged';
    const at = divergedAt ?? o.steps.length;
    const d = steps[at - 1]?.differences.map((x) => `${x.what}: model ${x.model}, real ${x.real}`).join('; ');
    summary = expected === null
      ? `diverged at step ${at}: ${broken !== null ? `the model holds but Kafka ${o.jars.version} broke it: ${broken.evidence}` : d}`
      : `diverged at step ${at}: ${expected.invariant} does not break on Kafka ${o.jars.version}${d ? ` (${d})` : ''}`;
  }
  return { verdict, summary, divergedAt, broken, afterwards, steps, acks: acked, consumed, logLines, startMs, totalMs, dir: o.dir };
}

/**
 * Followers that must not fetch at all until a step: Kafka drops a follower whose log equals the
 * leader's only if it never fetched in the leader's epoch (an idle partition never shrinks), so a
 * LeaderShrinkIsr of such a follower needs its fetches held from the start. Broker to the 1-based
 * index of that shrink.
 */
export function neverFetchedUntil(steps: readonly Step[], views: readonly ModelView[]): Map<number, number> {
  const until = new Map<number, number>();
  steps.forEach((s, i) => {
    if (s.step !== 'LeaderShrinkIsr') return;
    const v = views[i];
    if (v.logs[s.follower - 1]?.join(',') === v.logs[s.broker - 1]?.join(',')) until.set(s.follower, Math.max(until.get(s.follower) ?? 0, i + 1));
  });
  return until;
}

async function ackResults(c: KafkaCluster): Promise<Completion[]> {
  const a = await c.driver!.request({ op: 'acks' }, 5000);
  return a.ok ? (a.results as Completion[]) : [];
}

/** Releases the fetch broker `b` sent before it crashes, when a later step of the trace delivers it. */
async function releaseOvertaken(c: KafkaCluster, o: ReproduceOptions, index: number, b: number, reordered: Set<number>): Promise<string | undefined> {
  const j = fetchOvertakenByCrash(o.steps, index);
  if (j === null) return undefined;
  const s = o.steps[j - 1];
  if (s.step !== 'LeaderHandleFetch') return undefined;
  const ok = await releaseOne(c, b, s.broker);
  reordered.add(j);
  return ok ? `released broker ${b}'s fetch held at broker ${s.broker} first: step ${j} delivers it after the crash, which TCP cannot` : `step ${j} delivers a fetch broker ${b} sent before crashing, but none was held`;
}

/** Releases follower b's oldest fetch held at `leader`'s proxy and waits for its response; false when none came to be held. */
async function releaseOne(c: KafkaCluster, b: number, leader: number): Promise<boolean> {
  const proxy = c.replicationProxies[leader - 1];
  const held = await waitFor(() => c.heldFetches(b, leader)[0], 5000, 50);
  if (held === undefined) return false;
  const answered = proxy.waitFor((f) => f.direction === 'response' && f.requestId === held.id, 5000).catch(() => null);
  proxy.release(held.id);
  await answered;
  await sleep(150);
  return true;
}

async function drive(c: KafkaCluster, o: ReproduceOptions, s: Step, index: number, reordered: Set<number>, consumed: Consumed[]): Promise<string | undefined> {
  const cannot = (why: string) => new HarnessError(`cannot drive step ${index} (${stepLine(s)}): ${why}`);
  switch (s.step) {
    case 'ProducerSend': {
      const before = (await ackResults(c)).length;
      await c.driver!.must({ op: 'produce', topic: TOPIC, value: String(s.value), acks: o.acks, idempotence: false });
      const appended = await waitFor(() => (c.brokers.some((b) => c.replica(b.id).records.some((r) => r.value === String(s.value))) ? true : undefined), 8000, 50);
      if (appended === undefined) {
        const acks = await ackResults(c);
        const failed = acks.slice(before).find((a) => a.value === String(s.value) && a.error !== null);
        return failed ? `the send failed: ${failed.error}` : 'no broker appended it within 8 s';
      }
      return undefined;
    }
    case 'ConsumerFetch': {
      const a = await c.driver!.request({ op: 'consume', topic: TOPIC, timeoutMs: 3000 }, 15_000);
      if (!a.ok) return `the consumer's poll failed: ${a.error}: ${a.message}`;
      const rs = a.records as Consumed[];
      consumed.push(...rs);
      return rs.length === 0 ? 'the poll returned no record' : `read ${rs.map((r) => `v${r.value} at ${r.offset}`).join(', ')}`;
    }
    case 'FollowerFetch':
      return undefined;
    case 'LeaderHandleFetch': {
      if (reordered.has(index)) return 'delivered before the crash (see that step)';
      const ok = await releaseOne(c, s.from, s.broker);
      if (!ok) {
        // Kafka's brokers apply metadata as soon as the controller commits it (the model may do it
        // later): a follower that already learned of another leader fetches from that one.
        const d = await c.describe();
        throw cannot(`no fetch from broker ${s.from} arrived at broker ${s.broker} within 5 s (Kafka's controller names leader ${d?.leader ?? '?'}, ISR ${list(d?.isr ?? [])}; its brokers apply metadata at once, where the model may apply it later)`);
      }
      return undefined;
    }
    case 'NetworkLoseFetchRequest': {
      const held = await waitFor(() => c.heldFetches(s.from, s.broker)[0], 5000, 50);
      if (held === undefined) throw cannot(`no fetch from broker ${s.from} is held at broker ${s.broker}`);
      c.replicationProxies[s.broker - 1].drop(held.id);
      return undefined;
    }
    case 'LeaderShrinkIsr': {
      const out = await waitFor(async () => {
        const d = await c.describe();
        return d !== null && !d.isr.includes(s.follower) ? true : undefined;
      }, 20_000, 200);
      return out === undefined ? `broker ${s.follower} was still in the ISR after 20 s` : undefined;
    }
    case 'BrokerCrash':
    case 'BrokerFailPermanently': {
      const note = await releaseOvertaken(c, o, index, s.broker, reordered);
      await c.crash(s.broker);
      return note;
    }
    case 'BrokerLossyCrash': {
      const note = await releaseOvertaken(c, o, index, s.broker, reordered);
      try {
        const cut = await c.powerLoss(s.broker, s.keep);
        return `${note ? `${note}; ` : ''}cut ${cut.bytesCut} bytes, ${cut.kept} record(s) kept`;
      } catch (e) {
        if (e instanceof HarnessError) throw cannot(e.message);
        throw e;
      }
    }
    case 'BrokerRestart':
      await c.restart(s.broker, true);
      return undefined;
    case 'BrokerControlledShutdown':
      await c.shutdown(s.broker);
      return undefined;
    case 'ControllerFenceBroker': {
      if (c.broker(s.broker).running) c.setHeartbeatsHeld(s.broker, true);
      const fenced = await waitFor(async () => {
        const a = await c.driver!.request({ op: 'brokers' }, 5000);
        return a.ok && !(a.ids as number[]).includes(s.broker) ? true : undefined;
      }, 20_000, 200);
      return fenced === undefined ? `the controller still listed broker ${s.broker} after 20 s` : undefined;
    }
    case 'ControllerUnfenceBroker': {
      c.setHeartbeatsHeld(s.broker, false);
      const ok = await c.waitUnfenced([s.broker], 20_000);
      return ok ? undefined : `the controller had not unfenced broker ${s.broker} after 20 s`;
    }
    case 'ControllerElectPreferredLeader': {
      const a = await c.driver!.request({ op: 'elect', topic: TOPIC, type: 'PREFERRED' });
      return a.ok ? undefined : `electLeaders: ${a.error}: ${a.message}`;
    }
    default:
      // The absorbed steps: Kafka does them by itself (mapping.ts).
      return undefined;
  }
}
