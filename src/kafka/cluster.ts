/**
 * A local KRaft cluster the harness controls: one controller (node 0) and brokers 1..rf, each its
 * own JVM on 127.0.0.1 running Kafka's `kafka.Kafka` from a fetched release's jars, formatted with
 * Kafka's storage tool, with one topic `t` of one partition on replicas 1..rf (broker 1 preferred).
 * Faults are done to the processes and their files: crash (SIGKILL; the page cache, so the files,
 * keep everything written), power loss (SIGKILL, then the partition's files cut back, logfile.ts),
 * restart, controlled shutdown (SIGTERM), pause (SIGSTOP / SIGCONT). Every process is killed when
 * the cluster stops, and when this process exits (processes.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { brokerProperties, controllerProperties, CONTROLLER_ID, formatFeatures, type KafkaSettings, log4jProperties, propertiesText, TOPIC, topicConfigs } from './config.ts';
import { Driver, type Description } from './driver.ts';
import type { Jars } from './environment.ts';
import { HarnessError } from './errors.ts';
import { checkpointOffset, type LogRecord, powerCut, type PowerCut, readPartitionLog } from './logfile.ts';
import { killAll, startJava, type Started } from './processes.ts';
import { type FrameInfo, KafkaProxy, type Verdict } from './proxy.ts';

/**
 * The broker a request comes from, by the client id Kafka gives its channels: a follower's fetcher
 * is `broker-2-fetcher-0`; a broker's channel to the controller (heartbeats, registration,
 * AlterPartition) is the broker's id alone, `2`. Null for anything else.
 */
export function senderOf(f: Pick<FrameInfo, 'clientId'>): number | null {
  const m = /^(?:broker-(\d+)-fetcher-\d+|(\d+))$/.exec(f.clientId ?? '');
  return m === null ? null : Number(m[1] ?? m[2]);
}

/** Is `port` free on 127.0.0.1? */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port the system says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `f` every `everyMs` until it returns a value other than undefined, or `timeoutMs` passes (then undefined). */
export async function waitFor<T>(f: () => T | undefined | Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) return undefined;
    await sleep(everyMs);
  }
}

/** One node's process and folders. */
export class KafkaNode {
  proc: Started | null = null;
  paused = false;
  readonly data: string;
  readonly logs: string;
  readonly propsFile: string;
  readonly outFile: string;

  constructor(readonly id: number, readonly dir: string, readonly props: Record<string, string | number | boolean>) {
    this.data = join(dir, 'data');
    this.logs = join(dir, 'logs');
    this.propsFile = join(dir, 'server.properties');
    this.outFile = join(dir, 'stdout.log');
  }

  get running(): boolean {
    return this.proc !== null;
  }

