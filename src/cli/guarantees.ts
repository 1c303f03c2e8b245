/**
 * `kafka-spec guarantees`: explore every row of the matrix breadth-first to its depth, then by
 * random runs past it, and write the guarantees table (docs/guarantees.md), the machines page and
 * one page per violated (row, invariant) with its trace file, or print the cells as JSON. The
 * pages are rendered by src/report/guarantees.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { BREAKERS, MATRIX, breakerRow, type Breaker, type MatrixRow } from '../../properties/matrix.ts';
import { exploreCombined } from '../explore/index.ts';
import { breakerCells, guaranteeCells, guaranteesPages, pageName, type BreakerResult, type Found, type RandomRuns, type RowResult } from '../report/guarantees.ts';
import { stillFailing } from './kept.ts';
import { projectRoot } from './root.ts';
import { oneLine } from '../report/line.ts';
import { makeConfig } from '../../spec/config.ts';
import { resolveRules } from '../../spec/rules.ts';
import { createReplicaMachine } from '../../spec/replica.ts';
import { createControllerMachine } from '../../spec/controller.ts';
import { UsageError } from './options.ts';
import { availabilityPages } from './availability.ts';
import { EMPTY_SECTION, sectionOf, withSection } from '../report/availability.ts';
import { rowId } from '../../properties/availability.ts';
import type { Output } from './check.ts';

/** Random runs per row after the breadth-first pass, with a fixed seed so the documentation is reproducible. */
export const RANDOM_RUNS = 5000;
export const RANDOM_MAX_STEPS = 40;
export const RANDOM_SEED = 1;

const RANDOM: RandomRuns = { runs: RANDOM_RUNS, maxSteps: RANDOM_MAX_STEPS, seed: RANDOM_SEED };

/** A worker's bootstrap: import the worker module, through tsx's loader when it is TypeScript. */
function loader(href: string, typescript: boolean): string {
  const register = typescript ? "const { register } = await import('tsx/esm/api'); register();" : '';
  return `(async () => { ${register} await import(${JSON.stringify(href)}); })()`;
}

/** What exploring one row yields, as plain data a worker thread can post. */
export type RowData = Omit<RowResult, 'row' | 'model'>;

/**
 * Breadth-first to the row's depth; then random runs of up to RANDOM_MAX_STEPS steps look past
 * that depth for the invariants still standing, until a pass finds nothing.
 */
export function exploreRowData(row: MatrixRow): RowData {
  const model = kafkaModelOf(row.config);
  const runs = row.randomRuns ?? RANDOM_RUNS;
  const r = exploreCombined(model, { maxDepth: row.depth, runs, maxSteps: RANDOM_MAX_STEPS, seed: RANDOM_SEED, everyInvariant: true });
  const bfs = r.phases.exhaustive;
  const searched: Found[] = r.violations.map((v) => ({ ...v, foundBy: bfs.violations.includes(v) ? 'exhaustive' : 'random' }));
  const violations = withKept(searched, keptTraces(row, model, new Set(searched.filter((v) => v.foundBy === 'exhaustive').map((v) => v.invariant))));
  const steps = r.phases.random?.stats.transitions ?? 0;
  return { bfs, violations, coverage: r.coverage, random: { runs, maxSteps: RANDOM_MAX_STEPS, seed: RANDOM_SEED, steps } };
}

/** Each invariant's counterexample: the one this search found, unless a kept one is shorter; a kept one alone where it found none. */
export function withKept(searched: readonly Found[], kept: readonly Found[]): Found[] {
  return [
    ...searched.filter((v) => !kept.some((k) => k.invariant === v.invariant && k.length < v.length)),
    ...kept.filter((k) => !searched.some((v) => v.invariant === k.invariant && v.length <= k.length)),
  ];
}

/**
 * The row's counterexamples that an earlier search found: the trace files under
 * docs/counterexamples/ of the row's invariants that breadth-first search did not violate here,
 * each replayed under the model as it is now, kept when it still breaks its invariant. The row
 * uses one where this search's random runs found none or only a longer one. Random runs with a
 * fixed seed meet other behaviours when the model's steps are enumerated in another order or the
 * runs are steered otherwise, so without them a counterexample of the page could vanish, or grow
 * longer, while its trace still replays. A trace that no longer replays (a step not enabled, a
 * bound passed) or no longer breaks the invariant is dropped.
 */
