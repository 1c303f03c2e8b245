/**
 * `kafka-spec mutate`: mutation testing of the specification. The mutants of a configuration
 * (properties/mutants.ts: every protocol switch flipped, every rule mutation, every machine guard
 * forced true and forced false) are each explored breadth-first at the stated bounds and judged
 * against the configuration itself (src/explore/mutation.ts): killed (an invariant fails, or a
 * goal the original reaches is lost), the very same state space, or survived. A mutant no
 * invariant has failed for is then given later stages, each first shown to find nothing in the
 * original: random runs past the depth bound and with larger budgets, guided random runs at
 * replication factor 3, and the shapes of the scenario files (docs/scenarios). A mutant with the
 * original's state space that no stage tells apart is equivalent only with a documented reason.
 * Exit code 0 when every mutant is killed, equivalent or a survivor the model documents; 1 when
 * any survives unexplained; 2 for bad input.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import { EQUIVALENTS, type Mutant, mutantFileName, mutantsOf, SURVIVORS } from '../../properties/mutants.ts';
import { compileScenario, type ScenarioFile } from '../../properties/scenarios.ts';
import { projectScenarios } from './scenario.ts';
import { describeConfig } from '../../properties/describe.ts';
import { BOUNDS, type ClusterConfig } from '../../spec/config.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { exploreExhaustive, exploreRandom, milestoneGoal, scenarioProduct, type Violation } from '../explore/index.ts';
import {
  exploreWithStateSpace, judgeMutant, type LostBehaviour, MODEL_ERROR, MODEL_ERROR_STEP, reaching, type StateSpace, withModelErrors,
} from '../explore/mutation.ts';
import { retarget, retargetLine } from '../trace/retarget.ts';
import { makeTrace, type Trace } from '../trace/schema.ts';
import { type MutantRow, type MutantStage, mutationsJson, mutationsMarkdown, mutationsText, summarize } from '../report/mutations.ts';
import { oneLine } from '../report/line.ts';
import { configFromFlags, configNotes, type ModelFlags, UsageError } from './options.ts';
import { projectRoot, tsFilesUnder } from './root.ts';
import type { Output } from './check.ts';

export interface MutateFlags extends ModelFlags {
  depth?: string;
  runs?: string;
  only?: string[];
  out?: string;
  json?: boolean;
}

/** The breadth-first depth every mutant is explored to, unless `--depth` says otherwise. */
export const MUTATE_DEPTH = 7;
/** Random runs given to each survivor in each random stage (and first to the original), with a fixed seed. */
export const MUTATE_RUNS = 2000;
export const MUTATE_MAX_STEPS = 40;
export const MUTATE_SEED = 1;
/** The wider stage: larger budgets than the configuration's (never smaller), and longer runs. */
export const WIDER_MAX_STEPS = 60;
const WIDER: Partial<Record<'maxRecords' | 'maxLeaderChanges' | 'maxHeartbeatLosses' | 'maxMessageLosses', number>> = {
  maxRecords: 3, maxLeaderChanges: 4, maxHeartbeatLosses: 2, maxMessageLosses: 1,
};

/**
 * Producer retries in the wider stage, so that the producer's switches and guards (P8-P13) have
 * behaviours to change. Two: after one resend the sequence check (P10) refuses the copy, so only a
 * second one, after the producer's epoch bump (P11), is stopped by the duplicate check (P9) alone.
 */
const WIDER_RETRIES = 2;

/** The wider stage's budgets: each the larger of the configuration's and WIDER's, and a producer that retries. */
function widerBounds(config: ClusterConfig): Partial<ClusterConfig> {
  return {
    ...Object.fromEntries(Object.entries(WIDER).map(([k, v]) => [k, Math.max(v, config[k as keyof typeof WIDER])])),
    maxRetries: Math.max(WIDER_RETRIES, config.maxRetries ?? 0),
  };
}
/**
 * The rf 3 stage: guided random runs (as `kafka-spec check` runs them: half the runs resume where a
 * run met a new sketch) at replication factor 3 with a consumer and the configuration's budgets
 * (check's default faults), as many steps per run as check takes by default. Measured: with a lost
 * fetch message on top, 10,000 runs kill one more mutant (the broker-epoch check of ISR joins) that
 * 4,000 do not, and 4,000 such runs miss the ZooKeeper controller's kill that these 3,000 find.
 */
