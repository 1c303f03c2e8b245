/**
 * `check --liveness --from TRACE`: the trace whose steps the liveness graph starts after. Its
 * recorded configuration is the one checked, moved by `--protocol` (another version's switches,
 * settings and bounds kept) and `--set`, as `replay --protocol` does; the flags that would build
 * a configuration from scratch are refused, so a check from a prefix never mixes the two.
 */
import { readFileSync } from 'node:fs';
import { MODEL_NAME } from '../../properties/kafka-model.ts';
import { type ClusterConfig, ConfigError, configOfRecord } from '../../spec/config.ts';
import type { Action } from '../model.ts';
import { parseTrace, TraceError } from '../trace/schema.ts';
import { oneLine } from '../report/line.ts';
import { type ModelFlags, UsageError } from './options.ts';
import { retargetConfig } from './replay.ts';

/** The steps to start after, the configuration to check them under, and the file they came from. */
export interface Prefix {
  readonly file: string;
  readonly config: ClusterConfig;
  readonly steps: readonly Action[];
}

/** The model flags that `--from` refuses: the configuration is the trace's. */
const FROM_SCRATCH: readonly [keyof ModelFlags, string][] = [
  ['truncation', '--truncation'], ['config', '--config'], ['rf', '--rf'], ['acks', '--acks'], ['minIsr', '--min-isr'],
  ['unclean', '--unclean'], ['elr', '--elr/--no-elr'], ['lossyCrashes', '--lossy-crashes'], ['restartLeavesIsr', '--restart-leaves-isr'],
];

/** Reads `file` as the prefix of a liveness check; every problem is a one-line UsageError. */
export function readPrefix(file: string, flags: ModelFlags): Prefix {
  const clash = FROM_SCRATCH.find(([key]) => flags[key] !== undefined);
  if (clash !== undefined) {
    throw new UsageError(`--from checks the trace's own configuration: change it with --protocol and --set, not ${clash[1]}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(oneLine(`--from: cannot read trace '${file}'`));
  }
  try {
    const trace = parseTrace(text, file);
    if (trace.model !== MODEL_NAME) throw new UsageError(oneLine(`${file}: a trace of model '${trace.model}', not '${MODEL_NAME}'`));
    const config = retargetConfig(configOfRecord(trace.config), flags.protocol, flags.set ?? []);
    return { file, config, steps: trace.steps };
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(oneLine(e.message));
    if (e instanceof ConfigError) throw new UsageError(oneLine(`${file}: config: ${e.message}`));
    throw e;
  }
}
