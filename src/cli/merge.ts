/**
 * `kafka-spec merge FILE...`: the `check --json` outputs of the shards of one campaign (or any
 * checks of one configuration) as one result. Violations: the shortest of each invariant, with
 * its trace; goal and step coverage: added up; steps, states and runs: summed (a state two shards
 * both met counts twice, so for random runs the sum bounds the distinct states from above);
 * depth: the deepest. Files of different configurations do not merge.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { shortestPerInvariant, sumGuidance } from '../explore/shard.ts';
import type { Output } from './check.ts';
import { UsageError } from './options.ts';
import { oneLine } from '../report/line.ts';

export interface MergeFlags {
  json?: boolean;
}

const counts = z.record(z.string(), z.number().int().nonnegative());

/** The parts of a `check --json` output that merge; the rest of each violation is carried along as it is. */
const CheckOutput = z.object({
  verdict: z.enum(['holds', 'violated']),
  config: z.record(z.string(), z.unknown()).nullable(),
  violations: z.array(z.looseObject({ invariant: z.string(), length: z.number().int().nonnegative() })),
  stats: z.looseObject({
    engine: z.string(), steps: z.number(), states: z.number(), depth: z.number(), runs: z.number().optional(),
    complete: z.boolean(), stopReason: z.string(), statesCapped: z.boolean().optional(),
    guided: z.object({ sketches: z.number().int().nonnegative(), resumedRuns: z.number().int().nonnegative() }).optional(),
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

/** The merged result of several `check --json` outputs of one configuration. */
export function mergeOutputs(outputs: readonly CheckOutput[], files: readonly string[]): unknown {
  outputs.forEach((o, i) => {
    if (!isDeepStrictEqual(o.config, outputs[0].config)) throw new UsageError(oneLine(`merge: '${files[i]}' checks another configuration than '${files[0]}'`));
  });
  const violations = shortestPerInvariant(outputs.flatMap((o) => o.violations));
  const sum = (f: (o: CheckOutput) => number) => outputs.reduce((n, o) => n + f(o), 0);
  const engines = [...new Set(outputs.map((o) => o.stats.engine))];
  const reasons = [...new Set(outputs.map((o) => o.stats.stopReason))];
  return {
    verdict: violations.length > 0 ? 'violated' : 'holds',
    config: outputs[0].config,
    violations,
    stats: {
      engine: engines.join(','), steps: sum((o) => o.stats.steps), states: sum((o) => o.stats.states),
      ...(outputs.some((o) => o.stats.statesCapped === true) ? { statesCapped: true } : {}),
      depth: Math.max(...outputs.map((o) => o.stats.depth)), runs: sum((o) => o.stats.runs ?? 0),
      ...sumGuidance(outputs.map((o) => o.stats.guided)),
      complete: outputs.some((o) => o.stats.complete), stopReason: reasons.includes('violation') ? 'violation' : reasons.join(','),
      merged: outputs.length,
    },
    coverage: sumCounts(outputs.map((o) => o.coverage)),
    stepCoverage: sumCounts(outputs.map((o) => o.stepCoverage)),
  };
}

/** A few lines for people: the verdict, each invariant's shortest counterexample, what was explored, the goals never reached. */
function mergeText(merged: ReturnType<typeof mergeOutputs>): string {
  const m = merged as CheckOutput & { stats: { merged: number; runs: number } };
  const k = (n: number) => n.toLocaleString('en');
  const lines = [`Merged ${m.stats.merged} results: ${k(m.stats.runs)} random runs, ${k(m.stats.steps)} steps, ${k(m.stats.states)} states (summed over the results), longest ${m.stats.depth} steps.`];
  for (const v of m.violations) lines.push(`VIOLATED ${v.invariant}: shortest counterexample ${v.length} steps`);
  if (m.verdict === 'holds') lines.push('No invariant violated.');
  const never = Object.entries(m.coverage).filter(([, n]) => n === 0).map(([g]) => g);
  lines.push(never.length === 0 ? 'Every reachability goal was reached.' : `Goals never reached: ${never.join(', ')}.`);
  return lines.join('\n');
}

/** Runs `kafka-spec merge`; exit 1 when any input found a violation, 0 otherwise; throws UsageError for bad input. */
export function runMerge(files: readonly string[], flags: MergeFlags, io: Output): number {
  if (files.length === 0) throw new UsageError('merge: give the check --json output files to merge');
  const merged = mergeOutputs(files.map(readOutput), files);
  io.out(flags.json ? JSON.stringify(merged) : mergeText(merged));
  return (merged as { verdict: string }).verdict === 'violated' ? 1 : 0;
}