function keptTraces(row: MatrixRow, model: ReturnType<typeof kafkaModelOf>, found: ReadonlySet<string>): Found[] {
  const dir = join(projectRoot(), 'docs', 'counterexamples');
  return model.invariants.filter((inv) => !found.has(inv.name)).flatMap((inv): Found[] => {
    const trace = stillFailing(join(dir, `${pageName(row.id, inv.name)}.json`), inv.name, () => model);
    return trace === null ? [] : [{ invariant: inv.name, statement: inv.statement, trace, length: trace.length, foundBy: 'kept' }];
  });
}

/**
 * Explores the rows on up to one worker thread per core, each worker taking the next row as soon
 * as it is done with one (rows differ in cost by a factor of ten), or in this thread when there is
 * one row or one core. Run from the TypeScript sources (the tests), the workers load them through
 * tsx, a development dependency; the compiled CLI needs nothing.
 */
async function explore(rows: readonly MatrixRow[], io: Output): Promise<RowResult[]> {
  const workers = Math.min(rows.length, availableParallelism());
  const data: RowData[] = new Array(rows.length);
  if (workers <= 1) {
    rows.forEach((row, i) => {
      io.progress(`  … ${row.id}`);
      data[i] = exploreRowData(row);
    });
  } else {
    const fromSources = import.meta.url.endsWith('.ts');
    const script = new URL(fromSources ? './guarantees-worker.ts' : './guarantees-worker.js', import.meta.url);
    let next = 0;
    let done = 0;
    await Promise.all(Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(loader(script.href, fromSources), { eval: true });
      const feed = () => (next < rows.length ? worker.postMessage({ index: next, row: rows[next++] }) : void worker.postMessage(null));
      worker.on('message', ({ index, data: d }: { index: number; data: RowData }) => {
        data[index] = d;
        io.progress(`  … ${++done} of ${rows.length} rows (${rows[index].id})`);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a guarantees worker stopped with code ${code}`))));
      feed();
    })));
  }
  return rows.map((row, i) => ({ row, model: kafkaModelOf(row.config), ...data[i] }));
}

/** Runs a file operation on `path`; a failure is a one-line UsageError naming the path. */
function fileOp(path: string, op: () => void): void {
  try {
    op();
  } catch (e) {
    throw new UsageError(oneLine(`cannot write '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
}

const makeFolder = (path: string) => fileOp(path, () => mkdirSync(path, { recursive: true }));

/** The replica and controller machines of today's protocol, for docs/machines.md. */
function todaysMachines() {
  const rules = resolveRules(makeConfig());
  return [{ title: 'Replica', machine: createReplicaMachine(rules) }, { title: 'Controller', machine: createControllerMachine(rules) }];
}

/**
 * The durability and availability section a page written under `dir` gets: `section` when it was
 * computed, else the one the page already there has (so the matrix can be regenerated alone), else
 * the empty section that says how to compute it.
 */
function sectionFor(dir: string, section: string | null): string {
  if (section !== null) return section;
  const file = join(dir, 'guarantees.md');
  return (existsSync(file) ? sectionOf(readFileSync(file, 'utf8')) : null) ?? EMPTY_SECTION;
}

/**
 * Writes docs/guarantees.md, docs/machines.md and docs/counterexamples/* under `dir`, with the
 * durability and availability section and its traces when computed (src/cli/availability.ts);
 * returns the files written.
 */
export function writeGuarantees(
  dir: string, results: readonly RowResult[], breakers: readonly BreakerResult[] = [], availability?: ReturnType<typeof availabilityPages>,
): string[] {
  const written: string[] = [];
  makeFolder(join(dir, 'counterexamples'));
  const section = sectionFor(dir, availability?.section ?? null);
  const pages = guaranteesPages(results, RANDOM, todaysMachines(), breakers)
    .map((p) => (p.path === 'guarantees.md' ? { ...p, text: withSection(p.text, section) } : p));
  for (const page of [...pages, ...(availability?.traces ?? [])]) {
    const file = join(dir, page.path);
    fileOp(file, () => writeFileSync(file, page.text));
    written.push(file);
  }
  return written;
}

/** Computes the durability and availability section alone and puts it into the guarantees page under `dir`. */
function writeAvailability(dir: string, io: Output): string[] {
  const file = join(dir, 'guarantees.md');
  if (!existsSync(file)) throw new UsageError(oneLine(`--part availability fills the section of '${file}', which does not exist: run --part matrix first`));
  const page = readFileSync(file, 'utf8');
  if (sectionOf(page) === null) throw new UsageError(oneLine(`'${file}' has no durability and availability section: run --part matrix first`));
  makeFolder(join(dir, 'counterexamples'));
  const { section, traces } = availabilityPages(undefined, (row) => io.progress(`  … availability ${rowId(row)}`));
  const pages = [{ path: 'guarantees.md', text: withSection(page, section) }, ...traces];
  return pages.map((p) => {
    const out = join(dir, p.path);
    fileOp(out, () => writeFileSync(out, p.text));
    return out;
  });
}

/** The breakers of the rows chosen: those whose base row is among them. */
function breakersFor(rows: readonly MatrixRow[], breakers: readonly Breaker[]): Breaker[] {
  return breakers.filter((b) => rows.some((r) => r.id === b.base));
}

const PARTS = ['all', 'matrix', 'availability'] as const;

/**
 * Runs `kafka-spec guarantees` on `rows` (the whole matrix by default; `only` picks one row by
 * id) and on the breakers of those rows, all in one pool of workers, then computes the
 * durability and availability section of the page (`part` picks the matrix, keeping the section
 * the page has, or the section alone); returns the exit code.
 */
export async function runGuarantees(
  flags: { out?: string; json?: boolean; only?: string; part?: string }, io: Output, rows: readonly MatrixRow[] = MATRIX, breakers: readonly Breaker[] = BREAKERS,
): Promise<number> {
  const part = flags.part ?? 'all';
  if (!(PARTS as readonly string[]).includes(part)) throw new UsageError(oneLine(`--part must be one of ${PARTS.join(', ')}, got '${part}'`));
  if (part === 'availability') {
    if (flags.json || flags.only) throw new UsageError('--part availability writes pages; it takes neither --json nor --only');
    const dir = flags.out ?? 'docs';
    const files = writeAvailability(dir, io);
    io.out(`Wrote ${files.length} files under ${dir}/ (the durability and availability section of guarantees.md and its traces).`);
    return 0;
  }
  const chosen = flags.only ? rows.filter((r) => r.id === flags.only) : rows;
  if (chosen.length === 0) throw new UsageError(oneLine(`no matrix row '${flags.only}'`));
  const dir = flags.out ?? 'docs';
  // The folders are made before the minutes of exploring, so a bad --out fails at once.
  if (!flags.json) makeFolder(join(dir, 'counterexamples'));
  const mine = breakersFor(chosen, breakers);
  const all = await explore([...chosen, ...mine.map((b) => breakerRow(b, rows))], io);
  const results = all.slice(0, chosen.length);
  const broken: BreakerResult[] = all.slice(chosen.length).map((r, i) => {
    const { base, what, change } = mine[i];
    return { ...r, row: { ...r.row, base, what, change: Object.entries(change).map(([k, v]) => `${k}=${v}`).join(' ') } };
  });
  if (flags.json) {
    io.out(JSON.stringify({ cells: guaranteeCells(results), breakers: breakerCells(results, broken) }));
    return 0;
  }
  const withAvailability = part !== 'matrix' && rows === MATRIX && flags.only === undefined;
  const files = writeGuarantees(dir, results, broken, withAvailability ? availabilityPages(undefined, (row) => io.progress(`  … availability ${rowId(row)}`)) : undefined);
  io.out(`Wrote ${files.length} files under ${dir}/ (${results.length} configurations, ${broken.length} breakers).`);
  return 0;
}
