/**
 * `npm run bench`: the engine's speed and memory, measured in one run so the figures compare as
 * ratios on a shared machine. Writes bench/results.json and bench/RESULTS.md. Its sections, in
 * order (SECTIONS below):
 *
 *  - stepping: the replica machine through xstate `transition()`, the compiled reducer and a
 *    hand-written reducer calling the same helpers, on steps sampled from random cluster walks;
 *  - exhaustive, random: distinct states per second and bytes per state; steps per second;
 *  - kernel: the search kernel against the commit before it (built beside), safety and liveness,
 *    and where each build's CPU goes (the model, fingerprints, the rest of the engine, GC);
 *  - reduction: fingerprints that remember shared parts, against walking every part;
 *  - memory, memory-random: peak resident memory of each engine in a process of its own;
 *  - default-check: what `kafka-spec check` with no options covers in its minute;
 *  - counterexamples: time to the first counterexample of four known-bad configurations;
 *  - rf3: time to a loss counterexample at rf 3, by strategy; workers: one thread against two;
 *  - scenarios: each file of docs/scenarios/ searched under its buggy configuration, to its counterexample;
 *  - unguided: the rf 3 scenarios' configurations without milestones, `check --first` under the bug and with the fix;
 *  - portfolio: `check --first` (both engines at once) on the two rf 3 cases TLC was timed on, as
 *    whole processes, and the time to a certified-shortest counterexample with `--certify`;
 *  - shards: breadth-first search split into 2, 4 and 8 shards against the whole search;
 *  - liveness: liveness checking against safety on the same graph;
 *  - real-kafka: one reproduction of an rf 3 counterexample on a real local Kafka cluster;
 *  - browser: the explorer's engine in headless Chromium against Node (bench/browser.ts);
 *  - startup: `kafka-spec --help` and `kafka-spec list` against `node -e 0`, run in turn;
 *  - limits: the young generation of a search, `--time-limit` kept, the time to refuse a malformed
 *    trace, and the consumer searches' times: what tests once asserted as bounds.
 *
 * `npm run bench -- NAME` runs one section and prints it; with `--write` it also replaces that
 * section in the results files, keeping the others.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { transition } from 'xstate';
import { Cluster } from '../spec/cluster.ts';
import { makeConfig, type ClusterConfig } from '../spec/config.ts';
import { createReplicaMachine, type ReplicaEvent } from '../spec/replica.ts';
import type { ReplicaContext } from '../spec/replica-context.ts';
import { kafkaModelOf } from '../properties/kafka-model.ts';
import { certifyMinimal, exploreExhaustive, exploreRandom, type ExploreResult, type ModelSource } from '../src/explore/index.ts';
import { replicaReducer } from './replica-reducer.ts';
import { exploreLiveness } from '../src/explore/liveness.ts';
import { kafkaScenarioModel, type ScenarioFile } from '../properties/scenarios.ts';
import { projectScenarios } from '../src/cli/scenario.ts';
import { configFromFlags } from '../src/cli/options.ts';
import { rememberParts } from '../src/explore/fingerprint.ts';

type Sample = { value: string; context: ReplicaContext; event: ReplicaEvent };

/** Replica steps met along random walks of today's protocol. */
function sampleSteps(config: ClusterConfig, walks: number): Sample[] {
  const cluster = new Cluster(config);
  const samples: Sample[] = [];
  const compiled = cluster.replica;
  const step = compiled.step.bind(compiled);
  compiled.step = (value, context, event) => {
    samples.push({ value, context: context as ReplicaContext, event: event as ReplicaEvent });
    return step(value, context, event);
  };
  let seed = 7;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  for (let w = 0; w < walks; w++) {
    let s = cluster.initial;
    for (let i = 0; i < 60; i++) {
      const enabled = cluster.enabled(s);
      if (enabled.length === 0) break;
      s = cluster.step(s, enabled[rand(enabled.length)]);
    }
  }
  compiled.step = step;
  return samples;
}

function rate(samples: Sample[], fn: (s: Sample) => unknown, minMs = 1500): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) for (const s of samples) (fn(s), n++);
  return n / ((performance.now() - start) / 1000);
}

