/**
 * `kafka-spec merge FILE... [--states FILE...]`: the `check --json` outputs of the shards of one
 * campaign (or any checks of one configuration) as one result. Violations: the shortest of each
 * invariant, with its trace; goal and step coverage: added up; steps and runs: summed; depth: the
 * deepest. Distinct states: with the shards' `--states-out` files, the size of their union;
 * without, summed (a state two shards both met counts twice, so the sum bounds the distinct
 * states from above). Files of different configurations do not merge.
 *
 * The shards of one breadth-first search merge as that search (`mergeSplit`): all of them, the
 * depth the least any shard covered, and each counterexample said to be certified shortest or not.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { DistinctStates } from '../explore/index.ts';
import { shortestPerInvariant, sumGuidance } from '../explore/shard.ts';
import type { Output } from './check.ts';
import { UsageError } from './options.ts';
import { oneLine } from '../report/line.ts';
import { readStates } from './states-file.ts';

export interface MergeFlags {
  json?: boolean;
  /** The shards' `check --states-out` files, one per result. */
  states?: string[];
}

const counts = z.record(z.string(), z.number().int().nonnegative());

/** The parts of a `check --json` output that merge; the rest of each violation is carried along as it is. */
const CheckOutput = z.object({
  verdict: z.enum(['holds', 'no-violation-found', 'violated']),
  config: z.record(z.string(), z.unknown()).nullable(),
  violations: z.array(z.looseObject({ invariant: z.string(), length: z.number().int().nonnegative() })),
  stats: z.looseObject({
    engine: z.string(), steps: z.number(), states: z.number(), depth: z.number(), runs: z.number().optional(),
    complete: z.boolean(), stopReason: z.string(), statesCapped: z.boolean().optional(),
    guided: z.object({ sketches: z.number().int().nonnegative(), resumedRuns: z.number().int().nonnegative() }).optional(),
    split: z.object({
      index: z.number().int().positive(), count: z.number().int().positive(),
      at: z.object({ depth: z.number().int().nonnegative(), levelStates: z.number().int().positive(), from: z.number().int().nonnegative(), to: z.number().int().positive() }).nullable(),
    }).optional(),
  }),
  coverage: counts,
  stepCoverage: counts,
});
type CheckOutput = z.infer<typeof CheckOutput>;

