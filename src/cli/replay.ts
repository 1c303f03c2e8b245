/**
 * `kafka-spec replay`: re-execute a trace file, report where (and whether) it violates, and render
 * it as text, a Markdown step table, a Mermaid sequence diagram, an HTML viewer, an ITF trace or a
 * vitest regression test, printed or (--out) written to a file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import { type ClusterConfig, ConfigError, configOfRecord, makeConfig } from '../../spec/config.ts';
import { moveConfig } from '../../api/configure.ts';
import { VERSIONS } from '../../spec/versions.ts';
import { retarget, retargetLine } from '../trace/retarget.ts';
import type { ClusterAction } from '../../spec/actions.ts';
import type { ClusterState } from '../../spec/cluster.ts';
import { parseTrace, type Trace, TraceError } from '../trace/schema.ts';
import { replay, replayLasso, ReplayError, type LassoVerdict } from '../trace/replay.ts';
import type { KafkaModel } from '../../properties/kafka-model.ts';
import { milestonesAlong, UnknownInvariantError } from '../explore/index.ts';
import { compileScenario, ScenarioError } from '../../properties/scenarios.ts';
import { loadScenario } from './scenario.ts';
import { renderTraceMarkdown } from '../report/markdown.ts';
import { renderTraceMermaid } from '../report/mermaid.ts';
import { renderTraceItf } from '../report/itf.ts';
import { renderTraceVitest } from '../report/vitest.ts';
import { renderTraceHtml } from '../report/html.ts';
import { replayHeader, replayJson, replayText } from '../report/replay.ts';
import { renderTraceText } from '../report/text.ts';
import { lateDeliveries } from '../report/late.ts';
import { oneLine } from '../report/line.ts';
import { parseSetting, UsageError } from './options.ts';
import { projectRoot } from './root.ts';
import type { Output } from './check.ts';

const FORMATS = ['text', 'markdown', 'mermaid', 'html', 'itf', 'vitest'] as const;
type Format = (typeof FORMATS)[number];

export interface ReplayFlags {
  json?: boolean;
  format?: string;
  out?: string;
  /** Replay under this protocol version's switches instead of the recorded ones (settings and bounds kept). */
  protocol?: string;
  /** Replay with these settings changed (`key=value`, after --protocol). */
  set?: string[];
  /** Say where the trace passes each milestone of this scenario file (docs/scenarios.md). */
  scenario?: string;
  /** With --protocol or --set: the invariants judged (all when absent). */
  invariant?: string[];
}

/**
 * The recorded configuration moved to another protocol version (its switches replace the
 * recorded ones; settings, bounds and any mutation stay) and then changed by `key=value` settings.
 */
export function retargetConfig(recorded: ClusterConfig, protocol: string | undefined, sets: readonly string[]): ClusterConfig {
  if (protocol !== undefined && VERSIONS[protocol] === undefined) throw new UsageError(oneLine(`unknown protocol '${protocol}' (one of: ${Object.keys(VERSIONS).join(', ')})`));
  const changes = Object.fromEntries(sets.map(parseSetting));
  try {
    return moveConfig(recorded, protocol, changes);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(oneLine(`impossible configuration: ${e.message}`));
    throw e;
  }
}

/** What changed between two configurations, as `key=value` of the second. */
function changes(from: ClusterConfig, to: ClusterConfig): string[] {
  return (Object.keys(to) as (keyof ClusterConfig)[]).filter((k) => from[k] !== to[k]).map((k) => `${k}=${String(to[k])}`);
}

/**
 * `replay --protocol/--set`: the trace under another configuration. Exit 1 when an invariant
 * still fails there, 0 when a step is no longer enabled or every step replays cleanly.
 */
