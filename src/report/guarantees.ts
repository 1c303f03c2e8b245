/**
 * The guarantees documentation as strings: the table of (configuration, invariant) verdicts with
 * the evidence of reach (docs/guarantees.md), the replica and controller machines drawn from their
 * xstate definitions (docs/machines.md), and one page plus trace file per counterexample
 * (docs/counterexamples/), how each property could have failed (breakers), and the same verdicts
 * as JSON cells. `kafka-spec guarantees` explores the matrix and writes what these return.
 */
import type { Action, Model } from '../model.ts';
import { possibleStepKinds, stepKindsNeverTaken, verdictsOf, type Coverage, type ExploreResult, type Verdict, type Violation } from '../explore/index.ts';
import { makeTrace } from '../trace/schema.ts';
import { replay } from '../trace/replay.ts';
import { renderTraceMarkdown } from './markdown.ts';
import { renderTraceMermaid } from './mermaid.ts';
import { machineDiagram } from './statechart.ts';
import { EMPTY_SECTION } from './availability.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any, Action>;

/** What the pages need of a matrix row: its id (page names) and its title. */
export interface RowInfo {
  readonly id: string;
  readonly title: string;
}

/** A breaker: a row whose configuration is another row's with one switch flipped or one rule broken. */
export interface BreakerInfo extends RowInfo {
  /** The id of the row it changes. */
  readonly base: string;
  /** What the change does, in a few words ("without …" for a fix undone). */
  readonly what: string;
  /** The change as settings, e.g. `hwRequiresMinIsr=false`. */
  readonly change: string;
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
  /**
   * `holds` only when the row's breadth-first search was complete; `no-violation-found` when it
   * was not; `not-exercised`: no violation, but a goal the property needs was never reached (see `reason`).
   */
  readonly verdict: Verdict;
  readonly reason?: string;
  readonly length?: number;
  readonly evidence: Evidence;
}

/** How a row was explored: every behaviour up to `depth`, then random runs beyond it. */
export interface Evidence {
  readonly engine: 'exhaustive+random';
  readonly depth: number;
  readonly states: number;
  readonly random: RandomRuns & { readonly steps: number };
  /**
   * For a violated cell: which engine found it (a random find is longer than `depth` but not known
   * to be shortest), or `kept` for a counterexample an earlier search of the row found that still
   * replays to the violation (src/cli/guarantees.ts, the row's kept traces).
   */
  readonly foundBy?: FoundBy;
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

export type FoundBy = 'exhaustive' | 'random' | 'kept';

/** A violation with the engine that found it. */
export interface Found extends Violation<Action> {
  readonly foundBy: FoundBy;
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
      goalsReached: reachedGoals(r), goalsMissed: missedGoals(r), goalsImpossible: { ...(model.presentation?.goalsImpossible ?? {}) },
      stepsNeverTaken: stepKindsNeverTaken(model, r.coverage),
    };
    return verdictsOfRow(r).map(({ invariant, verdict, reason }): Cell => {
      const cell = { row: row.id, config: configOf(model), invariant, verdict, ...(reason === undefined ? {} : { reason }) };
      const v = r.violations.find((x) => x.invariant === invariant);
      return v ? { ...cell, length: v.length, evidence: { ...evidence, foundBy: v.foundBy } } : { ...cell, evidence };
    });
  });
}

/**
 * The invariants of any row, in the order they first appear: most rows check the same ones, and a
 * configuration that adds properties (a producer that retries) adds them after the others.
 */
export function invariantsOfRows(rows: readonly RowResult[]): { readonly name: string; readonly anomaly?: string }[] {
  const seen = new Map<string, { readonly name: string; readonly anomaly?: string }>();
  for (const r of rows) for (const i of r.model.invariants) if (!seen.has(i.name)) seen.set(i.name, i);
  return [...seen.values()];
}

/** Each invariant's verdict in a row: violated, not exercised (with the goals it needed), holds (a complete search) or no violation found. */
const verdictsOfRow = (r: RowResult) => verdictsOf(r.model, r.coverage, r.violations, r.model.invariants.map((i) => i.name), r.bfs.complete);

/**
 * For each invariant, the first breaker that violated it where its base row did not: how a ✓ of
 * that row could have failed. A violation the base row has too says nothing about the change.
 */
