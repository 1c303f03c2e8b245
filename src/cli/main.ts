/**
 * The `kafka-spec` command line: the only place that prints or exits. Exit codes: 0 no
 * violation, 1 violation found (or reproduced), 2 bad input; every error is one line.
 * Only commander and the command definitions load up front: each command imports its module
 * (and with it the model, xstate and fast-check) when it runs, so `--help` starts fast.
 */
import { oneLine } from '../report/line.ts';
import { Command, CommanderError, Option } from 'commander';
import { sizeHeapForSearch } from './heap.ts';
import { SPLIT_STATES_PER_SHARD } from '../explore/shard.ts';
import type { CheckFlags, Output } from './check.ts';
import type { ReplayFlags } from './replay.ts';
import type { MutateFlags } from './mutate.ts';
import type { DiffFlags } from './diff.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The command definitions; each action loads its command's module and reports the exit code through `setExit`. */
export function buildProgram(io: Output, setExit: (code: number) => void): Command {
  const program = new Command('kafka-spec')
    .description("Model-check Apache Kafka's partition replication protocol")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: () => {} });
  program
    .command('check')
    .description('explore a configuration and report any invariant it violates')
    .option('--protocol <version>', 'protocol version, e.g. kafka-4.1 (see list)')
    .option('--truncation <generation>', 'hw | kip101 | kip279 | diverging-epoch (selects that era)')
    .option('--rf <n>', 'replication factor (1-5)')
    .addOption(new Option('--acks <acks>', 'producer acks: 0, 1 or all'))
    .option('--min-isr <n>', 'min.insync.replicas')
    .option('--unclean', 'enable unclean leader election')
    .option('--elr', 'enable eligible leader replicas')
    .option('--no-elr', 'disable eligible leader replicas')
    .option('--lossy-crashes <n>', 'crashes that lose the unflushed log suffix')
    .option('--restart-leaves-isr', 'a restarted broker stays in the ISR (ZooKeeper before KIP-380)')
    .option('--set <key=value>', 'any other model switch or bound (repeatable)', collect)
    .option('--config <file>', 'a JSON file of settings')
    .option('--engine <engine>', 'both (default: breadth-first for half the time, then random runs), exhaustive or random')
    .option('--runs <n>', 'random runs (random engine default 10000; with both, as many as the time allows)')
    .option('--max-steps <n>', 'random runs: steps per run (default 60)')
    .option('--seed <n>', 'random runs: seed')
    .option('--depth <n>', 'breadth-first search: depth bound')
    .option('--fewest <budget>', 'breadth-first search over the behaviours spending 0, then 1, 2, … of a budget (leaderChanges, crashes, faults, …): the counterexample spending the fewest, shortest among those')
    .option('--workers <n>', 'threads (this one and n - 1 worker threads): breadth-first search expands each level of 2,048 states or more on n threads, with the same result as one; random runs split into n shards, their distinct states counted once. Default: every core, except random runs given --seed (so a seed makes the same runs on any machine) or --max-states (which each shard applies on its own), which stay on this thread')
    .option('--reduce <kind>', 'breadth-first search on one thread: sleep skips steps that only reorder independent ones (same states, violations and goals, fewer steps taken); none (default) takes every step')
    .option('--no-guide', 'random runs: start every run at the initial state, instead of half of them where an earlier run met a state sketch no run had met (the default)')
    .option('--shard <k/n>', `run shard k of n, and combine the outputs with merge. Random engine: its share of --runs, from seed + k - 1. Exhaustive engine: every level up to the first of ${SPLIT_STATES_PER_SHARD.toLocaleString('en')} states per shard, then only the k-th block of that level and what it reaches (shards overlap; merge --states counts their union)`)
    .option('--states-out <file>', 'random or exhaustive engine: write the distinct states the search met (fingerprints) to this file, so merge --states counts a state two shards met once')
    .option('--time-limit <s>', 'seconds the whole command may take, shrinking and certifying included (default 60, or none when --depth and --runs bound every phase)')
    .option('--max-states <n>', 'stop once more than n distinct states were visited (each phase); the report covers what was explored')
    .option('--max-memory <mb>', 'stop once the process holds more than mb MB of memory (resident); the report covers what was explored')
    .option('--invariant <name>', 'check only this invariant (repeatable)', collect)
    .option('--first', 'stop at the first violation (breadth-first: a shortest one) instead of reporting each invariant\'s')
    .option('--liveness', 'check the liveness properties (V1-V6) under fairness instead of the invariants; --invariant NAME picks some; where the graph is not complete, --runs fair runs of --max-steps fair steps (default 200 of 400) add evidence')
    .option('--from <trace.json>', 'liveness: start the graph where this trace\'s steps lead, under its configuration (moved by --protocol and --set); a lasso found includes them')
    .option('--out <trace.json>', 'write the first counterexample as a trace file')
    .option('--timings', 'with --json: include what depends on the machine (elapsedMs, and threads where more than one searched)')
    .option('--json', 'machine-readable result')
    .action(async (flags: CheckFlags) => {
      const { runCheck } = await import('./check.ts');
      setExit(runCheck(flags, io));
    });
  program
    .command('replay <trace>')
    .description('re-execute a trace file step by step')
    .option('--format <format>', 'text (default), markdown, mermaid, html, itf or vitest')
    .option('--out <file>', 'write the rendered trace to a file')
    .option('--protocol <version>', 'replay under this protocol version (settings and bounds as recorded); exit 1 if an invariant still fails')
    .option('--set <key=value>', 'replay with this setting changed (repeatable)', collect)
    .option('--json', 'machine-readable result')
    .action(async (file: string, flags: ReplayFlags) => {
      const { runReplay } = await import('./replay.ts');
      setExit(runReplay(file, flags, io));
    });
  program
    .command('guarantees')
    .description('explore the guarantees matrix and write docs/guarantees.md with a page per counterexample, and its durability and availability section')
    .option('--out <dir>', 'output folder (default docs)')
    .option('--json', 'print the cells as JSON instead of writing files')
    .option('--part <part>', 'all (default), matrix (docs/guarantees.md, keeping its durability and availability section) or availability (that section alone)')
    .action(async (flags: { out?: string; json?: boolean; part?: string }) => {
      const { runGuarantees } = await import('./guarantees.ts');
      setExit(await runGuarantees(flags, io));
    });
  program
    .command('explore [trace]')
    .description('serve the explorer in the browser on localhost (run checks, step through traces, replay under another configuration)')
    .option('--port <n>', 'port to listen on (default: any free port)')
    .option('--out <dir>', 'write the explorer as static files to this folder instead of serving it')
    .action(async (trace: string | undefined, flags: { port?: string; out?: string }) => {
      const { runExplore } = await import('./explore.ts');
      setExit(await runExplore(trace, flags, io));
    });
  program
    .command('mutate')
    .description('mutation testing: flip each switch, break each rule, force each machine guard; report killed, equivalent, survived')
    .option('--protocol <version>', 'protocol version the mutants start from (default kafka-4.1)')
    .option('--rf <n>', 'replication factor (default 2 here)')
    .option('--set <key=value>', 'any other setting or bound (repeatable; consumer=false unless set)', collect)
    .option('--depth <n>', 'breadth-first depth each mutant is explored to (default 7)')
    .option('--runs <n>', 'random runs past that depth for each survivor (default 2000; 0: none)')
    .option('--only <id>', 'judge only this mutant (repeatable), e.g. switch:elr=false', collect)
    .option('--out <page.md>', 'write the page there and the killing traces under mutants/ beside it')
    .option('--json', 'machine-readable result')
    .action(async (flags: MutateFlags) => {
      const { runMutate } = await import('./mutate.ts');
      setExit(runMutate(flags, io));
    });
  program
    .command('diff')
    .description('the shortest counterexample of --protocol A that --against B no longer produces: what the change fixed')
    .option('--protocol <version>', 'protocol version A, whose counterexamples are searched (default kafka-4.1)')
    .option('--against <version>', 'protocol version B, under which they are replayed')
    .option('--rf <n>', 'replication factor (1-5)')
    .addOption(new Option('--acks <acks>', 'producer acks: 0, 1 or all'))
    .option('--min-isr <n>', 'min.insync.replicas')
    .option('--unclean', 'enable unclean leader election')
    .option('--lossy-crashes <n>', 'crashes that lose the unflushed log suffix')
    .option('--set <key=value>', 'any other setting or bound, for both versions (repeatable)', collect)
    .option('--depth <n>', 'breadth-first depth of A (default 8)')
    .option('--out <trace.json>', 'write the witness as a trace file (its config is A\'s)')
    .option('--json', 'machine-readable result')
    .action(async (flags: DiffFlags) => {
      const { runDiff } = await import('./diff.ts');
      setExit(runDiff(flags, io));
    });
  program
    .command('merge <files...>')
    .description('combine check --json outputs (e.g. the shards of a random campaign or of a breadth-first search) into one result')
    .option('--states <files...>', 'the shards\' check --states-out files, one per result in the same order: count the distinct states of their union instead of summing the results\' counts')
    .option('--json', 'machine-readable result')
    .action(async (files: string[], flags: { json?: boolean; states?: string[] }) => setExit((await import('./merge.ts')).runMerge(files, flags, io)));
  program
    .command('list')
    .description('invariants, goals, protocol versions, switches and defaults')
    .option('--json', 'machine-readable list')
    .action(async (flags: { json?: boolean }) => {
      const { listJson, listText } = await import('./list.ts');
      io.out(flags.json ? JSON.stringify(listJson(), null, 2) : listText());
      setExit(0);
    });
  return program;
}

/**
 * Runs the CLI on `argv` (without the node and script names) and resolves to the exit code;
 * rejects only on an internal error.
 */
export async function main(argv: string[], io: Output): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      io.progress(`kafka-spec: ${oneLine(e.message.replace(/^error: /, ''))}`);
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