function readOutput(file: string): CheckOutput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(oneLine(`merge: cannot read '${file}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(oneLine(`merge: '${file}' is not JSON`));
  }
  const parsed = CheckOutput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(oneLine(`merge: '${file}' is not a check --json output (${issue.path.join('.') || 'top level'}: ${issue.message})`));
  }
  return parsed.data;
}

function sumCounts(maps: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of maps) for (const [k, n] of Object.entries(m)) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** The distinct states of the results' states files, counted once, and whether counting stopped at its cap. */
type Union = { readonly states: number; readonly capped: boolean };

/**
 * The merged result of several `check --json` outputs of one configuration; `union`, when given,
 * is what their states files hold counted once, and replaces the sum of their states.
 */
export function mergeOutputs(outputs: readonly CheckOutput[], files: readonly string[], union?: Union): unknown {
  outputs.forEach((o, i) => {
    if (!isDeepStrictEqual(o.config, outputs[0].config)) throw new UsageError(oneLine(`merge: '${files[i]}' checks another configuration than '${files[0]}'`));
  });
  if (outputs.some((o) => o.stats.split !== undefined)) return mergeSplit(outputs, files, union);
  const violations = shortestPerInvariant(outputs.flatMap((o) => o.violations));
  const engines = [...new Set(outputs.map((o) => o.stats.engine))];
  const reasons = [...new Set(outputs.map((o) => o.stats.stopReason))];
  return merged(outputs, violations, {
    engine: engines.join(','), ...statesOf(outputs, union),
    depth: Math.max(...outputs.map((o) => o.stats.depth)), runs: total(outputs, (o) => o.stats.runs ?? 0),
    ...sumGuidance(outputs.map((o) => o.stats.guided)),
    complete: outputs.some((o) => o.stats.complete), stopReason: reasons.includes('violation') ? 'violation' : reasons.join(','),
  });
}

/** The sum of one figure over the results. */
function total(outputs: readonly CheckOutput[], f: (o: CheckOutput) => number): number {
  return outputs.reduce((n, o) => n + f(o), 0);
}

/**
 * Steps summed, and distinct states: the union's count when the states files were given, the
 * results' counts summed otherwise.
 */
function statesOf(outputs: readonly CheckOutput[], union: Union | undefined): object {
  return {
    steps: total(outputs, (o) => o.stats.steps), states: union?.states ?? total(outputs, (o) => o.stats.states), statesCounted: union === undefined ? 'summed' : 'union',
    ...((union?.capped ?? outputs.some((o) => o.stats.statesCapped === true)) ? { statesCapped: true } : {}),
  };
}

/** The merged output of `outputs`: these violations and stats, how many results were merged, and coverage added up. */
function merged(outputs: readonly CheckOutput[], violations: readonly object[], stats: object): unknown {
  return {
    // "holds" only for a merged search that explored every reachable state.
    verdict: violations.length > 0 ? 'violated' : (stats as { complete?: boolean }).complete === true ? 'holds' : 'no-violation-found',
    config: outputs[0].config,
    violations,
    stats: { ...stats, merged: outputs.length },
    coverage: sumCounts(outputs.map((o) => o.coverage)),
    stepCoverage: sumCounts(outputs.map((o) => o.stepCoverage)),
  };
}

/**
 * The shards of one breadth-first search (`check --engine exhaustive --shard k/n`) as one search:
 * every shard must be there, once, split at the same level (or stopped before it). Every behaviour is covered up to the
 * least depth a shard covered (all of them, when every shard exhausted its part), and the
 * shortest violation of an invariant over the shards is certified the shortest of all when no
 * shard stopped before the lengths below it.
 */
function mergeSplit(outputs: readonly CheckOutput[], files: readonly string[], union: Union | undefined): unknown {
  const splits = outputs.map((o, i) => {
    if (o.stats.split === undefined) throw new UsageError(oneLine(`merge: '${files[i]}' is not a shard of a breadth-first search and the others are: merge the shards of one search alone`));
    return o.stats.split;
  });
  const count = splits[0].count;
  // A shard that stopped before the split level searched the whole graph to its depth: it has no split, and the least depth covers it.
  const firstSplit = splits.findIndex((sp) => sp.at !== null);
  const at = firstSplit < 0 ? null : splits[firstSplit].at!;
  const where = (x: NonNullable<typeof at>) => `a split at depth ${x.depth} of ${x.levelStates} states`;
  const owner = new Map<number, string>();
  splits.forEach((sp, i) => {
    if (sp.count !== count) throw new UsageError(oneLine(`merge: '${files[i]}' is shard ${sp.index} of ${sp.count} but '${files[0]}' is of ${count}`));
    if (sp.at !== null && at !== null && where(sp.at) !== where(at)) {
      throw new UsageError(oneLine(`merge: '${files[i]}' has ${where(sp.at)} but '${files[firstSplit]}' has ${where(at)}: not shards of one search`));
    }
    const other = owner.get(sp.index);
    if (other !== undefined) throw new UsageError(oneLine(`merge: '${other}' and '${files[i]}' are both shard ${sp.index} of ${count}`));
    owner.set(sp.index, files[i]);
  });
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !owner.has(k));
  if (missing.length > 0) throw new UsageError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing: the behaviours through ${missing.length > 1 ? 'their blocks' : 'its block'} would not be covered`);
  const complete = outputs.every((o) => o.stats.stopReason === 'exhausted');
  // Every shard checked every behaviour up to the depth it reports (all of its part, when exhausted).
  const covered = complete ? Math.max(...outputs.map((o) => o.stats.depth)) : Math.min(...outputs.filter((o) => o.stats.stopReason !== 'exhausted').map((o) => o.stats.depth));
  const violations = shortestPerInvariant(outputs.flatMap((o) => o.violations)).map((v) => ({ ...v, certifiedMinimal: complete || v.length <= covered + 1 }));
  const reasons = [...new Set(outputs.map((o) => o.stats.stopReason))];
  return merged(outputs, violations, {
    engine: 'exhaustive', ...statesOf(outputs, union), depth: covered, split: { count, at: at === null ? null : { depth: at.depth, levelStates: at.levelStates } },
    complete, stopReason: complete ? 'exhausted' : reasons.includes('violation') ? 'violation' : reasons.filter((r) => r !== 'exhausted').join(','),
  });
}

