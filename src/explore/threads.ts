/**
 * Worker threads for the engines. A model holds functions, so it cannot be posted to a thread:
 * each worker rebuilds it from a `ModelSource` (a module URL, the name of a function it exports
 * and that function's arguments, all plain data), which keeps the engine protocol-agnostic.
 *
 * The coordinator stays synchronous, like the single-threaded engines, and does its own share of
 * the work: between pieces of it, it takes the messages off the workers' ports with
 * `receiveMessageOnPort`, and when it has nothing else to do it waits on a shared counter that
 * workers bump after each message (`Atomics.wait`).
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Action, Model } from '../model.ts';
import { startOf } from './liveness-from.ts';
import type { ModelSource } from './on-threads.ts';

export type { ModelSource };

export async function loadModel<S, A extends Action>(source: ModelSource): Promise<Model<S, A>> {
  const mod = (await import(source.module)) as Record<string, unknown>;
  const build = mod[source.exportName];
  if (typeof build !== 'function') throw new Error(`${source.module} exports no function '${source.exportName}'`);
  const model = build(...source.args) as Model<S, A>;
  return source.from === undefined ? model : { ...model, initial: startOf(model, source.from).state };
}

/** The message of the error `Pool.next` throws when no worker answered in time. */
export const NO_ANSWER = 'no worker answered in time';

/** What a worker reports when it fails: the message, on one line. */
export interface WorkerFailure {
  readonly kind: 'failed';
  readonly message: string;
}

/**
 * A worker's young generation, in MB. A search allocates fast and keeps little (every step builds
 * a new state, dropped soon after), so a small young generation collects as cheaply as V8's
 * default one, which grows to 16 MB semi-spaces, and holds far less: breadth-first search to
 * depth 7 of today's protocol on two threads peaked at about 170 MB resident instead of 211 MB,
 * in no more time (runs alternating with the default on a shared machine: 7.1-10.1 s against
 * 8.5-10.0 s). Sizes from 1 to 12 MB peaked alike; the smallest ones ran slowest.
 */
const WORKER_YOUNG_MB = 6;

/** A pool of workers running one script, each with a port the coordinator reads synchronously. */
export class Pool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  /** [0]: messages posted so far (workers add 1 after each and wake the coordinator). */
  readonly shared = new Int32Array(new SharedArrayBuffer(4));
  private readonly inbox: unknown[] = [];
  /** Workers that said they are ready (posted `{ kind: 'ready' }`, which is not passed on). */
  private started = 0;

  /**
   * Starts `count` workers of `script` (a .ts file is loaded through tsx, as when running from
   * sources), each given `data`, or `data(i)` for worker i.
   */
  constructor(script: URL, count: number, data: Record<string, unknown> | ((index: number) => Record<string, unknown>)) {
    const typescript = script.pathname.endsWith('.ts');
    const register = typescript ? "const { register } = await import('tsx/esm/api'); register();" : '';
    const bootstrap = `(async () => { ${register} await import(${JSON.stringify(script.href)}); })()`;
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(bootstrap, { eval: true, workerData: { ...(typeof data === 'function' ? data(i) : data), index: i, port: port2, shared: this.shared }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Posts `message` to every worker. */
  broadcast(message: unknown): void {
    for (const p of this.ports) p.postMessage(message);
  }

  /** The next message any worker posted, or undefined when none is waiting; throws when a worker reported a failure. */
  poll(): unknown {
    this.receive();
    return this.inbox.shift();
  }

  /** Moves what the workers posted into the inbox, counting the ready and throwing at a failure. */
  private receive(): void {
    for (const p of this.ports) {
      for (let m = receiveMessageOnPort(p); m !== undefined; m = receiveMessageOnPort(p)) {
        const kind = (m.message as { kind?: unknown }).kind;
        if (kind === 'failed') throw new Error(`a worker failed: ${(m.message as WorkerFailure).message}`);
        if (kind === 'ready') this.started++;
        else this.inbox.push(m.message);
      }
    }
  }

  /**
   * The next message any worker posted, waiting for one; throws when a worker reported a failure
   * or none posted anything within `timeoutMs` (a worker that died without a word is only noticed so).
   */
  next(timeoutMs: number): unknown {
    return this.waitFor(() => this.poll(), timeoutMs);
  }

  /** How many workers said they are ready so far (reads what they posted; throws when one failed). */
  joined(): number {
    this.receive();
    return this.started;
  }

  /** Polls `got` until it gives something, sleeping on the shared counter in between. */
  private waitFor<T>(got: () => T | undefined, timeoutMs: number): T {
    const started = Date.now();
    for (;;) {
      const posted = Atomics.load(this.shared, 0);
      const value = got();
      if (value !== undefined) return value;
      if (Date.now() - started > timeoutMs) throw new Error(NO_ANSWER);
      Atomics.wait(this.shared, 0, posted, 1000);
    }
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
    for (const p of this.ports) p.close();
  }
}

/** Worker side: post `message` to the coordinator and wake it. */
export function postToCoordinator(port: MessagePort, shared: Int32Array, message: unknown, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
  Atomics.add(shared, 0, 1);
  Atomics.notify(shared, 0);
}
