/**
 * The mutation report as strings: the score, then each mutant with its verdict and how it was
 * reached (docs/mutations.md and `kafka-spec mutate`'s text), and the same as JSON. Generic: a
 * mutant is an id, a kind and a line saying what it changes.
 */
import { MODEL_ERROR } from '../explore/mutation.ts';

export type MutantVerdict = 'killed' | 'equivalent' | 'survived';

/** Where a verdict was reached: the breadth-first search at the bounds, or a later stage. */
export type MutantStage = 'bounds' | 'deeper' | 'wider' | 'rf3' | 'scenario' | 'focused';

/** What the page says about a later stage that killed a mutant. */
const STAGE_TEXT: Readonly<Record<Exclude<MutantStage, 'bounds'>, string>> = {
  deeper: 'deeper random runs', wider: 'random runs with larger budgets', rf3: 'guided random runs at rf 3', scenario: 'a scenario',
  focused: 'a focused configuration',
};

/** One mutant's verdict, as the CLI computed it. */
export interface MutantRow {
  readonly id: string;
  readonly kind: string;
  readonly what: string;
  readonly verdict: MutantVerdict;
  /** How the verdict was reached, in one line (the invariant and length, the goal lost, the state space, …). */
  readonly how: string;
  /** Killed by a violation: the invariant, the steps, and where the trace was written (relative to the page). */
  readonly invariant?: string;
  readonly length?: number;
  readonly trace?: string;
  /**
   * `bounds`: breadth-first at the stated bounds; `deeper`: random runs past that depth; `wider`: random runs with larger
   * budgets; `rf3`: guided random runs at replication factor 3; `scenario`: a scenario file's shape searched breadth-first;
   * `focused`: one of mutate's focused configurations searched breadth-first.
   */
  readonly stage?: MutantStage;
  /** Survived or equivalent, for a reason the model documents (properties/mutants.ts). */
  readonly explained?: string;
}

export interface MutationSummary {
  readonly total: number;
  readonly killed: number;
  /** Killed mutants that an invariant caught (the rest lost a behaviour the original has, or made the model throw). */
  readonly killedByInvariant: number;
  readonly equivalent: number;
  readonly survived: number;
  /** Survivors with no documented reason: what makes `kafka-spec mutate` exit 1. */
  readonly unexplained: number;
  /** killed / (total − equivalent), or null when every mutant is equivalent. */
  readonly score: number | null;
}

export function summarize(rows: readonly MutantRow[]): MutationSummary {
  const count = (v: MutantVerdict) => rows.filter((r) => r.verdict === v).length;
  const [killed, equivalent, survived] = [count('killed'), count('equivalent'), count('survived')];
  const unexplained = rows.filter((r) => r.verdict === 'survived' && r.explained === undefined).length;
  const judged = rows.length - equivalent;
  // A mutant whose model throws is killed by MODEL_ERROR, which is not a property.
  const killedByInvariant = rows.filter((r) => r.verdict === 'killed' && r.invariant !== undefined && r.invariant !== MODEL_ERROR).length;
  return { total: rows.length, killed, killedByInvariant, equivalent, survived, unexplained, score: judged === 0 ? null : killed / judged };
}

export const scoreText = (s: MutationSummary) =>
  s.score === null ? 'no score (every mutant is equivalent)' : `${s.killed}/${s.total - s.equivalent} = ${(100 * s.score).toFixed(1)}%`;

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** What the page says about one mutant's verdict. */
function verdictCell(r: MutantRow): string {
  const where = r.stage === undefined || r.stage === 'bounds' ? '' : ` (${STAGE_TEXT[r.stage]})`;
  if (r.verdict === 'killed') return r.trace === undefined ? `killed${where}: ${r.how}` : `killed${where}: ${r.how} ([trace](${r.trace}))`;
  if (r.verdict === 'equivalent') return r.explained === undefined ? `equivalent: ${r.how}` : `equivalent: ${r.explained} (${r.how})`;
  return r.explained === undefined ? `**survived**: ${r.how}` : `survived, explained: ${r.explained} (${r.how})`;
}

/** The page: `header` lines (configuration, bounds, method), the score, then a table of mutants. */
export function mutationsMarkdown(title: string, header: readonly string[], rows: readonly MutantRow[]): string {
  const s = summarize(rows);
  return [
    `# ${title}`, '',
    ...header, '',
    `**Score: ${scoreText(s)}** — ${s.killed} killed, ${s.equivalent} equivalent, ${s.survived} survived` +
      ` (${s.unexplained} of them unexplained), of ${s.total} mutants. Of the killed, ${s.killedByInvariant} were caught by an`,
    `invariant failing; the others lost a behaviour the original has (a goal or a kind of step) or made the model throw,`,
    `which the checker notices but no property judges.`, '',
    '| mutant | what it changes | verdict |',
    '|---|---|---|',
    ...rows.map(mutantLine),
    '',
  ].join('\n');
}

/** One table line of the page. */
export function mutantLine(r: MutantRow): string {
  return `| \`${r.id}\` | ${cell(r.what)} | ${cell(verdictCell(r))} |`;
}

/** The terminal report: one line per mutant, then the score. */
export function mutationsText(header: readonly string[], rows: readonly MutantRow[]): string {
  const s = summarize(rows);
  const width = Math.max(...rows.map((r) => r.id.length), 0);
  const lines = rows.map((r) => `${r.id.padEnd(width)}  ${r.verdict === 'survived' && r.explained === undefined ? 'SURVIVED' : r.verdict}${r.stage === undefined || r.stage === 'bounds' ? '' : ` (${r.stage})`}  ${r.how}`);
  return [...header, '', ...lines, '', `Score: ${scoreText(s)} — ${s.killed} killed (${s.killedByInvariant} by an invariant), ${s.equivalent} equivalent, ${s.survived} survived (${s.unexplained} unexplained).`].join('\n');
}

export function mutationsJson(config: Readonly<Record<string, unknown>>, bounds: Readonly<Record<string, unknown>>, rows: readonly MutantRow[]): unknown {
  return { config, bounds, summary: summarize(rows), mutants: rows };
}
