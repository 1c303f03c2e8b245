/**
 * A TCP proxy that reads Kafka's framing and holds, delivers or drops whole frames.
 *
 * It sits on one of a broker's connections (a follower's fetches to the leader, a broker's
 * heartbeats and AlterPartition requests to the controller, a client's metadata fetches): one
 * listening port, one target, and for every accepted connection one upstream connection to the
 * target. Requests flow client to target, responses target to client. Each frame is named from its
 * header (see framing.ts); a response is paired with its request by correlation id on its
 * connection, so it carries the request's api key, version and client id too.
 *
 * Each frame gets a verdict as it arrives, from the `decide` function:
 *  - deliver: forwarded as soon as every frame before it in its direction has gone;
 *  - hold: kept until `release` or `drop`. A held frame stops its connection's flow in that
 *    direction, as a delayed TCP segment would: the frames behind it wait (and are decided on
 *    arrival, so they may be held too). The other direction keeps flowing.
 *  - drop: discarded when its turn comes, and the connection is closed there, on both sides.
 *    Kafka's framing has no way to lose one frame: a client pairs responses with requests in
 *    order (NetworkClient.correlate fails on a gap), and TCP delivers everything or breaks. So a
 *    dropped frame is a broken connection, which is what Kafka's peers are built to survive:
 *    they reconnect and resend. `drop(id)` of a held frame closes the connection at once.
 *    The bytes forwarded before the drop still reach their peer, then the FIN;
 *    `closeConnections` instead cuts at once, losing what was in flight, as a crash would.
 *
 * Frames still queued when a connection closes (held ones included) are logged as dropped. A
 * Kafka client closes a connection whose request outlives its request timeout, and reconnects:
 * a frame held longer than that is lost with its connection (seen on Kafka 4.1.0 and 4.4.0: a
 * broker's held heartbeat went after about a second, the next heartbeat on a new connection).
 * Set the cluster's timeouts with the holds a run needs in mind.
 *
 * Who is who on a broker's connections (Kafka 4.1.0 and 4.4.0, as seen through this proxy): a
 * follower's fetches come with client id `broker-N-fetcher-0` (N the follower); a broker's
 * registration, heartbeats and AlterPartition requests to the controller with client id `N`, the
 * broker's node id (heartbeats and AlterPartition on separate connections); the controllers'
 * metadata log fetches with `raft-client-N`; Kafka's Java clients as `producer-n`,
 * `consumer-GROUP-n`, `adminclient-n` unless configured otherwise.
 *
 * Backpressure: a source socket is paused while its destination's write buffer is full, or while
 * more than a megabyte waits behind a held frame; nothing is buffered beyond that and the held
 * frames themselves. The log keeps the last 10,000 frames.
 */

import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { FrameSplitter, FramingError, apiName, parseRequestHeader, parseResponseCorrelationId } from './framing.ts';
import { FETCH_VERSIONS, type FetchBody, parseFetchRequest, parseFetchResponse } from './fetch-body.ts';
import { ALTER_PARTITION_VERSIONS, type AlterPartitionBody, parseAlterPartitionRequest, parseAlterPartitionResponse } from './alter-partition-body.ts';
import { BROKER_HEARTBEAT_VERSIONS, type BrokerHeartbeatBody, parseBrokerHeartbeatRequest, parseBrokerHeartbeatResponse } from './broker-heartbeat-body.ts';
import { BodyError } from './body-reader.ts';

