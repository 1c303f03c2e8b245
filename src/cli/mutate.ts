/**
 * `kafka-spec mutate`: mutation testing of the specification. The mutants of a configuration
 * (properties/mutants.ts: every protocol switch flipped, every rule mutation, every machine guard
 * forced true and forced false) are each explored breadth-first at the stated bounds and judged
 * against the configuration itself (src/explore/mutation.ts): killed (an invariant fails, or a
 * goal the original reaches is lost), equivalent (the very same state space), or survived. A
 * survivor is then given random runs past the depth bound, with the same runs first shown to
 * find nothing in the original. Exit code 0 when every mutant is killed, equivalent or a survivor
 * the model documents; 1 when any survives unexplained; 2 for bad input.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import { type Mutant, mutantFileName, mutantsOf, SURVIVORS } from '../../properties/mutants.ts';
import { describeConfig } from '../../properties/describe.ts';
import { BOUNDS, type ClusterConfig } from '../../spec/config.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { exploreRandom, type Violation } from '../explore/index.ts';
import {
  exploreWithStateSpace, judgeMutant, type LostBehaviour, MODEL_ERROR, MODEL_ERROR_STEP, reaching, type StateSpace, withModelErrors,
} from '../explore/mutation.ts';
import { retarget, retargetLine } from '../trace/retarget.ts';
import { makeTrace, type Trace } from '../trace/schema.ts';
import { type MutantRow, mutationsJson, mutationsMarkdown, mutationsText, summarize } from '../report/mutations.ts';
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

/** Producer retries in the wider stage, so that the producer's switches and guards (P8-P13) have behaviours to change. */
const WIDER_RETRIES = 1;

/** The wider stage's budgets: each the larger of the configuration's and WIDER's, and a producer that retries. */
function widerBounds(config: ClusterConfig): Partial<ClusterConfig> {
  return {
    ...Object.fromEntries(Object.entries(WIDER).map(([k, v]) => [k, Math.max(v, config[k as keyof typeof WIDER])])),
    maxRetries: Math.max(WIDER_RETRIES, config.maxRetries ?? 0),
  };
}
/** Settings mutate uses unless the command line names them: replication factor 2 and no consumer keep the run affordable. */
export const MUTATE_SETTINGS: Partial<ClusterConfig> = { rf: 2, consumer: false };

/** The sources a mutation page is generated from: their fingerprint is written on the page. */
const SOURCE_DIRS = ['spec', 'src/explore'];
const SOURCE_FILES = ['properties/invariants.ts', 'properties/goals.ts', 'properties/kafka-model.ts', 'properties/mutants.ts'];

