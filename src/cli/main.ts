/**
 * The `kafka-spec` command line: the only place that prints or exits. Exit codes: 0 no
 * violation, 1 violation found (or reproduced), 2 bad input; every error is one line.
 * Only commander and the command definitions load up front: each command imports its module
 * (and with it the model, xstate and fast-check) when it runs, so `--help` starts fast.
 */
import { oneLine } from '../report/line.ts';
import { Command, CommanderError } from 'commander';
import { sizeHeapForSearch } from './heap.ts';
import { addGroup, CONFIGURATION, HELP_ALL, helpOptions, OUTPUT, REAL, SCALE, SEARCH } from './flags.ts';
import type { CheckFlags, Output } from './check.ts';
import type { ReplayFlags } from './replay.ts';
import type { MutateFlags } from './mutate.ts';
import type { DiffFlags } from './diff.ts';

/** What `check --help` ends with: the default check, and a Kafka engineer's question (each line within 80 columns). */
export const CHECK_EXAMPLES = [
  ['the default: Kafka 4.1, rf 3, acks=all, min.insync.replicas=2, for a minute', 'kafka-spec check'],
  ['Kafka 4.1, rf 3, min.insync.replicas=2, acks=all:\ncan two power losses lose an acknowledged write?',
    'kafka-spec check --protocol kafka-4.1 --rf 3 --set min.insync.replicas=2 \\\n    --acks all --lossy-crashes 2 --invariant acks-all-durable'],
] as const;

/**
 * The command definitions, their options taken from the groups of flags.ts; each action loads
 * its command's module and reports the exit code through `setExit`. `all` shows the rare
 * options in help too (`--help-all`).
 */
export function buildProgram(io: Output, setExit: (code: number) => void, all = false): Command {
  const program = helpOptions(new Command('kafka-spec')
    .description("Model-check Apache Kafka's partition replication protocol")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => {} }), [CHECK_EXAMPLES[1]]);
  const command = (name: string, description: string) => program.command(name).description(description);

  const check = command('check', 'explore a configuration and report any invariant it violates');
  addGroup(check, CONFIGURATION, ['protocol', 'rf', 'acks', 'minIsr', 'unclean', 'elr', 'noElr', 'lossyCrashes', 'set', 'config', 'restartLeavesIsr', 'truncation'], all);
  addGroup(check, SEARCH, ['engine', 'depth', 'timeLimit', 'invariant', 'seed', 'first', 'certify', 'runs', 'maxSteps', 'fewest', 'from', 'fairRuns', 'fairSteps', 'liveness', 'scenario'], all);
  addGroup(check, OUTPUT, ['out', 'json', 'timings'], all);
  addGroup(check, SCALE, ['workers', 'maxStates', 'maxMemory', 'shard', 'statesOut', 'noGuide'], all);
  helpOptions(check, CHECK_EXAMPLES);
  check.action(async (flags: CheckFlags) => setExit((await import('./check.ts')).runCheck(flags, io)));

  const replay = command('replay', 're-execute a trace file step by step').argument('<trace>');
  addGroup(replay, OUTPUT, ['format', ['out', { help: 'write the rendering to this file' }], 'json'], all);
  addGroup(replay, CONFIGURATION, [
    ['protocol', { help: 'replay under this release (settings as recorded)' }],
    ['set', { help: 'replay with this setting changed (repeatable)' }],
  ], all);
  addGroup(replay, SEARCH, [
    ['scenario', { help: 'where it passes each milestone of a scenario' }],
    ['invariant', { help: 'judge only this, with --set or --protocol (repeatable)' }],
  ], all);
  helpOptions(replay);
  replay.action(async (file: string, flags: ReplayFlags) => setExit((await import('./replay.ts')).runReplay(file, flags, io)));

  const reproduce = command('reproduce', "replay a trace on a real local Kafka cluster (Java 17+, npm run kafka:fetch)").argument('<trace>');
  addGroup(reproduce, REAL, ['kafka', 'keep', 'portBase'], all);
  addGroup(reproduce, OUTPUT, ['json'], all);
  helpOptions(reproduce);
  reproduce.action(async (file: string, flags: { kafka?: string; keep?: string; portBase?: string; json?: boolean }) => setExit(await (await import('./reproduce.ts')).runReproduce(file, flags, io)));

  const guarantees = command('guarantees', 'explore the guarantees matrix and write docs/guarantees.md with its pages');
  addGroup(guarantees, OUTPUT, [['out', { help: 'output folder (default docs)' }], ['json', { help: 'print the cells as JSON instead of writing files' }], 'part'], all);
  helpOptions(guarantees);
  guarantees.action(async (flags: { out?: string; json?: boolean; part?: string }) => setExit(await (await import('./guarantees.ts')).runGuarantees(flags, io)));

  const explore = command('explore', 'serve the explorer in the browser on localhost').argument('[trace]');
  addGroup(explore, OUTPUT, ['port', ['out', { help: 'write the explorer as static files to this folder instead' }]], all);
  helpOptions(explore);
  explore.action(async (trace: string | undefined, flags: { port?: string; out?: string }) => setExit(await (await import('./explore.ts')).runExplore(trace, flags, io)));

  const mutate = command('mutate', 'mutation testing: flip each switch, break each rule, force each guard');
  addGroup(mutate, CONFIGURATION, [
    ['protocol', { help: 'the release the mutants start from (default kafka-4.1)' }],
    ['rf', { help: 'replication factor (default 2 here)' }],
    ['set', { help: 'a setting (repeatable; consumer=false unless set)' }],
  ], all);
  addGroup(mutate, SEARCH, [
    'only',
    ['depth', { help: 'breadth-first depth of each mutant (default 7)' }],
    ['runs', { help: 'deeper/wider runs (default 2000; 0: no later stage)', common: true }],
  ], all);
  addGroup(mutate, OUTPUT, [['out', { help: 'write the page, and its traces in mutants/ beside it' }], 'json'], all);
  helpOptions(mutate);
  mutate.action(async (flags: MutateFlags) => setExit((await import('./mutate.ts')).runMutate(flags, io)));

  const diff = command('diff', 'the shortest counterexample of --protocol A that --against B no longer produces');
  addGroup(diff, CONFIGURATION, [
    ['protocol', { help: 'release A, searched (default kafka-4.1)' }],
    'against', 'rf', 'acks', 'minIsr', 'unclean', 'elr', 'noElr', 'lossyCrashes',
    ['set', { help: 'any setting or bound, for both releases (repeatable)' }], 'config', 'restartLeavesIsr',
  ], all);
  addGroup(diff, SEARCH, [['depth', { help: 'breadth-first depth of A (default 8)' }]], all);
  addGroup(diff, OUTPUT, [['out', { help: 'write the witness as a trace file (its config is A\'s)' }], 'json'], all);
  helpOptions(diff);
  diff.action(async (flags: DiffFlags) => setExit((await import('./diff.ts')).runDiff(flags, io)));

  const merge = command('merge', 'combine check --json outputs (the shards of one search) into one result').argument('<files...>');
  addGroup(merge, SCALE, ['states'], all);
  addGroup(merge, OUTPUT, ['json'], all);
  helpOptions(merge);
  merge.action(async (files: string[], flags: { json?: boolean; states?: string[] }) => setExit((await import('./merge.ts')).runMerge(files, flags, io)));

  const list = command('list', 'invariants, goals, protocol versions, switches and defaults');
  addGroup(list, OUTPUT, [['json', { help: 'machine-readable list' }]], all);
  helpOptions(list);
  list.action(async (flags: { json?: boolean }) => {
    const { listJson, listText } = await import('./list.ts');
    io.out(flags.json ? JSON.stringify(listJson(), null, 2) : listText());
    setExit(0);
  });
  return program;
}