/** One frame as the proxy saw it. */
export interface FrameInfo {
  /** Unique per proxy, increasing in order of arrival. */
  readonly id: number;
  /** Id of the client connection it travels on. */
  readonly connection: number;
  readonly direction: 'request' | 'response';
  readonly apiKey: number;
  readonly apiName: string;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** The request's client id (copied onto its response). */
  readonly clientId: string | null;
  /** Bytes after the size prefix. */
  readonly size: number;
  /** Milliseconds since the proxy started. */
  readonly at: number;
  /** On a response: the id of the request frame it answers, if that request was seen. */
  readonly requestId?: number;
  /**
   * On a Fetch request or response of version 12 to 18: the fetching replica, and per partition
   * the fetch offset and last fetched epoch, or the high watermark, error, diverging epoch and
   * batches returned (see fetch-body.ts). Absent when the body could not be read exactly, which
   * is then one of `errors()`.
   */
  readonly fetch?: FetchBody;
  /**
   * On an AlterPartition request or response of version 2 or 3: the ISR the leader proposes, or
   * the ISR and epochs the controller answers with (see alter-partition-body.ts). Absent when the
   * body could not be read exactly, which is then one of `errors()`.
   */
  readonly alterPartition?: AlterPartitionBody;
  /**
   * On a BrokerHeartbeat request or response of version 0 to 2: the broker and its epoch, or
   * whether the controller holds it fenced (see broker-heartbeat-body.ts). Absent when the body
   * could not be read exactly, which is then one of `errors()`.
   */
  readonly brokerHeartbeat?: BrokerHeartbeatBody;
}

export type Verdict = 'deliver' | 'hold' | 'drop';

/** A frame in the log, with what became of it: its verdict, or released or dropped. */
export type LoggedFrame = FrameInfo & { readonly verdict: Verdict | 'released' | 'dropped' };

export interface ProxyOptions {
  /** Names the proxy in its messages, e.g. 'broker-2 replication'. */
  readonly name: string;
  /** Port 0: any free port; host defaults to 127.0.0.1. */
  readonly listen: { host?: string; port: number };
  readonly target: { host: string; port: number };
  /** Decides each frame as it arrives; default: deliver. */
  readonly decide?: (frame: FrameInfo) => Verdict;
  /** Told each problem on a connection (a stream that is not Kafka's framing, a target that cannot be reached), one line each. */
  readonly onError?: (message: string) => void;
  /** Told each frame with its raw bytes (size prefix included) as it arrives, before its verdict: to keep a capture. The bytes must be copied to be kept. */
  readonly capture?: (frame: FrameInfo, bytes: Buffer) => void;
}

/** A connection as `closeConnections` sees it: its id and the client id of its first request. */
export interface ConnectionInfo {
  readonly connection: number;
  readonly clientId: string | null;
}

/** Kept: the last this many frames in the log, and this many problems. */
const LOG_LIMIT = 10_000;
const ERROR_LIMIT = 1_000;
/** A source is paused while more than this many bytes wait in its direction's queue. */
const QUEUE_HIGH_WATER = 1024 * 1024;
/** Requests awaiting their response, per connection; beyond it the oldest are forgotten (acks=0 produce gets no response). */
const PENDING_LIMIT = 1024;

type Direction = FrameInfo['direction'];

interface Queued {
  readonly info: FrameInfo;
  readonly raw: Buffer;
  readonly entry: { verdict: LoggedFrame['verdict'] } & FrameInfo;
  state: 'pass' | 'held' | 'drop';
}

interface Flow {
  readonly splitter: FrameSplitter;
  readonly queue: Queued[];
  queuedBytes: number;
  writeBlocked: boolean;
  paused: boolean;
}

interface Connection {
  readonly id: number;
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  clientId: string | null;
  clientIdSeen: boolean;
  closed: boolean;
  /** Requests seen and not yet answered, by correlation id, oldest first. */
  readonly pending: Map<number, { readonly id: number; readonly apiKey: number; readonly apiVersion: number; readonly clientId: string | null }>;
  readonly flows: Record<Direction, Flow>;
}