export const RF3_RUNS = 3000;
export const RF3_MAX_STEPS = 60;
const RF3: Partial<ClusterConfig> = { rf: 3, consumer: true };

/** The scenario stage: the states a search of one scenario's shape may visit. */
export const SCENARIO_MAX_STATES = 30_000;

/**
 * The focused stage's configurations: where the model's findings show a safeguard at work that
 * mutate's other stages do not reach, each searched breadth-first to its depth on top of the
 * configuration. Two crashes, one of them possibly lossy: both brokers of rf 2 can re-register,
 * which is when the last-known-leader election (R3) must skip a fenced broker. Unclean election
 * with a consumer: a leader with a diverged history, which the consumer must notice (C4, C5, F2).
 * There the original loses acknowledged writes by design, so a mutant is judged only by the
 * invariants the original keeps in the same search. The ZooKeeper controller with a failover: a
 * deposed controller goes on sending its older view, which brokers must refuse (M4). Then today's
 * rules with one safeguard of an earlier release taken away, so that what it covered for shows:
 * the HW that advanced below min.insync.replicas before KAFKA-15583 (H1; the append check, P3,
 * is then what stands), ISR joins that did not check the broker epoch before KIP-903 (X2; fetches
 * and their incarnations must be checked themselves, F3), and fetches not checked for their broker
 * epoch (F3; X2 must then refuse the join), each searched without leader moves, as deep as the
 * shortest loss the other leaves open (13 steps).
 */
export const FOCUSED: readonly FocusSpec[] = [
  { name: 'two crashes', overrides: { maxCrashes: 2 }, depth: 8 },
  {
    name: 'unclean election with a consumer',
    overrides: { minIsr: 1, unclean: true, maxRecords: 3, maxCrashes: 1, lossyCrashes: 0, maxLeaderChanges: 1, maxHeartbeatLosses: 0, maxLeaderMoves: 0, consumer: true },
    depth: 12,
  },
  { name: 'the ZooKeeper controller with a failover', overrides: { controller: 'zk', maxControllerFailovers: 1 }, depth: 7 },
  { name: 'the HW before KAFKA-15583', overrides: { hwRequiresMinIsr: false }, depth: 7 },
  { name: 'ISR joins before KIP-903', overrides: { isrEligibilityChecksBrokerEpoch: false, maxLeaderMoves: 0 }, depth: 13 },
  { name: 'fetches before their broker-epoch check', overrides: { fetchChecksBrokerEpoch: false, maxLeaderMoves: 0 }, depth: 13 },
];

/** One focused configuration: its name, the settings it changes, and the depth it is searched to. */
interface FocusSpec {
  readonly name: string;
  readonly overrides: Partial<ClusterConfig>;
  readonly depth: number;
}

/** Settings mutate uses unless the command line names them: replication factor 2 and no consumer keep the run affordable. */
export const MUTATE_SETTINGS: Partial<ClusterConfig> = { rf: 2, consumer: false };

/** The sources a mutation page is generated from: their fingerprint is written on the page. */
const SOURCE_DIRS = ['spec', 'src/explore'];
const SOURCE_FILES = ['properties/invariants.ts', 'properties/goals.ts', 'properties/kafka-model.ts', 'properties/mutants.ts', 'properties/scenarios.ts'];

