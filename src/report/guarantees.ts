/**
 * The guarantees documentation as strings: the table of (configuration, invariant) verdicts with
 * the evidence of reach (docs/guarantees.md), the replica and controller machines drawn from their
 * xstate definitions (docs/machines.md), and one page plus trace file per counterexample
 * (docs/counterexamples/), and the same verdicts as JSON cells. `kafka-spec guarantees` explores
 * the matrix and writes what these return.
 */
import type { Action, Model } from '../model.ts';
import { possibleStepKinds, stepKindsNeverTaken, type Coverage, type ExploreResult, type Violation } from '../explore/index.ts';
import { makeTrace } from '../trace/schema.ts';
import { replay } from '../trace/replay.ts';
import { renderTraceMarkdown } from './markdown.ts';
import { renderTraceMermaid } from './mermaid.ts';
import { machineDiagram } from './statechart.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, Action>;

/** What the pages need of a matrix row: its id (page names) and its title. */
export interface RowInfo {
  readonly id: string;
  readonly title: string;
}

/** A machine to draw on the machines page, under a heading. */
export interface MachinePicture {
  readonly title: string;
  readonly machine: unknown;
}

/** The verdict of one invariant in one configuration of the matrix, with how it was reached. */
export interface Cell {
  readonly row: string;
  readonly config: Readonly<Record<string, unknown>> | null;
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
  readonly random: RandomRuns & { readonly steps: number };
  /** For a violated cell: which engine found it (a random find is longer than `depth` but not known to be shortest). */
  readonly foundBy?: 'exhaustive' | 'random';
  readonly goalsReached: string[];
  readonly goalsMissed: string[];
  /** Goals that cannot happen in this configuration, with the reason. */
  readonly goalsImpossible: Record<string, string>;
  /** Kinds of step that can happen in this configuration but neither engine took. */
  readonly stepsNeverTaken: string[];
}

/** The random runs after the breadth-first pass: how many, of how many steps at most, from which seed. */
export interface RandomRuns {
  readonly runs: number;
  readonly maxSteps: number;
  readonly seed: number;
}

/** A violation with the engine that found it. */
export interface Found extends Violation<Action> {
  readonly foundBy: 'exhaustive' | 'random';
}

/** What exploring one row of the matrix found. */
export interface RowResult {
  readonly row: RowInfo;
  readonly model: AnyModel;
  readonly bfs: ExploreResult<Action>;
  /** Violations, the exhaustive engine's (shortest) first, then those random runs found past its depth. */
  readonly violations: readonly Found[];
  readonly random: Evidence['random'];
  /** Goals and kinds of step over both engines. */
  readonly coverage: Coverage;
}

/** One generated file: its path under the output folder, and its text. */
export interface Page {
  readonly path: string;
  readonly text: string;
}

/** One cell per (row, invariant), in row order then the model's invariant order. */
export function guaranteeCells(results: readonly RowResult[]): Cell[] {
  return results.flatMap((r) => {
    const { row, model } = r;
    const evidence: Evidence = {
      engine: 'exhaustive+random', depth: r.bfs.stats.depth, states: r.bfs.stats.states, random: r.random,
      goalsReached: reachedGoals(r), goalsMissed: missedGoals(r), goalsImpossible: { ...(model.goalsImpossible ?? {}) },
      stepsNeverTaken: stepKindsNeverTaken(model, r.coverage),
    };
    return model.invariants.map((inv) => {
      const v = r.violations.find((x) => x.invariant === inv.name);
      return v
        ? { row: row.id, config: configOf(model), invariant: inv.name, verdict: 'violated' as const, length: v.length, evidence: { ...evidence, foundBy: v.foundBy } }
        : { row: row.id, config: configOf(model), invariant: inv.name, verdict: 'holds' as const, evidence };
    });
  });
}

const configOf = (model: AnyModel) => model.configuration?.values ?? null;
const configLines = (model: AnyModel) => model.configuration?.lines ?? [];

const reachedGoals = (r: RowResult) => Object.entries(r.coverage.goals).filter(([, g]) => g.count > 0).map(([n]) => n);
const missedGoals = (r: RowResult) => Object.entries(r.coverage.goals).filter(([, g]) => g.count === 0).map(([n]) => n);

const pageName = (row: string, invariant: string) => `${row}--${invariant}`;

/**
 * Every file of the documentation, in the order they are written: guarantees.md, machines.md,
 * then for each row and each of its violations the counterexample page and its trace file.
 * `random` is the default random-run setting, stated in the table's preamble.
 */
