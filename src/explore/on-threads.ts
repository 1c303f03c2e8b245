/**
 * The engines run on one thread everywhere, a browser included, so they import nothing of Node.
 * Running them on worker threads is Node's business: src/explore/node.ts, once imported, hands
 * its thread-backed parts to this registry, and a search asked for more than one worker takes
 * them from here.
 */
import type { Action, Model } from '../model.ts';
import type { Recording } from './chunks.ts';
import type { Scheduler } from './levels.ts';
import type { RandomOptions } from './random.ts';
import type { ExploreResult } from './result.ts';

/**
 * How a worker rebuilds the model: `(await import(module))[exportName](...args)`, all plain data;
 * with `from`, the model whose initial state is where those steps lead (liveness-from.ts).
 */
export interface ModelSource {
  readonly module: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
  readonly from?: readonly Action[];
}

/** What breadth-first search on worker threads needs: the threads, how each rebuilds the model, and what it records. */
export interface ThreadedLevels {
  readonly workers: number;
  readonly source: ModelSource | undefined;
  readonly recording: Recording;
  /** The smallest level (in states) for which the worker threads start (see `ExhaustiveOptions.threadsFrom`). */
  readonly threadsFrom?: number;
}

/**
 * Random runs on worker threads of their own while the calling thread does something else (a
 * portfolio's breadth-first search): `threads` workers, each a shard of the campaign (one: the
 * campaign itself, so a seed gives the runs it gives on one thread), each making passes until one
 * finds nothing when `everyInvariant`. The options must be plain data: no progress callback.
 */
export interface RandomAsideOptions extends Omit<RandomOptions, 'onProgress' | 'distinct' | 'workers' | 'shard'> {
  readonly threads: number;
  readonly source: ModelSource;
  readonly everyInvariant: boolean;
}

/** A campaign running aside, and how to take its result. */
export interface RandomAside<A extends Action> {
  /**
   * The merged result once every worker is done, waiting at most `timeoutMs`; null when one did
   * not answer in time. `startedAt` is when the first shard started (a `Date.now()` value).
   */
  result(timeoutMs: number): { readonly result: ExploreResult<A> | null; readonly startedAt: number } | null;
  /** Ends the workers, done or not. */
  close(): void;
}

export interface ThreadEngines {
  /** A scheduler sharing each large level among `workers` threads. */
  scheduler(options: ThreadedLevels): Scheduler;
  random<S, A extends Action>(model: Model<S, A>, options: RandomOptions): ExploreResult<A>;
  randomAside<A extends Action>(options: RandomAsideOptions): RandomAside<A>;
}

let provided: ThreadEngines | undefined;

/** Called once by src/explore/node.ts. */
export function provideThreadEngines(engines: ThreadEngines): void {
  provided = engines;
}

/** The thread-backed engines; throws when nothing provided them (outside Node, or node.ts not imported). */
export function threadEngines(): ThreadEngines {
  if (provided === undefined) throw new Error('worker threads are not available here: import src/explore/node.ts to run searches on them');
  return provided;
}
