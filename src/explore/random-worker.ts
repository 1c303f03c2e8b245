/**
 * A worker thread of a random campaign on threads (node.ts): rebuilds the model, runs its shard,
 * posts its progress when asked to, and then the result with the distinct states it counted (its table handed over, not copied).
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { DistinctStates, exploreRandom, type RandomOptions } from './random.ts';
import { randomPasses } from './combined.ts';
import type { Action } from '../model.ts';
import type { ShardDone, ShardProgress } from './node.ts';
import type { Progress } from './result.ts';
import { loadModel, type ModelSource, postToCoordinator } from './threads.ts';

const { source, options, progress, index, port, shared, passes } = workerData as {
  source: ModelSource; options: RandomOptions; progress: boolean; index: number; port: MessagePort; shared: Int32Array;
  /** A portfolio's campaign: passes (combined.ts `randomPasses`), every invariant given its own when `everyInvariant`. */
  passes?: { readonly everyInvariant: boolean; readonly postedAt: number };
};

try {
  const model = await loadModel(source);
  const distinct = DistinctStates.of(options);
  const onProgress = progress ? (p: Progress) => postToCoordinator(port, shared, { index, progress: p } satisfies ShardProgress) : undefined;
  const startedAt = Date.now();
  // A portfolio's time limit counts from when the campaign was posted, so starting this thread is part of it.
  const timeLimitMs = passes === undefined || options.timeLimitMs === undefined ? options.timeLimitMs : Math.max(1, options.timeLimitMs - (startedAt - passes.postedAt));
  const result = passes === undefined ? exploreRandom(model, { ...options, distinct, onProgress })
    : randomPasses(model, { ...options, timeLimitMs, distinct, onProgress }, passes.everyInvariant);
  // A portfolio's campaign whose time was up before its first pass reports no result.
  const done: ShardDone<Action> = { index, result: result as ShardDone<Action>['result'], counted: distinct.counted, startedAt };
  postToCoordinator(port, shared, { kind: 'result', ...done }, [done.counted!.hi.buffer as ArrayBuffer, done.counted!.lo.buffer as ArrayBuffer]);
} catch (e) {
  postToCoordinator(port, shared, { kind: 'failed', message: String((e as Error).message ?? e).split('\n')[0] });
}
