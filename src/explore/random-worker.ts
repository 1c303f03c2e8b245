/** A worker thread of a random campaign on threads (random.ts): rebuilds the model, runs its shard, posts the result. */
import { type MessagePort, workerData } from 'node:worker_threads';
import { exploreRandom, type RandomOptions } from './random.ts';
import { loadModel, type ModelSource, postToCoordinator } from './threads.ts';

const { source, options, index, port, shared } = workerData as { source: ModelSource; options: RandomOptions; index: number; port: MessagePort; shared: Int32Array };

try {
  const model = await loadModel(source);
  postToCoordinator(port, shared, { kind: 'result', index, result: exploreRandom(model, options) });
} catch (e) {
  postToCoordinator(port, shared, { kind: 'failed', message: String((e as Error).message ?? e).split('\n')[0] });
}