export function breakersOf(breakers: readonly BreakerResult[], rows: readonly RowResult[]): Map<string, { breaker: BreakerResult; violation: Found }> {
  const found = new Map<string, { breaker: BreakerResult; violation: Found }>();
  for (const b of breakers) {
    for (const v of newlyBroken(b, rows)) if (!found.has(v.invariant)) found.set(v.invariant, { breaker: b, violation: v });
  }
  return found;
}

/** For each property, the breaker that violated it first (its row id, the counterexample's length and engine), or null. */
export function breakerCells(rows: readonly RowResult[], breakers: readonly BreakerResult[]) {
  const found = breakersOf(breakers, rows);
  return invariantsOfRows(rows).map((i) => {
    const f = found.get(i.name);
    return { invariant: i.name, breaker: f === undefined ? null : { row: f.breaker.row.id, length: f.violation.length, foundBy: f.violation.foundBy } };
  });
}

/** The violations of a breaker that its base row does not have. */
function newlyBroken(b: BreakerResult, rows: readonly RowResult[]): Found[] {
  const base = rows.find((r) => r.row.id === b.row.base);
  return b.violations.filter((v) => !(base?.violations.some((x) => x.invariant === v.invariant) ?? false));
}

const configOf = (model: AnyModel) => model.presentation?.configuration?.values ?? null;
const configLines = (model: AnyModel) => model.presentation?.configuration?.lines ?? [];

const reachedGoals = (r: RowResult) => Object.entries(r.coverage.goals).filter(([, g]) => g.count > 0).map(([n]) => n);
const missedGoals = (r: RowResult) => Object.entries(r.coverage.goals).filter(([, g]) => g.count === 0).map(([n]) => n);

/** The name of the counterexample page and trace of a row's violated invariant, under docs/counterexamples/. */
export const pageName = (row: string, invariant: string) => `${row}--${invariant}`;

/**
 * Every file of the documentation, in the order they are written: guarantees.md, machines.md,
 * then for each row and each of its violations the counterexample page and its trace file, for
 * each property the page of the first breaker that violated it, and the page of every other
 * breaker's counterexample kept from an earlier generation. `random` is the default
 * random-run setting, stated in the table's preamble.
 */
export function guaranteesPages(
  results: readonly RowResult[], random: RandomRuns, machines: readonly MachinePicture[], breakers: readonly BreakerResult[] = [],
): Page[] {
  const pages: Page[] = [{ path: 'guarantees.md', text: guaranteesPage(results, random, breakers) }, { path: 'machines.md', text: machinesPage(machines) }];
  const counterexample = (r: RowResult, invariant: string) => {
    const { md, trace } = counterexamplePage(r, invariant);
    const base = `counterexamples/${pageName(r.row.id, invariant)}`;
    pages.push({ path: `${base}.md`, text: md }, { path: `${base}.json`, text: trace });
  };
  for (const r of results) for (const v of r.violations) counterexample(r, v.invariant);
  const chosen = breakersOf(breakers, results);
  for (const [invariant, { breaker }] of chosen) counterexample(breaker, invariant);
  // A breaker's kept counterexample that no property links to is still what the list of what each
  // breaker broke rests on, so its files are written again, for the next generation to replay.
  for (const b of breakers) {
    for (const v of newlyBroken(b, results)) if (v.foundBy === 'kept' && chosen.get(v.invariant)?.breaker !== b) counterexample(b, v.invariant);
  }
  return pages;
}