/** A SHA-256 over the model, its properties, its mutants and the engine, so a page shows what it was generated from. */
export function sourcesFingerprint(root = projectRoot()): string {
  const files = [
    ...SOURCE_DIRS.flatMap((d) => tsFilesUnder(root, d)),
    ...SOURCE_FILES,
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
  const own = Object.entries(MUTATE_SETTINGS).filter(([k]) => !named.has(k)).map(([k, v]) => `${k}=${String(v)}`);
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

/** The trace a killing violation gives, with a note when the mutant made the model throw. */
function killingTrace(config: ClusterConfig, v: Violation<ClusterAction>): Trace {
  if (v.invariant !== MODEL_ERROR) {
    return makeTrace({ model: MODEL_NAME, config: { ...config }, steps: v.trace, violation: { invariant: v.invariant, statement: v.statement, step: v.length } });
  }
  const last = v.trace[v.trace.length - 1] as { step: string; error?: unknown };
  const note = last.step === MODEL_ERROR_STEP
    ? `after these steps the mutated model cannot list its steps: ${String(last.error)}`
    : `the next step, ${last.step}, throws in the mutated model`;
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

/**
 * A stage of random runs for survivors: past the depth bound at the same budgets (`deeper`), or
 * with larger budgets (`wider`). The original gets the same runs first; a stage in which it
 * fails is not used.
 */
class RandomStage {
  private originalClean: boolean | null = null;

  constructor(
    readonly name: 'deeper' | 'wider', private readonly base: ClusterConfig, readonly widened: Partial<ClusterConfig>,
    readonly runs: number, readonly maxSteps: number,
  ) {}

  private explore(config: ClusterConfig) {
    return exploreRandom(withModelErrors(kafkaModel({ ...config, ...this.widened })), { runs: this.runs, maxSteps: this.maxSteps, seed: MUTATE_SEED });
  }

  /** Whether the original holds in the same runs (computed once). */
  usable(): boolean {
    if (this.runs === 0) return false;
    this.originalClean ??= this.explore(this.base).verdict !== 'violated';
    return this.originalClean;
  }

  find(config: ClusterConfig): Violation<ClusterAction> | undefined {
    return this.explore(config).violations[0] as Violation<ClusterAction> | undefined;
  }

  /** What the stage is, for people. */
  describe(): string {
    const budgets = Object.entries(this.widened).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    return `${this.runs.toLocaleString('en')} random runs of up to ${this.maxSteps} steps${budgets === '' ? '' : ` with ${budgets}`} (seed ${MUTATE_SEED})`;
  }
}

/** One mutant's row and, when a violation killed it, its trace. */
function judge(base: ClusterConfig, original: StateSpace, mutant: Mutant, budget: Budget, stages: readonly RandomStage[]): { row: MutantRow; trace?: Trace } {
  const config = { ...base, ...mutant.overrides };
  const head = { id: mutant.id, kind: mutant.kind, what: mutant.what };
  const outcome = judgeMutant(withModelErrors(kafkaModel(config)), original, { maxDepth: budget.depth });
  const killed = (v: Violation<ClusterAction>, stage: RandomStage | null): { row: MutantRow; trace: Trace } => {
    const how = v.invariant === MODEL_ERROR ? `the model throws after ${v.length - 1} steps` : `\`${v.invariant}\` fails after ${v.length} steps`;
    const shortest = stage === null ? ' (shortest)' : ` (in ${stage.describe()}, shrunk)`;
    const traced = { ...config, ...stage?.widened };
    return { row: { ...head, verdict: 'killed' as const, how: how + shortest, invariant: v.invariant, length: v.length, stage: stage?.name ?? 'bounds' }, trace: killingTrace(traced, v) };
  };
  if (outcome.verdict === 'killed' && 'violation' in outcome) return killed(outcome.violation as Violation<ClusterAction>, null);
  if (outcome.verdict === 'killed') {
    const l = outcome.lost;
    const lost = 'goal' in l ? `never reaches goal \`${l.goal}\`, which the original reaches after ${l.originalDepth} steps`
      : `never takes a \`${l.step}\` step, which the original takes ${l.originalCount.toLocaleString('en')} times`;
    return { row: { ...head, verdict: 'killed', stage: 'bounds', how: `${lost} (${spaceText(outcome.space)})` }, trace: lostTrace(base, config, l, budget.depth) };
  }
  if (outcome.verdict === 'equivalent') {
    return { row: { ...head, verdict: 'equivalent', how: `the same ${spaceText(outcome.space)} as the original, digest ${outcome.space.digest.slice(0, 8)}` } };
  }
  const used = stages.filter((st) => st.usable());
  for (const stage of used) {
    const found = stage.find(config);
    if (found !== undefined) return killed(found, stage);
  }
  const tried = used.map((st) => `; ${st.describe()} find nothing`).join('');
  const explained = SURVIVORS[mutant.id];
  return { row: { ...head, verdict: 'survived', how: `${spaceText(outcome.space)}, no invariant fails and no goal is lost${tried}`, ...(explained ? { explained } : {}) } };
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
    'parts from it). A mutant is *equivalent* at these bounds when its search reaches exactly the original\'s states (the same',
    'number, and the same order-independent digest of their 64-bit fingerprints) by the same number of transitions of each',
    'step kind: then no invariant can tell the two apart here. A mutant whose state space differs but which breaks nothing',
    `has ${deeperNote}; a violation there kills it, with the stage named. What still survives is listed as such, with`,
    'the reason where the model documents one (`properties/mutants.ts`). A mutant whose model throws (a step taken where a',
    'helper assumed its guard held) is killed by `model-error`; its trace holds the steps before the one that throws.',
    '',
    `Sources fingerprint: \`${sourcesFingerprint()}\` (SHA-256 of spec/, src/explore/ and the properties the mutants are`,
    'judged by; the freshness test regenerates a few rows of this page and checks the fingerprint).',
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
  const stages = [
    new RandomStage('deeper', config, {}, budget.runs, MUTATE_MAX_STEPS),
    new RandomStage('wider', config, widerBounds(config), budget.runs, WIDER_MAX_STEPS),
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
    : `${stages.map((st) => st.describe()).join(', then ')}, each stage used only when the same runs find nothing in the original`;
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