function stepping(config: ClusterConfig) {
  const samples = sampleSteps(config, 300);
  const cluster = new Cluster(config);
  const machine = createReplicaMachine(cluster.rules);
  const compiled = cluster.replica;
  const plain = replicaReducer(cluster.rules);
  for (const s of samples) {
    const a = compiled.step(s.value, s.context, s.event);
    const b = plain(s.value, s.context, s.event);
    if (!isDeepStrictEqual(a, b)) throw new Error(`the baseline reducer disagrees with the machine on ${s.event.type} in ${s.value}`);
  }
  const xstate = rate(samples.slice(0, 3000), (s) => transition(machine, machine.resolveState({ value: s.value, context: s.context }), s.event));
  const compiledRate = rate(samples, (s) => compiled.step(s.value, s.context, s.event));
  const plainRate = rate(samples, (s) => plain(s.value, s.context, s.event));
  return { samples: samples.length, xstateTransition: xstate, compiled: compiledRate, plainReducer: plainRate };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const KNOWN_BAD: Record<string, Partial<ClusterConfig>> = {
  'truncate-to-hw, rf 2': { protocol: 'kafka-0.10', rf: 2, lossyCrashes: 0, maxCrashes: 1, consumer: false },
  'acks=1': { acks: 1, lossyCrashes: 0, consumer: false },
  'unclean election, rf 2, min ISR 1': { rf: 2, minIsr: 1, unclean: true, lossyCrashes: 0, consumer: false },
  'min ISR 1, one lossy crash': { minIsr: 1, lossyCrashes: 1, consumer: false },
};
const LOSS = ['leader-completeness', 'no-committed-loss', 'acks-all-durable', 'acks-one-durable'];

function timeToCounterexample() {
  const out: Record<string, unknown> = {};
  for (const [name, config] of Object.entries(KNOWN_BAD)) {
    const model = kafkaModelOf(config);
    const bfs = exploreExhaustive(model, { invariants: LOSS, stopAtFirst: true, timeLimitMs: 120_000 });
    const random = [1, 2, 3, 4, 5].map((seed) => {
      const r = exploreRandom(model, { runs: 100_000, maxSteps: 40, seed, invariants: LOSS, timeLimitMs: 20_000 });
      const shrunk = r.violations[0];
      // What `check --engine random` prints: the shrunk trace, then certified by a breadth-first search.
      const started = Date.now();
      const c = shrunk === undefined ? undefined : certifyMinimal(model, shrunk, { timeLimitMs: 30_000, maxStates: 3_000_000 });
      return {
        ms: r.stats.elapsedMs, found: shrunk !== undefined, length: shrunk?.length ?? null,
        certifiedMs: r.stats.elapsedMs + (Date.now() - started), certifiedLength: c?.length ?? null, certifiedMinimal: c?.certifiedMinimal ?? false,
      };
    });
    out[name] = {
      exhaustive: { ms: bfs.stats.elapsedMs, length: bfs.violations[0]?.length ?? null, invariant: bfs.violations[0]?.invariant ?? null },
      randomMedianMs: median(random.map((r) => r.ms)),
      randomFound: random.filter((r) => r.found).length,
      randomShrunkLengths: random.map((r) => r.length),
      randomCertifiedMedianMs: median(random.map((r) => r.certifiedMs)),
      randomCertifiedLengths: random.map((r) => (!r.found ? null : r.certifiedMinimal ? r.certifiedLength : `${r.certifiedLength}?`)),
    };
  }
  return out;
}

/** The files of docs/scenarios/, read and checked, in the order of their names. */
function scenarioFiles(): ScenarioFile[] {
  return projectScenarios(REPO).map((s) => s.file);
}

/**
 * Each scenario of docs/scenarios/ under its buggy configuration, as `check --scenario FILE` runs it
 * on one thread: the time to the shortest counterexample through its milestones, its length, and
 * the states of the product searched. The target is each historical rf 3 shape in 5 s or less.
 */
function scenarios() {
  const out: Record<string, unknown> = {};
  for (const file of scenarioFiles()) {
    const config = configFromFlags({}, { ...file.config });
    const started = Date.now();
    const r = exploreExhaustive(kafkaScenarioModel(config, file), { invariants: file.breaks, stopAtFirst: true, timeLimitMs: 60_000 });
    const v = r.violations[0];
    out[file.name] = { source: file.source, rf: config.rf, ms: Date.now() - started, states: r.stats.states, length: v?.length ?? null, invariant: v?.invariant ?? null };
  }
  return out;
}

/**
 * The rf 3 shapes of docs/scenarios/ without their milestones: `kafka-spec check --first` (the default
 * engines, the default minute, every core) on each file's configuration and invariant, once under the
 * bug and once with the fix, as whole processes. A violation found under the bug shows the shape
 * only when the fix's search finds none in the same time: otherwise the bounds break the
 * invariant some other way too, and the find says nothing about the shape.
 */
function unguided(seconds = 60) {
  const out: Record<string, unknown> = {};
  for (const file of scenarioFiles()) {
    if (file.config.rf !== 3) continue;
    const run = (config: Readonly<Record<string, unknown>>) => {
      const args = ['check', '--first', '--time-limit', String(seconds), '--json', '--timings',
        ...Object.entries(config).flatMap(([k, v]) => (k === 'protocol' ? ['--protocol', String(v)] : ['--set', `${k}=${v}`])),
        ...file.breaks.flatMap((i) => ['--invariant', i])];
      const { json, ms } = cli(args);
      const v = json.violations?.[0];
      return { ms, verdict: json.verdict as string, length: v?.length ?? null, engine: v?.foundBy?.engine ?? null };
    };
    out[file.name] = { source: file.source, invariants: file.breaks, buggy: run(file.config), fixed: run({ ...file.config, ...file.fixed }) };
  }
  return { seconds, shapes: out };
}

function unguidedMarkdown(r: ReturnType<typeof unguided>): string {
  const cell = (x: { ms: number; verdict: string; length: number | null; engine: string | null }) =>
    x.length === null ? `${x.verdict}, ${(x.ms / 1000).toFixed(1)} s` : `${x.length} steps (${x.engine}) in ${(x.ms / 1000).toFixed(1)} s`;
  return [
    '## The rf 3 scenarios without their milestones', '',
    `\`kafka-spec check --first --time-limit ${r.seconds}\` on each rf 3 scenario file's configuration and invariants, under the bug and with the fix, whole processes on every core.`,
    'A find under the bug shows the shape only when the fix gives none.', '',
    '| scenario | source | invariant | under the bug | with the fix |', '|---|---|---|---|---|',
    ...Object.entries(r.shapes).map(([name, v]: [string, any]) => `| ${name} | ${v.source} | ${v.invariants.join(', ')} | ${cell(v.buggy)} | ${cell(v.fixed)} |`),
  ].join('\n');
}

function scenariosMarkdown(r: Record<string, any>): string {
  return [
    '## Scenarios to their counterexamples', '',
    'Each file of docs/scenarios/ under its buggy configuration, searched breadth-first through its milestones on one thread',
    '(`check --scenario FILE --workers 1`): the shortest behaviour that passes every milestone and then breaks the named invariant.', '',
    '| scenario | source | rf | time | steps | invariant | product states |', '|---|---|---|---|---|---|---|',
    ...Object.entries(r).map(([name, v]: [string, any]) => `| ${name} | ${v.source} | ${v.rf} | ${v.ms} ms | ${v.length ?? 'none'} | ${v.invariant ?? '—'} | ${v.states.toLocaleString('en')} |`),
  ].join('\n');
}

/**
 * The rf 3 counterexamples that plain breadth-first search is slow to reach (docs/findings.md):
 * truncation to the HW, and one lossy crash under the 3.5 rules (where KAFKA-15583 also loses a
 * committed record) and the 3.7 rules (where the last replica standing is what remains).
 */
const RF3: Record<string, Partial<ClusterConfig>> = {
  'truncate-to-hw, rf 3 (kafka-0.10)': { protocol: 'kafka-0.10', rf: 3, lossyCrashes: 0, consumer: false },
  'one lossy crash, rf 3 (kafka-3.5)': { protocol: 'kafka-3.5', rf: 3, lossyCrashes: 1, consumer: false, maxLeaderMoves: 0 },
  'one lossy crash, rf 3 (kafka-3.7)': { protocol: 'kafka-3.7', rf: 3, lossyCrashes: 1, consumer: false, maxLeaderMoves: 0 },
};

/**
 * The compiled engine and model (`npm run build`), which the strategy and thread sections use so
 * that worker threads start as the CLI's do, without compiling TypeScript on the fly.
 */
await import(new URL('../dist/src/explore/node.js', import.meta.url).href);
const compiled = {
  ...(await import(new URL('../dist/src/explore/index.js', import.meta.url).href)) as typeof import('../src/explore/index.ts'),
  ...(await import(new URL('../dist/properties/kafka-model.js', import.meta.url).href)) as typeof import('../properties/kafka-model.ts'),
};

/** How a worker thread rebuilds `kafkaModelOf(config)`: from the compiled model, as the compiled CLI's workers do. */
function sourceOf(config: Partial<ClusterConfig>): ModelSource {
  return { module: new URL('../dist/properties/kafka-model.js', import.meta.url).href, exportName: 'kafkaModelOf', args: [config] };
}

/** What one search found: time, states, and the first counterexample's length and budget. */
function found(r: ExploreResult<{ step: string }>) {
  const v = r.violations[0];
  return { ms: r.stats.elapsedMs, states: r.stats.states, depth: r.stats.depth, stopReason: r.stopReason,
    length: v?.length ?? null, invariant: v?.invariant ?? null, fewest: v?.fewest ?? null };
}

/**
 * Time to the first loss counterexample on the rf 3 configurations, in one run: plain
 * breadth-first search, fewest-first by leader changes and by all faults, and plain search on 2
 * worker threads, each given `seconds`.
 */
function rf3Strategies(seconds: number) {
  const out: Record<string, unknown> = {};
  for (const [name, config] of Object.entries(RF3)) {
    const model = compiled.kafkaModelOf(config);
    const base = { invariants: LOSS, stopAtFirst: true, timeLimitMs: seconds * 1000 };
    out[name] = {
      plain: found(compiled.exploreExhaustive(model, base)),
      fewestLeaderChanges: found(compiled.exploreBounded(model, { ...base, budget: 'leaderChanges' })),
      fewestFaults: found(compiled.exploreBounded(model, { ...base, budget: 'faults' })),
      plainTwoWorkers: found(compiled.exploreExhaustive(model, { ...base, workers: 2, source: sourceOf(config) })),
      random: randomWithin(model, RANDOM_SECONDS, true),
      randomPlain: randomWithin(model, RANDOM_SECONDS, false),
    };
  }
  return { seconds, randomSeconds: RANDOM_SECONDS, configurations: out };
}

/** TLC (one worker) on the public TLA+ specifications, same bug class, same machine class: seconds to the counterexample. */
const TLC_SECONDS: Record<string, number> = { 'truncate-to-hw, rf 3 (kafka-0.10)': 2.7, 'one lossy crash, rf 3 (kafka-3.7)': 2.4 };

/** `kafka-spec check` flags for a configuration of the RF3 table. */
function configFlags(config: Partial<ClusterConfig>): string[] {
  const named: Record<string, string> = { protocol: '--protocol', rf: '--rf', lossyCrashes: '--lossy-crashes' };
  return Object.entries(config).flatMap(([k, v]) => (k in named ? [named[k], String(v)] : ['--set', `${k}=${v}`]));
}

/**
 * One `kafka-spec check --first` on the loss invariants as a whole process (the compiled CLI, its
 * start-up included), with --json --timings: the wall time, and from the report where the time
 * went: the process before the search, the random runs' thread start, the first failing run, the
 * quick shrink and any certification.
 */
function checkFirstInProcess(config: Partial<ClusterConfig>, extra: string[]) {
  const args = [fileURLToPath(new URL('../bin/kafka-spec.mjs', import.meta.url)), 'check', '--first', ...configFlags(config),
    ...LOSS.flatMap((i) => ['--invariant', i]), '--json', '--timings', ...extra];
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = Math.round(Number(process.hrtime.bigint() - start) / 1e6);
  if (r.status !== 0 && r.status !== 1) throw new Error(`kafka-spec check exited ${r.status}: ${r.stderr.trim()}`);
  const json = JSON.parse(r.stdout);
  const v = json.violations[0];
  const random = json.stats.phases?.random;
  const found = v?.foundBy;
  // The random runs' own clock starts once their thread has loaded the model: the rest of `atMs` is the thread's start.
  const threadStartMs = found?.engine === 'random' && random?.firstFoundMs !== undefined ? found.atMs - random.firstFoundMs : null;
  return {
    wallMs, searchMs: json.stats.elapsedMs, beforeSearchMs: wallMs - json.stats.elapsedMs,
    engine: found?.engine ?? null, foundAtMs: found?.atMs ?? null, threadStartMs, firstFailingRunMs: random?.firstFoundMs ?? null,
    length: v?.length ?? null, shrunkFrom: v?.shrunkFrom ?? null, shortest: v?.shortest ?? null, invariant: v?.invariant ?? null,
    breadthFirstDepth: json.stats.phases?.exhaustive.depth ?? null,
  };
}

/**
 * The portfolio against TLC on the two rf 3 cases TLC was timed on: `check --first` as a whole
 * process, `rounds` runs each (median wall time), and one run with `--certify` for the time to a
 * certified-shortest counterexample (the target: TLC's time for the first, ten times it for the second).
 */
function portfolio(rounds = 3, certifySeconds = 60) {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(TLC_SECONDS)) {
    const config = RF3[name];
    const runs = Array.from({ length: rounds }, () => checkFirstInProcess(config, []));
    const certified = checkFirstInProcess(config, ['--certify', String(certifySeconds)]);
    out[name] = {
      tlcSeconds: TLC_SECONDS[name],
      firstMedianMs: median(runs.map((r) => r.wallMs)),
      runs,
      certifiedMs: certified.wallMs,
      certified,
    };
  }
  return { rounds, certifySeconds, invariants: LOSS, configurations: out };
}

function portfolioMarkdown(r: ReturnType<typeof portfolio>): string {
  return [
    '## The portfolio against TLC (rf 3)', '',
    `\`kafka-spec check --first\` on the loss invariants (${r.invariants.join(', ')}), as a whole process, median of ${r.rounds} runs;`,
    `then one run with \`--certify ${r.certifySeconds}\`. TLC: one worker on the public TLA+ specifications, same bug class.`, '',
    '| configuration | TLC | check --first (median) | engine, length | certified shortest | certified length |', '|---|---:|---:|---|---:|---|',
    ...Object.entries(r.configurations).map(([name, c]: [string, any]) =>
      `| ${name} | ${c.tlcSeconds} s | ${(c.firstMedianMs / 1000).toFixed(1)} s (${(c.firstMedianMs / 1000 / c.tlcSeconds).toFixed(1)}×) | ${c.runs.map((x: any) => `${x.engine} ${x.length}`).join(', ')} | ${(c.certifiedMs / 1000).toFixed(1)} s (${(c.certifiedMs / 1000 / c.tlcSeconds).toFixed(1)}×) | ${c.certified.length} (${c.certified.shortest}) |`),
  ].join('\n');
}

/** The target for an anomaly at rf 3: found within this many seconds. */
const RANDOM_SECONDS = 10;

/**
 * Random runs (one thread, swarm masks, seeds 1-5; guided by the model's sketches or not), each
 * campaign given `seconds` in all: when its first run that broke a loss invariant ended, and how
 * long the shrunk trace is (not certified).
 */
function randomWithin(model: ReturnType<typeof compiled.kafkaModelOf>, seconds: number, guide: boolean) {
  return [1, 2, 3, 4, 5].map((seed) => {
    const r = compiled.exploreRandom(model, { runs: 10_000_000, maxSteps: 60, seed, guide, invariants: LOSS, timeLimitMs: seconds * 1000 });
    return { seed, firstFoundMs: r.stats.random?.firstFoundMs ?? null, runs: r.stats.random?.runs ?? 0, length: r.violations[0]?.length ?? null, invariant: r.violations[0]?.invariant ?? null };
  });
}

