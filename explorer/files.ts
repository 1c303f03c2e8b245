/** Where the built explorer lives and what it is made of (read by the bundler and by `kafka-spec explore`). */
import { join } from 'node:path';
import { projectRoot } from '../src/cli/root.ts';

/** The files of the built explorer, relative to its folder. */
export const EXPLORER_FILES = ['index.html', 'style.css', 'app.js', 'worker.js'] as const;

/** Where `npm run build` puts the explorer (beside the compiled explorer/*.ts, as its sources sit beside them). */
export function explorerDir(root = projectRoot()): string {
  return join(root, 'dist', 'explorer', 'web');
}
