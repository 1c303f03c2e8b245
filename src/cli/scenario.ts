/**
 * `kafka-spec check --scenario FILE`: breadth-first search of the product of the model and a
 * scenario (src/explore/scenario.ts; the Kafka vocabulary in properties/scenarios.ts, described in
 * docs/scenarios.md). The scenario's configuration is the `--config` layer: `--protocol`, the named
 * flags and `--set` move it, so the same file runs under a bug and under its fix. The
 * counterexample is written with `--out` as an ordinary trace of the model, which replays without
 * the scenario. Every problem with the file is one line naming the file and the place.
 */
import '../explore/node.ts';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type KafkaModel, kafkaModel, MODEL_NAME } from '../../properties/kafka-model.ts';
import { compileScenario, readScenario, ScenarioError, type ScenarioFile } from '../../properties/scenarios.ts';
import { scenarioModelSource } from '../../api/search.ts';
import { exploreExhaustive, type Progress, scenarioProduct, selectInvariants, UnknownInvariantError } from '../explore/index.ts';
import { makeTrace, jsonSyntaxError } from '../trace/schema.ts';
import { oneLine } from '../report/line.ts';
import { progressLine } from '../report/check.ts';
import { type ScenarioReportInput, scenarioJson, scenarioText } from '../report/scenario.ts';
import type { ClusterConfig } from '../../spec/config.ts';
import { configFromFlags, UsageError } from './options.ts';
import { closest } from './suggest.ts';
import { breadthFirstFlags, type CheckFlags, type Output } from './check.ts';

/** A scenario read and checked: the file, and the configuration it runs under (the flags applied on top). */
/** Where the project keeps its scenario files, one per historical shape. */
export const SCENARIO_DIR = 'docs/scenarios';

/** The project's scenario files under `root`, in the order of their names: each path (relative to `root`) and its checked contents. */
export function projectScenarios(root: string): { readonly path: string; readonly file: ScenarioFile }[] {
  return readdirSync(join(root, SCENARIO_DIR)).filter((f) => f.endsWith('.json')).sort().map((f) => ({
    path: `${SCENARIO_DIR}/${f}`, file: readScenario(JSON.parse(readFileSync(join(root, SCENARIO_DIR, f), 'utf8'))),
  }));
}

export interface LoadedScenario {
  readonly path: string;
  readonly file: ScenarioFile;
  readonly config: ClusterConfig;
  readonly model: KafkaModel;
}

/** A ScenarioError as the command line's one line: the file, the place, the problem, and the closest name when one is near. */
function scenarioLine(path: string, e: ScenarioError): UsageError {
  const near = e.near === undefined ? undefined : closest(e.near.typed, e.near.candidates);
  return new UsageError(oneLine(`--scenario ${path}: ${e.message}${near === undefined ? '' : `: did you mean ${near}?`}`));
}

/** Reads and checks `path` whole (its keys, configuration, invariants and milestones) under `flags`; every problem is one UsageError line. */
export function loadScenario(path: string, flags: CheckFlags): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(oneLine(`--scenario: cannot read '${path}'`));
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(oneLine(`--scenario ${path}: not valid JSON: ${jsonSyntaxError(text, e)}`));
  }
  try {
    const file = readScenario(raw);
    // The file's own configuration first, so its errors name the file; then the flags on top of it.
    const inFile = (settings: Record<string, unknown>, where: string) => {
      try {
        return configFromFlags({}, settings, where);
      } catch (e) {
        if (e instanceof UsageError) throw new UsageError(oneLine(`--scenario ${path}: ${e.message}`));
        throw e;
      }
    };
    inFile({ ...file.config }, 'config');
    if (file.fixed !== undefined) inFile({ ...file.config, ...file.fixed }, 'fixed');
    const config = configFromFlags(flags, { ...file.config });
    const model = kafkaModel(config);
    try {
      selectInvariants(model, file.breaks);
    } catch (e) {
      if (e instanceof UnknownInvariantError) throw new ScenarioError('breaks', e.message);
      throw e;
    }
    compileScenario(file, model.rules.replicas.length);
    return { path, file, config, model };
  } catch (e) {
    if (e instanceof ScenarioError) throw scenarioLine(path, e);
    throw e;
  }
}

/**
 * Runs the scenario search; returns the exit code (1 when an invariant is broken after every
 * milestone, else 0). The time limit is --time-limit, or none when --depth bounds the search, or 60 s.
 */
export function runScenarioCheck(flags: CheckFlags, io: Output): number {
  const loaded = loadScenario(flags.scenario!, flags);
  const { file, config, model } = loaded;
  let checked: string[];
  try {
    checked = selectInvariants(model, flags.invariant ?? file.breaks).map((i) => i.name);
  } catch (e) {
    if (e instanceof UnknownInvariantError) throw new UsageError(oneLine(e.message));
    throw e;
  }
  const { maxDepth, timeLimitMs, maxStates, maxMemoryBytes, workers } = breadthFirstFlags(flags, config);
  const compiled = compileScenario(file, model.rules.replicas.length);
  const product = scenarioProduct(model, compiled);
  const onProgress = flags.json ? undefined : (p: Progress) => io.progress(progressLine(p));
  const result = exploreExhaustive(product, {
    maxDepth, timeLimitMs, invariants: checked, stopAtFirst: true, onProgress, maxStates, maxMemoryBytes,
    ...(workers > 1 ? { workers, source: scenarioModelSource(config, file) } : {}),
  });
  const v = result.violations[0];
  const trace = v === undefined ? undefined : makeTrace({
    model: MODEL_NAME, config: { ...config }, steps: v.trace, violation: { invariant: v.invariant, statement: v.statement, step: v.length },
    note: `found by scenario ${file.name} (${file.source})`,
  });
  if (trace !== undefined && flags.out !== undefined) {
    try {
      writeFileSync(flags.out, JSON.stringify(trace, null, 2) + '\n');
    } catch (e) {
      throw new UsageError(oneLine(`--out: cannot write '${flags.out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
    }
  }
  const report: ScenarioReportInput = {
    name: file.name, source: file.source, milestones: compiled.milestones.map((m) => m.label), passedAtStart: product.initial.passed,
    checked, result, out: trace === undefined ? undefined : flags.out,
  };
  io.out(flags.json ? JSON.stringify(scenarioJson(report, trace, flags.timings)) : scenarioText(model, report));
  return v === undefined ? 0 : 1;
}
