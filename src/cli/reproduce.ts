/**
 * `kafka-spec reproduce TRACE [--kafka VERSION] [--json] [--keep DIR]`: replays a model trace on a
 * real local Kafka cluster (src/kafka/) and says whether the same invariant breaks there
 * (reproduced, exit 0), the cluster did what the model did not (diverged at step k, exit 1), or
 * the trace or the machine cannot be run (exit 2: no Java, jars not fetched, a port taken, a step
 * that cannot be driven). This is where the model meets the harness: the model's states after
 * each step become the plain `ModelView`s the harness compares with.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readTrace, replay, type State, type Step, type Trace, TraceError } from '../../api/index.ts';
import { DEFAULT_RELEASE, findJars, findJava } from '../kafka/environment.ts';
import { HarnessError } from '../kafka/errors.ts';
import { planTrace } from '../kafka/mapping.ts';
import { killAll, reapLeftovers } from '../kafka/processes.ts';
import { type ModelView, type RealCheck, reproduce, type ReproduceResult } from '../kafka/reproduce.ts';
import type { KafkaSettings } from '../kafka/config.ts';
import { oneLine } from '../report/line.ts';
import { UsageError } from './options.ts';
import { projectRoot } from './root.ts';
import type { Output } from './check.ts';

export interface ReproduceFlags {
  kafka?: string;
  keep?: string;
  portBase?: string;
  json?: boolean;
}

/** The model's invariants, by the real-cluster check that shows the same break. */
const CHECKS: Readonly<Record<string, RealCheck>> = {
  'leader-completeness': 'acked-lost',
  'acks-all-durable': 'acked-lost',
  'no-committed-loss': 'acked-lost',
  'acks-one-durable': 'acked-lost',
  'log-matching': 'logs-diverge',
  'logs-agree-below-hw': 'logs-diverge',
  'hw-only-covers-committed': 'logs-diverge',
  'monotonic-reads': 'consumer-skipped',
  'consistent-read': 'consumer-skipped',
  'no-fenced-in-isr': 'fenced-in-isr',
};

/** The model's state after a step, as the harness observes a cluster. */
export function modelView(s: State): ModelView {
  const reg = s.controller.registration;
  return {
    leader: reg.leader,
    isr: reg.isr,
    elr: reg.elr,
    proposedIsr: s.replicas[reg.leader - 1]?.role === 'leader' ? s.replicas[reg.leader - 1].context.pendingIsr : null,
    running: s.replicas.map((r) => r.role !== 'offline'),
    fenced: s.controller.fenced,
    logs: s.replicas.map((r) => r.context.log.map((e) => String(e.value))),
    acked: s.ghost.acked.map((a) => String(a.value)),
    idle: s.replicas.map((r, i) => {
      const lead = s.replicas[reg.leader - 1];
      if (lead === undefined || i === reg.leader - 1 || r.role === 'offline' || lead.role !== 'leader' || !reg.isr.includes(i + 1)) return false;
      const same = r.context.log.length === lead.context.log.length && r.context.log.every((e, k) => e.value === lead.context.log[k].value && e.epoch === lead.context.log[k].epoch);
      // Its fetch can neither bring it records nor move the leader's HW (nothing left to commit).
      return same && (lead.context.remoteLeo[i] === lead.context.log.length || lead.context.hw === lead.context.log.length);
    }),
  };
}

/** The harness's settings from a trace's configuration, or a UsageError for one it cannot run. */
export function settingsOf(trace: Trace): { settings: KafkaSettings; acks: 'all' | '1' | '0' } {
  const c = trace.config as Record<string, unknown>;
  const protocol = String(c.protocol ?? '');
  if (!/^kafka-4\./.test(protocol)) throw new UsageError(oneLine(`a trace of ${protocol || 'an unnamed protocol'}: the harness runs Kafka 4 releases only (traces whose protocol is kafka-4.x)`));
  if (Number(c.observers ?? 0) > 0) throw new UsageError('a trace with observers: Apache Kafka has none (they are Confluent Server\'s)');
  if (c.followerReads === true) throw new UsageError('a trace with follower reads: the harness does not configure KIP-392 replica selection');
  const acks = String(c.acks) === 'all' ? 'all' : String(c.acks) === '1' ? '1' : '0';
  return {
    settings: { rf: Number(c.rf), minIsr: Number(c.minIsr), unclean: c.unclean === true, elr: c.elr === true, flushEveryRecord: c.flushEveryRecord === true },
    acks,
  };
}