/** A SHA-256 over the model, its properties, its mutants and the engine, so a page shows what it was generated from. */
export function sourcesFingerprint(root = projectRoot()): string {
  const files = [
    ...SOURCE_DIRS.flatMap((d) => tsFilesUnder(root, d)),
    ...SOURCE_FILES,
    ...projectScenarios(root).map((s) => s.path),
  ].sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\n`).update(readFileSync(join(root, f)));
  return hash.digest('hex').slice(0, 16);
}

const whole = (flag: string, text: string | undefined, fallback: number, max: number): number => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max) throw new UsageError(oneLine(`${flag} expects a whole number up to ${max}, got '${text}'`));
  return Number(text);
};

/** The configuration: the flags, with mutate's own settings for what they leave unnamed. */
export function mutateConfig(flags: ModelFlags): ClusterConfig {
  const named = new Set((flags.set ?? []).map((s) => s.slice(0, s.indexOf('='))));
  if (flags.rf !== undefined) named.add('rf');
  const own = settingWords(Object.fromEntries(Object.entries(MUTATE_SETTINGS).filter(([k]) => !named.has(k))));
  return configFromFlags({ ...flags, set: [...own, ...(flags.set ?? [])] });
}

/** The mutants `--only` picks (all when absent); an unknown id is bad input. */
function chosenMutants(config: ClusterConfig, only: readonly string[] | undefined): Mutant[] {
  const all = mutantsOf(config);
  if (only === undefined || only.length === 0) return all;
  const unknown = only.find((id) => !all.some((m) => m.id === id));
  if (unknown !== undefined) throw new UsageError(oneLine(`--only: no mutant '${unknown}' of this configuration (e.g. ${all[0].id})`));
  return all.filter((m) => only.includes(m.id));
}

interface Budget {
  readonly depth: number;
  readonly runs: number;
}

/** The trace a killing violation gives, with a note when the mutant made the model throw or a scenario found it. */
function killingTrace(config: ClusterConfig, v: Violation<ClusterAction>, found?: string): Trace {
  if (v.invariant !== MODEL_ERROR) {
    const violation = { invariant: v.invariant, statement: v.statement, step: v.length };
    return makeTrace({ model: MODEL_NAME, config: { ...config }, steps: v.trace, violation, ...(found === undefined ? {} : { note: found }) });
  }
  const last = v.trace[v.trace.length - 1] as { step: string; error?: unknown };
  const note = (last.step === MODEL_ERROR_STEP
    ? `after these steps the mutated model cannot list its steps: ${String(last.error)}`
    : `the next step, ${last.step}, throws in the mutated model`) + (found === undefined ? '' : `; ${found}`);
  return makeTrace({ model: MODEL_NAME, config: { ...config }, steps: v.trace.slice(0, -1), note });
}

/**
 * The witness of a lost behaviour: the original's shortest trace that shows it, recorded with the
 * original's configuration and a note saying what becomes of it under the mutant.
 */
function lostTrace(base: ClusterConfig, mutant: ClusterConfig, lost: LostBehaviour, depth: number): Trace | undefined {
  const steps = reaching(kafkaModel(base), lost, depth) as ClusterAction[] | undefined;
  if (steps === undefined) return undefined;
  const what = 'goal' in lost ? `reaches goal ${lost.goal}` : `takes a ${lost.step} step`;
  const under = retarget(withModelErrors(kafkaModel(mutant)), steps);
  return makeTrace({ model: MODEL_NAME, config: { ...base }, steps, note: `the original ${what} here; under the mutant: ${retargetLine(under)}` });
}

/** What a breadth-first verdict says, in one line. */
function spaceText(s: StateSpace): string {
  return `${s.states.toLocaleString('en')} states, ${s.transitions.toLocaleString('en')} transitions to depth ${s.depth}`;
}

/** A violation a later stage found, and the configuration its trace replays under. */
interface Found {
  readonly violation: Violation<ClusterAction>;
  readonly config: ClusterConfig;
  /** Where it was found, for the trace's note (a scenario's name). */
  readonly note?: string;
}

/** A stage after the breadth-first search: usable only when it finds nothing in the original. */
interface Stage {
  readonly name: Exclude<MutantStage, 'bounds'>;
  /** Its searches are breadth-first, so a trace it finds is shortest; random runs' traces are shrunk. */
  readonly breadthFirst: boolean;
  usable(): boolean;
  find(mutant: Partial<ClusterConfig>): Found | undefined;
  /** What the stage is, for people. */
  describe(): string;
}

/**
 * A stage of random runs: past the depth bound at the same budgets (`deeper`), with larger
 * budgets (`wider`), or at replication factor 3 (`rf3`). The original gets the same runs first;
 * a stage in which it fails is not used.
 */
class RandomStage implements Stage {
  readonly breadthFirst = false;
  private originalClean: boolean | null = null;

  constructor(
    readonly name: 'deeper' | 'wider' | 'rf3', private readonly base: ClusterConfig, readonly widened: Partial<ClusterConfig>,
    readonly runs: number, readonly maxSteps: number,
  ) {}

  private explore(config: ClusterConfig) {
    return exploreRandom(withModelErrors(kafkaModel(config)), { runs: this.runs, maxSteps: this.maxSteps, seed: MUTATE_SEED });
  }

  /** Whether the original holds in the same runs (computed once). */
  usable(): boolean {
    if (this.runs === 0) return false;
    this.originalClean ??= this.explore({ ...this.base, ...this.widened }).verdict !== 'violated';
    return this.originalClean;
  }

  find(mutant: Partial<ClusterConfig>): Found | undefined {
    const config = { ...this.base, ...this.widened, ...mutant };
    const v = this.explore(config).violations[0] as Violation<ClusterAction> | undefined;
    return v === undefined ? undefined : { violation: v, config };
  }

  describe(): string {
    const budgets = settingsText(this.widened);
    const guided = this.name === 'rf3' ? 'guided ' : '';
    return `${this.runs.toLocaleString('en')} ${guided}random runs of up to ${this.maxSteps} steps${budgets === '' ? '' : ` with ${budgets}`} (seed ${MUTATE_SEED})`;
  }
}

/** One scenario file, at the configuration's protocol and settings with the file's replication factor and bounds. */
interface ScenarioRun {
  readonly path: string;
  readonly file: ScenarioFile;
  readonly config: ClusterConfig;
}

/**
 * The scenario stage: the shape of each scenario file (its milestones, in order), searched
 * breadth-first on the mutant up to SCENARIO_MAX_STATES states, with the configuration's protocol
 * and settings and the file's replication factor and bounds (the file's own protocol and settings
 * describe the bug it follows; here the mutant is the bug, and the invariants judged are those the
 * configuration keeps). A scenario is used only when the original's whole search of the shape
 * passes every milestone and then breaks no invariant; a mutant that breaks one after the last
 * milestone is killed, with a shortest such trace.
 */
class ScenarioStage implements Stage {
  readonly name = 'scenario' as const;
  readonly breadthFirst = true;
  private used: ScenarioRun[] | null = null;

  constructor(private readonly base: ClusterConfig, private readonly root: string) {}

  private search(run: ScenarioRun, config: ClusterConfig) {
    const product = scenarioProduct(kafkaModel(config), compileScenario(run.file, config.rf));
    return exploreExhaustive(withModelErrors(product), { stopAtFirst: true, maxStates: SCENARIO_MAX_STATES });
  }

  /**
   * The scenarios whose every milestone the original passes without breaking an invariant after,
   * its search of the shape ending within the state limit (computed once).
   */
  private scenarios(): ScenarioRun[] {
    this.used ??= projectScenarios(this.root).map(({ path, file }) => {
      const shape = Object.fromEntries(Object.entries(file.config).filter(([k]) => k === 'rf' || k in BOUNDS));
      return { path, file, config: configFromFlags({}, { ...this.base, ...shape }) };
    }).filter((run) => {
      const r = this.search(run, run.config);
      return r.complete && r.violations.length === 0 && r.coverage.goals[milestoneGoal(run.file.milestones.length)]?.firstDepth != null;
    });
    return this.used;
  }

  usable(): boolean {
    return this.scenarios().length > 0;
  }

  find(mutant: Partial<ClusterConfig>): Found | undefined {
    for (const run of this.scenarios()) {
      const config = { ...run.config, ...mutant };
      const v = this.search(run, config).violations[0] as Violation<ClusterAction> | undefined;
      if (v !== undefined) return { violation: v, config, note: `found by scenario ${run.file.name} (${run.file.source}), ${run.path}` };
    }
    return undefined;
  }

  describe(): string {
    const names = this.scenarios().map((r) => r.file.name).join(', ');
    return `the shapes of the scenarios ${names} (docs/scenarios; rf and bounds from each file, up to ${SCENARIO_MAX_STATES.toLocaleString('en')} states)`;
  }
}

/** A focused configuration, with the whole configuration and the invariants the original keeps there to its depth. */
interface Focus extends FocusSpec {
  readonly config: ClusterConfig;
  readonly invariants: readonly string[];
}

/**
 * The focused stage: each of `FOCUSED` searched breadth-first on the mutant to its depth, judged by
 * the invariants the original keeps in the same search (a configuration where it keeps none is
 * not used); the first violation kills the mutant, with a shortest trace.
 */
class FocusedStage implements Stage {
  readonly name = 'focused' as const;
  readonly breadthFirst = true;
  private used: Focus[] | null = null;

  constructor(private readonly base: ClusterConfig) {}

  /** The configurations with the invariants the original keeps in each (computed once). */
  private focuses(): Focus[] {
    this.used ??= FOCUSED.map((spec) => {
      const config = configFromFlags({}, { ...this.base, ...spec.overrides });
      const model = withModelErrors(kafkaModel(config));
      const broken = new Set(exploreExhaustive(model, { maxDepth: spec.depth }).violations.map((v) => v.invariant));
      return { ...spec, config, invariants: model.invariants.map((i) => i.name).filter((n) => !broken.has(n)) };
    }).filter((f) => f.invariants.length > 0);
    return this.used;
  }

  usable(): boolean {
    return this.focuses().length > 0;
  }

  find(mutant: Partial<ClusterConfig>): Found | undefined {
    for (const f of this.focuses()) {
      const config = { ...f.config, ...mutant };
      const r = exploreExhaustive(withModelErrors(kafkaModel(config)), { maxDepth: f.depth, invariants: f.invariants, stopAtFirst: true });
      const v = r.violations[0] as Violation<ClusterAction> | undefined;
      if (v !== undefined) return { violation: v, config, note: `in the focused configuration ${f.name} (${settingsText(f.overrides)}, breadth-first to depth ${f.depth})` };
    }
    return undefined;
  }

  describe(): string {
    return `breadth-first search of the focused configurations ${this.focuses().map((f) => `${f.name} (${settingsText(f.overrides)}) to depth ${f.depth}`).join(' and ')}, each judged by the invariants the original keeps there`;
  }
}

/** Settings as `key=value` words, as `--set` takes them. */
function settingWords(settings: Partial<ClusterConfig>): string[] {
  return Object.entries(settings).map(([k, v]) => `${k}=${String(v)}`);
}

/** Settings as one line of `key=value` words. */
function settingsText(settings: Partial<ClusterConfig>): string {
  return settingWords(settings).join(' ');
}

/** One mutant's row and, when a violation killed it, its trace. */
function judge(base: ClusterConfig, original: StateSpace, mutant: Mutant, budget: Budget, stages: readonly Stage[]): { row: MutantRow; trace?: Trace } {
  const config = { ...base, ...mutant.overrides };
  const head = { id: mutant.id, kind: mutant.kind, what: mutant.what };
  const outcome = judgeMutant(withModelErrors(kafkaModel(config)), original, { maxDepth: budget.depth });
  const killed = (v: Violation<ClusterAction>, traced: ClusterConfig, stage: Stage | null, after = '', note?: string): { row: MutantRow; trace: Trace } => {
    const how = v.invariant === MODEL_ERROR ? `the model throws after ${v.length - 1} steps` : `\`${v.invariant}\` fails after ${v.length} steps`;
    const where = stage === null ? ' (shortest)' : stage.breadthFirst ? ` (${note ?? `in ${stage.describe()}`}, shortest)` : ` (in ${stage.describe()}, shrunk)`;
    const row = { ...head, verdict: 'killed' as const, how: how + where + after, invariant: v.invariant, length: v.length, stage: (stage?.name ?? 'bounds') as MutantStage };
    return { row, trace: killingTrace(traced, v, note) };
  };
  if (outcome.verdict === 'killed' && 'violation' in outcome) return killed(outcome.violation as Violation<ClusterAction>, config, null);
  // No invariant failed at the bounds: the later stages look for one that does.
  const used = stages.filter((st) => st.usable());
  const lostText = outcome.verdict === 'killed' ? lostLine(outcome.lost) : undefined;
  for (const stage of used) {
    const found = stage.find(mutant.overrides);
    if (found === undefined) continue;
    const after = lostText === undefined ? '' : `; at the bounds it ${lostText}`;
    return killed(found.violation, found.config, stage, after, found.note);
  }
  const tried = used.length === 0 ? '' : `; the later stages (${used.map((st) => st.name).join(', ')}) find nothing`;
  if (outcome.verdict === 'killed') {
    return { row: { ...head, verdict: 'killed', stage: 'bounds', how: `${lostText!} (${spaceText(outcome.space)})${tried}` }, trace: lostTrace(base, config, outcome.lost, budget.depth) };
  }
  const equivalent = EQUIVALENTS[mutant.id];
  const explained = equivalent ?? SURVIVORS[mutant.id];
  const space = outcome.verdict === 'equivalent'
    ? `the same ${spaceText(outcome.space)} as the original, digest ${outcome.space.digest.slice(0, 8)}`
    : `${spaceText(outcome.space)}, no invariant fails and no goal is lost`;
  // The original's very state space at the bounds is equivalence only where a reason says why no behaviour tells the two apart.
  const verdict = outcome.verdict === 'equivalent' && equivalent !== undefined ? 'equivalent' : 'survived';
  return { row: { ...head, verdict, how: `${space}${tried}`, ...(explained ? { explained } : {}) } };
}

