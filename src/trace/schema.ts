/**
 * The trace file: named steps (never indices) with the model and its configuration in the
 * header, so a trace explains itself and replays anywhere. Validated with zod; every error is one
 * line naming where the file is wrong.
 */
import { z } from 'zod';
import type { Action } from '../model.ts';

export const TRACE_FORMAT = 'kafka-spec-trace';
export const TRACE_VERSION = 1;

const param = z.union([z.string(), z.number(), z.boolean()]);
const action = z.object({ step: z.string().min(1) }).catchall(param);

export const traceSchema = z
  .object({
    format: z.literal(TRACE_FORMAT),
    version: z.literal(TRACE_VERSION),
    model: z.string().min(1),
    config: z.record(z.string(), z.unknown()),
    steps: z.array(action),
    violation: z
      .object({ invariant: z.string(), statement: z.string().optional(), step: z.number().int().min(0) })
      .optional(),
    note: z.string().optional(),
  })
  .strict();

export type Trace = z.infer<typeof traceSchema> & { steps: Action[] };

/** A trace file that cannot be read; the message is one line. */
export class TraceError extends Error {
  override name = 'TraceError';
}

export function parseTrace(text: string, source = 'trace'): Trace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TraceError(`${source}: not valid JSON`);
  }
  const parsed = traceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'file';
    throw new TraceError(`${source}: ${where}: ${issue.message}`);
  }
  return parsed.data as Trace;
}

export function makeTrace(fields: {
  model: string;
  config: Record<string, unknown>;
  steps: readonly Action[];
  violation?: { invariant: string; statement?: string; step: number };
  note?: string;
}): Trace {
  return { format: TRACE_FORMAT, version: TRACE_VERSION, ...fields, steps: [...fields.steps] };
}