  /** The node's server.log so far ('' before it wrote one). */
  serverLog(): string {
    const f = join(this.logs, 'server.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  /** The partition folder of topic `t` on this node. */
  get partitionDir(): string {
    return join(this.data, `${TOPIC}-0`);
  }
}

/** The controller's view of the partition and the brokers, as its own log records the metadata it commits. */
export interface ControllerView {
  readonly leader: number | null;
  readonly isr: number[] | null;
  readonly elr: number[] | null;
  /** Brokers whose newest registration record says fenced. */
  readonly fenced: number[];
}

const ids = (s: string) => (s.trim() === '' ? [] : s.split(',').map((x) => Number(x.trim())));

/**
 * The controller's view, from its server.log: each broker's registration records
 * (RegisterBrokerRecord fenced=true|false, BrokerRegistrationChangeRecord fenced=1|-1) and each
 * "partition change for t-0" line (`isr: [..] -> [..]`, `leader: a -> b`, `elr: …`).
 */
export function controllerView(log: string): ControllerView {
  const fenced = new Map<number, boolean>();
  let leader: number | null = null;
  let isr: number[] | null = null;
  let elr: number[] | null = null;
  for (const line of log.split('\n')) {
    let m = /RegisterBrokerRecord\(brokerId=(\d+),.*?\bfenced=(true|false)/.exec(line);
    if (m !== null) fenced.set(Number(m[1]), m[2] === 'true');
    m = /BrokerRegistrationChangeRecord\(brokerId=(\d+),.*?\bfenced=(-?\d+)/.exec(line);
    if (m !== null && m[2] !== '0') fenced.set(Number(m[1]), m[2] === '1');
    const p = /partition change for t-0 with topic ID \S+: (.*)$/.exec(line);
    if (p !== null) {
      const l = /\bleader: (-?\d+) -> (-?\d+)/.exec(p[1]);
      if (l !== null) leader = Number(l[2]);
      const i = /\bisr: \[([^\]]*)\] -> \[([^\]]*)\]/.exec(p[1]);
      if (i !== null) isr = ids(i[2]);
      const e = /\beligibleLeaderReplicas: \[([^\]]*)\] -> \[([^\]]*)\]|\belr: \[([^\]]*)\] -> \[([^\]]*)\]/.exec(p[1]);
      if (e !== null) elr = ids(e[2] ?? e[4]);
    }
  }
  return { leader, isr, elr, fenced: [...fenced].filter(([, f]) => f).map(([b]) => b).sort() };
}

/** What the harness sees of one replica, read from its files. */
export interface ReplicaView {
  readonly broker: number;
  readonly running: boolean;
  readonly records: LogRecord[];
  readonly leo: number;
  /** The high watermark in its replication-offset-checkpoint (written every 100 ms while it runs), or null. */
  readonly hwCheckpoint: number | null;
  /** The recovery point in its recovery-point-offset-checkpoint: the offset below which its log was flushed. */
  readonly recoveryPoint: number | null;
}

/** An observation of the whole cluster. */
export interface Observation {
  /** The controller's view through the Admin API; null when no broker answered. */
  readonly partition: Description | null;
  /** The leader epoch of the newest "starts at leader epoch" line in any broker's log, or null. */
  readonly leaderEpoch: number | null;
  /** ListOffsets(latest) under read_uncommitted: the leader's high watermark; null when refused. */
  readonly hw: number | null;
  readonly hwError?: string;
  /** The brokers the controller lists as registered and unfenced (Admin describeCluster, asked before and after describeTopics: listed both times); null when no broker answered. */
  readonly unfenced: number[] | null;
  /** The controller's own log's view: the fallback when no broker answers the Admin API (a restarted broker serves no client before it is unfenced). */
  readonly controller: ControllerView;
  readonly replicas: ReplicaView[];
}

export interface ClusterOptions {
  readonly java: string;
  readonly jars: Jars;
  readonly settings: KafkaSettings;
  /** A folder for the nodes' data, configuration and logs (kept after the run). */
  readonly dir: string;
  /** The first of the consecutive ports to use (each checked free), instead of ports the system picks. */
  readonly portBase?: number;
  /** Called with each line of progress. */
  readonly progress?: (line: string) => void;
}

/** How long a node may take to start (a JVM on a loaded two-core machine). */
const START_MS = 60_000;
const JVM = ['-Xmx256m', '-Xms64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k'];

export class KafkaCluster {
  readonly controller: KafkaNode;
  readonly brokers: KafkaNode[];
  driver: Driver | null = null;
  /** The proxy in front of each broker's replication listener (index broker-1): followers' fetches to that broker pass through it. */
  readonly replicationProxies: KafkaProxy[] = [];
  /** The proxy in front of the controller: every broker's heartbeats, registrations, AlterPartition requests and metadata fetches. */
  controllerProxy: KafkaProxy | null = null;
  /** Followers whose fetch requests are let through; the others' are held at the leader's proxy. */
  readonly fetching = new Set<number>();
  /** Brokers whose heartbeats are held at the controller's proxy. */
  readonly heartbeatsHeld = new Set<number>();
  private readonly clusterId = randomBytes(16).toString('base64url').slice(0, 22);

