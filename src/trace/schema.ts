/**
 * The trace file: named steps (never indices) with the model and its configuration in the
 * header, so a trace explains itself and replays anywhere. Validated with zod; every error is one
 * line naming where the file is wrong.
 */
import { z } from 'zod';
import type { Action } from '../model.ts';

export const TRACE_FORMAT = 'kafka-spec-trace';
export const TRACE_VERSION = 1;
/**
 * The most steps a trace may have. Counterexamples are tens of steps long; the bound keeps a
 * malformed or hostile file from making replay step for minutes.
 */
export const MAX_TRACE_STEPS = 10_000;

const param = z.union([z.string(), z.number(), z.boolean()]);
const action = z.object({ step: z.string().min(1) }).catchall(param);

export const traceSchema = z
  .object({
    format: z.literal(TRACE_FORMAT),
    version: z.literal(TRACE_VERSION),
    model: z.string().min(1),
    config: z.record(z.string(), z.unknown()),
    steps: z.array(action).max(MAX_TRACE_STEPS),
    violation: z
      .object({ invariant: z.string(), statement: z.string().optional(), step: z.number().int().min(0) })
      .optional(),
    /**
     * A lasso (a liveness violation): the steps from `cycleStart` on form a cycle that leads back
     * to the state after step `cycleStart`; an empty cycle means the behaviour stays there.
     */
    lasso: z.object({ cycleStart: z.number().int().min(0) }).strict().optional(),
    note: z.string().optional(),
  })
  .strict();

export type Trace = z.infer<typeof traceSchema> & { steps: Action[] };

/** A trace file that cannot be read; the message is one line. */
export class TraceError extends Error {
  override name = 'TraceError';
}

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** Control characters (a newline in a key, say) written as escapes, so a message stays on one line. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * What JSON.parse said about `text`, with its position as a line and column: "Expected
 * double-quoted property name at line 3, column 1".
 */
export function jsonSyntaxError(text: string, e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\(line \d+ column \d+\)$/, '');
  const at = / in JSON at position (\d+)$/.exec(message);
  if (at === null) return message;
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.slice(0, at.index)} at line ${line}, column ${column}`;
}

/** Reads a trace file's text; throws TraceError, with one line naming where the file is wrong. */
export function parseTrace(text: string, source = 'trace'): Trace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TraceError(oneLine(`${source}: not valid JSON: ${jsonSyntaxError(text, e)}`));
  }
  // Checked before the schema looks at every step, so an enormous file fails at once.
  const steps = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { steps?: unknown }).steps : undefined;
  if (Array.isArray(steps) && steps.length > MAX_TRACE_STEPS) {
    throw new TraceError(oneLine(`${source}: steps: ${steps.length.toLocaleString('en')} steps, more than the ${MAX_TRACE_STEPS.toLocaleString('en')} a trace may have`));
  }
  const parsed = traceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'file';
    throw new TraceError(oneLine(`${source}: ${where}: ${issue.message}`));
  }
  const lasso = parsed.data.lasso;
  if (lasso !== undefined && lasso.cycleStart > parsed.data.steps.length) {
    throw new TraceError(oneLine(`${source}: lasso.cycleStart: ${lasso.cycleStart} is past the trace's ${parsed.data.steps.length} steps`));
  }
  // A file cut short between two steps is still JSON; the violation it records says it was longer.
  const violation = parsed.data.violation;
  if (violation !== undefined && violation.step > parsed.data.steps.length) {
    throw new TraceError(oneLine(`${source}: violation.step: the violation is recorded after step ${violation.step}, but the trace has ${parsed.data.steps.length} steps (cut short?)`));
  }
  return parsed.data as Trace;
}

/** A trace of `steps` in the file format, ready for `JSON.stringify`. */
export function makeTrace(fields: {
  model: string;
  config: Record<string, unknown>;
  steps: readonly Action[];
  violation?: { invariant: string; statement?: string; step: number };
  lasso?: { cycleStart: number };
  note?: string;
}): Trace {
  return { format: TRACE_FORMAT, version: TRACE_VERSION, ...fields, steps: [...fields.steps] };
}