/** The page of one counterexample (statement, configuration, sequence diagram, step table) and its trace file. */
export function counterexamplePage(r: RowResult, invariant: string): { md: string; trace: string } {
  const v = r.violations.find((x) => x.invariant === invariant);
  if (v === undefined) throw new Error(`${r.row.id}: no violation of ${invariant}`);
  const { states, violation } = replay(r.model, v.trace, { invariants: [invariant] });
  const name = pageName(r.row.id, invariant);
  const anomaly = r.model.invariants.find((i) => i.name === invariant)?.anomaly;
  const trace = makeTrace({ model: r.model.name, config: { ...configOf(r.model) }, steps: v.trace, violation: { invariant, statement: v.statement, step: v.length } });
  const md = [
    `# ${invariant} in "${r.row.title}"`, '',
    `${v.statement}`, '',
    ...(anomaly === undefined ? [] : [`Anomaly: **${anomaly}**.`, '']),
    ...configLines(r.model).map((l) => `- ${l}`), '',
    v.foundBy === 'exhaustive'
      ? `Shortest counterexample: **${v.length} steps** (breadth-first search). Trace: [${name}.json](${name}.json) — replay with`
      : `Counterexample of **${v.length} steps**, ` +
        (v.foundBy === 'random' ? `found by random search (seed ${r.random.seed}) and shrunk` : 'kept from an earlier search of this row, whose random runs found it ' +
          `(this one's found none or a longer one), and replayed to the violation under the model as it is now`) + `; breadth-first search found ` +
        `none of ${r.bfs.stats.depth} steps or fewer, so the shortest has between ${r.bfs.stats.depth + 1} and ${v.length}. ` +
        `Trace: [${name}.json](${name}.json) — replay with`,
    `\`npx kafka-spec replay docs/counterexamples/${name}.json\`.`, '',
    '```mermaid', renderTraceMermaid(r.model, v.trace, states, violation).trimEnd(), '```', '',
    renderTraceMarkdown(r.model, v.trace, states, violation),
  ].join('\n');
  return { md, trace: JSON.stringify(trace, null, 1) + '\n' };
}

/** docs/guarantees.md: the table, how each ✓ could have failed, what was not exercised, the evidence of reach, each row's configuration. */
export function guaranteesPage(results: readonly RowResult[], random: RandomRuns, breakers: readonly BreakerResult[] = []): string {
  const invariants = invariantsOfRows(results).map((i) => i.name);
  const lines = [
    '# Guarantees', '',
    'Generated by `npx kafka-spec guarantees`; do not edit by hand (a test regenerates it and fails when it is stale).',
    'Each row is explored breadth-first, every behaviour up to the depth shown, then by the random runs shown',
    `(up to ${random.maxSteps} steps each, seed ${random.seed}) for the invariants still standing. Every row runs a consumer, reading from`,
    'leaders (and from followers in the follower-read row). How many lossy crashes each setting of min.insync.replicas,',
    'unclean election and ELR survives, and how many brokers may be down for good with writes still accepted, is in',
    '[Durability and availability](#durability-and-availability) below.', '',
    '- ✓: no violation found (not a proof that the property holds): neither search found a violation, and the searches',
    '  reached every goal the property needs to be able to fail (a consumer read, an acknowledgement, an election after a',
    '  commit, …). It rests on exhaustive search up to the row\'s depth and on the random runs beyond it, which prove nothing',
    '  about the behaviours they miss (`--json` gives such a cell the verdict `no-violation-found`, and `holds` only to a row',
    '  whose breadth-first search explored every reachable state);',
    '  "How each ✓ could have failed" below names, for each property, a changed rule that breaks it at a row\'s bounds.',
    '- ○: not exercised: no violation, but a goal the property needs cannot happen in the configuration or was never reached,',
    '  so the pass says nothing; "Not exercised" below gives the reason for each.',
    '- —: not a property of the row\'s configuration (the duplicate properties need a producer that retries).',
    '- a number: the length of the shortest counterexample (breadth-first search); "≤ n": the length of one the random runs',
    '  found past that depth, shrunk but not known to be shortest. Each links to its page, which names the anomaly.', '',
    `| configuration | depth | states | random runs | ${invariants.join(' | ')} |`,
    `|---|---:|---:|---:|${invariants.map(() => ':---:').join('|')}|`,
  ];
  for (const r of results) {
    const verdicts = new Map(verdictsOfRow(r).map((v) => [v.invariant, v.verdict]));
    const marks = invariants.map((invariant) => {
      const verdict = verdicts.get(invariant);
      if (verdict === undefined) return '—';
      if (verdict === 'holds' || verdict === 'no-violation-found') return '✓';
      if (verdict === 'not-exercised') return '○';
      const v = r.violations.find((x) => x.invariant === invariant)!;
      return `[${v.foundBy === 'exhaustive' ? '' : '≤ '}${v.length}](counterexamples/${pageName(r.row.id, invariant)}.md)`;
    });
    lines.push(`| ${r.row.title} | ${r.bfs.stats.depth} | ${r.bfs.stats.states.toLocaleString('en')} | ${r.random.runs.toLocaleString('en')} | ${marks.join(' | ')} |`);
  }
  // The durability and availability section (src/report/availability.ts) goes here; the CLI fills it.
  lines.push('', EMPTY_SECTION);
  if (breakers.length > 0) lines.push(...breakerSection(results, breakers));
  lines.push('', '## Not exercised', '', 'The properties each row could not exercise, with the goals they need and why those were not reached:', '');
  for (const r of results) {
    const idle = verdictsOfRow(r).filter((v) => v.verdict === 'not-exercised').map((v) => `${v.invariant} needs ${v.reason}`);
    lines.push(`- **${r.row.title}**: ${idle.length === 0 ? 'every property was exercised' : idle.join('; ')}.`);
  }
  lines.push('', '## Evidence of reach', '',
    'Reachability goals each row reached, by either engine, those that cannot happen in the configuration, with the',
    'reason, and whether every kind of step that can happen was taken:', '');
  for (const r of results) lines.push(`- **${r.row.title}** ${reachLine(r)}`);
  lines.push('', '## Configurations', '');
  for (const r of results) lines.push(`- **${r.row.id}** — ${r.row.title}: ${configLines(r.model).join('; ')}`);
  return lines.join('\n') + '\n';
}

