/**
 * `kafka-spec guarantees`: explore every row of the matrix breadth-first to its depth and write
 * the guarantees table (docs/guarantees.md), one page per violated (row, invariant) with its
 * sequence diagram, step table and trace file, or the same as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaModelOf, MODEL_NAME, type KafkaModel } from '../../properties/kafka-model.ts';
import { MATRIX, type MatrixRow } from '../../properties/matrix.ts';
import { impossibleGoals } from '../../properties/goals.ts';
import { exploreCombined, possibleStepKinds, stepKindsNeverTaken, type Coverage, type ExploreResult, type Violation } from '../explore/index.ts';
import { makeTrace } from '../trace/schema.ts';
import { replay } from '../trace/replay.ts';
import { renderTraceMarkdown } from '../report/markdown.ts';
import { renderTraceMermaid } from '../report/mermaid.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { describeConfig } from './describe.ts';
import { machineDiagram } from '../report/statechart.ts';
import { makeConfig } from '../../spec/config.ts';
import { createReplicaMachine } from '../../spec/replica.ts';
import { createControllerMachine } from '../../spec/controller.ts';
import type { Output } from './check.ts';

export interface Cell {
  readonly row: string;
  readonly config: KafkaModel['config'];
  readonly invariant: string;
  readonly verdict: 'holds' | 'violated';
  readonly length?: number;
  readonly evidence: Evidence;
}

/** How a row was explored: every behaviour up to `depth`, then random runs beyond it. */
export interface Evidence {
  readonly engine: 'exhaustive+random';
  readonly depth: number;
  readonly states: number;
  readonly random: { readonly runs: number; readonly maxSteps: number; readonly seed: number; readonly steps: number };
  /** For a violated cell: which engine found it (a random find is longer than `depth` but not known to be shortest). */
  readonly foundBy?: 'exhaustive' | 'random';
  readonly goalsReached: string[];
  readonly goalsMissed: string[];
  /** Goals that cannot happen in this configuration, with the reason. */
  readonly goalsImpossible: Record<string, string>;
  /** Kinds of step that can happen in this configuration but neither engine took. */
  readonly stepsNeverTaken: string[];
}

interface Found extends Violation<ClusterAction> {
  readonly foundBy: 'exhaustive' | 'random';
}

interface RowResult {
  readonly row: MatrixRow;
  readonly model: KafkaModel;
  readonly bfs: ExploreResult<ClusterAction>;
  /** Violations, the exhaustive engine's (shortest) first, then those random runs found past its depth. */
  readonly violations: readonly Found[];
  readonly random: Evidence['random'];
  /** Goals and kinds of step over both engines. */
  readonly coverage: Coverage;
}

/** Random runs per row after the breadth-first pass, with a fixed seed so the documentation is reproducible. */
export const RANDOM_RUNS = 5000;
export const RANDOM_MAX_STEPS = 40;
export const RANDOM_SEED = 1;

/**
 * Breadth-first to the row's depth; then random runs of up to RANDOM_MAX_STEPS steps look past
 * that depth for the invariants still standing, until a pass finds nothing.
 */
function exploreRow(row: MatrixRow): RowResult {
  const model = kafkaModelOf(row.config);
  const runs = row.randomRuns ?? RANDOM_RUNS;
  const r = exploreCombined(model, { maxDepth: row.depth, runs, maxSteps: RANDOM_MAX_STEPS, seed: RANDOM_SEED, everyInvariant: true });
  const bfs = r.phases.exhaustive;
  const violations: Found[] = r.violations.map((v) => ({ ...v, foundBy: bfs.violations.includes(v) ? 'exhaustive' : 'random' }));
  const steps = r.phases.random?.stats.transitions ?? 0;
  return { row, model, bfs, violations, coverage: r.coverage, random: { runs, maxSteps: RANDOM_MAX_STEPS, seed: RANDOM_SEED, steps } };
}