/**
 * One search of the worker section, in a process of its own as the CLI runs it, so the one-thread
 * search and the threaded one each start cold (the threads compile the model's code anew, which is
 * most of what a thread costs besides its share of the work). Prints the states found and the
 * search's wall-clock and CPU milliseconds (all threads of the process, starting the workers included).
 */
const SEARCH_IN_PROCESS = `
  const { engine, workers, depth, runs, config, dist } = JSON.parse(process.argv[1]);
  await import(dist + 'src/explore/node.js');
  const { exploreExhaustive, exploreRandom } = await import(dist + 'src/explore/index.js');
  const { kafkaModelOf } = await import(dist + 'properties/kafka-model.js');
  const source = { module: dist + 'properties/kafka-model.js', exportName: 'kafkaModelOf', args: [config] };
  const model = kafkaModelOf(config);
  const [cpu, wall] = [process.cpuUsage(), Date.now()];
  const r = engine === 'exhaustive'
    ? exploreExhaustive(model, { maxDepth: depth, workers, source })
    : exploreRandom(model, { runs, maxSteps: 60, seed: 1, workers, source });
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ states: r.stats.states, steps: r.stats.transitions, ms: Date.now() - wall, cpuMs: Math.round((used.user + used.system) / 1000) }));
`;

/** Runs `SEARCH_IN_PROCESS` in a child process: states, wall-clock and CPU milliseconds. */
function searchInProcess(search: { engine: 'exhaustive' | 'random'; workers: number; depth: number; runs: number; config: Partial<ClusterConfig> }) {
  const dist = new URL('../dist/', import.meta.url).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', SEARCH_IN_PROCESS, JSON.stringify({ ...search, dist })], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the ${search.engine} search on ${search.workers} thread(s) exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as { states: number; steps: number; ms: number; cpuMs: number };
}

/**
 * One thread against two on today's protocol: breadth-first search to a fixed depth (the same
 * states, so the ratio of times is the speed-up), and to one depth more, and a random campaign of
 * fixed runs and one of four times as many, each search in a fresh process. A second thread costs
 * a fixed part of a second of CPU (it loads the model and compiles its code anew), so the ratio
 * grows with the search: `workers --depth 8` sets the first depth and `--runs N` the campaign.
 */
function workerScaling(depth = 7, runs = 12_000) {
  const config = { maxCrashes: 1, lossyCrashes: 1 } as const;
  const bfs = (workers: number, d: number) => searchInProcess({ engine: 'exhaustive', workers, depth: d, runs, config });
  const random = (n: number, workers: number) => searchInProcess({ engine: 'random', workers, depth, runs: n, config });
  const figures = (one: ReturnType<typeof searchInProcess>, two: ReturnType<typeof searchInProcess>) => ({
    oneMs: one.ms, twoMs: two.ms, speedup: Number((one.ms / two.ms).toFixed(2)), oneCpuMs: one.cpuMs, twoCpuMs: two.cpuMs,
    // What two idle cores would give if the threads kept busy: twice the work one thread does per CPU second.
    idleSpeedupBound: Number(((2 * one.cpuMs) / two.cpuMs).toFixed(2)),
  });
  const level = (d: number) => {
    const [one, two] = [bfs(1, d), bfs(2, d)];
    return { depth: d, states: one.states, ...figures(one, two) };
  };
  const exhaustive = level(depth);
  const deeper = level(depth + 1);
  const campaign = (n: number) => {
    const [one, two] = [random(n, 1), random(n, 2)];
    return { runs: n, steps: one.steps, twoSteps: two.steps, ...figures(one, two) };
  };
  return { exhaustive, deeper, random: campaign(runs), longer: campaign(4 * runs) };
}

/** The commit before the breadth-first kernel and the model's single-literal states: the `kernel` section's yardstick. */
const BASELINE = 'c0a6c30';

/**
 * Rule changes made since `BASELINE`, applied to its sources so that both builds search the same
 * graph: the controller skips the broker-epoch check for a member sent with epoch -1 (rules.md S3).
 */
const BASELINE_RULES: readonly { readonly file: string; readonly from: string; readonly to: string }[] = [{
  file: 'spec/controller.ts',
  from: 'req.memberEpochs[i] === ctrl.brokerEpochs[b - 1]);',
  to: '(req.memberEpochs[i] === -1 || req.memberEpochs[i] === ctrl.brokerEpochs[b - 1]));',
}];

/**
 * The last commit whose model `BASELINE_RULES` bring the baseline to. When the model has changed
 * since (spec/ or properties/), this build's engine is measured on that commit's model, so that
 * both builds still search the same graph: the section compares engines, not models.
 */
const MODEL_COMMIT = 'eb0ac51';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** Extracts `commit`'s `paths` (all of it when none) into `dir`. */
function extract(commit: string, dir: string, paths: readonly string[] = []): void {
  const r = spawnSync('sh', ['-c', `git -C '${REPO}' archive ${commit} ${paths.join(' ')} | tar -x -C '${dir}'`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot read commit ${commit}: ${r.stderr.trim()}`);
}

/** Compiles the sources in `dir` with this checkout's packages; `what` names them in an error. */
function compile(dir: string, what: string, strict = true): void {
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  const built = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, encoding: 'utf8' });
  // Put together from two commits, the command line may no longer type-check; the engine and the model must compile.
  const emitted = existsSync(join(dir, 'dist/properties/kafka-model.js')) && existsSync(join(dir, 'dist/src/explore/index.js'));
  if ((strict && built.status !== 0) || !emitted) throw new Error(`cannot build ${what}: ${built.stdout.trim().split('\n')[0]}`);
}

/**
 * Builds `commit` beside this checkout (its sources from git, with `BASELINE_RULES` applied,
 * compiled with this checkout's packages) and returns its root; the build is kept in the
 * temporary folder for the run.
 */
function buildBeside(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kafka-spec-${commit}-`));
  extract(commit, dir);
  for (const rule of BASELINE_RULES) {
    const file = join(dir, rule.file);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(rule.from)) throw new Error(`commit ${commit}: ${rule.file} no longer holds what a rule change replaces`);
    writeFileSync(file, text.replace(rule.from, rule.to));
  }
  compile(dir, `commit ${commit}`);
  return dir;
}

/**
 * This checkout's engine on the model of `MODEL_COMMIT`: this checkout itself when its model is
 * still that one, else a build of HEAD's sources with that commit's spec/ and properties/ (`built`:
 * a temporary folder to remove afterwards).
 */
function buildHere(): { root: string; built: boolean } {
  const same = spawnSync('git', ['-C', REPO, 'diff', '--quiet', MODEL_COMMIT, '--', 'spec', 'properties']).status === 0;
  if (same) return { root: REPO, built: false };
  const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-engine-'));
  extract('HEAD', dir);
  rmSync(join(dir, 'spec'), { recursive: true });
  rmSync(join(dir, 'properties'), { recursive: true });
  extract(MODEL_COMMIT, dir, ['spec', 'properties']);
  compile(dir, `this engine with the model of ${MODEL_COMMIT}`, false);
  return { root: dir, built: true };
}

/**
 * One search of a build in a process of its own, with the heap sized as the command line sizes it:
 * breadth-first to `depth`, or the liveness graph to `depth`; distinct states, edges or transitions,
 * and CPU milliseconds of the search alone.
 */
const BUILD_SEARCH = `
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=50');
  const { kind, depth, dist } = JSON.parse(process.argv[1]);
  const { kafkaModelOf } = await import(dist + 'properties/kafka-model.js');
  const model = kafkaModelOf({});
  const cpu = process.cpuUsage();
  const r = kind === 'liveness'
    ? (await import(dist + 'src/explore/liveness.js')).exploreLiveness(model, { maxDepth: depth })
    : (await import(dist + 'src/explore/index.js')).exploreExhaustive(model, { maxDepth: depth });
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ states: r.stats.states, transitions: r.stats.transitions, cpuMs: Math.round((used.user + used.system) / 1000) }));
`;

