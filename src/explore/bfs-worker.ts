/**
 * A worker thread of breadth-first search (node.ts): rebuilds the model from its source, then
 * for each level takes chunks of ids off the level's shared counter, expands them (chunks.ts) and
 * posts each chunk's successors to the coordinator.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { Action } from '../model.ts';
import { buffersOf, CheckedStates, ChunkExpander, chunkSpan, type Recording } from './chunks.ts';
import type { LevelTask } from './levels.ts';
import { loadModel, type ModelSource, postToCoordinator } from './threads.ts';

const { source, recording, port, shared } = workerData as { source: ModelSource; recording: Recording; port: MessagePort; shared: Int32Array };

/** Posts a failure, on one line. */
function failed(e: unknown): void {
  postToCoordinator(port, shared, { kind: 'failed', message: String((e as Error).message ?? e).split('\n')[0] });
}

try {
  const model = await loadModel<unknown, Action>(source);
  const expander = new ChunkExpander(model, recording, new CheckedStates().before);
  port.on('message', (task: LevelTask) => {
    try {
      const expand = expander.level({ depth: task.depth, invariants: task.invariants, links: { parentOf: (id) => task.parents[id], actionOf: (id) => task.actions[id] } });
      for (let c = Atomics.add(task.next, 0, 1); c < task.chunks; c = Atomics.add(task.next, 0, 1)) {
        const result = expand(c, ...chunkSpan(task, c));
        postToCoordinator(port, shared, result, buffersOf(result));
      }
    } catch (e) {
      failed(e);
    }
  });
  postToCoordinator(port, shared, { kind: 'ready' });
} catch (e) {
  failed(e);
}