function explore(rows: readonly MatrixRow[], io: Output): RowResult[] {
  return rows.map((row) => {
    io.progress(`  … ${row.id}`);
    return exploreRow(row);
  });
}

export function cellsOf(results: readonly RowResult[]): Cell[] {
  return results.flatMap((r) => {
    const { row, model } = r;
    const evidence: Evidence = {
      engine: 'exhaustive+random', depth: r.bfs.stats.depth, states: r.bfs.stats.states, random: r.random,
      goalsReached: reachedGoals(r), goalsMissed: missedGoals(r), goalsImpossible: impossibleGoals(model.config),
      stepsNeverTaken: stepKindsNeverTaken(model, r.coverage),
    };
    return model.invariants.map((inv) => {
      const v = r.violations.find((x) => x.invariant === inv.name);
      return v
        ? { row: row.id, config: model.config, invariant: inv.name, verdict: 'violated' as const, length: v.length, evidence: { ...evidence, foundBy: v.foundBy } }
        : { row: row.id, config: model.config, invariant: inv.name, verdict: 'holds' as const, evidence };
    });
  });
}

const reachedGoals = (r: RowResult) => Object.entries(r.coverage.goals).filter(([, g]) => g.count > 0).map(([n]) => n);
const missedGoals = (r: RowResult) => Object.entries(r.coverage.goals).filter(([, g]) => g.count === 0).map(([n]) => n);

const pageName = (row: string, invariant: string) => `${row}--${invariant}`;

function counterexamplePage(r: RowResult, invariant: string): { md: string; trace: string } {
  const v = r.violations.find((x) => x.invariant === invariant)!;
  const { states, violation } = replay(r.model, v.trace, { invariants: [invariant] });
  const name = pageName(r.row.id, invariant);
  const trace = makeTrace({ model: MODEL_NAME, config: { ...r.model.config }, steps: v.trace, violation: { invariant, statement: v.statement, step: v.length } });
  const md = [
    `# ${invariant} in "${r.row.title}"`, '',
    `${v.statement}`, '',
    ...describeConfig(r.model.config).map((l) => `- ${l}`), '',
    v.foundBy === 'exhaustive'
      ? `Shortest counterexample: **${v.length} steps** (breadth-first search). Trace: [${name}.json](${name}.json) — replay with`
      : `Counterexample of **${v.length} steps**, found by random search (seed ${RANDOM_SEED}) and shrunk; breadth-first search found ` +
        `none of ${r.bfs.stats.depth} steps or fewer, so the shortest has between ${r.bfs.stats.depth + 1} and ${v.length}. ` +
        `Trace: [${name}.json](${name}.json) — replay with`,
    `\`npx kafka-spec replay docs/counterexamples/${name}.json\`.`, '',
    '```mermaid', renderTraceMermaid(r.model, v.trace, states, violation).trimEnd(), '```', '',
    renderTraceMarkdown(r.model, v.trace, states, violation),
  ].join('\n');
  return { md, trace: JSON.stringify(trace, null, 1) + '\n' };
}