/** A lost behaviour, in words. */
function lostLine(l: LostBehaviour): string {
  return 'goal' in l ? `never reaches goal \`${l.goal}\`, which the original reaches after ${l.originalDepth} steps`
    : `never takes a \`${l.step}\` step, which the original takes ${l.originalCount.toLocaleString('en')} times`;
}

/** The lines above the table: configuration, bounds, method, sources. */
function header(config: ClusterConfig, budget: Budget, original: StateSpace, deeperNote: string): string[] {
  return [
    'Generated by `kafka-spec mutate --out docs/mutations.md`; do not edit. Each mutant is the configuration below with one',
    'protocol switch flipped, one rule broken on purpose (`spec/mutations.ts`), or one guard of the replica or controller',
    'machine forced to answer yes or no whatever it is asked (`spec/guards.ts`).',
    '',
    ...describeConfig(config).map((l) => `- ${l}`),
    `- original: ${spaceText(original)}, no invariant violated at these bounds`,
    '',
    `**How a verdict is reached.** Each mutant is explored breadth-first to depth ${budget.depth}, stopping at its first`,
    'violation, which is then a shortest one (its trace is linked). A mutant is also *killed* when it never reaches a',
    'reachability goal, or never takes a kind of step, that the original reaches or takes within the same depth: it lost a',
    'behaviour (the linked trace is then the original\'s shortest one that shows it, with a note saying where the mutant',
    'parts from it). A mutant whose search reaches exactly the original\'s states (the same number, and the same',
    'order-independent digest of their 64-bit fingerprints) by the same number of transitions of each step kind cannot be',
    'told apart from it by any invariant at these bounds; it is *equivalent* only when a reason the model documents',
    '(`properties/mutants.ts`) says why no behaviour can. Every mutant no invariant has failed for at these bounds',
    `(lost behaviours and the original's state space included) then has ${deeperNote}; a violation there kills it, with the`,
    'stage named. What still survives is listed as such, with the reason where the model documents one. A mutant whose',
    'model throws (a step taken where a helper assumed its guard held) is killed by `model-error`; its trace holds the',
    'steps before the one that throws.',
    '',
    `Sources fingerprint: \`${sourcesFingerprint()}\` (SHA-256 of spec/, src/explore/, the properties the mutants are`,
    'judged by and the scenario files; the freshness test regenerates a few rows of this page and checks the fingerprint).',
  ];
}

