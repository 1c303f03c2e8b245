/**
 * Builds the explorer's static files into dist/explorer/web/ (`npm run build` runs it after tsc):
 * the page and its styles as they are, and the page's script and its Web Worker bundled by
 * esbuild as classic scripts with the model, the engine and their libraries, so the page needs
 * nothing from the network. Run from the compiled JavaScript: `node dist/explorer/bundle.js`.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/cli/root.ts';
import { explorerDir } from './files.ts';

/** Bundles the explorer from the sources under `root` into `out` (default: dist/explorer/web/). */
export async function bundleExplorer(root = projectRoot(), out = explorerDir(root)): Promise<void> {
  const web = join(root, 'explorer', 'web');
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(web, 'app.ts'), join(web, 'worker.ts')],
    outdir: out,
    bundle: true,
    // Classic scripts, not modules: a page opened from disk (file://) may run a classic script,
    // while Chromium refuses module scripts there.
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) copyFileSync(join(web, file), join(out, file));
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) await bundleExplorer();
