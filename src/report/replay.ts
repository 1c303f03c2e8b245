/**
 * The result of `kafka-spec replay` in its default format: the trace step by step with the state
 * after each step, then whether the replay violated an invariant and whether that is the violation
 * the trace recorded; or the same verdict as JSON.
 */
import type { Action, Model } from '../model.ts';
import type { ReplayResult } from '../trace/replay.ts';
import type { Trace } from '../trace/schema.ts';
import { renderTraceText } from './text.ts';
import type { LateDeliveries } from './late.ts';

/**
 * What a replay starts with: the file, the configuration as a Kafka engineer reads it (release,
 * replication factor, acks, min.insync.replicas), every key that differs from the release's
 * defaults (`defaults`), and the violation the file records.
 */
export function replayHeader(file: string, config: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>, recorded?: Trace['violation']): string {
  const shown = new Set(['protocol', 'rf', 'acks', 'minIsr']);
  const differ = Object.keys(config).filter((k) => !shown.has(k) && config[k] !== defaults[k]).map((k) => `${k}=${String(config[k])}`);
  return [
    `Replaying ${file}`,
    `  Configuration: ${String(config.protocol)}, replication.factor=${String(config.rf)}, acks=${String(config.acks)}, min.insync.replicas=${String(config.minIsr)}`,
    `  Differs from ${String(config.protocol)}'s defaults: ${differ.length === 0 ? 'nothing' : differ.join(', ')}`,
    `  Recorded: ${recorded === undefined ? 'no violation' : `${recorded.invariant} violated after step ${recorded.step}`}`,
    '',
  ].join('\n');
}

/** The replayed trace as text: each step and its state, the violation if any, and a note when it differs from the recorded one. */
export function replayText<S, A extends Action>(model: Model<S, A>, trace: Trace, steps: readonly A[], result: ReplayResult<S>): string {
  const v = result.violation;
  const lines = [renderTraceText(model, steps, result.states, v)];
  if (v === undefined) lines.push(`\nReplayed ${trace.steps.length} step${trace.steps.length === 1 ? '' : 's'}: no violation on this trace (it says nothing about other behaviours).`);
  if (trace.violation && (v === undefined || v.invariant !== trace.violation.invariant || v.step !== trace.violation.step)) {
    lines.push(`Note: the trace recorded ${trace.violation.invariant} after step ${trace.violation.step}, which this replay did not reproduce.`);
  }
  return lines.join('\n');
}

/**
 * The verdict of a replay as one JSON object: verdict (`violated`, or `no-violation-on-trace`: a
 * replay judges one behaviour, so it never says "holds"), steps, the violation found and the one
 * recorded, the late deliveries the trace needs (null when the model does not classify them), and
 * `extra` (e.g. where a scenario's milestones pass).
 */
export function replayJson<S>(trace: Trace, result: ReplayResult<S>, late: LateDeliveries | null, extra: Record<string, unknown> = {}): string {
  const v = result.violation;
  return JSON.stringify({ verdict: v ? 'violated' : 'no-violation-on-trace', steps: trace.steps.length, violation: v ?? null, recorded: trace.violation ?? null, lateDeliveries: late, ...extra });
}
