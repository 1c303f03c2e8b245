/**
 * `kafka-spec diff --protocol A --against B`: the executable witness of what a change fixed. Explores
 * A breadth-first to the depth bound, takes the shortest trace of each invariant A violates, and
 * replays each under B (same settings and bounds, B's switches; src/trace/retarget.ts). The
 * witness is the shortest of them that B does not reproduce: a step of it is no longer enabled,
 * or it runs to the end with every invariant holding. Exit 1 when there is a witness, 0 when
 * there is none at these bounds, 2 for bad input.
 */
import { writeFileSync } from 'node:fs';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { exploreExhaustive, type Violation } from '../explore/index.ts';
import { retarget, retargetLine, type RetargetOutcome } from '../trace/retarget.ts';
import { makeTrace } from '../trace/schema.ts';
import { oneLine } from '../report/line.ts';
import { configFromFlags, configNotes, type ModelFlags, UsageError } from './options.ts';
import type { Output } from './check.ts';

export interface DiffFlags extends ModelFlags {
  against?: string;
  depth?: string;
  out?: string;
  json?: boolean;
}

/** The breadth-first depth of A unless `--depth` says otherwise. */
export const DIFF_DEPTH = 8;

interface Compared {
  readonly violation: Violation<ClusterAction>;
  readonly underB: RetargetOutcome;
}

/** Runs `kafka-spec diff`; returns the exit code. */
export function runDiff(flags: DiffFlags, io: Output): number {
  if (flags.against === undefined) throw new UsageError('--against <version> is required: the protocol to replay A\'s counterexamples under');
  const a = configFromFlags(flags);
  const b = configFromFlags({ ...flags, protocol: flags.against });
  for (const line of configNotes(a)) io.progress(`kafka-spec: note: ${line}`);
  if (flags.depth !== undefined && !/^\d+$/.test(flags.depth)) throw new UsageError(oneLine(`--depth expects a whole number, got '${flags.depth}'`));
  const depth = flags.depth === undefined ? DIFF_DEPTH : Number(flags.depth);
  const explored = exploreExhaustive(kafkaModel(a), { maxDepth: depth });
  const modelB = kafkaModel(b);
  const compared: Compared[] = explored.violations
    .map((v) => ({ violation: v, underB: retarget(modelB, v.trace) }))
    .sort((x, y) => x.violation.length - y.violation.length);
  const witness = compared.find((c) => c.underB.outcome !== 'violated');
  if (witness !== undefined && flags.out !== undefined) {
    const v = witness.violation;
    const trace = makeTrace({
      model: MODEL_NAME, config: { ...a }, steps: v.trace, violation: { invariant: v.invariant, statement: v.statement, step: v.length },
      note: `under ${b.protocol}: ${retargetLine(witness.underB)}`,
    });
    try {
      writeFileSync(flags.out, JSON.stringify(trace, null, 2) + '\n');
    } catch (e) {
      throw new UsageError(oneLine(`--out: cannot write '${flags.out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
    }
  }
  const searched = `${explored.stats.states.toLocaleString('en')} states of ${a.protocol} to depth ${explored.stats.depth}${explored.complete ? ' (all of them)' : ''}`;
  if (flags.json) {
    const row = (c: Compared) => ({ invariant: c.violation.invariant, length: c.violation.length, underB: c.underB });
    io.out(JSON.stringify({
      protocol: a.protocol, against: b.protocol, depth, states: explored.stats.states,
      witness: witness === undefined ? null : row(witness), violations: compared.map(row),
    }));
  } else {
    const lines = [`${a.protocol} against ${b.protocol}: ${searched}.`];
    for (const c of compared) lines.push(`  ${c.violation.invariant} fails after ${c.violation.length} steps; under ${b.protocol}: ${retargetLine(c.underB)}`);
    lines.push(witness === undefined
      ? `No witness at these bounds: ${compared.length === 0 ? `${a.protocol} violates nothing` : `${b.protocol} reproduces every violation`}.`
      : `Witness: ${witness.violation.invariant} after ${witness.violation.length} steps, which ${b.protocol} ${witness.underB.outcome === 'blocked' ? 'cannot run' : 'runs without a violation'}` +
        `${flags.out === undefined ? '' : ` (trace written to ${flags.out})`}.`);
    io.out(lines.join('\n'));
  }
  return witness === undefined ? 0 : 1;
}
