/**
 * `kafka-spec explore [TRACE]`: serves the explorer (built into dist/explorer/web/ by `npm run
 * build`) on localhost and prints its address, or (`--out DIR`) writes its static files for any
 * web host. A trace file given is checked here, then opened in the page through the address's
 * fragment, the same way a shared link carries one.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { parseTrace, TraceError } from '../trace/schema.ts';
import { ConfigError, configOfRecord, encodeShare, MODEL_NAME } from '../../explorer/kafka.ts';
import { EXPLORER_FILES, explorerDir } from '../../explorer/files.ts';
import { oneLine } from '../report/line.ts';
import { UsageError } from './options.ts';
import type { Output } from './check.ts';

export interface ExploreFlags {
  port?: string;
  out?: string;
}

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8',
};

/** The built explorer's folder; a UsageError when `npm run build` has not made it. */
function builtExplorer(): string {
  const dir = explorerDir();
  if (!EXPLORER_FILES.every((f) => existsSync(join(dir, f)))) throw new UsageError('the explorer is not built; run npm run build');
  return dir;
}

/** The address fragment (`#s=…`) that opens a trace file's configuration and steps, after checking the file. */
function fragmentOf(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(oneLine(`cannot read trace '${file}'`));
  }
  try {
    const trace = parseTrace(text, file);
    if (trace.model !== MODEL_NAME) throw new UsageError(oneLine(`${file}: a trace of model '${trace.model}', not '${MODEL_NAME}'`));
    const config = configOfRecord(trace.config);
    return `#${encodeShare({ config, steps: trace.steps, invariants: trace.violation ? [trace.violation.invariant] : [] })}`;
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(oneLine(e.message));
    if (e instanceof ConfigError) throw new UsageError(oneLine(`${file}: config: ${e.message}`));
    throw e;
  }
}

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(oneLine(`--port expects a port number 0..65535, got '${text}'`));
  return Number(text);
}

/**
 * Serves the files of `dir` (only the explorer's own) on 127.0.0.1:`port` (0: any free port);
 * resolves once it listens, with its address and a way to stop it.
 */
export function serveExplorer(dir: string, port: number): Promise<{ url: string; server: Server }> {
  const files = new Map(EXPLORER_FILES.map((f) => [`/${f}`, f]));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const file = files.get(path === '/' ? '/index.html' : path);
    if (file === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = readFileSync(join(dir, file));
    res.writeHead(200, { 'content-type': TYPES[file.split('.').pop()!], 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolveListening, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new UsageError(oneLine(`--port ${port}: cannot listen (${e.code ?? e.message})`))));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolveListening({ url: `http://127.0.0.1:${actual}/`, server });
    });
  });
}

/** Copies the explorer's files into `out` (created if missing). */
function writeExplorer(dir: string, out: string): void {
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(oneLine(`--out: '${out}' is a file, not a folder`));
  try {
    mkdirSync(out, { recursive: true });
    for (const f of EXPLORER_FILES) copyFileSync(join(dir, f), join(out, f));
  } catch (e) {
    throw new UsageError(oneLine(`--out: cannot write to '${out}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
  }
}

/**
 * Runs `kafka-spec explore`; resolves to 0 once the explorer is written (`--out`) or listening
 * (the server then keeps the process alive until it is stopped); throws UsageError for bad input.
 */
export async function runExplore(trace: string | undefined, flags: ExploreFlags, io: Output): Promise<number> {
  const port = portOf(flags.port);
  const dir = builtExplorer();
  const fragment = trace === undefined ? '' : fragmentOf(trace);
  if (flags.out !== undefined) {
    if (flags.port !== undefined) throw new UsageError('--out writes files and --port serves them: give one of the two');
    writeExplorer(dir, flags.out);
    io.out(`Wrote the explorer (${EXPLORER_FILES.join(', ')}) to ${resolve(flags.out)}; serve that folder from any web server and open index.html${fragment}`);
    return 0;
  }
  const { url } = await serveExplorer(dir, port);
  io.out(`kafka-spec explorer: ${url}${fragment}`);
  io.out('(press Ctrl-C to stop)');
  return 0;
}
