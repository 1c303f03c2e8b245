/**
 * Computes the durability and availability section of docs/guarantees.md (properties/availability.ts
 * rows, src/report/availability.ts rendering) with the safety trace or lasso of each cell that
 * fails one further, as files `kafka-spec guarantees` writes. The section records a fingerprint
 * of the sources its rows depend on, so a test can tell when it must be regenerated without
 * recomputing every row (the rf 3 rows take minutes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AVAILABILITY_ROWS, availabilityConfig, availabilityOf, crashesIn, documentedTolerance, durabilityConfig, durabilityOf, faultScope, faultsIn, rowId,
  widerConfig, widerLossOf, type AvailabilityCell, type AvailabilityRow, type DurabilityInvariant, type DurabilityLoss, type DurabilityResult,
} from '../../properties/availability.ts';
import { type KafkaModel, kafkaModelOf } from '../../properties/kafka-model.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { stillFailing } from './kept.ts';
import { fingerprint } from '../explore/fingerprint.ts';
import { availabilitySection, crashesSurvived, type AvailabilityLine, type DurabilityCellLine, type SectionScopes, type WiderLine } from '../report/availability.ts';
import { lassoTrace } from '../report/liveness.ts';
import { makeTrace } from '../trace/schema.ts';
import { projectRoot, tsFilesUnder } from './root.ts';

/**
 * The sources that decide the rows: the whole model (spec/ and its folders), the properties and
 * model it is built from, the engines (src/explore/: breadth-first, liveness, random with its
 * shrinking) and the section's code.
 */
const SOURCES = [
  'properties/availability.ts', 'properties/liveness.ts', 'properties/kafka-model.ts', 'properties/invariants.ts',
  'src/report/availability.ts', 'src/cli/availability.ts',
];