interface Waiter {
  readonly predicate: (f: FrameInfo) => boolean;
  readonly resolve: (f: FrameInfo) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const deliverAll = (): Verdict => 'deliver';

/** See the module's header. Start one with `KafkaProxy.start`. */
export class KafkaProxy {
  private readonly server: net.Server;
  private readonly t0 = performance.now();
  private decideFn: (frame: FrameInfo) => Verdict;
  private readonly connections = new Map<number, Connection>();
  /** Held frames by id, in order of arrival. */
  private readonly heldFrames = new Map<number, { readonly conn: Connection; readonly queued: Queued }>();
  private readonly waiters = new Set<Waiter>();
  /** Sockets of closed connections still flushing what was forwarded (see closeConnection). */
  private readonly lingering = new Set<net.Socket>();
  private entries: LoggedFrame[] = [];
  private readonly problems: string[] = [];
  private nextFrame = 1;
  private nextConnection = 1;
  private listeningPort = 0;
  private accepting = true;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: ProxyOptions) {
    this.decideFn = options.decide ?? deliverAll;
    this.server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Listens and resolves once the port is bound; rejects with a one-line Error if it cannot be (a port taken, a bad port). */
  static start(options: ProxyOptions): Promise<KafkaProxy> {
    const proxy = new KafkaProxy(options);
    return proxy.listen();
  }

  /** The port the proxy listens on (the one chosen when asked for port 0). */
  get port(): number {
    return this.listeningPort;
  }

  get name(): string {
    return this.options.name;
  }

  /** Replaces the decision for frames arriving from now on; frames already queued keep theirs. */
  setDecide(decide: (frame: FrameInfo) => Verdict): void {
    this.decideFn = decide;
  }

  /** Frames held, oldest first. */
  held(): readonly FrameInfo[] {
    return [...this.heldFrames.values()].map((h) => h.queued.info);
  }

  /**
   * Delivers a held frame, and the frames queued behind it up to the next held one. A frame
   * behind another held frame on its connection and direction cannot go first: that throws, as
   * does an id that is not held.
   */
  release(id: number): void {
    const held = this.heldOrThrow(id, 'release');
    const before = this.heldBefore(held.conn, held.queued);
    if (before) throw new Error(`${this.name}: frame ${id} is queued behind held frame ${before.info.id} on connection ${held.conn.id}: release that one first`);
    this.releaseHeld(held.conn, held.queued);
  }

  /** Discards a held frame and closes its connection on both sides (see the module's header). */
  drop(id: number): void {
    const held = this.heldOrThrow(id, 'drop');
    held.queued.entry.verdict = 'dropped';
    this.heldFrames.delete(id);
    this.closeConnection(held.conn, 'flush');
  }

  /**
   * Releases the held frames the filter accepts (all when none is given), oldest first. A frame
   * behind a held frame the filter does not accept stays held. Returns how many were released.
   */
  releaseAll(filter?: (f: FrameInfo) => boolean): number {
    let released = 0;
    for (const [id, held] of [...this.heldFrames]) {
      if (!this.heldFrames.has(id)) continue;
      if (filter && !filter(held.queued.info)) continue;
      if (this.heldBefore(held.conn, held.queued)) continue;
      this.releaseHeld(held.conn, held.queued);
      released++;
    }
    return released;
  }

  /** The frames not yet forwarded (held or queued behind a held frame), oldest first. */
  private inProxy(): FrameInfo[] {
    const frames: FrameInfo[] = [];
    for (const conn of this.connections.values()) for (const flow of Object.values(conn.flows)) for (const q of flow.queue) frames.push(q.info);
    return frames.sort((a, b) => a.id - b.id);
  }

  /** Open connections, oldest first. */
  openConnections(): readonly ConnectionInfo[] {
    return [...this.connections.values()].map((c) => ({ connection: c.id, clientId: c.clientId }));
  }

  /**
   * While not accepting, a connection arriving is closed at once, before any upstream connection
   * is opened: to its client the target is unreachable (a partition that lasts, where
   * `closeConnections` alone would see the client reconnect). Connections already open are not
   * touched. Accepting by default.
   */
  setAccepting(accepting: boolean): void {
    this.accepting = accepting;
  }

  /** Cuts the connections the filter accepts (all when none is given), as a network partition or a crash would. Returns how many. */
  closeConnections(filter?: (c: ConnectionInfo) => boolean): number {
    let closed = 0;
    for (const conn of [...this.connections.values()]) {
      if (filter && !filter({ connection: conn.id, clientId: conn.clientId })) continue;
      this.closeConnection(conn);
      closed++;
    }
    return closed;
  }

  /**
   * The next frame matching: one the proxy still has (held, or queued behind a held frame),
   * oldest first, or else one arriving from now on, whatever its verdict. A frame already
   * forwarded or dropped is not considered. Rejects with one line on
   * timeout, when the proxy closes, or when the predicate throws.
   */
  waitFor(predicate: (f: FrameInfo) => boolean, timeoutMs: number): Promise<FrameInfo> {
    try {
      const found = this.inProxy().find(predicate);
      if (found) return Promise.resolve(found);
    } catch (e) {
      return Promise.reject(asError(e));
    }
    if (this.closing) return Promise.reject(new Error(`${this.name}: closed`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`${this.name}: no matching frame within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Every frame seen, with what became of it, oldest first (the last 10,000). */
  log(): readonly LoggedFrame[] {
    return this.entries.slice(-LOG_LIMIT).map((e) => ({ ...e }));
  }

  /** Problems met on connections, one line each, oldest first (the last 1,000). */
  errors(): readonly string[] {
    return [...this.problems];
  }

  /** Closes the server and every connection, and rejects pending waits; idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`${this.name}: closed`));
      }
      this.waiters.clear();
      for (const conn of [...this.connections.values()]) this.closeConnection(conn);
      for (const socket of this.lingering) socket.destroy();
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
    return this.closing;
  }

  private listen(): Promise<KafkaProxy> {
    const host = this.options.listen.host ?? '127.0.0.1';
    const { port } = this.options.listen;
    const where = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        return reject(new Error(`${this.name}: cannot listen on ${where}: not a port number`));
      }
      const onError = (e: NodeJS.ErrnoException) => {
        reject(new Error(`${this.name}: cannot listen on ${where}: ${e.code === 'EADDRINUSE' ? 'port taken' : oneLine(e.message)}`));
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (e) => this.problem(`server: ${oneLine(e.message)}`));
        const address = this.server.address();
        this.listeningPort = typeof address === 'object' && address ? address.port : port;
        resolve(this);
      });
    });
  }

  private accept(client: net.Socket): void {
    if (this.closing || !this.accepting) {
      client.destroy();
      return;
    }
    const { host, port } = this.options.target;
    const upstream = net.connect({ host, port, noDelay: true });
    const conn: Connection = {
      id: this.nextConnection++,
      client,
      upstream,
      clientId: null,
      clientIdSeen: false,
      closed: false,
      pending: new Map(),
      flows: { request: newFlow(), response: newFlow() },
    };
    this.connections.set(conn.id, conn);
    client.setNoDelay(true);
    client.on('data', (chunk: Buffer) => this.receive(conn, 'request', chunk));
    upstream.on('data', (chunk: Buffer) => this.receive(conn, 'response', chunk));
    let reached = false;
    upstream.once('connect', () => (reached = true));
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (reached) return;
      this.problem(`connection ${conn.id}: cannot reach the target ${host}:${port}: ${e.code ?? oneLine(e.message)}`);
    });
    // A reset from either side is a connection ending, which closeConnection handles.
    client.on('error', () => {});
    for (const socket of [client, upstream]) {
      socket.on('end', () => this.closeConnection(conn, 'flush'));
      socket.on('close', () => this.closeConnection(conn, 'flush'));
    }
  }

  /** Splits a chunk into frames, decides each, queues them and forwards what can go. */
  private receive(conn: Connection, direction: Direction, chunk: Buffer): void {
    if (conn.closed) return;
    const flow = conn.flows[direction];
    try {
      for (const raw of flow.splitter.push(chunk)) {
        this.arrive(conn, direction, raw);
        if (conn.closed) return;
      }
    } catch (e) {
      const reason = e instanceof FramingError ? e.message : `unexpected ${oneLine(String(e))}`;
      this.problem(`connection ${conn.id}: ${direction}: ${reason}; connection closed`);
      this.closeConnection(conn);
      return;
    }
    this.pump(conn, direction);
  }

  private arrive(conn: Connection, direction: Direction, raw: Buffer): void {
    const info = this.describe(conn, direction, raw);
    try {
      this.options.capture?.(info, raw);
    } catch (e) {
      this.problem(`frame ${info.id}: capture threw: ${oneLine(asError(e).message)}`);
    }
    const verdict = this.verdictOf(info);
    const entry = { ...info, verdict } as Queued['entry'];
    this.record(entry);
    if (conn.closed) {
      // The decision itself closed the connection (a decide that cuts it).
      entry.verdict = verdict === 'drop' ? 'drop' : 'dropped';
      return;
    }
    const queued: Queued = { info, raw, entry, state: verdict === 'deliver' ? 'pass' : verdict === 'hold' ? 'held' : 'drop' };
    const flow = conn.flows[direction];
    flow.queue.push(queued);
    flow.queuedBytes += raw.length;
    if (queued.state === 'held') this.heldFrames.set(info.id, { conn, queued });
    this.notify(info);
  }

  /** Names a frame from its header, pairing a response with its request. */
  private describe(conn: Connection, direction: Direction, raw: Buffer): FrameInfo {
    const base = { id: this.nextFrame++, connection: conn.id, direction, size: raw.length - 4, at: this.now() };
    if (direction === 'request') {
      const header = parseRequestHeader(raw);
      if (!conn.clientIdSeen) {
        conn.clientIdSeen = true;
        conn.clientId = header.clientId;
      }
      if (conn.pending.size >= PENDING_LIMIT) conn.pending.delete(conn.pending.keys().next().value as number);
      conn.pending.set(header.correlationId, { id: base.id, apiKey: header.apiKey, apiVersion: header.apiVersion, clientId: header.clientId });
      return Object.freeze({ ...base, ...header, apiName: apiName(header.apiKey), ...this.bodyOf(conn, base.id, 'request', header.apiKey, header.apiVersion, raw) });
    }
    const correlationId = parseResponseCorrelationId(raw);
    const request = conn.pending.get(correlationId);
    if (!request) {
      this.problem(`connection ${conn.id}: response ${correlationId} answers no request seen on this connection`);
      return Object.freeze({ ...base, apiKey: -1, apiName: 'Unpaired', apiVersion: -1, correlationId, clientId: null });
    }
    conn.pending.delete(correlationId);
    const { apiKey, apiVersion, clientId } = request;
    const body = this.bodyOf(conn, base.id, 'response', apiKey, apiVersion, raw);
    return Object.freeze({ ...base, apiKey, apiName: apiName(apiKey), apiVersion, correlationId, clientId, requestId: request.id, ...body });
  }

  /**
   * The body fields of a Fetch, AlterPartition or BrokerHeartbeat frame of a version read, or nothing (a problem
   * recorded if the body did not fit its layout).
   */
  private bodyOf(conn: Connection, id: number, direction: Direction, apiKey: number, apiVersion: number, raw: Buffer): Pick<FrameInfo, 'fetch' | 'alterPartition' | 'brokerHeartbeat'> {
    const within = (range: { min: number; max: number }) => apiVersion >= range.min && apiVersion <= range.max;
    try {
      if (apiKey === 1 && within(FETCH_VERSIONS)) {
        return { fetch: direction === 'request' ? parseFetchRequest(raw) : parseFetchResponse(raw, apiVersion) };
      }
      if (apiKey === 56 && within(ALTER_PARTITION_VERSIONS)) {
        return { alterPartition: direction === 'request' ? parseAlterPartitionRequest(raw) : parseAlterPartitionResponse(raw, apiVersion) };
      }
      if (apiKey === 63 && within(BROKER_HEARTBEAT_VERSIONS)) {
        return { brokerHeartbeat: direction === 'request' ? parseBrokerHeartbeatRequest(raw) : parseBrokerHeartbeatResponse(raw, apiVersion) };
      }
    } catch (e) {
      const reason = e instanceof BodyError || e instanceof FramingError ? e.message : `unexpected ${oneLine(String(e))}`;
      this.problem(`connection ${conn.id}: frame ${id}: ${apiName(apiKey)} v${apiVersion} body not read: ${reason}`);
    }
    return {};
  }

  private verdictOf(info: FrameInfo): Verdict {
    try {
      const verdict = this.decideFn(info);
      if (verdict === 'deliver' || verdict === 'hold' || verdict === 'drop') return verdict;
      this.problem(`frame ${info.id}: decide returned ${JSON.stringify(verdict)}, not deliver, hold or drop; delivered`);
    } catch (e) {
      this.problem(`frame ${info.id}: decide threw: ${oneLine(asError(e).message)}; delivered`);
    }
    return 'deliver';
  }

  /** Forwards the frames at the head of a direction's queue until a held one, a full socket or a drop. */
  private pump(conn: Connection, direction: Direction): void {
    const flow = conn.flows[direction];
    const destination = direction === 'request' ? conn.upstream : conn.client;
    while (!conn.closed && !flow.writeBlocked && flow.queue.length > 0) {
      const head = flow.queue[0];
      if (head.state === 'held') break;
      if (head.state === 'drop') {
        flow.queue.shift();
        this.closeConnection(conn, 'flush');
        return;
      }
      flow.queue.shift();
      flow.queuedBytes -= head.raw.length;
      if (!destination.write(head.raw)) {
        flow.writeBlocked = true;
        destination.once('drain', () => {
          flow.writeBlocked = false;
          this.pump(conn, direction);
        });
      }
    }
    this.regulate(conn, direction);
  }

  /** Pauses a direction's source while its destination is full or too much waits behind a held frame. */
  private regulate(conn: Connection, direction: Direction): void {
    if (conn.closed) return;
    const flow = conn.flows[direction];
    const source = direction === 'request' ? conn.client : conn.upstream;
    const pause = flow.writeBlocked || flow.queuedBytes > QUEUE_HIGH_WATER;
    if (pause === flow.paused) return;
    flow.paused = pause;
    if (pause) source.pause();
    else source.resume();
  }

  private releaseHeld(conn: Connection, queued: Queued): void {
    queued.state = 'pass';
    queued.entry.verdict = 'released';
    this.heldFrames.delete(queued.info.id);
    this.pump(conn, queued.info.direction);
  }

  private heldOrThrow(id: number, what: string): { readonly conn: Connection; readonly queued: Queued } {
    const held = this.heldFrames.get(id);
    if (!held) throw new Error(`${this.name}: cannot ${what} frame ${id}: it is not held`);
    return held;
  }

  /** The first frame held before `queued` on its connection and direction, if any. */
  private heldBefore(conn: Connection, queued: Queued): Queued | undefined {
    for (const q of conn.flows[queued.info.direction].queue) {
      if (q === queued) return undefined;
      if (q.state === 'held') return q;
    }
    return undefined;
  }

  /**
   * Closes a connection on both sides: `cut` discards what is still in the sockets' buffers, as
   * a crash or a partition would; `flush` lets the bytes already forwarded reach their peer
   * before the FIN, as when a peer closes after its last write. Either way nothing more is read.
   */
  private closeConnection(conn: Connection, how: 'cut' | 'flush' = 'cut'): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const socket of [conn.client, conn.upstream]) {
      if (how === 'cut' || this.closing || socket.destroyed) {
        socket.destroy();
        continue;
      }
      this.lingering.add(socket);
      socket.once('close', () => this.lingering.delete(socket));
      socket.destroySoon();
    }
    for (const flow of Object.values(conn.flows)) {
      for (const q of flow.queue) {
        if (q.entry.verdict !== 'drop') q.entry.verdict = 'dropped';
        this.heldFrames.delete(q.info.id);
      }
      flow.queue.length = 0;
      flow.queuedBytes = 0;
    }
    conn.pending.clear();
    this.connections.delete(conn.id);
  }

  private notify(info: FrameInfo): void {
    for (const waiter of [...this.waiters]) {
      let matches: boolean;
      try {
        matches = waiter.predicate(info);
      } catch (e) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.reject(asError(e));
        continue;
      }
      if (!matches) continue;
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(info);
    }
  }

  private record(entry: LoggedFrame): void {
    this.entries.push(entry);
    if (this.entries.length > LOG_LIMIT + LOG_LIMIT / 10) this.entries = this.entries.slice(-LOG_LIMIT);
  }

  private problem(message: string): void {
    const line = `${this.name}: ${message}`;
    this.problems.push(line);
    if (this.problems.length > ERROR_LIMIT) this.problems.shift();
    this.options.onError?.(line);
  }

  private now(): number {
    return Math.round((performance.now() - this.t0) * 1000) / 1000;
  }
}

function newFlow(): Flow {
  return { splitter: new FrameSplitter(), queue: [], queuedBytes: 0, writeBlocked: false, paused: false };
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
