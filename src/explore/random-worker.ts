/**
 * A worker thread of a random campaign on threads (node.ts): rebuilds the model, runs its shard,
 * posts its progress when asked to, and then the result with the distinct states it counted (its table handed over, not copied).
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { DistinctStates, exploreRandom, type RandomOptions } from './random.ts';
import type { Action } from '../model.ts';
import type { ShardDone, ShardProgress } from './node.ts';
import type { Progress } from './result.ts';
import { loadModel, type ModelSource, postToCoordinator } from './threads.ts';

const { source, options, progress, index, port, shared } = workerData as {
  source: ModelSource; options: RandomOptions; progress: boolean; index: number; port: MessagePort; shared: Int32Array;
};

try {
  const model = await loadModel(source);
  const distinct = DistinctStates.of(options);
  const onProgress = progress ? (p: Progress) => postToCoordinator(port, shared, { index, progress: p } satisfies ShardProgress) : undefined;
  const result = exploreRandom(model, { ...options, distinct, onProgress });
  const done: ShardDone<Action> = { index, result, counted: distinct.counted };
  postToCoordinator(port, shared, { kind: 'result', ...done }, [done.counted!.hi.buffer as ArrayBuffer, done.counted!.lo.buffer as ArrayBuffer]);
} catch (e) {
  postToCoordinator(port, shared, { kind: 'failed', message: String((e as Error).message ?? e).split('\n')[0] });
}