export function guaranteesPages(results: readonly RowResult[], random: RandomRuns, machines: readonly MachinePicture[]): Page[] {
  const pages: Page[] = [{ path: 'guarantees.md', text: guaranteesPage(results, random) }, { path: 'machines.md', text: machinesPage(machines) }];
  for (const r of results) {
    for (const v of r.violations) {
      const { md, trace } = counterexamplePage(r, v.invariant);
      const base = `counterexamples/${pageName(r.row.id, v.invariant)}`;
      pages.push({ path: `${base}.md`, text: md }, { path: `${base}.json`, text: trace });
    }
  }
  return pages;
}

/** The page of one counterexample (statement, configuration, sequence diagram, step table) and its trace file. */
export function counterexamplePage(r: RowResult, invariant: string): { md: string; trace: string } {
  const v = r.violations.find((x) => x.invariant === invariant);
  if (v === undefined) throw new Error(`${r.row.id}: no violation of ${invariant}`);
  const { states, violation } = replay(r.model, v.trace, { invariants: [invariant] });
  const name = pageName(r.row.id, invariant);
  const trace = makeTrace({ model: r.model.name, config: { ...configOf(r.model) }, steps: v.trace, violation: { invariant, statement: v.statement, step: v.length } });
  const md = [
    `# ${invariant} in "${r.row.title}"`, '',
    `${v.statement}`, '',
    ...configLines(r.model).map((l) => `- ${l}`), '',
    v.foundBy === 'exhaustive'
      ? `Shortest counterexample: **${v.length} steps** (breadth-first search). Trace: [${name}.json](${name}.json) — replay with`
      : `Counterexample of **${v.length} steps**, found by random search (seed ${r.random.seed}) and shrunk; breadth-first search found ` +
        `none of ${r.bfs.stats.depth} steps or fewer, so the shortest has between ${r.bfs.stats.depth + 1} and ${v.length}. ` +
        `Trace: [${name}.json](${name}.json) — replay with`,
    `\`npx kafka-spec replay docs/counterexamples/${name}.json\`.`, '',
    '```mermaid', renderTraceMermaid(r.model, v.trace, states, violation).trimEnd(), '```', '',
    renderTraceMarkdown(r.model, v.trace, states, violation),
  ].join('\n');
  return { md, trace: JSON.stringify(trace, null, 1) + '\n' };
}

/** docs/guarantees.md: the table, the evidence of reach per row, and each row's configuration. */
export function guaranteesPage(results: readonly RowResult[], random: RandomRuns): string {
  const invariants = results[0]?.model.invariants.map((i) => i.name) ?? [];
  const lines = [
    '# Guarantees', '',
    'Generated by `npx kafka-spec guarantees`; do not edit by hand (a test regenerates it and fails when it is stale).',
    `Each row is explored breadth-first, every behaviour up to the depth shown, then by ${random.runs.toLocaleString('en')} random runs`,
    `of up to ${random.maxSteps} steps (seed ${random.seed}) for the invariants still standing. ✓ means neither found a violation;`,
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
    const impossible = Object.entries(r.model.goalsImpossible ?? {}).map(([n, why]) => `${n} — ${why}`);
    const never = stepKindsNeverTaken(r.model, r.coverage);
    const kinds = possibleStepKinds(r.model).length;
    const steps = never.length === 0 ? `every one of the ${kinds} kinds of step that can happen here was taken`
      : `**kinds of step never taken**: ${never.join(', ')}`;
    lines.push(`- **${r.row.title}** (${r.random.steps.toLocaleString('en')} random steps): reached ${reachedGoals(r).join(', ') || 'none'}` +
      `${missed.length ? `; **not reached**: ${missed.join(', ')}` : ''}${impossible.length ? `; cannot happen here: ${impossible.join('; ')}` : ''}; ${steps}.`);
  }
  lines.push('', '## Configurations', '');
  for (const r of results) lines.push(`- **${r.row.id}** — ${r.row.title}: ${configLines(r.model).join('; ')}`);
  return lines.join('\n') + '\n';
}

/** docs/machines.md: the model's machines, drawn from their xstate definitions. */
export function machinesPage(machines: readonly MachinePicture[]): string {
  return [
    '# The machines', '',
    'Generated by `npx kafka-spec guarantees` from the xstate definitions in `spec/replica.ts` and `spec/controller.ts`;',
    'do not edit by hand. Guards are in brackets; the notes list the transitions that keep the state.', '',
    ...machines.flatMap(({ title, machine }) => [`## ${title}`, '', '```mermaid', machineDiagram(machine).trimEnd(), '```', '']),
  ].join('\n');
}
