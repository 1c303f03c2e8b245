/**
 * The explorer's engine in the browser against Node's, on the same check: the explorer is bundled
 * from the sources, served as `kafka-spec explore` serves it, and headless Chromium runs the check
 * in the page's Web Worker while this process runs the very same function (`runExplorerCheck`)
 * in Node. Rounds alternate between the two so a shared machine's load falls on both alike; the
 * ratio is taken per round, then the median. `npx tsx bench/run.ts browser`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { makeConfig } from '../spec/config.ts';
import { bundleExplorer } from '../explorer/bundle.ts';
import { type CheckOutcome, type CheckRequest, runExplorerCheck } from '../explorer/check.ts';
import { serveExplorer } from '../src/cli/explore.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Breadth-first to depth `depth` on today's protocol with one lossy crash (the full benchmark's configuration), in both places. */
export async function browserBench(depth = 6, rounds = 3) {
  const request: CheckRequest = { config: makeConfig({ maxCrashes: 1, lossyCrashes: 1 }), engine: 'exhaustive', depth, invariants: [], first: false };
  const dir = mkdtempSync(join(tmpdir(), 'explorer-bench-'));
  await bundleExplorer(undefined, dir);
  const { url, server } = await serveExplorer(dir, 0);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    // Runs in the page (so written as text: this file is type-checked without the DOM's types).
    const inBrowser = () => page.evaluate(`new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./worker.js', location.href), { type: 'module' });
      worker.onmessage = (e) => {
        if (e.data.type === 'progress') return;
        worker.terminate();
        if (e.data.type === 'done') resolve(e.data.outcome.stats);
        else reject(new Error(e.data.message));
      };
      worker.postMessage(${JSON.stringify(request)});
    })`) as Promise<CheckOutcome['stats']>;
    const rows: { nodeMs: number; browserMs: number; states: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      const node = runExplorerCheck(request).stats;
      const web = await inBrowser();
      if (web.states !== node.states) throw new Error(`the browser explored ${web.states} states, Node ${node.states}`);
      rows.push({ nodeMs: node.elapsedMs, browserMs: web.elapsedMs, states: node.states });
    }
    return {
      check: `exhaustive to depth ${depth}, today's protocol with one lossy crash`,
      states: rows[0].states,
      nodeMedianMs: median(rows.map((r) => r.nodeMs)),
      browserMedianMs: median(rows.map((r) => r.browserMs)),
      medianRatio: Number(median(rows.map((r) => r.browserMs / r.nodeMs)).toFixed(2)),
      rounds: rows,
    };
  } finally {
    await browser.close();
    server.close();
  }
}
