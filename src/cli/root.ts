/**
 * Where the project is: the nearest folder holding package.json above a module, so the same code
 * finds the root whether it runs from the TypeScript sources (src/cli/) or compiled (dist/src/cli/).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder at or above `from` (by default this module's folder) that holds a package.json. */
export function projectRoot(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}