/** A breaker row with what it changes. */
export type BreakerResult = RowResult & { readonly row: BreakerInfo };

/** For each property, the first breaker that violates it (linked), or none; then what each breaker changed and broke. */
function breakerSection(results: readonly RowResult[], breakers: readonly BreakerResult[]): string[] {
  const found = breakersOf(breakers, results);
  const lines = ['', '## How each ✓ could have failed', '',
    'A breaker is a row of the table with one fix of today\'s protocol undone (a switch flipped) or one rule broken on purpose',
    '(a mutation), explored like that row: at its bounds, to its depth, with its random runs. For each property: the first',
    'breaker that violates it where its row does not, with the length of its counterexample, or "no known breaker at these',
    'bounds" (its ✓ is then not shown to be able to fail).', '',
    '| property | anomaly | broken by |', '|---|---|---|'];
  for (const inv of invariantsOfRows(results)) {
    const f = found.get(inv.name);
    const by = f === undefined ? 'no known breaker at these bounds'
      : `[${f.violation.foundBy === 'exhaustive' ? '' : '≤ '}${f.violation.length} steps](counterexamples/${pageName(f.breaker.row.id, inv.name)}.md) ` +
        `in ${f.breaker.row.base} ${f.breaker.row.what}`;
    lines.push(`| ${inv.name} | ${inv.anomaly ?? ''} | ${by} |`);
  }
  lines.push('', 'The breakers, and what each broke:', '');
  for (const b of breakers) {
    const broke = newlyBroken(b, results).map((v) => v.invariant);
    lines.push(`- **${b.row.id}** (${b.row.base} with ${b.row.change}: ${b.row.what}): ` +
      `${broke.length === 0 ? 'nothing its row does not violate' : broke.join(', ')}${reachShort(b)}.`);
  }
  return lines;
}

/** A breaker that broke nothing is only evidence if it reached what the row reached: its goals not reached, if any. */
function reachShort(r: RowResult): string {
  const missed = missedGoals(r);
  return missed.length === 0 ? '' : ` (goals not reached: ${missed.join(', ')})`;
}

/** One row's evidence of reach: random steps, goals reached, missed and impossible, kinds of step never taken. */
function reachLine(r: RowResult): string {
  const missed = missedGoals(r);
  const impossible = Object.entries(r.model.presentation?.goalsImpossible ?? {}).map(([n, why]) => `${n} — ${why}`);
  const never = stepKindsNeverTaken(r.model, r.coverage);
  const kinds = possibleStepKinds(r.model).length;
  const steps = never.length === 0 ? `every one of the ${kinds} kinds of step that can happen here was taken`
    : `**kinds of step never taken**: ${never.join(', ')}`;
  return `(${r.random.steps.toLocaleString('en')} random steps): reached ${reachedGoals(r).join(', ') || 'none'}` +
    `${missed.length ? `; **not reached**: ${missed.join(', ')}` : ''}${impossible.length ? `; cannot happen here: ${impossible.join('; ')}` : ''}; ${steps}.`;
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