/** A fingerprint of the sources the rows depend on. */
export function sourcesFingerprint(root = projectRoot()): string {
  const files = [...tsFilesUnder(root, 'spec'), ...tsFilesUnder(root, 'src/explore'), ...SOURCES];
  return fingerprint(files.flatMap((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

/** What Kafka's design for ELR (KIP-966) states for lossy crashes: min.insync.replicas − 1, with unclean election off. */
function documentedCrashes(row: AvailabilityRow): number | null {
  return row.elr && !row.unclean ? row.minIsr - 1 : null;
}

/**
 * A loss the page already has for this cell: its trace file under docs/counterexamples/, replayed
 * in the row's durability graph with as many crashes as the trace has, kept when it still loses;
 * null when there is none, or it no longer replays or loses. `fewerOrShorter` decides whether it
 * or this search's loss is shown. (As for the matrix: seeded random runs meet other behaviours when
 * the model enumerates its steps in another order, or when they are guided otherwise.)
 */
function keptLoss(row: AvailabilityRow, name: DurabilityInvariant, file: string): DurabilityLoss | null {
  let model: KafkaModel | undefined;
  const trace = stillFailing(join(projectRoot(), 'docs', file), name, (steps: readonly ClusterAction[]) =>
    (model = kafkaModelOf(durabilityConfig(row, crashesIn(steps)))));
  if (trace === null || model === undefined) return null;
  return { crashes: crashesIn(trace), violation: { invariant: name, statement: model.invariants.find((i) => i.name === name)!.statement, trace, length: trace.length }, foundBy: 'kept', model };
}

/**
 * The loss a cell shows: the search's, unless the kept one needs fewer crashes, or as many in fewer
 * steps (guided random runs may find a loss with more crashes than an earlier generation's).
 */
export function fewerOrShorter(searched: DurabilityLoss | null, kept: DurabilityLoss | null): DurabilityLoss | null {
  if (searched === null || kept === null) return searched ?? kept;
  const better = kept.crashes < searched.crashes || (kept.crashes === searched.crashes && kept.violation.length < searched.violation.length);
  return better ? kept : searched;
}

/** One durability cell's line, and its trace file (name → text) when a loss was found. */
function durabilityCell(row: AvailabilityRow, d: DurabilityResult, name: DurabilityInvariant, traces: Record<string, string>): DurabilityCellLine {
  const { proven, bounded } = d.verdicts[name];
  const file = `counterexamples/availability-${rowId(row)}--${name}.json`;
  const loss = fewerOrShorter(d.verdicts[name].loss, keptLoss(row, name, file));
  if (loss === null) return { tried: row.rf, proven, bounded, loss: null };
  const v = loss.violation;
  const trace = makeTrace({
    model: loss.model.name, config: { ...loss.model.presentation?.configuration?.values }, steps: v.trace,
    violation: { invariant: name, statement: v.statement, step: v.length },
  });
  traces[file] = JSON.stringify(trace, null, 1) + '\n';
  const shortest = loss.foundBy === 'exhaustive' || v.certifiedMinimal === true;
  return { tried: row.rf, proven, bounded, loss: { crashes: loss.crashes, length: v.length, shortest, foundBy: loss.foundBy, link: file } };
}

/**
 * A loss the wider search found in an earlier generation of the page: its trace file replayed in
 * the row's wider configuration with `crashes` lossy crashes, kept while it still loses a write
 * and takes no more power losses than that; null otherwise.
 */
function keptWider(row: AvailabilityRow, crashes: number, file: string): ClusterAction[] | null {
  const steps = stillFailing(join(projectRoot(), 'docs', file), 'acks-all-durable', () => kafkaModelOf(widerConfig(row, crashes)));
  return steps === null || steps.filter((a) => a.step === 'BrokerLossyCrash').length > crashes ? null : steps;
}

/**
 * The acknowledged-writes cell with the wider search beside its number (as many lossy crashes,
 * and check's other default faults), and its trace file when it loses a write; unchanged when the
 * number is 0.
 */
function withWider(row: AvailabilityRow, c: DurabilityCellLine, traces: Record<string, string>): DurabilityCellLine {
  const crashes = crashesSurvived(c);
  if (crashes < 1) return c;
  const w = widerLossOf(row, crashes);
  const file = `counterexamples/availability-${rowId(row)}--acks-all-durable-with-check-faults.json`;
  const kept = keptWider(row, crashes, file);
  // As for the cells' own losses: the search's, unless the kept one is shorter.
  const useKept = kept !== null && (w.violation === null || kept.length < w.violation.length);
  if (w.violation === null && !useKept) return { ...c, wider: { crashes, runs: w.runs, loss: null } };
  const steps = useKept ? kept! : w.violation!.trace;
  traces[file] = JSON.stringify(makeTrace({
    model: w.model.name, config: { ...w.model.presentation?.configuration?.values }, steps,
    violation: { invariant: 'acks-all-durable', statement: w.model.invariants.find((i) => i.name === 'acks-all-durable')!.statement, step: steps.length },
  }), null, 1) + '\n';
  const shortest = !useKept && w.violation!.certifiedMinimal === true;
  const wider: WiderLine = { crashes, runs: w.runs, loss: { length: steps.length, shortest, faults: faultsIn(steps), link: file, ...(useKept ? { kept: true } : {}) } };
  return { ...c, wider };
}

/** The faults each search of the section allows, in words (the same for every row but rf). */
export function sectionScopes(row: AvailabilityRow = AVAILABILITY_ROWS[0]): SectionScopes {
  return { durability: faultScope(durabilityConfig(row, 1)), wider: faultScope(widerConfig(row, 1)), availability: faultScope(availabilityConfig(row)) };
}

/** One row's line of the table and its trace files (file name → text). */
export function availabilityLine(row: AvailabilityRow): { line: AvailabilityLine; traces: Record<string, string> } {
  const r = availabilityOf(row);
  const d = durabilityOf(row);
  const traces: Record<string, string> = {};
  const linked = (name: string, c: AvailabilityCell) => {
    if (c.lasso === null) return { tolerates: c.tolerates, link: null };
    const file = `counterexamples/availability-${rowId(row)}--${name}.json`;
    traces[file] = JSON.stringify(lassoTrace(r.model, c.lasso), null, 2) + '\n';
    return { tolerates: c.tolerates, link: file };
  };
  const searched = d.rounds.filter((x) => x.engine === 'exhaustive').reduce((sum, x) => sum + x.states, 0);
  return {
    line: {
      ...row, documented: documentedTolerance(row), documentedCrashes: documentedCrashes(row), durabilityStates: searched,
      states: r.states, complete: r.complete,
      acked: withWider(row, durabilityCell(row, d, 'acks-all-durable', traces), traces), committed: durabilityCell(row, d, 'no-committed-loss', traces),
      writes: linked('writes', r.cells['writes-eventually-accepted']), leader: linked('leader', r.cells['leader-eventually-elected']),
    },
    traces,
  };
}

/** The section of docs/guarantees.md and its trace files, for the rows given (every row by default). */
export function availabilityPages(rows: readonly AvailabilityRow[] = AVAILABILITY_ROWS, progress: (row: AvailabilityRow) => void = () => {}) {
  const done = rows.map((row) => {
    progress(row);
    return availabilityLine(row);
  });
  const traces = done.flatMap((d) => Object.entries(d.traces).map(([path, text]) => ({ path, text })));
  return { section: availabilitySection(done.map((d) => d.line), sourcesFingerprint(), sectionScopes()), traces };
}
