/**
 * The explorer's Web Worker: runs one check off the page's thread and posts its progress and
 * outcome. The page cancels a check by terminating the worker (the engines run to completion
 * synchronously, so there is nothing gentler to interrupt).
 */
import { type CheckRequest, progressLine, runExplorerCheck, type WorkerMessage } from '../check.ts';
import { oneLine } from '../../src/report/line.ts';

/** The part of a dedicated worker's global scope this worker uses. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<CheckRequest>) => void) | null;
  postMessage(message: WorkerMessage): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  try {
    const outcome = runExplorerCheck(event.data, (progress) => scope.postMessage({ type: 'progress', line: progressLine(progress).trim(), progress }));
    scope.postMessage({ type: 'done', outcome });
  } catch (e) {
    scope.postMessage({ type: 'error', message: oneLine(e instanceof Error ? e.message : String(e)) });
  }
};