function searchBuild(root: string, kind: 'safety' | 'liveness', depth: number): { states: number; transitions: number; cpuMs: number } {
  const dist = pathToFileURL(join(root, 'dist/')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', BUILD_SEARCH, JSON.stringify({ kind, depth, dist })], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the ${kind} search of ${root} exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
  return JSON.parse(r.stdout);
}

/** What a search's CPU is spent on, by the code a profile sample was in: `model` is spec/, properties/ and xstate. */
type CpuPart = 'model' | 'fingerprints' | 'engine' | 'gc' | 'other';

function partOf(url: string, name: string): CpuPart {
  if (name === '(garbage collector)') return 'gc';
  if (url.includes('/src/explore/fingerprint')) return 'fingerprints';
  if (url.includes('/src/explore/')) return 'engine';
  return url.includes('/spec/') || url.includes('/properties/') || url.includes('/xstate/') ? 'model' : 'other';
}

/**
 * Where the CPU of a build's breadth-first search to `depth` goes: the search run once more in a
 * process of its own under V8's sampling profiler, each sample counted for the code it was in
 * (self time), in milliseconds. Module loading falls under `other`; garbage collection is its own
 * part, since the model's new states and the engine's records both make it.
 */
function cpuParts(root: string, depth: number): Record<CpuPart, number> {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-profile-'));
  try {
    const dist = pathToFileURL(join(root, 'dist/')).href;
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--input-type=module', '-e', BUILD_SEARCH, JSON.stringify({ kind: 'safety', depth, dist })], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the profiled search of ${root} exited ${r.status}: ${r.stderr.trim().split('\n')[0]}`);
    const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8')) as {
      nodes: { id: number; callFrame: { url: string; functionName: string } }[]; samples: number[]; timeDeltas: number[];
    };
    const part = new Map(profile.nodes.map((n) => [n.id, partOf(n.callFrame.url, n.callFrame.functionName)]));
    const us: Record<CpuPart, number> = { model: 0, fingerprints: 0, engine: 0, gc: 0, other: 0 };
    profile.samples.forEach((id, i) => (us[part.get(id)!] += profile.timeDeltas[i] ?? 0));
    return Object.fromEntries(Object.entries(us).map(([k, v]) => [k, Math.round(v / 1000)])) as Record<CpuPart, number>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * This build's breadth-first kernel against the commit before it (`BASELINE`, built beside), on one
 * thread, today's protocol with the default bounds: safety to depth 7 and 8 and the liveness graph
 * to depth 7, each search in a process of its own, the two builds alternating, `rounds` times.
 * Both visit the same states (checked); the figure is distinct states per CPU second of the search.
 * The depth 7 search of each build is then profiled once more (`cpuParts`).
 */
function kernel(rounds = 3) {
  const base = buildBeside(BASELINE);
  const engine = buildHere();
  const here = engine.root;
  try {
    const compare = (kind: 'safety' | 'liveness', depth: number) => {
      const before: number[] = [];
      const now: number[] = [];
      let states = 0;
      let transitions = 0;
      for (let i = 0; i < rounds; i++) {
        // The older build first in even rounds, this one first in odd ones.
        const first = searchBuild(i % 2 === 0 ? base : here, kind, depth);
        const second = searchBuild(i % 2 === 0 ? here : base, kind, depth);
        const [old, fresh] = i % 2 === 0 ? [first, second] : [second, first];
        if (old.states !== fresh.states || old.transitions !== fresh.transitions) throw new Error(`the two builds searched different graphs: ${JSON.stringify([old, fresh])}`);
        [states, transitions] = [fresh.states, fresh.transitions];
        before.push(old.cpuMs);
        now.push(fresh.cpuMs);
      }
      const [beforeMs, nowMs] = [median(before), median(now)];
      return {
        kind, depth, states, transitions, beforeMs, nowMs,
        beforeStatesPerSecond: Math.round(states / (beforeMs / 1000)), nowStatesPerSecond: Math.round(states / (nowMs / 1000)),
        speedup: Number((beforeMs / nowMs).toFixed(2)),
      };
    };
    const searches = [compare('safety', 7), compare('safety', 8), compare('liveness', 7)];
    const d7 = searches[0];
    return {
      baseline: BASELINE, model: engine.built ? MODEL_COMMIT : 'this checkout', rounds, searches,
      // The depth 7 search's CPU by part, for both builds: where the speed-up came from, and what is left to gain.
      split: { depth: d7.depth, before: cpuParts(base, d7.depth), now: cpuParts(here, d7.depth) },
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
    if (engine.built) rmSync(here, { recursive: true, force: true });
  }
}

/** The depth 7 search's CPU by part, before and now, and the most any engine could gain on this model (`cpuParts`). */
function splitMarkdown(split: { depth: number; before: Record<CpuPart, number>; now: Record<CpuPart, number> }): string[] {
  const { before, now } = split;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const searched = (p: Record<CpuPart, number>) => p.model + p.fingerprints + p.engine + p.gc;
  const row = (what: string, b: number, n: number) => `| ${what} | ${s(b)} | ${s(n)} |`;
  // No engine runs less of the model's code: the baseline's search over it bounds the speed-up on this model.
  const ceiling = searched(before) / now.model;
  return [
    '', `Where the CPU of the depth ${split.depth} search goes, by V8's sampling profiler (self time, one profiled run of each build; bench/run.ts \`cpuParts\`):`, '',
    '| part | before | now |', '|---|---:|---:|',
    row('the model (spec/, properties/, xstate): steps, enabled steps, invariants, goals', before.model, now.model),
    row('fingerprints', before.fingerprints, now.fingerprints),
    row('the rest of the engine (the table, rebuilding states, the loop)', before.engine, now.engine),
    row('garbage collection', before.gc, now.gc),
    row('the search (the four above)', searched(before), searched(now)), '',
    `An engine that cost nothing beside the model's own code, and no garbage collection either, would search at most ${ceiling.toFixed(2)}× as fast as the baseline on this model; ` +
      `3× leaves fingerprints, the rest of the engine and garbage collection ${s(Math.max(0, searched(before) / 3 - now.model))} (now ${s(searched(now) - now.model)}).`,
  ];
}

function kernelMarkdown(r: ReturnType<typeof kernel>): string {
  const k = (x: number) => x.toLocaleString('en');
  const row = (s: (typeof r.searches)[number]) =>
    `| ${s.kind === 'safety' ? 'breadth-first search' : 'liveness graph'}, depth ${s.depth} | ${k(s.states)} | ${k(s.transitions)} | ` +
    `${(s.beforeMs / 1000).toFixed(1)} s | ${(s.nowMs / 1000).toFixed(1)} s | ${k(s.beforeStatesPerSecond)} | ${k(s.nowStatesPerSecond)} | **${s.speedup.toFixed(2)}×** |`;
  return [
    '## The search kernel against the commit before it', '',
    `Today's protocol with the default bounds, one thread; this build against commit ${r.baseline} built beside it (with the rule changes made since,`,
    'so that both search the same graph: bench/run.ts `BASELINE_RULES`' +
      (r.model === 'this checkout' ? '' : `; this engine run on the model of commit ${r.model}, since the model changed after it`) + '), each search in a process of its own,',
    `the two alternating, median of ${r.rounds} by CPU time of the search. Both searched the same states and transitions (edges, for the liveness graph).`, '',
    '| search | distinct states | transitions | CPU before | CPU now | states/s before | states/s now | speed-up |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.searches.map(row),
    ...(r.split === undefined ? [] : splitMarkdown(r.split)),
  ].join('\n');
}

const BIN = fileURLToPath(new URL('../bin/kafka-spec.mjs', import.meta.url));

/**
 * One reproduction of an rf 3 counterexample on a real local Kafka cluster (`kafka-spec reproduce`,
 * cluster start included), wall clock for the whole command: the two-power-loss trace on Kafka
 * 4.1.2. Without Java or Kafka's jars (`npm run kafka:fetch`) the section records why it did not run.
 */
function realKafka() {
  const trace = 'docs/traces/kafka-4.1-rf3-two-power-losses.json';
  const kafka = '4.1.2';
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'reproduce', trace, '--kafka', kafka, '--json'], {
    encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 600_000,
  });
  const wallMs = Date.now() - started;
  if (r.status === 2) return { trace, kafka, ran: false, why: r.stderr.trim().split('\n')[0] };
  const json = JSON.parse(r.stdout) as { verdict: string; startMs: number };
  return { trace, kafka, ran: true, outcome: json.verdict, wallMs, clusterStartMs: json.startMs };
}

function realKafkaMarkdown(r: ReturnType<typeof realKafka>): string {
  const line = r.ran
    ? `\`kafka-spec reproduce ${r.trace} --kafka ${r.kafka}\`: **${r.outcome}** in **${((r.wallMs ?? 0) / 1000).toFixed(0)} s** wall for the whole command` +
      (r.clusterStartMs === null || r.clusterStartMs === undefined ? '' : `, cluster start ${(r.clusterStartMs / 1000).toFixed(0)} s`) + ' (target: 2 minutes).'
    : `not run: ${r.why}`;
  return ['## A counterexample on a real Kafka cluster', '', line].join('\n');
}

/**
 * The liveness check at the default bounds where the whole graph is out of reach: rf 3,
 * min.insync.replicas=3, one broker down for good, `writes-eventually-accepted`, the default
 * minute, as a whole process on every core (target: a lasso within 60 s). The lasso comes from a
 * fair run's suspect (src/explore/suspects.ts) when the graph from the initial state has none.
 */
function livenessLasso() {
  const args = ['check', '--rf', '3', '--min-isr', '3', '--set', 'permanentFailures=1', '--invariant', 'writes-eventually-accepted', '--json', '--timings'];
  const { json, ms } = cli(args);
  const lasso = json.lassos[0];
  return {
    command: `kafka-spec ${args.filter((a) => a !== '--json' && a !== '--timings').join(' ')}`, wallMs: ms, verdict: json.verdict,
    graphStates: json.stats.states, graphDepth: json.stats.depth, graphMs: json.stats.elapsedMs,
    lasso: lasso === undefined ? null : { prefix: lasso.prefix, cycle: lasso.cycle, fromSuspect: lasso.fromSuspect ?? null },
    suspectsTried: json.suspects?.length ?? 0,
  };
}

function livenessLassoMarkdown(r: ReturnType<typeof livenessLasso>): string {
  const found = r.lasso === null ? `**no lasso** (${r.verdict})`
    : `**a lasso** of a ${r.lasso.prefix}-step prefix and a ${r.lasso.cycle}-step cycle` +
      (r.lasso.fromSuspect === null ? ' from the graph' : ` from fair run ${r.lasso.fromSuspect.seed}'s suspect (${r.suspectsTried} tried)`);
  return ['## A lasso at the default bounds', '',
    `\`${r.command}\`: ${found} in **${(r.wallMs / 1000).toFixed(1)} s** wall for the whole command (target: 60 s); ` +
    `the graph from the initial state had reached depth ${r.graphDepth} (${r.graphStates.toLocaleString('en')} states) in ${(r.graphMs / 1000).toFixed(1)} s.`].join('\n');
}

/** One `kafka-spec ARGS` process: its JSON output and wall-clock milliseconds, exit 1 (a violation) allowed. */
function cli(args: string[]): { json: any; ms: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  const ms = Math.round(Number(process.hrtime.bigint() - start) / 1e6);
  if (r.status !== 0 && r.status !== 1) throw new Error(`kafka-spec ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return { json: JSON.parse(r.stdout), ms };
}

/**
 * Breadth-first search of the default configuration to `depth` on one thread, whole and as 2, 4
 * and 8 shards (`check --engine exhaustive --shard k/n`), each a process of its own run one after
 * the other: each shard's states and time, and the union `merge --states` counts, which must be
 * the whole search's states. With a machine per shard, the search takes as long as its slowest
 * shard; the states ratio (whole against the largest shard) is the same on any machine.
 */
function shardScaling(depth = 8) {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-spec-bench-shards-'));
  const search = ['check', '--engine', 'exhaustive', '--depth', String(depth), '--workers', '1', '--json'];
  const whole = cli(search);
  const splits = [2, 4, 8].map((n) => {
    const shards = Array.from({ length: n }, (_, i) => {
      const states = join(dir, `shard-${i + 1}-of-${n}.fp`);
      const r = cli([...search, '--shard', `${i + 1}/${n}`, '--states-out', states]);
      const json = join(dir, `shard-${i + 1}-of-${n}.json`);
      writeFileSync(json, JSON.stringify(r.json));
      return { json, states, result: r.json, ms: r.ms };
    });
    const union = cli(['merge', '--json', ...shards.map((x) => x.json), '--states', ...shards.map((x) => x.states)]).json.stats.states;
    if (union !== whole.json.stats.states) throw new Error(`${n} shards' union holds ${union} states, the whole search ${whole.json.stats.states}`);
    const at = shards[0].result.stats.split.at;
    const shardStates = shards.map((x) => x.result.stats.states as number);
    const slowestMs = Math.max(...shards.map((x) => x.ms));
    return {
      shards: n, splitDepth: at.depth, levelStates: at.levelStates, shardStates, shardMs: shards.map((x) => x.ms), union, slowestMs,
      statesRatio: Number((whole.json.stats.states / Math.max(...shardStates)).toFixed(2)),
      speedup: Number((whole.ms / slowestMs).toFixed(2)),
      overlap: Number((shardStates.reduce((a, b) => a + b, 0) / union).toFixed(2)),
    };
  });
  rmSync(dir, { recursive: true });
  return { depth, states: whole.json.stats.states, wholeMs: whole.ms, splits };
}
const STARTUP: Record<string, string[]> = { 'node -e 0': ['-e', '0'], 'kafka-spec --help': [BIN, '--help'], 'kafka-spec list': [BIN, 'list'] };