function render(r: ReproduceResult, file: string, version: string): string {
  const lines = [`${file} on Kafka ${version}: ${r.summary}`, ''];
  for (const s of r.steps) {
    const diff = s.differences.length === 0 ? '' : `  ≠ ${s.differences.map((d) => `${d.what}: model ${d.model}, real ${d.real}`).join('; ')}`;
    lines.push(`${String(s.index).padStart(3)}. [${s.fidelity}] ${s.step}${s.note ? ` (${s.note})` : ''}${diff}`);
  }
  const exact = r.steps.filter((s) => s.fidelity === 'exact').length;
  lines.push('', `${exact} of ${r.steps.length} steps driven exactly; ${r.steps.filter((s) => s.fidelity === 'coarse').length} coarsely (Kafka's own timers), ${r.steps.filter((s) => s.fidelity === 'absorbed').length} absorbed into a neighbouring step, ${r.steps.filter((s) => s.fidelity === 'reordered').length} reordered.`);
  if (r.afterwards !== null) lines.push(r.afterwards.charAt(0).toUpperCase() + r.afterwards.slice(1));
  lines.push(`acknowledged: ${r.acks.map((a) => `v${a.value}${a.error === null ? ` at ${String(a.offset)}` : ` failed (${a.error.split(':')[0]})`}`).join(', ') || 'none'}; consumed: ${r.consumed.map((c) => `v${c.value} at ${c.offset}`).join(', ') || 'nothing'}`);
  if (r.verdict !== 'clean' && r.logLines.length > 0) lines.push('', 'broker log lines (elections, ISR, ELR, truncation):', ...r.logLines.slice(-15).map((l) => `  ${l}`));
  lines.push('', `cluster start ${(r.startMs / 1000).toFixed(1)} s, whole run ${(r.totalMs / 1000).toFixed(1)} s; logs kept in ${r.dir}`);
  return lines.join('\n');
}

export async function runReproduce(file: string, flags: ReproduceFlags, io: Output): Promise<number> {
  const version = flags.kafka ?? DEFAULT_RELEASE;
  let portBase: number | undefined;
  if (flags.portBase !== undefined) {
    portBase = Number(flags.portBase);
    if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65000) throw new UsageError(oneLine(`--port-base must be a port from 1024 to 65000, not '${flags.portBase}'`));
  }
  let trace: Trace;
  try {
    trace = readTrace(file);
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(e.message);
    throw e;
  }
  const { settings, acks } = settingsOf(trace);
  if (trace.lasso !== undefined) throw new UsageError(oneLine(`${file} is a liveness lasso (${trace.violation?.invariant ?? 'a cycle'}): the harness replays finite traces, not a cycle that repeats for ever`));
  const fail = (message: string) => {
    io.progress(`kafka-spec: ${oneLine(message)}`);
    return 2;
  };
  // The steps are checked against the model's step kinds by planTrace (by name) and by replay (each enabled).
  const steps = trace.steps as unknown as readonly Step[];
  try {
    planTrace(steps);
    const jars = findJars(projectRoot(), version);
    const java = findJava();
    const replayed = replay(trace);
    if (replayed.states.length < trace.steps.length + 1) return fail(`the model itself cannot replay ${file} past step ${replayed.states.length - 1}`);
    const inv = trace.violation?.invariant;
    const check = inv === undefined ? undefined : CHECKS[inv];
    if (inv !== undefined && check === undefined) return fail(`the harness cannot observe ${inv} on a real cluster (it checks: ${Object.keys(CHECKS).join(', ')})`);
    const dir = resolve(flags.keep ?? mkdtempSync(join(tmpdir(), 'kafka-spec-reproduce-')));
    mkdirSync(dir, { recursive: true });
    const reaped = reapLeftovers();
    if (reaped > 0) io.progress(`killed ${reaped} Kafka process(es) a previous run left behind`);
    const stop = () => {
      killAll();
      io.progress(`kafka-spec: interrupted; every Kafka process stopped, logs in ${dir}`);
      process.exit(130);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let r: ReproduceResult;
    try {
      r = await reproduce({
        java, jars, settings, acks, steps, views: replayed.states.map(modelView), dir, portBase,
        expect: inv === undefined || check === undefined ? null : { check, invariant: inv, step: trace.violation!.step },
        progress: (l) => io.progress(l),
      });
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    const text = render(r, file, version);
    const json = JSON.stringify({ trace: file, kafka: version, ...r, steps: r.steps.map(({ observation, ...s }) => ({ ...s, observation })) });
    writeFileSync(join(dir, 'report.txt'), `${text}\n`);
    writeFileSync(join(dir, 'report.json'), `${json}\n`);
    io.out(flags.json ? json : text);
    return r.verdict === 'diverged' ? 1 : 0;
  } catch (e) {
    if (e instanceof HarnessError) return fail(e.message);
    throw e;
  }
}
