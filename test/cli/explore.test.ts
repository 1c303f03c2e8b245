/**
 * `kafka-spec explore`: bad input is one line and exit code 2, `--out` writes the built explorer
 * (and an address that opens a trace file), and the server serves the explorer's files and
 * nothing else. Needs `npm run build` (which `npm test` runs first) for dist/explorer/web/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';
import { serveExplorer } from '../../src/cli/explore.ts';
import { EXPLORER_FILES, explorerDir } from '../../explorer/files.ts';
import { decodeShare } from '../../explorer/kafka.ts';
import { parseTrace } from '../../src/trace/schema.ts';

const TRACE = 'docs/traces/truncate-to-hw-loss.json';
const scratch = mkdtempSync(join(tmpdir(), 'explore-cli-'));

describe('kafka-spec explore: bad input', () => {
  it.each([
    [['explore', 'no-such-trace.json'], "kafka-spec: cannot read trace 'no-such-trace.json'"],
    [['explore', '--port', 'http'], "kafka-spec: --port expects a port number 0..65535, got 'http'"],
    [['explore', '--port', '70000'], "kafka-spec: --port expects a port number 0..65535, got '70000'"],
    [['explore', '--out', scratch, '--port', '8080'], 'kafka-spec: --out writes files and --port serves them: give one of the two'],
  ])('%j', async (argv, message) => {
    const r = await runCli(...argv);
    expect(r).toEqual({ code: 2, out: '', err: message });
  });

  it('names what is wrong with a trace file, on one line', async () => {
    const bad = join(scratch, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync(TRACE, 'utf8')), config: { rf: 9 } }));
    const r = await runCli('explore', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kafka-spec: .*bad\.json: config: rf: .*$/);
  });
});

describe('kafka-spec explore --out', () => {
  it('writes the explorer, and an address that opens the trace with its configuration', async () => {
    const out = join(scratch, 'site');
    const r = await runCli('explore', TRACE, '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...EXPLORER_FILES].sort());
    const fragment = /index\.html(#s=\S+)$/.exec(r.out)?.[1];
    expect(fragment).toBeDefined();
    const trace = parseTrace(readFileSync(TRACE, 'utf8'));
    const shared = decodeShare(fragment!);
    expect(shared.steps).toEqual(trace.steps);
    expect(shared.config.protocol).toBe(trace.config.protocol);
    expect(shared.invariants).toEqual([trace.violation!.invariant]);
  });
});

describe('the explorer server', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => ({ url, server } = await serveExplorer(explorerDir(), 0)));
  afterAll(() => server?.close());

  it('serves the page, its styles, script and worker, on localhost', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="run"');
    for (const [file, type] of [['app.js', 'text/javascript'], ['worker.js', 'text/javascript'], ['style.css', 'text/css']]) {
      const r = await fetch(url + file);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
    }
  });

  it('serves nothing else', async () => {
    for (const path of ['package.json', '../package.json', '%2e%2e/package.json', 'explorer/web/app.ts']) {
      expect((await fetch(url + path)).status).toBe(404);
    }
  });
});
