/**
 * Where the project is: the nearest folder holding package.json above a module, so the same code
 * finds the root whether it runs from the TypeScript sources (src/cli/) or compiled (dist/src/cli/).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder at or above `from` (by default this module's folder) that holds a package.json. */
export function projectRoot(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}

/**
 * The TypeScript files under `dir` (relative to `root`), in its subfolders too, as sorted paths
 * relative to `root`: what a generated page's sources fingerprint covers, so a new folder of the
 * model is never left out of it.
 */
export function tsFilesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f.split('\\').join('/')}`)
    .sort();
}