/** Wall-clock milliseconds for one `node ARGS` process, from spawn to exit. */
function timeProcess(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return ms;
}

/**
 * Start-up of the CLI: after a warm-up, `rounds` rounds each running `node -e 0`, `kafka-spec --help`
 * and `kafka-spec list` one after the other, so each command is compared with the baseline of its
 * own round (a shared machine's load changes between rounds, not much within one).
 */
function startup(rounds = 15) {
  const names = Object.keys(STARTUP);
  for (const name of names) timeProcess(STARTUP[name]);
  const ms: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < rounds; i++) for (const name of names) ms[name].push(timeProcess(STARTUP[name]));
  const base = ms[names[0]];
  return {
    rounds,
    commands: Object.fromEntries(names.map((name) => [name, {
      medianMs: Number(median(ms[name]).toFixed(1)),
      medianRatio: Number(median(ms[name].map((m, i) => m / base[i])).toFixed(2)),
    }])),
  };
}

/**
 * Memory of a breadth-first search of `states` distinct states, measured in a process of its own
 * on the compiled engine: the fingerprint table's bytes per state, the most states held as objects
 * at once (the frontier), and the whole process's peak resident memory per distinct state above
 * what it held before the search started (what `check` costs, frontier included). Measured twice:
 * with the heap sized as `kafka-spec` sizes it (src/cli/heap.ts), and with V8's defaults.
 */
function memory(states = 300_000) {
  const measure = (heap: Heap) => inOwnProcess('exhaustive', heap, `exploreExhaustive(model, { maxStates: ${states} })`, `({ states: r.stats.states,
    depth: r.stats.depth, tableBytesPerState: r.stats.breadthFirst?.bytesPerState, frontierPeak: r.stats.breadthFirst?.frontierPeak,
    peakRssMb: Math.round(peak / 2 ** 20), baselineRssMb: Math.round(before / 2 ** 20),
    processBytesPerState: Math.round((peak - before) / r.stats.states) })`) as Record<string, number>;
  const sized = measure('search');
  const v8 = measure('default');
  return { ...sized, v8Defaults: { peakRssMb: v8.peakRssMb, baselineRssMb: v8.baselineRssMb, processBytesPerState: v8.processBytesPerState } };
}

/**
 * Memory of a random search by its length, in a process of its own on the compiled engine, the
 * heap sized as `kafka-spec` sizes it: `runs` runs of up to 60 steps on today's protocol (seed 1),
 * and the process's peak resident memory after an eighth, a quarter, half and all of them; the
 * distinct states counted (a lower bound once the engine's cap is reached: statesCapped) and the
 * steps per second. Alone, with another number of runs: `npx tsx bench/run.ts memory-random [runs]`.
 */
function memoryRandom(runs = 40_000) {
  const marks = [runs / 8, runs / 4, runs / 2].map(Math.round);
  const search = `exploreRandom(model, { runs: ${runs}, maxSteps: 60, seed: 1, onProgress: (p) => {
    while (p.runs >= marks[0]) marked.push({ runs: marks.shift(), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) });
  } })`;
  return inOwnProcess('random', 'search', search, `({ runs: r.stats.runs,
    steps: r.stats.transitions, states: r.stats.states, statesCapped: r.stats.statesCapped ?? false,
    stepsPerSecond: Math.round(r.stats.transitions / (r.stats.elapsedMs / 1000)), baselineRssMb: Math.round(before / 2 ** 20),
    peakRssMbByRuns: [...marked, { runs: r.stats.runs, peakRssMb: Math.round(peak / 2 ** 20) }] })`, `const marks = ${JSON.stringify(marks)}; const marked = [];`);
}

/**
 * The limits the tests once asserted as times and sizes, measured here instead (a test's verdict
 * must not depend on how loaded the machine is), each beside the bound the test used to hold:
 *  - the young generation of `kafka-spec check` (src/cli/heap.ts) against the same search called
 *    with V8's defaults, each in a process of its own with a module reporting it at exit;
 *  - `check --time-limit 5` on a search whose counterexample would take minutes to certify: the
 *    whole command's wall time, spawn to exit;
 *  - `replay` refusing malformed traces (100,000 steps, rf 1e308, a step naming broker 7), in this
 *    process through the CLI's entry point, the slowest of the three;
 *  - the consumer searches of properties/consumer.prop.test.ts: the silent skip found breadth-first,
 *    the same bounds with position validation to depth 12, and the retry at the leader to depth 13.
 */
async function limits() {
  const young = (args: string[]) => {
    const report = 'data:text/javascript,import v8 from "node:v8"; process.on("exit", () => process.stderr.write(`young ${' +
      'v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size}\\n`));';
    const r = spawnSync(process.execPath, ['--import', report, ...args], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
    const found = /young (\d+)/.exec(r.stderr);
    if (found === null) throw new Error(`no heap figure from node ${args.join(' ')}: ${r.stderr}`);
    return { youngMb: Number((Number(found[1]) / 2 ** 20).toFixed(1)), stdout: r.stdout };
  };
  const sized = young([BIN, 'check', '--engine', 'exhaustive', '--max-states', '6000', '--json', '--set', 'consumer=false', '--rf', '2']);
  const plain = young(['--input-type=module', '-e', `
    const { kafkaModelOf } = await import('./dist/properties/kafka-model.js');
    const { exploreExhaustive } = await import('./dist/src/explore/index.js');
    console.log(exploreExhaustive(kafkaModelOf({ rf: 2, consumer: false }), { maxStates: 6000 }).stats.states);`]);
  if (JSON.parse(sized.stdout).stats.states !== Number(plain.stdout)) throw new Error('the sized and the default heap searched different states');

  const timeLimit = cli(['check', '--truncation', 'hw', '--rf', '3', '--set', 'consumer=false', '--engine', 'random',
    '--time-limit', '5', '--invariant', 'weak-isr', '--seed', '1', '--json']);

  const { main } = await import('../src/cli/main.ts');
  const dir = mkdtempSync(join(tmpdir(), 'bench-refusals-'));
  const quiet = { out: () => {}, progress: () => {} };
  const file = join(dir, 'trace.json');
  if (await main(['check', '--acks', '1', '--first', '--out', file, '--set', 'consumer=false'], quiet) !== 1) throw new Error('no trace to mutate');
  const valid = JSON.parse(readFileSync(file, 'utf8'));
  const malformed: Record<string, unknown> = {
    '100,000 steps': { ...valid, steps: Array.from({ length: 100_000 }, () => valid.steps[0]) },
    'rf 1e308': { ...valid, config: { ...valid.config, rf: 1e308 } },
    'broker 7': { ...valid, steps: [{ ...valid.steps[0], broker: 7 }] },
  };
  const refusals: Record<string, number> = {};
  for (const [name, trace] of Object.entries(malformed)) {
    writeFileSync(file, JSON.stringify(trace));
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      if (await main(['replay', file], quiet) !== 2) throw new Error(`replay accepted the trace with ${name}`);
      ms.push(performance.now() - start);
    }
    refusals[name] = Math.round(median(ms));
  }
  rmSync(dir, { recursive: true });

  const skip = { protocol: 'kafka-4.1', rf: 2, minIsr: 1, unclean: true, consumer: true, maxRecords: 3, maxCrashes: 1, lossyCrashes: 0, maxHeartbeatLosses: 0, maxLeaderChanges: 1, maxLeaderMoves: 0 };
  const searched = (r: ExploreResult<{ step: string }>) => ({ ms: r.stats.elapsedMs, states: r.stats.states, length: r.violations[0]?.length ?? null });
  const consumer = {
    silentSkip: searched(exploreExhaustive(kafkaModelOf({ ...skip, consumerValidatesEpoch: false }), { invariants: ['monotonic-reads'], stopAtFirst: true })),
    validated: searched(exploreExhaustive(kafkaModelOf({ ...skip, consumerValidatesEpoch: true }), { invariants: ['monotonic-reads'], maxDepth: 12 })),
    retryAtLeader: searched(exploreExhaustive(kafkaModelOf({
      rf: 2, minIsr: 1, followerReads: true, maxRecords: 1, maxCrashes: 1, lossyCrashes: 1, maxHeartbeatLosses: 0, maxLeaderChanges: 0, maxLeaderMoves: 0,
    }), { invariants: ['monotonic-reads'], maxDepth: 13 })),
  };
  return {
    date: new Date().toISOString().slice(0, 10),
    loadAverage: Number(loadavg()[0].toFixed(1)),
    heap: { states: Number(plain.stdout), checkYoungMb: sized.youngMb, v8DefaultsYoungMb: plain.youngMb },
    timeLimit: { limitS: 5, ms: timeLimit.ms, verdict: timeLimit.json.verdict, stopReason: timeLimit.json.stats.stopReason },
    refusals,
    consumer,
  };
}