  private constructor(readonly o: ClusterOptions, readonly ports: { controller: number; client: number[]; replication: number[] }) {
    const s = o.settings;
    this.controller = new KafkaNode(CONTROLLER_ID, join(o.dir, 'controller'), {});
    Object.assign(this.controller.props, controllerProperties(s, this.controller.data, ports.controller));
    this.brokers = Array.from({ length: s.rf }, (_, i) => new KafkaNode(i + 1, join(o.dir, `broker-${i + 1}`), {}));
  }

  /** The proxies, then each broker's configuration naming them: replication advertised at its proxy, the controller reached through its proxy. */
  private async startProxies(): Promise<void> {
    const s = this.o.settings;
    const onError = (m: string) => this.o.progress?.(`proxy: ${m}`);
    this.controllerProxy = await KafkaProxy.start({ name: 'controller', listen: { port: 0 }, target: { host: '127.0.0.1', port: this.ports.controller }, decide: (f) => this.decideController(f), onError });
    for (const b of this.brokers) {
      const proxy = await KafkaProxy.start({ name: `broker-${b.id} replication`, listen: { port: 0 }, target: { host: '127.0.0.1', port: this.ports.replication[b.id - 1] }, decide: (f) => this.decideReplication(f), onError });
      this.replicationProxies.push(proxy);
      Object.assign(b.props, brokerProperties(s, b.id, b.data, { client: this.ports.client[b.id - 1], replication: this.ports.replication[b.id - 1], replicationAdvertised: proxy.port }, this.controllerProxy.port));
    }
  }

  /** A follower's fetch request is held unless the follower is let fetch; everything else flows. */
  private decideReplication(f: FrameInfo): Verdict {
    if (f.direction !== 'request' || f.apiName !== 'Fetch') return 'deliver';
    const from = senderOf(f);
    return from !== null && !this.fetching.has(from) ? 'hold' : 'deliver';
  }

  /** A broker's heartbeat is held while the harness keeps it from the controller. */
  private decideController(f: FrameInfo): Verdict {
    if (f.direction !== 'request' || f.apiName !== 'BrokerHeartbeat') return 'deliver';
    const from = senderOf(f);
    return from !== null && this.heartbeatsHeld.has(from) ? 'hold' : 'deliver';
  }

  /** Lets follower `b` fetch (releasing its held fetches) or holds its fetches from now on. */
  setFetching(b: number, on: boolean): number {
    if (on) this.fetching.add(b); else this.fetching.delete(b);
    if (!on) return 0;
    return this.replicationProxies.reduce((n, p) => n + p.releaseAll((f) => f.apiName === 'Fetch' && senderOf(f) === b), 0);
  }

  /** Holds (or lets through again, releasing what was held) broker `b`'s heartbeats to the controller. */
  setHeartbeatsHeld(b: number, held: boolean): void {
    if (held) this.heartbeatsHeld.add(b); else this.heartbeatsHeld.delete(b);
    if (!held) this.controllerProxy?.releaseAll((f) => f.apiName === 'BrokerHeartbeat' && senderOf(f) === b);
  }

  /** Follower `b`'s fetch requests held at broker `leader`'s proxy, oldest first. */
  heldFetches(b: number, leader: number): FrameInfo[] {
    return [...(this.replicationProxies[leader - 1]?.held() ?? [])].filter((f) => f.apiName === 'Fetch' && senderOf(f) === b);
  }

  /** Ports for the nodes: consecutive from `portBase` (each must be free), or picked by the system. */
  static async allocate(rf: number, portBase?: number): Promise<{ controller: number; client: number[]; replication: number[] }> {
    const n = 1 + 2 * rf;
    let ports: number[];
    if (portBase !== undefined) {
      ports = Array.from({ length: n }, (_, i) => portBase + i);
      for (const p of ports) if (!(await portFree(p))) throw new HarnessError(`port 127.0.0.1:${p} is taken (the cluster needs ${n} free ports from ${portBase})`);
    } else {
      ports = [];
      while (ports.length < n) {
        const p = await freePort();
        if (!ports.includes(p)) ports.push(p);
      }
    }
    return { controller: ports[0], client: ports.slice(1, 1 + rf), replication: ports.slice(1 + rf) };
  }

