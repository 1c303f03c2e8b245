/**
 * Computes docs/availability.md (properties/availability.ts rows,
 * src/report/availability.ts rendering) and the lasso trace of each failing cell, as pages
 * `kafka-spec guarantees` writes. The section records a fingerprint of the sources its rows depend
 * on, so a test can tell when it must be regenerated without recomputing every row (the rf 3 rows
 * take minutes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AVAILABILITY_ROWS, availabilityOf, documentedTolerance, rowId, type AvailabilityCell, type AvailabilityRow } from '../../properties/availability.ts';
import { fingerprint } from '../explore/fingerprint.ts';
import { availabilityPage, type AvailabilityLine } from '../report/availability.ts';
import { lassoTrace } from '../report/liveness.ts';
import { projectRoot } from './root.ts';

/**
 * The sources that decide the availability rows: the whole model (spec/, spec/xstate/), the properties and
 * model it is built from, and the liveness engine.
 */
const SOURCES = [
  'properties/availability.ts', 'properties/liveness.ts', 'properties/kafka-model.ts',
  'src/explore/liveness.ts', 'src/explore/graph.ts', 'src/explore/fingerprint.ts', 'src/report/availability.ts',
];

/** A fingerprint of the sources the rows depend on. */
export function sourcesFingerprint(root = projectRoot()): string {
  const spec = ['spec', 'spec/xstate'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.ts')).sort().map((f) => `${d}/${f}`));
  return fingerprint([...spec, ...SOURCES].flatMap((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

/** One row's line of the table and its lasso traces (file name → text). */
export function availabilityLine(row: AvailabilityRow): { line: AvailabilityLine; traces: Record<string, string> } {
  const r = availabilityOf(row);
  const traces: Record<string, string> = {};
  const linked = (name: string, c: AvailabilityCell) => {
    if (c.lasso === null) return { tolerates: c.tolerates, link: null };
    const file = `counterexamples/availability-${rowId(row)}--${name}.json`;
    traces[file] = JSON.stringify(lassoTrace(r.model, c.lasso), null, 2) + '\n';
    return { tolerates: c.tolerates, link: file };
  };
  return {
    line: {
      ...row, documented: documentedTolerance(row), states: r.states, complete: r.complete,
      writes: linked('writes', r.cells['writes-eventually-accepted']), leader: linked('leader', r.cells['leader-eventually-elected']),
    },
    traces,
  };
}

/** docs/availability.md and its lasso traces, for every row. */
export function availabilityPages(rows: readonly AvailabilityRow[] = AVAILABILITY_ROWS): { pages: { path: string; text: string }[] } {
  const done = rows.map(availabilityLine);
  const traces = done.flatMap((d) => Object.entries(d.traces).map(([path, text]) => ({ path, text })));
  return { pages: [{ path: 'availability.md', text: availabilityPage(done.map((d) => d.line), sourcesFingerprint()) }, ...traces] };
}