function limitsMarkdown(l: Awaited<ReturnType<typeof limits>>): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const c = l.consumer;
  const slowest = Object.entries(l.refusals).sort((a, b) => b[1] - a[1])[0];
  return [
    '## Limits the tests no longer time', '',
    'Figures the test suite once asserted as bounds, measured here so that a test\'s verdict does not depend on the machine\'s load.',
    `Measured on ${l.date} by \`npm run bench -- limits\`, the machine's load average ${l.loadAverage} as it started.`, '',
    '| what | measured | the bound the test held |', '|---|---:|---:|',
    `| young generation of \`kafka-spec check\` (${l.heap.states.toLocaleString('en')} states) | ${l.heap.checkYoungMb} MB | at most 4 MB |`,
    `| young generation of the same search with V8's defaults | ${l.heap.v8DefaultsYoungMb} MB | at least 16 MB |`,
    `| \`check --time-limit ${l.timeLimit.limitS}\` with a counterexample to shrink and certify, spawn to exit (${l.timeLimit.stopReason}) | ${s(l.timeLimit.ms)} | 10 s |`,
    `| \`replay\` refusing a malformed trace, slowest of ${Object.keys(l.refusals).length} (${slowest[0]}), median of 3 | ${slowest[1]} ms | 5 s each |`,
    `| a consumer's silent skip found breadth-first (${c.silentSkip.length} steps, ${c.silentSkip.states.toLocaleString('en')} states) | ${s(c.silentSkip.ms)} | 20 s |`,
    `| the same bounds with position validation, to depth 12 (${c.validated.states.toLocaleString('en')} states) | ${s(c.validated.ms)} | 60 s |`,
    `| a consumer's retry at the leader, to depth 13 (${c.retryAtLeader.states.toLocaleString('en')} states) | ${s(c.retryAtLeader.ms)} | 60 s |`,
  ].join('\n');
}

/** How a measured process sizes V8's heap: as `kafka-spec` does, or V8's defaults. */
type Heap = 'search' | 'default';

/**
 * Runs `search` (an expression over `model`, today's protocol with one lossy crash) with the
 * compiled engine module `engine` in a process of its own, its heap sized as `heap` says, after
 * `prelude` (statements), and returns `report` (an expression over its result `r`, `before` the
 * resident bytes before the search and `peak` the process's peak resident bytes).
 */
function inOwnProcess(engine: 'exhaustive' | 'random', heap: Heap, search: string, report: string, prelude = ''): Record<string, unknown> {
  const script = `
    ${heap === 'search' ? "(await import('./dist/src/cli/heap.js')).sizeHeapForSearch();" : ''}
    const { kafkaModelOf } = await import('./dist/properties/kafka-model.js');
    const { exploreExhaustive, exploreRandom } = await import('./dist/src/explore/index.js');
    const model = kafkaModelOf({ maxCrashes: 1, lossyCrashes: 1 });
    ${prelude}
    const before = process.memoryUsage().rss;
    const r = ${search};
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify(${report}));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${engine} memory benchmark failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/**
 * A section of its own (`npm run bench -- liveness`): liveness checking against the safety check
 * of the same complete graph, in one process, alternating, median of 3 each; and the graph's
 * bytes per state (fingerprints, links and edges), against the safety search's table.
 */
function liveness(rounds = 3) {
  const config = makeConfig({
    rf: 2, minIsr: 1, consumer: false, maxRecords: 2, maxCrashes: 1, lossyCrashes: 1, maxLeaderChanges: 1,
    maxHeartbeatLosses: 0, maxLeaderMoves: 0, maxMessageLosses: 0, maxLagShrinks: 0,
  });
  const model = kafkaModelOf(config);
  const safetyMs: number[] = [];
  const livenessMs: number[] = [];
  let safety = exploreExhaustive(model);
  let live = exploreLiveness(model);
  for (let i = 0; i < rounds; i++) {
    safety = exploreExhaustive(model);
    safetyMs.push(safety.stats.elapsedMs);
    live = exploreLiveness(model);
    livenessMs.push(live.stats.elapsedMs);
  }
  return {
    states: live.stats.states, edges: live.stats.transitions, safetyStates: safety.stats.states, rounds,
    safetyMs: median(safetyMs), livenessMs: median(livenessMs),
    ratio: Number((median(livenessMs) / median(safetyMs)).toFixed(2)),
    graphBytesPerState: live.stats.bytesPerState, tableBytesPerState: safety.stats.breadthFirst?.bytesPerState,
  };
}

function livenessMarkdown(l: ReturnType<typeof liveness>): string {
  return [
    '## Liveness against safety', '',
    `Liveness (all six properties) against safety (all invariants) on the same complete graph of ${l.states.toLocaleString('en')} states ` +
      `(${l.edges.toLocaleString('en')} edges; safety ${l.safetyStates.toLocaleString('en')} states), rf 2, two records, one lossy crash, median of ${l.rounds}, alternating:`,
    `- safety ${(l.safetyMs / 1000).toFixed(2)} s, liveness ${(l.livenessMs / 1000).toFixed(2)} s: **${l.ratio.toFixed(2)}×**`,
    `- graph with edges: **${l.graphBytesPerState} bytes per state**; the safety search's table: ${l.tableBytesPerState} bytes per state`,
  ].join('\n');
}

function browserMarkdown(b: Awaited<ReturnType<typeof import('./browser.ts').browserBench>>): string {
  return [
    '## The explorer\'s engine in the browser', '',
    `${b.check} (${b.states.toLocaleString('en')} states), in headless Chromium's Web Worker and in Node, ${b.rounds.length} rounds alternating:`,
    `median ${(b.browserMedianMs / 1000).toFixed(2)} s in the browser, ${(b.nodeMedianMs / 1000).toFixed(2)} s in Node: the browser takes **${b.medianRatio}×** Node's time.`,
  ].join('\n');
}

function memoryRandomMarkdown(m: ReturnType<typeof memoryRandom>): string {
  const marks = m.peakRssMbByRuns as { runs: number; peakRssMb: number }[];
  return `- memory of a random search in a process of its own: ${Number(m.runs).toLocaleString('en')} runs of up to 60 steps (seed 1), ` +
    `${Number(m.steps).toLocaleString('en')} steps at ${Number(m.stepsPerSecond).toLocaleString('en')} steps/s, ${Number(m.states).toLocaleString('en')} distinct states; ` +
    `peak resident memory by runs done: ${marks.map((x) => `${x.runs.toLocaleString('en')} runs ${x.peakRssMb} MB`).join(', ')} ` +
    `(**${marks[marks.length - 1].peakRssMb} MB** at the end; ${m.baselineRssMb} MB before the search)`;
}

/** ", N threads" for a phase that ran on more than one, ", one thread" otherwise. */
function onThreads(threads: number | undefined): string {
  return threads === undefined ? ', one thread' : `, ${threads} threads`;
}

function defaultCheckMarkdown(d: ReturnType<typeof defaultCheck>): string {
  const line = (r: DefaultCheckRun) => `breadth-first search covered **${r.breadthFirstStates.toLocaleString('en')} distinct states** ` +
    `(all behaviours to depth ${r.breadthFirstDepth}${onThreads(r.threads)}), ` +
    `then ${r.randomRuns.toLocaleString('en')} random runs met **${r.randomStates.toLocaleString('en')} distinct states**${onThreads(r.randomThreads)}; peak resident memory ${r.peakRssMb} MB`;
  const ratio = (f: (r: DefaultCheckRun) => number) => d.rounds.map((x) => (f(x.byDefault) / f(x.oneThread)).toFixed(2) + '×').join(' and ');
  return [
    '## The default check', '',
    '`kafka-spec check` with no options (today\'s protocol, rf 3; breadth-first for half its minute, then random runs, both on every core), in a process of its own,',
    'against the same with `--workers 1`, as the default ran before it used every core; two rounds, the second in the opposite order.',
    'Random runs on threads count a state that two shards met once:',
    ...d.rounds.flatMap((x, i) => [`- round ${i + 1}, by default: ${line(x.byDefault)};`, `- round ${i + 1}, \`--workers 1\`: ${line(x.oneThread)};`]),
    `- breadth-first states by default against one thread, by round: **${ratio((r) => r.breadthFirstStates)}**; ` +
      `random states: **${ratio((r) => r.randomStates)}**.`,
  ].join('\n');
}

interface DefaultCheckRun {
  readonly breadthFirstStates: number;
  readonly breadthFirstDepth: number;
  readonly threads?: number;
  readonly randomStates: number;
  readonly randomThreads?: number;
  readonly randomRuns: number;
  readonly peakRssMb: number;
}