function runRetarget(file: string, trace: Trace, recorded: ClusterConfig, flags: ReplayFlags, io: Output): number {
  if (flags.format !== undefined && flags.format !== 'text') throw new UsageError('--format cannot be combined with --protocol or --set (the result is a verdict, printed as text or --json)');
  if (flags.out !== undefined) throw new UsageError('--out cannot be combined with --protocol or --set');
  const config = retargetConfig(recorded, flags.protocol, flags.set ?? []);
  // Every invariant is checked unless some are named, so a trace that runs clean breaks none, not only the one it recorded.
  let r;
  try {
    r = retarget(kafkaModel(config), trace.steps, flags.invariant);
  } catch (e) {
    if (e instanceof UnknownInvariantError) throw new UsageError(oneLine(e.message));
    throw e;
  }
  const changed = changes(recorded, config);
  if (flags.json) {
    io.out(JSON.stringify({ changed, ...r, recorded: trace.violation ?? null }));
  } else {
    const recordedText = trace.violation === undefined ? '' : ` (recorded: ${trace.violation.invariant} after step ${trace.violation.step})`;
    const what = r.outcome === 'violated' ? 'a violation still happens' : r.outcome === 'blocked' ? 'the trace no longer runs' : 'the violation no longer happens';
    const asked = [...(flags.protocol === undefined ? [] : [`protocol ${flags.protocol}`]), ...(flags.set ?? [])].join(', ');
    io.out(`${file} under ${asked} (${changed.length === 1 ? '1 key differs' : `${changed.length} keys differ`} from the recorded configuration): ${retargetLine(r, flags.invariant)}${recordedText}; ${what}.`);
  }
  return r.outcome === 'violated' ? 1 : 0;
}

/** The project root as an import path from where the generated test is written. */
function importRootFor(out: string | undefined): string {
  const root = projectRoot();
  const from = out === undefined ? resolve(root, 'test/regressions') : dirname(resolve(out));
  const rel = relative(from, root).split('\\').join('/');
  return rel === '' ? '.' : rel.startsWith('.') ? rel : `./${rel}`;
}

/** The text replay's header: the configuration, what differs from its release's defaults, and the recorded violation. */
function headerOf(file: string, config: ClusterConfig, trace: Trace): string {
  return replayHeader(file, { ...config }, { ...makeConfig({ protocol: config.protocol }) }, trace.violation);
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
  if (flags.scenario !== undefined && (format !== 'text' || flags.protocol !== undefined || (flags.set ?? []).length > 0 || trace.lasso !== undefined)) {
    throw new UsageError('--scenario goes with a plain replay of a trace that is not a lasso, as text or --json (not with --format, --protocol or --set)');
  }
  const retargeted = flags.protocol !== undefined || (flags.set ?? []).length > 0;
  if (flags.invariant !== undefined && !retargeted) throw new UsageError('--invariant goes with --protocol or --set (a plain replay judges the invariant the trace records)');
  if (retargeted) return runRetarget(file, trace, config, flags, io);
  const model = kafkaModel(config);
  if (trace.lasso !== undefined) return replayLassoFile(file, trace, model, format, flags, io);
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
  const passage = flags.scenario === undefined ? undefined : milestonesOf(flags.scenario, model, result.states, steps, v?.step);
  const rendered = format === 'text'
    ? (flags.json ? replayJson(trace, result, lateDeliveries(model, steps, result.states), passage === undefined ? {} : { scenario: passage.json })
      : headerOf(file, config, trace) + replayText(model, trace, steps, result) + (passage?.text ?? ''))
    : format === 'markdown' ? renderTraceMarkdown(model, steps, result.states, v)
    : format === 'mermaid' ? renderTraceMermaid(model, steps, result.states, v)
    : format === 'vitest' ? renderTraceVitest(trace, importRootFor(flags.out), basename(file))
    : format === 'html' ? renderTraceHtml(model, steps, result.states, `kafka-spec trace ${basename(file)}`, v)
    : renderTraceItf(model, steps, result.states, { config: trace.config, violation: v ?? null });
  const what = format === 'text' && flags.json ? 'the JSON result' : `the ${format} rendering`;
  emit(rendered, format, flags, io, `${what} of ${trace.steps.length} steps (${v ? `violates ${v.invariant} after step ${v.step}` : 'no invariant violated'})`);
  return v ? 1 : 0;
}

/** Prints a rendering, or writes it to --out and says what was written (`what`). */
/**
 * Where a replayed trace passes each milestone of the scenario in `path` (its milestones compiled
 * for the trace's brokers; its configuration and the steps its milestones allow are not asked), and
 * whether the violation, if any, comes after the last: whether the trace is that known shape.
 */