function guaranteesPage(results: readonly RowResult[]): string {
  const invariants = results[0].model.invariants.map((i) => i.name);
  const lines = [
    '# Guarantees', '',
    'Generated by `npx kafka-spec guarantees`; do not edit by hand (a test regenerates it and fails when it is stale).',
    `Each row is explored breadth-first, every behaviour up to the depth shown, then by ${RANDOM_RUNS.toLocaleString('en')} random runs`,
    `of up to ${RANDOM_MAX_STEPS} steps (seed ${RANDOM_SEED}) for the invariants still standing. ✓ means neither found a violation;`,
    'a number is the length of the shortest counterexample (breadth-first), "≤ n" the length of one the random runs found past',
    'that depth, shrunk but not known to be shortest; each links to its page.', '',
    `| configuration | depth | states | ${invariants.join(' | ')} |`,
    `|---|---:|---:|${invariants.map(() => ':---:').join('|')}|`,
  ];
  for (const r of results) {
    const marks = invariants.map((name) => {
      const v = r.violations.find((x) => x.invariant === name);
      if (!v) return '✓';
      return `[${v.foundBy === 'random' ? '≤ ' : ''}${v.length}](counterexamples/${pageName(r.row.id, name)}.md)`;
    });
    lines.push(`| ${r.row.title} | ${r.bfs.stats.depth} | ${r.bfs.stats.states.toLocaleString('en')} | ${marks.join(' | ')} |`);
  }
  lines.push('', '## Evidence of reach', '',
    'Reachability goals each row reached, by either engine (a ✓ above says nothing about states not reached), those that',
    'cannot happen in the configuration, with the reason, and whether every kind of step that can happen was taken:', '');
  for (const r of results) {
    const missed = missedGoals(r);
    const impossible = Object.entries(impossibleGoals(r.model.config)).map(([n, why]) => `${n} — ${why}`);
    const never = stepKindsNeverTaken(r.model, r.coverage);
    const kinds = possibleStepKinds(r.model).length;
    const steps = never.length === 0 ? `every one of the ${kinds} kinds of step that can happen here was taken`
      : `**kinds of step never taken**: ${never.join(', ')}`;
    lines.push(`- **${r.row.title}** (${r.random.steps.toLocaleString('en')} random steps): reached ${reachedGoals(r).join(', ') || 'none'}` +
      `${missed.length ? `; **not reached**: ${missed.join(', ')}` : ''}${impossible.length ? `; cannot happen here: ${impossible.join('; ')}` : ''}; ${steps}.`);
  }
  lines.push('', '## Configurations', '');
  for (const r of results) lines.push(`- **${r.row.id}** — ${r.row.title}: ${describeConfig(r.model.config).join('; ')}`);
  return lines.join('\n') + '\n';
}

/** The replica and controller machines of today's protocol, drawn from their definitions. */
function machinesPage(): string {
  const config = makeConfig();
  return [
    '# The machines', '',
    'Generated by `npx kafka-spec guarantees` from the xstate definitions in `spec/replica.ts` and `spec/controller.ts`;',
    'do not edit by hand. Guards are in brackets; the notes list the transitions that keep the state.', '',
    '## Replica', '', '```mermaid', machineDiagram(createReplicaMachine(config)).trimEnd(), '```', '',
    '## Controller', '', '```mermaid', machineDiagram(createControllerMachine(config)).trimEnd(), '```', '',
  ].join('\n');
}

/** Writes docs/guarantees.md, docs/machines.md and docs/counterexamples/* under `dir`; returns the files written. */
export function writeGuarantees(dir: string, results: readonly RowResult[]): string[] {
  const pages = join(dir, 'counterexamples');
  mkdirSync(pages, { recursive: true });
  const written = [join(dir, 'guarantees.md'), join(dir, 'machines.md')];
  writeFileSync(written[0], guaranteesPage(results));
  writeFileSync(written[1], machinesPage());
  for (const r of results) {
    for (const v of r.violations) {
      const { md, trace } = counterexamplePage(r, v.invariant);
      const base = join(pages, pageName(r.row.id, v.invariant));
      writeFileSync(`${base}.md`, md);
      writeFileSync(`${base}.json`, trace);
      written.push(`${base}.md`, `${base}.json`);
    }
  }
  return written;
}

export function runGuarantees(flags: { out?: string; json?: boolean; only?: string }, io: Output, rows: readonly MatrixRow[] = MATRIX): number {
  const results = explore(flags.only ? rows.filter((r) => r.id === flags.only) : rows, io);
  if (flags.json) {
    io.out(JSON.stringify({ cells: cellsOf(results) }));
    return 0;
  }
  const dir = flags.out ?? 'docs';
  const files = writeGuarantees(dir, results);
  io.out(`Wrote ${files.length} files under ${dir}/ (${results.length} configurations).`);
  return 0;
}