/** Runs `kafka-spec mutate`; returns the exit code. */
export function runMutate(flags: MutateFlags, io: Output): number {
  const config = mutateConfig(flags);
  for (const line of configNotes(config)) io.progress(`kafka-spec: note: ${line}`);
  const budget: Budget = { depth: whole('--depth', flags.depth, MUTATE_DEPTH, 30), runs: whole('--runs', flags.runs, MUTATE_RUNS, 10_000_000) };
  const mutants = chosenMutants(config, flags.only);
  const pageDir = flags.out === undefined ? undefined : dirname(flags.out);
  const traceDir = pageDir === undefined ? undefined : join(pageDir, 'mutants');
  if (traceDir !== undefined) fileOp(traceDir, () => mkdirSync(traceDir, { recursive: true }));
  io.progress('  … the original');
  const base = exploreWithStateSpace(withModelErrors(kafkaModel(config)), { maxDepth: budget.depth });
  const broken = base.result.violations[0];
  if (broken !== undefined) {
    throw new UsageError(oneLine(`the configuration itself violates ${broken.invariant} after ${broken.length} steps at depth ${budget.depth}; mutants are judged against one that holds`));
  }
  const stages: Stage[] = [
    new RandomStage('deeper', config, {}, budget.runs, MUTATE_MAX_STEPS),
    new RandomStage('wider', config, widerBounds(config), budget.runs, WIDER_MAX_STEPS),
    new RandomStage('rf3', config, RF3, budget.runs === 0 ? 0 : RF3_RUNS, RF3_MAX_STEPS),
    ...(budget.runs === 0 ? [] : [new ScenarioStage(config, projectRoot()), new FocusedStage(config)]),
  ];
  const traceOf = (m: Mutant, t: Trace): string | undefined => {
    if (traceDir === undefined) return undefined;
    const file = join(traceDir, `${mutantFileName(m.id)}.json`);
    fileOp(file, () => writeFileSync(file, JSON.stringify(t, null, 2) + '\n'));
    return relative(pageDir!, file).split('\\').join('/');
  };
  const rows = mutants.map((m, i): MutantRow => {
    io.progress(`  … ${i + 1} of ${mutants.length}: ${m.id}`);
    const { row, trace } = judge(config, base.space, m, budget, stages);
    const file = trace === undefined ? undefined : traceOf(m, trace);
    return file === undefined ? row : { ...row, trace: file };
  });
  const deeperNote = budget.runs === 0 ? 'no further stage (`--runs 0`)'
    : `${stages.filter((st) => st.usable()).map((st) => st.describe()).join(', then ')}, each stage used only when the same search finds nothing in the original (a scenario: only when the original passes its every milestone and then breaks no invariant)`;
  const lines = header(config, budget, base.space, deeperNote);
  if (flags.out !== undefined) {
    fileOp(flags.out, () => writeFileSync(flags.out!, mutationsMarkdown('Mutation testing of the specification', lines, rows)));
  }
  const bounds = Object.fromEntries(Object.keys(BOUNDS).map((k) => [k, config[k as keyof ClusterConfig]]));
  io.out(flags.json ? JSON.stringify(mutationsJson({ ...config }, { ...bounds, depth: budget.depth, runs: budget.runs }, rows))
    : mutationsText(describeConfig(config), rows) + (flags.out === undefined ? '' : `\nWrote ${flags.out}.`));
  return summarize(rows).unexplained > 0 ? 1 : 0;
}

function fileOp(path: string, op: () => void): void {
  try {
    op();
  } catch (e) {
    throw new UsageError(oneLine(`cannot write '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
}