/** Loaded before the CLI: prints the process's peak resident memory (every thread's) as it exits. */
const PEAK_AT_EXIT = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => process.stderr.write('\\npeak-rss-kb ' + process.resourceUsage().maxRSS + '\\n'));",
)}`;

/**
 * The default `kafka-spec check` (no options: breadth-first for half its minute, then random
 * runs), run as a user runs it, in a process of its own: the distinct states each phase covered;
 * and the same on one thread (`--workers 1`), as the default was before it used every core. Two
 * rounds of the pair, the second in the opposite order.
 */
function defaultCheck(): { rounds: { oneThread: DefaultCheckRun; byDefault: DefaultCheckRun }[] } {
  const run = (...extra: string[]): DefaultCheckRun => {
    const out = spawnSync(process.execPath, ['--import', PEAK_AT_EXIT, BIN, 'check', '--json', '--timings', ...extra], { encoding: 'utf8' });
    if (out.status !== 0 && out.status !== 1) throw new Error(`kafka-spec check exited ${out.status}: ${out.stderr.trim()}`);
    const { stats } = JSON.parse(out.stdout);
    const peak = /peak-rss-kb (\d+)/.exec(out.stderr);
    if (peak === null) throw new Error('kafka-spec check did not report its peak memory');
    return {
      breadthFirstStates: stats.phases.exhaustive.states, breadthFirstDepth: stats.phases.exhaustive.depth, threads: stats.phases.exhaustive.threads,
      randomStates: stats.phases.random.states, randomThreads: stats.phases.random.threads, randomRuns: stats.phases.random.runs, peakRssMb: Math.round(Number(peak[1]) / 1024),
    };
  };
  // The second round runs the pair in the opposite order, so a machine that gets busier or quieter favours neither.
  const first = { oneThread: run('--workers', '1'), byDefault: run() };
  const byDefault = run();
  return { rounds: [first, { oneThread: run('--workers', '1'), byDefault }] };
}

/** One section of the benchmark: how to measure it, and where its figures go in results.json. */
interface Section {
  readonly key: string;
  readonly run: () => unknown;
}

const stepConfig = makeConfig({ maxCrashes: 2, maxHeartbeatLosses: 2, maxLeaderChanges: 4, maxRecords: 3 });
const today = makeConfig({ maxCrashes: 1, lossyCrashes: 1 });

/** The number after `name` on the command line (`--seconds 20`, `memory-random 100000`), if any. */
const flag = (name: string) => Number(process.argv[process.argv.indexOf(name) + 1]) || undefined;

/**
 * Breadth-first search of today's protocol to `depth`, two ways in alternating rounds: as the
 * engine runs by default, and walking every part of every state for its fingerprint instead of
 * remembering the parts a state shares with those fingerprinted before it.
 */
function reductions(depth = 6, rounds = 3) {
  const run = (remember: boolean) => {
    rememberParts(remember);
    const cpu = process.cpuUsage();
    const r = exploreExhaustive(kafkaModelOf(today), { maxDepth: depth });
    const cpuMs = Math.round(process.cpuUsage(cpu).user / 1000);
    rememberParts(true);
    return { states: r.stats.states, transitions: r.stats.transitions, ms: r.stats.elapsedMs, cpuMs };
  };
  const ways = { plain: [] as ReturnType<typeof run>[], walkEveryPart: [] as ReturnType<typeof run>[] };
  for (let i = 0; i < rounds; i++) {
    ways.plain.push(run(true));
    ways.walkEveryPart.push(run(false));
  }
  const summary = (xs: ReturnType<typeof run>[]) => ({
    states: xs[0].states, transitions: xs[0].transitions, ms: median(xs.map((x) => x.ms)), cpuMs: median(xs.map((x) => x.cpuMs)),
  });
  const [plain, walkEveryPart] = [summary(ways.plain), summary(ways.walkEveryPart)];
  if (walkEveryPart.states !== plain.states) throw new Error('the two searches visited different states');
  return { depth, rounds, plain, walkEveryPart };
}

/** Every section, in the order the whole benchmark runs them. */
const SECTIONS: Record<string, Section> = {
  stepping: { key: 'stepping', run: () => stepping(stepConfig) },
  exhaustive: { key: 'exhaustive', run: () => {
    const ex = exploreExhaustive(kafkaModelOf(today), { timeLimitMs: 20_000 });
    return { states: ex.stats.states, transitions: ex.stats.transitions, depth: ex.stats.depth, elapsedMs: ex.stats.elapsedMs,
      statesPerSecond: Math.round(ex.stats.states / (ex.stats.elapsedMs / 1000)), bytesPerState: ex.stats.breadthFirst?.bytesPerState };
  } },
  random: { key: 'random', run: () => {
    const rnd = exploreRandom(kafkaModelOf(today), { runs: 5000, maxSteps: 60, seed: 1 });
    return { runs: rnd.stats.random?.runs, steps: rnd.stats.transitions, elapsedMs: rnd.stats.elapsedMs,
      stepsPerSecond: Math.round(rnd.stats.transitions / (rnd.stats.elapsedMs / 1000)) };
  } },
  reduction: { key: 'reduction', run: () => reductions(flag('--depth')) },
  kernel: { key: 'kernel', run: () => kernel(flag('--rounds')) },
  'real-kafka': { key: 'realKafka', run: () => realKafka() },
  memory: { key: 'memory', run: () => memory() },
  'memory-random': { key: 'memoryRandom', run: () => memoryRandom(flag('memory-random')) },
  'default-check': { key: 'defaultCheck', run: () => defaultCheck() },
  counterexamples: { key: 'timeToCounterexample', run: () => timeToCounterexample() },
  rf3: { key: 'rf3Strategies', run: () => rf3Strategies(flag('--seconds') ?? 60) },
  scenarios: { key: 'scenarios', run: () => scenarios() },
  portfolio: { key: 'portfolio', run: () => portfolio(flag('--rounds'), flag('--certify')) },
  workers: { key: 'workers', run: () => workerScaling(flag('--depth'), flag('--runs')) },
  shards: { key: 'shards', run: () => shardScaling(flag('--depth')) },
  liveness: { key: 'liveness', run: () => liveness() },
  'liveness-lasso': { key: 'livenessLasso', run: () => livenessLasso() },
  unguided: { key: 'unguided', run: () => unguided(flag('--seconds')) },
  browser: { key: 'browser', run: async () => (await import('./browser.ts')).browserBench() },
  startup: { key: 'startup', run: () => startup() },
  limits: { key: 'limits', run: () => limits() },
};

const only = process.argv[2] === '--only' ? process.argv[3] : process.argv[2]?.startsWith('--') ? undefined : process.argv[2];
const resultsFile = new URL('./results.json', import.meta.url);
if (only !== undefined && !(only in SECTIONS)) {
  console.error(`unknown section '${only}': ${Object.keys(SECTIONS).join(', ')}, or nothing for the whole benchmark`);
  process.exit(2);
}
const results: Record<string, unknown> = only === undefined
  ? { date: new Date().toISOString(), node: process.version }
  : JSON.parse(readFileSync(resultsFile, 'utf8'));
for (const [name, section] of Object.entries(SECTIONS)) {
  if (only !== undefined && name !== only) continue;
  results[section.key] = await section.run();
  if (only !== undefined) {
    console.log(JSON.stringify(results[section.key], null, 2));
    // A section measured again alone is dated apart from the whole run's date, so no figure passes for the other day's.
    results.remeasured = { ...(results.remeasured as Record<string, string> | undefined), [name]: new Date().toISOString().slice(0, 10) };
  }
}
// A section run alone is written into the results only with --write; the whole benchmark always is.
if (only === undefined || process.argv.includes('--write')) {
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(new URL('./RESULTS.md', import.meta.url), markdown(results));
  if (only === undefined) console.log(markdown(results));
}

/** The sections measured again alone since the whole run, with their dates: their figures compare with each other only within a section. */
function remeasuredLine(remeasured: Record<string, string> | undefined): string[] {
  if (remeasured === undefined) return [];
  const byDate = new Map<string, string[]>();
  for (const [name, date] of Object.entries(remeasured)) byDate.set(date, [...(byDate.get(date) ?? []), name]);
  const parts = [...byDate].map(([date, names]) => `${names.map((n) => `\`${n}\``).join(', ')} on ${date}`);
  return [`Sections measured again alone since then (\`npm run bench -- NAME --write\`): ${parts.join('; ')}.`];
}

/** Per seed, the length found; "none" for a seed whose runs found nothing. */
function lengths(xs: (number | string | null)[]): string {
  return xs.map((x) => (x === null || x === 'null?' ? 'none' : x)).join(', ');
}

function markdown(r: Record<string, any>): string {
  const s = r.stepping;
  const k = (x: number) => Math.round(x).toLocaleString('en');
  const lines = [
    `# Benchmark results`, '', `Produced by \`npm run bench\` on ${r.date.slice(0, 10)} (Node ${r.node}, 2 cores). Ratios compare figures from this one run.`,
    ...remeasuredLine(r.remeasured), '',
    '## Stepping the replica machine', '',
    `${k(s.samples)} replica steps sampled from random walks of today's protocol, replayed repeatedly.`, '',
    '| way of stepping | steps/s | relative to the plain reducer |', '|---|---:|---:|',
    `| xstate \`transition()\` | ${k(s.xstateTransition)} | ${(s.xstateTransition / s.plainReducer).toFixed(3)} |`,
    `| compiled from the machine definition | ${k(s.compiled)} | ${(s.compiled / s.plainReducer).toFixed(2)} |`,
    `| hand-written reducer calling the same helpers | ${k(s.plainReducer)} | 1.00 |`, '',
    '## Engines on today\'s protocol (rf 3, 2 records, 1 lossy crash, 1 heartbeat loss, 2 leader changes, 1 leader move)', '',
    `- exhaustive: ${k(r.exhaustive.states)} distinct states (${k(r.exhaustive.transitions)} transitions, depth ${r.exhaustive.depth}) in ${(r.exhaustive.elapsedMs / 1000).toFixed(1)} s: **${k(r.exhaustive.statesPerSecond)} distinct states/s**, ${r.exhaustive.bytesPerState} bytes per visited state in the fingerprint table`,
    `- memory of a breadth-first search in a process of its own: ${k(r.memory.states)} states (depth ${r.memory.depth}); ` +
      `the fingerprint table holds ${r.memory.tableBytesPerState} bytes per state; at most ${k(r.memory.frontierPeak)} states were held ` +
      `as objects at once (the frontier); the process peaked at ${k(r.memory.peakRssMb)} MB resident, ` +
      `**${k(r.memory.processBytesPerState)} bytes per state** above the ${r.memory.baselineRssMb} MB it held before the search` +
      (r.memory.v8Defaults === undefined ? '' : ` (with V8's default heap sizing instead of kafka-spec's: ${k(r.memory.v8Defaults.peakRssMb)} MB, ` +
        `${k(r.memory.v8Defaults.processBytesPerState)} bytes per state)`),
    `- random: ${k(r.random.runs)} runs, ${k(r.random.steps)} steps in ${(r.random.elapsedMs / 1000).toFixed(1)} s: **${k(r.random.stepsPerSecond)} steps/s** (invariants checked after every step)`,
    ...(r.memoryRandom === undefined ? [] : [memoryRandomMarkdown(r.memoryRandom)]), '',
    ...(r.kernel === undefined ? [] : [kernelMarkdown(r.kernel), '']),
    ...(r.reduction === undefined ? [] : [reductionMarkdown(r.reduction), '']),
    ...(r.defaultCheck === undefined ? [] : [defaultCheckMarkdown(r.defaultCheck), '']),
    '## Time to the first counterexample (a loss invariant)', '',
    'Random: median of 5 seeds. "Shrunk" is fast-check\'s shrinking followed by shrinking on named steps; "certified" adds',
    'the breadth-first search that `check --engine random` runs to prove nothing shorter exists (a `?` marks a length the',
    'search could not certify within its budget).', '',
    '| configuration | exhaustive (shortest) | random to a shrunk trace | runs that found it | shrunk lengths | random, certified | certified lengths |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(r.timeToCounterexample).map(([name, v]: [string, any]) =>
      `| ${name} | ${v.exhaustive.ms} ms, ${v.exhaustive.length} steps (${v.exhaustive.invariant}) | ${v.randomMedianMs} ms | ${v.randomFound}/5 | ${lengths(v.randomShrunkLengths)} | ${v.randomCertifiedMedianMs} ms | ${lengths(v.randomCertifiedLengths)} |`),
    '',
    ...(r.rf3Strategies === undefined ? [] : [rf3Markdown(r.rf3Strategies), '']),
    ...(r.scenarios === undefined ? [] : [scenariosMarkdown(r.scenarios), '']),
    ...(r.portfolio === undefined ? [] : [portfolioMarkdown(r.portfolio), '']),
    ...(r.workers === undefined ? [] : [workersMarkdown(r.workers), '']),
    ...(r.shards === undefined ? [] : [shardsMarkdown(r.shards), '']),
    ...(r.liveness === undefined ? [] : [livenessMarkdown(r.liveness), '']),
    ...(r.livenessLasso === undefined ? [] : [livenessLassoMarkdown(r.livenessLasso), '']),
    ...(r.unguided === undefined ? [] : [unguidedMarkdown(r.unguided), '']),
    ...(r.realKafka === undefined ? [] : [realKafkaMarkdown(r.realKafka), '']),
    ...(r.browser === undefined ? [] : [browserMarkdown(r.browser), '']),
    startupMarkdown(r.startup),
    ...(r.limits === undefined ? [] : [limitsMarkdown(r.limits), '']),
  ];
  return lines.join('\n');
}

