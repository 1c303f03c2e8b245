/**
 * `kafka-spec guarantees`: explore every row of the matrix breadth-first to its depth, then by
 * random runs past it, and write the guarantees table (docs/guarantees.md), the machines page and
 * one page per violated (row, invariant) with its trace file, or print the cells as JSON. The
 * pages are rendered by src/report/guarantees.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kafkaModelOf } from '../../properties/kafka-model.ts';
import { MATRIX, type MatrixRow } from '../../properties/matrix.ts';
import { exploreCombined } from '../explore/index.ts';
import { guaranteeCells, guaranteesPages, type Found, type RandomRuns, type RowResult } from '../report/guarantees.ts';
import { oneLine } from '../report/line.ts';
import { UsageError } from './options.ts';
import type { Output } from './check.ts';

/** Random runs per row after the breadth-first pass, with a fixed seed so the documentation is reproducible. */
export const RANDOM_RUNS = 5000;
export const RANDOM_MAX_STEPS = 40;
export const RANDOM_SEED = 1;

const RANDOM: RandomRuns = { runs: RANDOM_RUNS, maxSteps: RANDOM_MAX_STEPS, seed: RANDOM_SEED };

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

/** Runs a file operation on `path`; a failure is a one-line UsageError naming the path. */
function fileOp(path: string, op: () => void): void {
  try {
    op();
  } catch (e) {
    throw new UsageError(oneLine(`cannot write '${path}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
}

const makeFolder = (path: string) => fileOp(path, () => mkdirSync(path, { recursive: true }));

/** Writes docs/guarantees.md, docs/machines.md and docs/counterexamples/* under `dir`; returns the files written. */
export function writeGuarantees(dir: string, results: readonly RowResult[]): string[] {
  const written: string[] = [];
  makeFolder(join(dir, 'counterexamples'));
  for (const page of guaranteesPages(results, RANDOM)) {
    const file = join(dir, page.path);
    fileOp(file, () => writeFileSync(file, page.text));
    written.push(file);
  }
  return written;
}

/**
 * Runs `kafka-spec guarantees` on `rows` (the whole matrix by default; `only` picks one row by
 * id); returns the exit code.
 */
export function runGuarantees(flags: { out?: string; json?: boolean; only?: string }, io: Output, rows: readonly MatrixRow[] = MATRIX): number {
  const chosen = flags.only ? rows.filter((r) => r.id === flags.only) : rows;
  if (chosen.length === 0) throw new UsageError(oneLine(`no matrix row '${flags.only}'`));
  const dir = flags.out ?? 'docs';
  // The folders are made before the minutes of exploring, so a bad --out fails at once.
  if (!flags.json) makeFolder(join(dir, 'counterexamples'));
  const results = explore(chosen, io);
  if (flags.json) {
    io.out(JSON.stringify({ cells: guaranteeCells(results) }));
    return 0;
  }
  const files = writeGuarantees(dir, results);
  io.out(`Wrote ${files.length} files under ${dir}/ (${results.length} configurations).`);
  return 0;
}
