/**
 * The configuration files of a harness cluster: one KRaft controller (node 0) and brokers 1..rf on
 * 127.0.0.1, their settings taken from the model's configuration, their timeouts short so that a
 * run takes seconds. Pure: the ports and folders come in, the files' text comes out.
 */

/** What the harness takes from the model's configuration. */
export interface KafkaSettings {
  readonly rf: number;
  readonly minIsr: number;
  readonly unclean: boolean;
  /** KIP-966's eligible leader replicas: the feature `eligible.leader.replicas.version`, set when the storage is formatted. */
  readonly elr: boolean;
  /** The model's `flushEveryRecord`: `log.flush.interval.messages=1`, else Kafka's default (never forced). */
  readonly flushEveryRecord: boolean;
}

/** The node id of the one controller; the brokers are 1..rf, the model's numbering. */
export const CONTROLLER_ID = 0;

/** The partition every run uses: topic `t`, partition 0, replicas 1..rf with broker 1 preferred. */
export const TOPIC = 't';

/**
 * The timing settings every node gets (ms). Short, so that a lost heartbeat fences a broker in
 * about a second and a follower whose fetches are held leaves the ISR in ten to fifteen (long enough
 * that it does not while the harness observes between two steps); a held fetch is not timed out
 * for 30 s; each is Kafka's own
 * setting, not a change of rule.
 */
export const TIMING = {
  'broker.heartbeat.interval.ms': 200,
  'broker.session.timeout.ms': 1500,
  'replica.lag.time.max.ms': 10000,
  'replica.fetch.wait.max.ms': 100,
  'replica.fetch.backoff.ms': 100,
  'replica.socket.timeout.ms': 30000,
  'replica.high.watermark.checkpoint.interval.ms': 100,
  'log.flush.offset.checkpoint.interval.ms': 100,
  'controller.quorum.request.timeout.ms': 2000,
  // The follower's fetcher times a request out after request.timeout.ms and drops its connection
  // (a held fetch would go with it every few seconds): long enough to outlast a held fetch.
  'request.timeout.ms': 30000,
} as const;

/** A node's listening endpoints (ports on 127.0.0.1). */
export interface NodePorts {
  /** Brokers: the listener clients (the driver) use directly. */
  readonly client?: number;
  /** Brokers: the inter-broker listener the followers' fetches reach. */
  readonly replication?: number;
  /** Brokers: the port advertised for replication (a proxy's, or the listener's own). */
  readonly replicationAdvertised?: number;
  /** The controller: its listener. */
  readonly controller?: number;
}

/** Java properties text, one `key=value` a line, in the order given. */
export function propertiesText(p: Readonly<Record<string, string | number | boolean>>): string {
  return `${Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join('\n')}\n`;
}

function common(s: KafkaSettings, dataDir: string): Record<string, string | number | boolean> {
  return {
    'log.dirs': dataDir,
    'controller.listener.names': 'CONTROLLER',
    'min.insync.replicas': s.minIsr,
    'unclean.leader.election.enable': s.unclean,
    'auto.leader.rebalance.enable': false,
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'num.partitions': 1,
    ...(s.flushEveryRecord ? { 'log.flush.interval.messages': 1 } : {}),
    ...TIMING,
  };
}

/** The controller's server.properties. `quorumPort` is its own listener. */
export function controllerProperties(s: KafkaSettings, dataDir: string, port: number): Record<string, string | number | boolean> {
  return {
    'process.roles': 'controller',
    'node.id': CONTROLLER_ID,
    'controller.quorum.voters': `${CONTROLLER_ID}@127.0.0.1:${port}`,
    listeners: `CONTROLLER://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT',
    ...common(s, dataDir),
  };
}

/**
 * Broker `id`'s server.properties. `controllerPort` is where it reaches the controller (a proxy's
 * port, or the controller's own); the replication listener is advertised at `replicationAdvertised`
 * so that followers' fetches pass through the proxy in front of it.
 */
export function brokerProperties(s: KafkaSettings, id: number, dataDir: string, ports: Required<Pick<NodePorts, 'client' | 'replication'>> & NodePorts, controllerPort: number): Record<string, string | number | boolean> {
  const advertised = ports.replicationAdvertised ?? ports.replication;
  return {
    'process.roles': 'broker',
    'node.id': id,
    'controller.quorum.voters': `${CONTROLLER_ID}@127.0.0.1:${controllerPort}`,
    listeners: `CLIENT://127.0.0.1:${ports.client},REPLICATION://127.0.0.1:${ports.replication}`,
    'advertised.listeners': `CLIENT://127.0.0.1:${ports.client},REPLICATION://127.0.0.1:${advertised}`,
    'listener.security.protocol.map': 'CLIENT:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'REPLICATION',
    'default.replication.factor': s.rf,
    ...common(s, dataDir),
  };
}

/** The topic's own configuration, as the driver creates it. */
export function topicConfigs(s: KafkaSettings): Record<string, string> {
  return {
    'min.insync.replicas': String(s.minIsr),
    'unclean.leader.election.enable': String(s.unclean),
    ...(s.flushEveryRecord ? { 'flush.messages': '1' } : {}),
  };
}

/** The storage tool's feature arguments: ELR on or off explicitly, whatever the release's default. */
export function formatFeatures(s: KafkaSettings): string[] {
  return ['--feature', `eligible.leader.replicas.version=${s.elr ? 1 : 0}`];
}

/**
 * log4j 2 settings for one node: its log to `server.log` in `logDir` (INFO, with the state-change
 * and controller loggers that say what each election and ISR change did), nothing on the console.
 */
export function log4jProperties(logDir: string): string {
  return propertiesText({
    'appender.file.type': 'File',
    'appender.file.name': 'file',
    'appender.file.fileName': `${logDir}/server.log`,
    'appender.file.layout.type': 'PatternLayout',
    'appender.file.layout.pattern': '[%d] %p %m (%c)%n',
    'rootLogger.level': 'INFO',
    'rootLogger.appenderRef.file.ref': 'file',
    'logger.state.name': 'state.change.logger',
    'logger.state.level': 'TRACE',
    'logger.partition.name': 'org.apache.kafka.controller.PartitionChangeBuilder',
    'logger.partition.level': 'TRACE',
    // Every partition change with its before and after (some releases log them at DEBUG only).
    'logger.replication.name': 'org.apache.kafka.controller.ReplicationControlManager',
    'logger.replication.level': 'DEBUG',
  });
}