/**
 * The distinct states of the states files counted once: file i must be result i's (as many
 * states as it reports), so that a file of another campaign is not counted in.
 */
function unionOf(states: readonly string[], outputs: readonly CheckOutput[], files: readonly string[]): Union {
  const union = new DistinctStates(Infinity);
  states.forEach((file, i) => {
    const counted = readStates(file);
    if (counted.hi.length !== outputs[i].stats.states) {
      throw new UsageError(oneLine(`merge: '${file}' holds ${counted.hi.length} states but '${files[i]}' reports ${outputs[i].stats.states}: give the states files in the order of the results`));
    }
    union.merge(counted);
  });
  return { states: union.size, capped: union.capped };
}

/** A few lines for people: the verdict, each invariant's shortest counterexample, what was explored, the goals never reached. */
function mergeText(result: ReturnType<typeof mergeOutputs>): string {
  const m = result as Omit<CheckOutput, 'violations'> & {
    violations: (CheckOutput['violations'][number] & { certifiedMinimal?: unknown })[];
    stats: { merged: number; runs: number; statesCounted: 'summed' | 'union'; split?: { count: number; at: { depth: number; levelStates: number } | null } };
  };
  const k = (n: number) => n.toLocaleString('en');
  const atLeast = m.stats.statesCapped === true ? 'at least ' : '';
  const states = m.stats.statesCounted === 'union' ? `${atLeast}${k(m.stats.states)} distinct states (each counted once, from the states files)` : `${k(m.stats.states)} states (summed over the results)`;
  const split = m.stats.split;
  const lines = split === undefined
    ? [`Merged ${m.stats.merged} results: ${k(m.stats.runs)} random runs, ${k(m.stats.steps)} steps, ${states}, longest ${m.stats.depth} steps.`]
    : [`Merged the ${split.count} shards of a breadth-first search${split.at === null ? ' (none split: each searched the whole graph)' : `, split at depth ${split.at.depth} (${k(split.at.levelStates)} states)`}: ` +
      `${k(m.stats.steps)} steps, ${states}, ${m.stats.complete ? 'every reachable state within the bounds' : `all behaviours up to depth ${m.stats.depth}`}.`];
  for (const v of m.violations) {
    const certified = split === undefined ? '' : v.certifiedMinimal === true ? ' (certified: every shard searched all shorter behaviours)' : ` (shorter ones not ruled out: a shard covered only depth ${m.stats.depth})`;
    lines.push(`VIOLATED ${v.invariant}: shortest counterexample ${v.length} steps${certified}`);
  }
  if (m.verdict === 'holds') lines.push('Holds: no invariant violated, every reachable state within the bounds explored.');
  if (m.verdict === 'no-violation-found') lines.push('No violation found, which is not a proof: the merged search was not complete.');
  const never = Object.entries(m.coverage).filter(([, n]) => n === 0).map(([g]) => g);
  lines.push(never.length === 0 ? 'Every reachability goal was reached.' : `Goals never reached: ${never.join(', ')}.`);
  return lines.join('\n');
}

/** Runs `kafka-spec merge`; exit 1 when any input found a violation, 0 otherwise; throws UsageError for bad input. */
export function runMerge(files: readonly string[], flags: MergeFlags, io: Output): number {
  if (files.length === 0) throw new UsageError('merge: give the check --json output files to merge');
  if (flags.states !== undefined && flags.states.length !== files.length) {
    throw new UsageError(`merge: give one states file per result (${flags.states.length} for ${files.length} results)`);
  }
  const outputs = files.map(readOutput);
  const result = mergeOutputs(outputs, files, flags.states === undefined ? undefined : unionOf(flags.states, outputs, files));
  io.out(flags.json ? JSON.stringify(result) : mergeText(result));
  return (result as { verdict: string }).verdict === 'violated' ? 1 : 0;
}
