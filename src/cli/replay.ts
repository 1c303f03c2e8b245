/**
 * `kafka-spec replay`: re-execute a trace file, report where (and whether) it violates, and render
 * it as text, a Markdown step table, a Mermaid sequence diagram or an ITF trace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import { ConfigError, validateConfig } from '../../spec/config.ts';
import { parseTrace, TraceError } from '../trace/schema.ts';
import { replay, ReplayError } from '../trace/replay.ts';
import { renderTraceText } from '../report/text.ts';
import { renderTraceMarkdown } from '../report/markdown.ts';
import { renderTraceMermaid } from '../report/mermaid.ts';
import { renderTraceItf } from '../report/itf.ts';
import { renderTraceVitest } from '../report/vitest.ts';
import { renderTraceHtml } from '../report/html.ts';
import { basename, dirname, relative, resolve } from 'node:path';

/** The project root as an import path from where the generated test is written. */
function importRootFor(out: string | undefined): string {
  const root = resolve(import.meta.dirname, '../..');
  const from = out === undefined ? resolve(root, 'test/regressions') : dirname(resolve(out));
  const rel = relative(from, root).split('\\').join('/');
  return rel === '' ? '.' : rel.startsWith('.') ? rel : `./${rel}`;
}
import type { ClusterAction } from '../../spec/actions.ts';
import { UsageError } from './options.ts';
import { UnknownInvariantError } from '../explore/index.ts';
import type { Output } from './check.ts';

const FORMATS = ['text', 'markdown', 'mermaid', 'html', 'itf', 'vitest'] as const;
type Format = (typeof FORMATS)[number];

export interface ReplayFlags {
  json?: boolean;
  format?: string;
  out?: string;
}

export function runReplay(file: string, flags: ReplayFlags, io: Output): number {
  const format = (flags.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${flags.format}'`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read trace '${file}'`);
  }
  let trace;
  try {
    trace = parseTrace(text, file);
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(e.message);
    throw e;
  }
  if (trace.model !== MODEL_NAME) throw new UsageError(`${file}: a trace of model '${trace.model}', not '${MODEL_NAME}'`);
  let config;
  try {
    config = validateConfig(trace.config);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`${file}: config: ${e.message}`);
    throw e;
  }
  const model = kafkaModel(config);
  let result;
  try {
    // A trace that records its violation is checked for that invariant; otherwise for all of them.
    result = replay(model, trace.steps, { invariants: trace.violation ? [trace.violation.invariant] : undefined });
  } catch (e) {
    if (e instanceof ReplayError) throw new UsageError(`${file}: ${e.message}`);
    if (e instanceof UnknownInvariantError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
  const v = result.violation;
  const steps = trace.steps.slice(0, result.states.length - 1) as ClusterAction[];
  if (format !== 'text') {
    const rendered = format === 'markdown' ? renderTraceMarkdown(model, steps, result.states, v)
      : format === 'mermaid' ? renderTraceMermaid(model, steps, result.states, v)
      : format === 'vitest' ? renderTraceVitest(trace, importRootFor(flags.out), basename(file))
      : format === 'html' ? renderTraceHtml(model, steps, result.states, `kafka-spec trace ${basename(file)}`, v)
      : renderTraceItf(model, steps, result.states, { config: trace.config, violation: v ?? null });
    if (flags.out !== undefined) writeFileSync(flags.out, rendered);
    else io.out(rendered.trimEnd());
  } else if (flags.json) {
    io.out(JSON.stringify({ verdict: v ? 'violated' : 'holds', steps: trace.steps.length, violation: v ?? null, recorded: trace.violation ?? null }));
  } else {
    io.out(renderTraceText(model, steps, result.states, v));
    if (v === undefined) io.out(`\nReplayed ${trace.steps.length} steps: no invariant violated.`);
    if (trace.violation && (v === undefined || v.invariant !== trace.violation.invariant || v.step !== trace.violation.step)) {
      io.out(`Note: the trace recorded ${trace.violation.invariant} after step ${trace.violation.step}, which this replay did not reproduce.`);
    }
  }
  return v ? 1 : 0;
}