  /** Writes the nodes' files, formats their storage, starts the controller and the brokers, creates the topic. */
  static async start(o: ClusterOptions): Promise<KafkaCluster> {
    const c = new KafkaCluster(o, await KafkaCluster.allocate(o.settings.rf, o.portBase));
    for (const b of c.brokers) c.fetching.add(b.id);
    try {
      await c.startProxies();
      await Promise.all(c.nodes().map((n) => c.prepare(n)));
      await c.startNode(c.controller);
      await Promise.all(c.brokers.map((b) => c.startNode(b)));
      c.driver = Driver.start(o.java, o.jars, c.bootstrap(), join(o.dir, 'driver.log'));
      await c.waitUnfenced(c.brokers.map((b) => b.id));
      await c.driver.must({ op: 'create', topic: TOPIC, replicas: c.brokers.map((b) => b.id), configs: topicConfigs(o.settings) }, 30_000);
      const full = await waitFor(async () => {
        const d = await c.describe();
        return d !== null && d.leader === 1 && d.isr.length === o.settings.rf ? d : undefined;
      }, 30_000, 200);
      if (full === undefined) throw new HarnessError(`topic ${TOPIC} did not get leader 1 and a full ISR within 30 s (see ${o.dir})`);
      return c;
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  nodes(): KafkaNode[] {
    return [this.controller, ...this.brokers];
  }

  broker(id: number): KafkaNode {
    const b = this.brokers[id - 1];
    if (b === undefined) throw new HarnessError(`no broker ${id} in a cluster of ${this.brokers.length}`);
    return b;
  }

  bootstrap(): string {
    return this.ports.client.map((p) => `127.0.0.1:${p}`).join(',');
  }

  /** Writes node `n`'s configuration and formats its storage with Kafka's storage tool. */
  private async prepare(n: KafkaNode): Promise<void> {
    mkdirSync(n.data, { recursive: true });
    mkdirSync(n.logs, { recursive: true });
    writeFileSync(n.propsFile, propertiesText(n.props));
    writeFileSync(join(n.dir, 'log4j2.properties'), log4jProperties(n.logs));
    const args = ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Dlog4j2.level=WARN', '-cp', join(this.o.jars.lib, '*'), 'kafka.tools.StorageTool', 'format', '-t', this.clusterId, '-c', n.propsFile, ...formatFeatures(this.o.settings)];
    const r = await new Promise<{ code: number | null; text: string }>((resolve) => {
      let text = '';
      const p = spawn(this.o.java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.on('data', (d: Buffer) => { text += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { text += d.toString(); });
      const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.once('error', (e) => { clearTimeout(t); resolve({ code: -1, text: e.message }); });
      p.once('close', (code) => { clearTimeout(t); resolve({ code, text }); });
    });
    writeFileSync(join(n.dir, 'format.log'), r.text);
    if (r.code !== 0) {
      const why = r.text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('at ')).slice(-1)[0] ?? 'no output';
      throw new HarnessError(`formatting node ${n.id}'s storage failed: ${why}`);
    }
  }

  private launch(n: KafkaNode): void {
    const args = [...JVM, `-Dlog4j2.configurationFile=${join(n.dir, 'log4j2.properties')}`, `-Dkafka.logs.dir=${n.logs}`, '-cp', join(this.o.jars.lib, '*'), 'kafka.Kafka', n.propsFile];
    n.proc = startJava(this.o.java, args, n.outFile);
    n.paused = false;
    const proc = n.proc;
    void proc.exited.then(() => {
      if (n.proc === proc) n.proc = null;
    });
  }

  /** Starts node `n` and waits until it logs that it started; a node that exits first is a HarnessError with its reason. */
  async startNode(n: KafkaNode): Promise<void> {
    const before = n.serverLog().length;
    this.launch(n);
    const proc = n.proc!;
    let exited: string | null = null;
    void proc.exited.then((how) => { exited = how; });
    const ok = await waitFor(() => (exited !== null ? false : n.serverLog().slice(before).includes('Kafka Server started') ? true : undefined), START_MS, 100);
    if (ok !== true) {
      const log = n.serverLog().slice(before) + (existsSync(n.outFile) ? readFileSync(n.outFile, 'utf8') : '');
      const bind = /Address already in use|BindException/.test(log);
      const reason = bind ? 'a port it listens on is taken' : exited !== null ? `its JVM exited (${exited})` : `it did not start within ${START_MS / 1000} s`;
      throw new HarnessError(`${n.id === CONTROLLER_ID ? 'the controller' : `broker ${n.id}`} did not start: ${reason} (see ${n.logs})`);
    }
  }

  /** Waits until the Admin API lists every broker of `ids` (a broker is listed once the controller unfenced it). */
  async waitUnfenced(ids: number[], timeoutMs = 30_000): Promise<boolean> {
    const ok = await waitFor(async () => {
      const a = await this.driver!.request({ op: 'brokers' }, 5000);
      return a.ok && ids.every((id) => (a.ids as number[]).includes(id)) ? true : undefined;
    }, timeoutMs, 150);
    return ok === true;
  }

  /** The controller's view of the partition, or null when the Admin API does not answer. */
  async describe(): Promise<Description | null> {
    const a = await this.driver!.request({ op: 'describe', topic: TOPIC }, 8000);
    return a.ok ? (a as unknown as Description) : null;
  }

  /** The leader epoch the newest leader logged when it became leader. */
  leaderEpoch(): number | null {
    let best: { at: string; epoch: number } | null = null;
    for (const b of this.brokers) {
      for (const m of b.serverLog().matchAll(/^\[([^\]]+)\][^\n]*Leader t-0 with topic id \S+ starts at leader epoch (\d+)/gm)) {
        if (best === null || m[1] >= best.at) best = { at: m[1], epoch: Number(m[2]) };
      }
    }
    return best?.epoch ?? null;
  }

  /** What each replica's files hold now. */
  replica(id: number): ReplicaView {
    const n = this.broker(id);
    const { records, leo } = readPartitionLog(n.partitionDir);
    return {
      broker: id,
      running: n.running,
      records,
      leo,
      hwCheckpoint: checkpointOffset(join(n.data, 'replication-offset-checkpoint'), TOPIC, 0),
      recoveryPoint: checkpointOffset(join(n.data, 'recovery-point-offset-checkpoint'), TOPIC, 0),
    };
  }

  /** Leader, ISR, ELR, the leader's HW, and each replica's log. */
  async observe(): Promise<Observation> {
    const listedBefore = await this.driver!.request({ op: 'brokers' }, 8000);
    const partition = await this.describe();
    const listed = await this.driver!.request({ op: 'brokers' }, 8000);
    const off = await this.driver!.request({ op: 'offsets', topic: TOPIC }, 8000);
    const hw = off.ok ? Number(off.latest) : null;
    const both = listed.ok && listedBefore.ok ? (listed.ids as number[]).filter((b) => (listedBefore.ids as number[]).includes(b)) : null;
    return {
      partition,
      unfenced: both,
      controller: controllerView(this.controller.serverLog()),
      leaderEpoch: this.leaderEpoch(),
      hw,
      ...(off.ok ? {} : { hwError: `${off.error}: ${off.message}` }),
      replicas: this.brokers.map((b) => this.replica(b.id)),
    };
  }

  /** Process crash: SIGKILL; what the broker wrote stays in its files (the page cache survives). */
  async crash(id: number): Promise<void> {
    const n = this.broker(id);
    const p = n.proc;
    if (p === null) throw new HarnessError(`broker ${id} is not running`);
    if (n.paused) p.child.kill('SIGCONT');
    p.child.kill('SIGKILL');
    await p.exited;
    n.proc = null;
  }

  /**
   * Power loss keeping the first `keep` records: SIGKILL, then the partition's files cut back
   * (logfile.ts `powerCut`). What Kafka flushed survives whatever `keep` says: a cut below the
   * recovery point is refused (the model lost more than a real power loss could).
   */
  async powerLoss(id: number, keep: number): Promise<PowerCut> {
    await this.crash(id);
    const n = this.broker(id);
    const flushed = checkpointOffset(join(n.data, 'recovery-point-offset-checkpoint'), TOPIC, 0) ?? 0;
    if (keep < flushed) throw new HarnessError(`broker ${id} had flushed ${flushed} record(s); a power loss cannot keep only ${keep}`);
    return powerCut(n.partitionDir, keep);
  }

  /**
   * Starts a stopped broker again. With `fenced`, its heartbeats are held at the controller's
   * proxy, so it registers a new incarnation and stays fenced (a KRaft broker finishes starting
   * only once unfenced): resolves once the controller answered its registration. Otherwise
   * resolves once it logged that it started.
   */
  async restart(id: number, fenced = false): Promise<void> {
    const n = this.broker(id);
    if (n.running) throw new HarnessError(`broker ${id} is already running`);
    if (!fenced) {
      this.setHeartbeatsHeld(id, false);
      await this.startNode(n);
      return;
    }
    this.setHeartbeatsHeld(id, true);
    const registered = this.controllerProxy!.waitFor((f) => f.direction === 'response' && f.apiName === 'BrokerRegistration' && senderOf(f) === id, START_MS);
    this.launch(n);
    try {
      await registered;
    } catch {
      throw new HarnessError(`broker ${id} did not register with the controller within ${START_MS / 1000} s (see ${n.logs})`);
    }
  }

  /** Controlled shutdown: SIGTERM, and the broker's own shutdown (it asks the controller to move its leaderships). */
  async shutdown(id: number, timeoutMs = 30_000): Promise<void> {
    const n = this.broker(id);
    const p = n.proc;
    if (p === null) return;
    p.child.kill('SIGTERM');
    const done = await Promise.race([p.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!done) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    n.proc = null;
  }

  /** SIGSTOP (`pause`) or SIGCONT a broker. */
  pause(id: number, paused: boolean): void {
    const n = this.broker(id);
    if (n.proc === null) throw new HarnessError(`broker ${id} is not running`);
    n.proc.child.kill(paused ? 'SIGSTOP' : 'SIGCONT');
    n.paused = paused;
  }

  /** Stops everything: the driver, then every node (SIGKILL: nothing of a run is worth a clean shutdown's wait). */
  async stop(): Promise<void> {
    const d = this.driver;
    this.driver = null;
    if (d !== null) await Promise.race([d.close(), sleep(3000)]);
    for (const n of this.nodes()) {
      const p = n.proc;
      if (p === null) continue;
      if (n.paused) p.child.kill('SIGCONT');
      p.child.kill('SIGKILL');
      await p.exited;
      n.proc = null;
    }
    for (const p of [...this.replicationProxies, ...(this.controllerProxy ? [this.controllerProxy] : [])]) await p.close();
    killAll();
  }

  /** Every proxy's frame log, one line a frame, for the kept logs. */
  frameLog(): string {
    const lines: string[] = [];
    for (const p of [...(this.controllerProxy ? [this.controllerProxy] : []), ...this.replicationProxies]) {
      for (const f of p.log()) lines.push(`${f.at.toFixed(0).padStart(7)} ms ${p.name}: #${f.id} conn ${f.connection} ${f.direction} ${f.apiName} v${f.apiVersion} corr ${f.correlationId} ${f.clientId ?? '-'} ${f.size} B ${f.verdict}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