function milestonesOf(path: string, model: KafkaModel, states: readonly ClusterState[], steps: readonly ClusterAction[], violationStep: number | undefined) {
  const { file } = loadScenario(path, {});
  let scenario;
  try {
    scenario = compileScenario(file, model.rules.replicas.length);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(oneLine(`--scenario ${path}: for this trace's ${model.rules.replicas.length} brokers, ${e.message}`));
    throw e;
  }
  const at = milestonesAlong(scenario, states, steps);
  const all = scenario.milestones.length;
  const passedAll = at.length === all;
  const after = violationStep === undefined || !passedAll ? null : violationStep > (at[all - 1] ?? 0);
  const where = at.map((step, k) => `${k + 1} at step ${step}`).join(', ');
  const missing = passedAll ? '' : `; milestone ${at.length + 1} (${scenario.milestones[at.length].label}) not met`;
  const verdict = !passedAll ? 'the trace is not that shape'
    : violationStep === undefined ? 'no violation on the trace'
    : after ? `the violation (step ${violationStep}) comes after the last milestone: the trace is that shape`
    : `the violation (step ${violationStep}) comes before the last milestone`;
  const text = `\nScenario ${file.name} (${file.source}): ${at.length} of ${all} milestones passed in order${at.length === 0 ? '' : ` (${where})`}${missing}; ${verdict}.\n`;
  return { text, json: { name: file.name, source: file.source, milestones: all, passedAt: at, violationAfterLast: after } };
}

function emit(rendered: string, format: Format, flags: ReplayFlags, io: Output, what: string): void {
  if (flags.out === undefined) {
    io.out(format === 'text' ? rendered : rendered.trimEnd());
    return;
  }
  try {
    writeFileSync(flags.out, rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  } catch (e) {
    throw new UsageError(oneLine(`--out: cannot write '${flags.out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
  io.out(`Wrote ${what} to ${flags.out}.`);
}

/** What a lasso's replay says, in one line. */
function lassoLine(v: LassoVerdict, steps: number): string {
  if (v.violates) {
    return v.cycleStart === steps
      ? `Replayed ${steps} steps: ${v.property} is violated for ever (no fair step is enabled after step ${v.cycleStart}, and it does not hold there).`
      : `Replayed ${steps} steps: ${v.property} is violated for ever (steps ${v.cycleStart + 1}-${steps} lead back to the state after step ${v.cycleStart}, never settle it, contain no fault and take every fair step enabled throughout).`;
  }
  const why = [
    v.closes ? '' : `the last step does not lead back to the state after step ${v.cycleStart}`,
    v.settledAt === null ? '' : `${v.property} holds in the state after step ${v.settledAt}`,
    v.faultAt === null ? '' : `step ${v.faultAt} is a fault`,
    v.neglected.length === 0 ? '' : `fair steps enabled throughout and never taken: ${v.neglected.join(', ')}`,
  ].filter((w) => w !== '');
  return `Replayed ${steps} steps: not a lasso violating ${v.property}: ${why.join('; ')}.`;
}

/** Replays a lasso (a liveness violation) and renders it with its cycle; exit 1 when it still violates. */
function replayLassoFile(file: string, trace: Trace, model: KafkaModel, format: Format, flags: ReplayFlags, io: Output): number {
  if (trace.violation === undefined) throw bad(file, 'a lasso must name the liveness property it violates (violation.invariant)');
  let replayed;
  try {
    replayed = replayLasso(model, trace.steps, trace.lasso!.cycleStart, trace.violation.invariant);
  } catch (e) {
    if (e instanceof ReplayError || e instanceof UnknownInvariantError) throw bad(file, e.message);
    throw e;
  }
  const { states, lasso: v } = replayed;
  const steps = trace.steps as ClusterAction[];
  const violation = { invariant: v.property, statement: v.statement, step: steps.length };
  const lasso = { cycleStart: v.cycleStart };
  const rendered = format === 'text' ? (flags.json ? JSON.stringify({ verdict: v.violates ? 'violated' : 'no-violation-on-trace', steps: steps.length, lasso: v, lateDeliveries: lateDeliveries(model, steps, states) })
      : `${headerOf(file, model.config, trace)}${renderTraceText(model, steps, states, violation, lasso)}

${lassoLine(v, steps.length)}`)
    : format === 'markdown' ? renderTraceMarkdown(model, steps, states, violation, lasso)
    : format === 'mermaid' ? renderTraceMermaid(model, steps, states, violation, lasso)
    : format === 'vitest' ? renderTraceVitest(trace, importRootFor(flags.out), basename(file))
    : format === 'html' ? renderTraceHtml(model, steps, states, `kafka-spec trace ${basename(file)}`, violation, lasso)
    : renderTraceItf(model, steps, states, { config: trace.config, violation: v.violates ? violation : null }, lasso);
  emit(rendered, format, flags, io, `the ${format} rendering of the lasso of ${steps.length} steps (${lassoLine(v, steps.length)})`);
  return v.violates ? 1 : 0;
}