/**
 * Commander's message as one line: its "(Did you mean …?)" suggestion, which it puts on a line of
 * its own, joins the line it follows; any other control character is escaped.
 */
export function commanderLine(message: string): string {
  return oneLine(message.replace(/^error: /, '').replace(/\n\((Did you mean [^)\n]*)\)$/, (_, hint: string) => ` (${hint[0].toLowerCase()}${hint.slice(1)})`));
}

/**
 * Runs the CLI on `argv` (without the node and script names) and resolves to the exit code;
 * rejects only on an internal error.
 */
export async function main(argv: string[], io: Output): Promise<number> {
  let code = 0;
  // --help-all is --help with the rare options shown.
  const all = argv.includes(HELP_ALL);
  const program = buildProgram(io, (c) => (code = c), all);
  try {
    await program.parseAsync(all ? argv.map((a) => (a === HELP_ALL ? '--help' : a)) : argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      io.progress(`kafka-spec: ${commanderLine(e.message)}`);
      return 2;
    }
    // A UsageError comes from a command's options, so options.ts is already loaded by then.
    const { UsageError } = await import('./options.ts');
    if (e instanceof UsageError) {
      io.progress(`kafka-spec: ${oneLine(e.message)}`);
      return 2;
    }
    // A configuration that validates but names what the model lacks (a forced guard no machine has).
    const { ConfigError } = await import('../../spec/config.ts');
    if (e instanceof ConfigError) {
      io.progress(`kafka-spec: impossible configuration: ${oneLine(e.message)}`);
      return 2;
    }
    throw e;
  }
}

const isTty = process.stderr.isTTY === true;
const consoleIo: Output = {
  out: (text) => console.log(text),
  progress: (text) => {
    if (text.startsWith('kafka-spec:')) console.error(text);
    else if (isTty) process.stderr.write(`\r${text}\x1b[K`);
  },
};

/** The process entry point used by `bin/kafka-spec.mjs`: sets `process.exitCode`, never throws. */
export async function run(): Promise<void> {
  sizeHeapForSearch();
  let code: number;
  try {
    code = await main(process.argv.slice(2), consoleIo);
  } catch (e) {
    console.error(`kafka-spec: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}`);
    code = 3;
  }
  if (isTty) process.stderr.write('\r\x1b[K');
  process.exitCode = code;
}