function rf3Markdown(r: ReturnType<typeof rf3Strategies>): string {
  const cell = (f: ReturnType<typeof found>, plain: ReturnType<typeof found>) => (f.length === null
    ? `not found in ${(f.ms / 1000).toFixed(1)} s (${f.states.toLocaleString('en')} states, depth ${f.depth})`
    : `${(f.ms / 1000).toFixed(1)} s, ${f.invariant} in ${f.length} steps${f.fewest === null ? '' : `, ${f.fewest.spent} ${f.fewest.budget}`} (${f.states.toLocaleString('en')} states)` +
      (plain.length === null ? '' : `, ${(plain.ms / f.ms).toFixed(2)}× plain`));
  return [
    '## Time to a loss counterexample at rf 3, by strategy', '',
    `Breadth-first search to the first violation of a loss invariant, each search given ${r.seconds} s: plain, fewest-first by leader`,
    'changes (`check --fewest leaderChanges`) and by all faults (`--fewest faults`), and plain on 2 worker threads (`--workers 2`).',
    'A fewest-first counterexample is the shortest among those spending that little of the budget, not necessarily the shortest.', '',
    '| configuration | plain | fewest leader changes | fewest faults | plain, 2 workers |', '|---|---|---|---|---|',
    ...Object.entries(r.configurations).map(([name, v]: [string, any]) =>
      `| ${name} | ${cell(v.plain, v.plain)} | ${cell(v.fewestLeaderChanges, v.plain)} | ${cell(v.fewestFaults, v.plain)} | ${cell(v.plainTwoWorkers, v.plain)} |`),
    ...(r.randomSeconds === undefined ? [] : [
      '', `Random runs on one thread (\`check --engine random\`, swarm masks), seeds 1-5, each campaign given ${r.randomSeconds} s in all: when the`,
      'first run that broke a loss invariant ended, and the length of its trace once shrunk within what was left of the time (not certified shortest).',
      'Guided runs (the default) start half the runs where an earlier run met a state sketch first; plain runs (`--no-guide`) all start at the initial state.', '',
      '| configuration | runs | found within the time | first failing run ended after (median of those found) | each seed: seconds, shrunk length |', '|---|---|---:|---:|---|',
      ...Object.entries(r.configurations).flatMap(([name, v]: [string, any]) => [
        randomRow(name, 'guided', v.random),
        ...(v.randomPlain === undefined ? [] : [randomRow(name, 'plain', v.randomPlain)]),
      ]),
    ]),
  ].join('\n');
}

function randomRow(name: string, runs: string, campaigns: ReturnType<typeof randomWithin>): string {
  const hits = campaigns.filter((x) => x.firstFoundMs !== null);
  const each = campaigns.map((x) => (x.firstFoundMs === null ? 'none' : `${(x.firstFoundMs / 1000).toFixed(1)} s, ${x.length}`)).join('; ');
  const mid = hits.length === 0 ? '—' : `${(median(hits.map((x) => x.firstFoundMs!)) / 1000).toFixed(1)} s`;
  return `| ${name} | ${runs} | ${hits.length}/${campaigns.length} | ${mid} | ${each} |`;
}

function reductionMarkdown(r: ReturnType<typeof reductions>): string {
  const k = (x: number) => x.toLocaleString('en');
  const row = (name: string, x: typeof r.plain) =>
    `| ${name} | ${k(x.transitions)} | ${(x.ms / 1000).toFixed(2)} s | ${(x.cpuMs / 1000).toFixed(2)} s | ${(r.plain.cpuMs / x.cpuMs).toFixed(2)} |`;
  return [
    '## Remembered parts', '',
    `Breadth-first search of today's protocol to depth ${r.depth}: ${k(r.plain.states)} distinct states each way (checked equal), median of ${r.rounds} alternating rounds.`,
    'The fingerprint of a state normally reuses the hashes of the parts it shares with the states fingerprinted before it;',
    'the last row walks every part instead.', '',
    '| search | steps taken | wall | CPU | speed against the default, by CPU |', '|---|---:|---:|---:|---:|',
    row('default (remembered parts)', r.plain),
    row('every part walked', r.walkEveryPart),
  ].join('\n');
}

function workersMarkdown(w: ReturnType<typeof workerScaling>): string {
  const campaign = (r: typeof w.random) => `Random campaign of ${r.runs.toLocaleString('en')} runs (seed 1; ${r.steps.toLocaleString('en')} steps on one thread, ` +
    `${r.twoSteps.toLocaleString('en')} as two shards): ${(r.oneMs / 1000).toFixed(1)} s on one thread, ${(r.twoMs / 1000).toFixed(1)} s on two, **${r.speedup}×**; ` +
    `CPU ${(r.oneCpuMs / 1000).toFixed(1)} s against ${(r.twoCpuMs / 1000).toFixed(1)} s, at most ${r.idleSpeedupBound}× on two idle cores.`;
  const bfs = (e: typeof w.exhaustive) => `Breadth-first search to depth ${e.depth} (${e.states.toLocaleString('en')} states, the same on both): ` +
    `${(e.oneMs / 1000).toFixed(1)} s on one thread, ${(e.twoMs / 1000).toFixed(1)} s on two, **${e.speedup}×**; CPU ${(e.oneCpuMs / 1000).toFixed(1)} s against ` +
    `${(e.twoCpuMs / 1000).toFixed(1)} s, so two idle cores could give at most ${e.idleSpeedupBound}×.`;
  return [
    '## One worker thread against two', '',
    'Today\'s protocol (1 lossy crash).',
    `- ${bfs(w.exhaustive)}`,
    `- ${bfs(w.deeper)}`,
    `- ${campaign(w.random)}`,
    `- ${campaign(w.longer)}`,
    '',
    'Each search ran in a process of its own, as the CLI runs it, so each includes starting the worker and compiling the model\'s code on each thread.',
    'The machine was shared while they ran, so the wall-clock ratio is what the load left. The CPU bound assumes a thread does as much work per CPU second',
    'beside another as alone; two threads each slow down a little when both run, so it is a bound on what this program could give, not a measure of its waste.',
  ].join('\n');
}

function shardsMarkdown(r: ReturnType<typeof shardScaling>): string {
  const k = (x: number) => x.toLocaleString('en');
  return [
    '## Breadth-first search in shards', '',
    `\`kafka-spec check --engine exhaustive --depth ${r.depth} --workers 1\` (the default configuration), whole and as n shards (\`--shard k/n\`), each a process`,
    `of its own, one after the other. The whole search: ${k(r.states)} distinct states in ${(r.wholeMs / 1000).toFixed(1)} s. Each time the shards' union`,
    '(`merge --states`) held exactly its states. With one machine per shard, the search takes as long as the slowest shard; the states ratio',
    '(the whole search against the largest shard) does not depend on the machine. Overlap is the shards\' states summed over their union.', '',
    '| shards | split at | largest shard | states ratio | slowest shard | time ratio | overlap |', '|---:|---|---:|---:|---:|---:|---:|',
    ...r.splits.map((x) => `| ${x.shards} | depth ${x.splitDepth} (${k(x.levelStates)} states) | ${k(Math.max(...x.shardStates))} | **${x.statesRatio}×** | ` +
      `${(x.slowestMs / 1000).toFixed(1)} s | ${x.speedup}× | ${x.overlap} |`),
  ].join('\n');
}

function startupMarkdown(s: ReturnType<typeof startup>): string {
  return [
    '## Start-up of the command line', '',
    `Wall time from spawn to exit of the compiled CLI (\`npm run build\`), median of ${s.rounds} rounds after a warm-up; each round runs`,
    'the three commands in turn, and the ratio is the median of each round\'s ratio to that round\'s `node -e 0`.', '',
    '| command | median | ratio to `node -e 0` |', '|---|---:|---:|',
    ...Object.entries(s.commands).map(([name, c]) => `| \`${name}\` | ${c.medianMs} ms | ${c.medianRatio.toFixed(2)} |`),
    '',
  ].join('\n');
}
