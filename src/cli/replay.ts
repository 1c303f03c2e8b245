/**
 * `kafka-spec replay`: re-execute a trace file, report where (and whether) it violates, and render
 * it as text, a Markdown step table, a Mermaid sequence diagram, an HTML viewer, an ITF trace or a
 * vitest regression test, printed or (--out) written to a file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import { ConfigError, configOfRecord } from '../../spec/config.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import { parseTrace, TraceError } from '../trace/schema.ts';
import { replay, ReplayError } from '../trace/replay.ts';
import { UnknownInvariantError } from '../explore/index.ts';
import { renderTraceMarkdown } from '../report/markdown.ts';
import { renderTraceMermaid } from '../report/mermaid.ts';
import { renderTraceItf } from '../report/itf.ts';
import { renderTraceVitest } from '../report/vitest.ts';
import { renderTraceHtml } from '../report/html.ts';
import { replayJson, replayText } from '../report/replay.ts';
import { oneLine } from '../report/line.ts';
import { UsageError } from './options.ts';
import { projectRoot } from './root.ts';
import type { Output } from './check.ts';

const FORMATS = ['text', 'markdown', 'mermaid', 'html', 'itf', 'vitest'] as const;
type Format = (typeof FORMATS)[number];

export interface ReplayFlags {
  json?: boolean;
  format?: string;
  out?: string;
}

/** The project root as an import path from where the generated test is written. */
function importRootFor(out: string | undefined): string {
  const root = projectRoot();
  const from = out === undefined ? resolve(root, 'test/regressions') : dirname(resolve(out));
  const rel = relative(from, root).split('\\').join('/');
  return rel === '' ? '.' : rel.startsWith('.') ? rel : `./${rel}`;
}

/** One line naming the file and what is wrong with it. */
const bad = (file: string, message: string) => new UsageError(oneLine(`${file}: ${message}`));

/**
 * Runs `kafka-spec replay` on a trace file; returns the exit code (1 when the replay violates an
 * invariant); throws UsageError, with one line, for a file that cannot be read or replayed.
 */
export function runReplay(file: string, flags: ReplayFlags, io: Output): number {
  const format = (flags.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(oneLine(`--format must be one of ${FORMATS.join(', ')}, got '${flags.format}'`));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(oneLine(`cannot read trace '${file}'`));
  }
  let trace;
  try {
    trace = parseTrace(text, file);
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(oneLine(e.message));
    throw e;
  }
  if (trace.model !== MODEL_NAME) throw bad(file, `a trace of model '${trace.model}', not '${MODEL_NAME}'`);
  let config;
  try {
    config = configOfRecord(trace.config);
  } catch (e) {
    if (e instanceof ConfigError) throw bad(file, `config: ${e.message}`);
    throw e;
  }
  const model = kafkaModel(config);
  let result;
  try {
    // A trace that records its violation is checked for that invariant; otherwise for all of them.
    result = replay(model, trace.steps, { invariants: trace.violation ? [trace.violation.invariant] : undefined });
  } catch (e) {
    if (e instanceof ReplayError || e instanceof UnknownInvariantError) throw bad(file, e.message);
    throw e;
  }
  const v = result.violation;
  const steps = trace.steps.slice(0, result.states.length - 1) as ClusterAction[];
  const rendered = format === 'text' ? (flags.json ? replayJson(trace, result) : replayText(model, trace, steps, result))
    : format === 'markdown' ? renderTraceMarkdown(model, steps, result.states, v)
    : format === 'mermaid' ? renderTraceMermaid(model, steps, result.states, v)
    : format === 'vitest' ? renderTraceVitest(trace, importRootFor(flags.out), basename(file))
    : format === 'html' ? renderTraceHtml(model, steps, result.states, `kafka-spec trace ${basename(file)}`, v)
    : renderTraceItf(model, steps, result.states, { config: trace.config, violation: v ?? null });
  if (flags.out === undefined) {
    io.out(format === 'text' ? rendered : rendered.trimEnd());
  } else {
    try {
      writeFileSync(flags.out, rendered.endsWith('\n') ? rendered : `${rendered}\n`);
    } catch (e) {
      throw new UsageError(oneLine(`--out: cannot write '${flags.out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
    }
    const what = format === 'text' && flags.json ? 'the JSON result' : `the ${format} rendering`;
    io.out(`Wrote ${what} of ${trace.steps.length} steps (${v ? `violates ${v.invariant} after step ${v.step}` : 'no invariant violated'}) to ${flags.out}.`);
  }
  return v ? 1 : 0;
}
