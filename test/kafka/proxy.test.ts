import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRequest } from '../../src/kafka/framing.ts';
import { type FrameInfo, KafkaProxy, type ProxyOptions } from '../../src/kafka/proxy.ts';
import { Client, FakeKafka } from './fake-kafka.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fake broker, a proxy in front of it and one client of the proxy, all closed after the test. */
async function setUp(decide?: ProxyOptions['decide'], responseBody?: (correlationId: number) => Buffer) {
  const kafka = await FakeKafka.start(responseBody);
  cleanups.push(() => kafka.close());
  const proxy = await KafkaProxy.start({ name: 'broker-1 replication', listen: { port: 0 }, target: { host: '127.0.0.1', port: kafka.port }, decide });
  cleanups.push(() => proxy.close());
  const client = await connect(proxy);
  return { kafka, proxy, client };
}

async function connect(proxy: KafkaProxy): Promise<Client> {
  const client = await Client.connect(proxy.port);
  cleanups.push(() => void client.socket.destroy());
  return client;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const isRequest = (correlationId: number) => (f: FrameInfo) => f.direction === 'request' && f.correlationId === correlationId;

describe('KafkaProxy delivering', () => {
  it('forwards requests and responses in order and logs both', async () => {
    const { kafka, proxy, client } = await setUp();
    for (const id of [10, 11, 12]) client.send(id);
    await client.responsesUpTo(3);
    expect(kafka.received).toEqual([10, 11, 12]);
    expect(client.responses).toEqual([10, 11, 12]);
    const log = proxy.log();
    const of = (direction: string) => log.filter((f) => f.direction === direction).map((f) => [f.correlationId, f.verdict]);
    expect(of('request')).toEqual([[10, 'deliver'], [11, 'deliver'], [12, 'deliver']]);
    expect(of('response')).toEqual([[10, 'deliver'], [11, 'deliver'], [12, 'deliver']]);
    expect(log.map((f) => f.id)).toEqual([...log.map((f) => f.id)].sort((a, b) => a - b));
    expect(new Set(log.map((f) => f.connection))).toEqual(new Set([1]));
  });

  it('pairs a response with its request: api key, name, version and client id', async () => {
    const { proxy, client } = await setUp();
    client.send(5, 56, 'broker-3-alter-partition');
    client.send(6, 63, null);
    await client.responsesUpTo(2);
    const log = proxy.log();
    const request = log.find((f) => f.direction === 'request' && f.correlationId === 5)!;
    const response = log.find((f) => f.direction === 'response' && f.correlationId === 5)!;
    expect(request).toMatchObject({ apiKey: 56, apiName: 'AlterPartition', apiVersion: 4, clientId: 'broker-3-alter-partition' });
    expect(response).toMatchObject({ apiKey: 56, apiName: 'AlterPartition', apiVersion: 4, clientId: 'broker-3-alter-partition', requestId: request.id, size: 6 });
    expect(log.find((f) => f.direction === 'response' && f.correlationId === 6)).toMatchObject({ apiName: 'BrokerHeartbeat', clientId: null });
    expect(proxy.errors()).toEqual([]);
  });

  it('forwards a frame of several megabytes intact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const { proxy, client } = await setUp(undefined, () => big);
    client.send(1);
    await client.responsesUpTo(1);
    expect(client.raw[0].subarray(8).equals(big)).toBe(true);
    expect(proxy.log().find((f) => f.direction === 'response')?.size).toBe(big.length + 4);
  });
});

describe('KafkaProxy hooks', () => {
  it('capture is given each frame with its raw bytes as it arrived', async () => {
    const kafka = await FakeKafka.start();
    cleanups.push(() => kafka.close());
    const captured: [string, number, string][] = [];
    const proxy = await KafkaProxy.start({
      name: 'b',
      listen: { port: 0 },
      target: { host: '127.0.0.1', port: kafka.port },
      capture: (f, bytes) => captured.push([f.direction, f.correlationId, bytes.toString('hex')]),
    });
    cleanups.push(() => proxy.close());
    const client = await connect(proxy);
    client.send(4, 63, 'x', Buffer.from([7, 7]));
    await client.responsesUpTo(1);
    expect(captured).toEqual([
      ['request', 4, encodeRequest({ apiKey: 63, apiVersion: 4, correlationId: 4, clientId: 'x' }, Buffer.from([7, 7])).toString('hex')],
      ['response', 4, client.raw[0].toString('hex')],
    ]);
  });

  it('a decide or capture that throws, or a verdict that is none, delivers the frame and says so in one line', async () => {
    const kafka = await FakeKafka.start();
    cleanups.push(() => kafka.close());
    const proxy = await KafkaProxy.start({
      name: 'b',
      listen: { port: 0 },
      target: { host: '127.0.0.1', port: kafka.port },
      decide: (f) => {
        if (f.direction === 'request') throw new Error('no rule\nfor this');
        return 'later' as 'hold';
      },
      capture: (f) => {
        if (f.direction === 'response') throw new Error('disk full');
      },
    });
    cleanups.push(() => proxy.close());
    const client = await connect(proxy);
    client.send(1);
    await client.responsesUpTo(1);
    expect(proxy.errors()).toEqual([
      'b: frame 1: decide threw: no rule for this; delivered',
      'b: frame 2: capture threw: disk full',
      'b: frame 2: decide returned "later", not deliver, hold or drop; delivered',
    ]);
  });
});

describe('KafkaProxy holding', () => {
  it('holds a request, queues the frames behind it, and releases them in order', async () => {
    const { kafka, proxy, client } = await setUp((f) => (f.direction === 'request' && f.correlationId === 2 ? 'hold' : 'deliver'));
    for (const id of [1, 2, 3]) client.send(id);
    await client.responsesUpTo(1);
    await settle();
    expect(kafka.received).toEqual([1]);
    expect(proxy.held().map((f) => f.correlationId)).toEqual([2]);
    proxy.release(proxy.held()[0].id);
    await client.responsesUpTo(3);
    expect(kafka.received).toEqual([1, 2, 3]);
    expect(client.responses).toEqual([1, 2, 3]);
    expect(proxy.held()).toEqual([]);
    expect(proxy.log().find((f) => f.correlationId === 2 && f.direction === 'request')?.verdict).toBe('released');
  });

  it('refuses to release a held frame behind another held one, and releases both in turn', async () => {
    const { kafka, proxy, client } = await setUp((f) => (f.direction === 'request' && f.correlationId >= 2 ? 'hold' : 'deliver'));
    for (const id of [1, 2, 3]) client.send(id);
    const third = await proxy.waitFor(isRequest(3), 5000);
    const second = proxy.held()[0];
    expect(second.correlationId).toBe(2);
    expect(() => proxy.release(third.id)).toThrow(`broker-1 replication: frame ${third.id} is queued behind held frame ${second.id} on connection 1: release that one first`);
    expect(() => proxy.release(9999)).toThrow('broker-1 replication: cannot release frame 9999: it is not held');
    proxy.release(second.id);
    await client.responsesUpTo(2);
    await settle();
    expect(kafka.received).toEqual([1, 2]);
    proxy.release(third.id);
    await client.responsesUpTo(3);
    expect(client.responses).toEqual([1, 2, 3]);
  });

  it('holds a response while requests keep flowing the other way', async () => {
    const { kafka, proxy, client } = await setUp((f) => (f.direction === 'response' && f.correlationId === 1 ? 'hold' : 'deliver'));
    client.send(1, 1);
    const held = await proxy.waitFor((f) => f.direction === 'response', 5000);
    expect(held).toMatchObject({ direction: 'response', correlationId: 1, apiName: 'Fetch' });
    client.send(2);
    await proxy.waitFor((f) => f.direction === 'response' && f.correlationId === 2, 5000);
    await settle();
    expect(kafka.received).toEqual([1, 2]);
    expect(client.responses).toEqual([]);
    expect(proxy.releaseAll()).toBe(1);
    await client.responsesUpTo(2);
    expect(client.responses).toEqual([1, 2]);
  });

  it('releaseAll releases what its filter accepts, never past a frame it keeps held', async () => {
    const { kafka, proxy, client } = await setUp((f) => (f.direction === 'request' ? 'hold' : 'deliver'));
    for (const id of [1, 2, 3]) client.send(id);
    await proxy.waitFor(isRequest(3), 5000);
    expect(proxy.releaseAll((f) => f.correlationId !== 2)).toBe(1);
    await client.responsesUpTo(1);
    await settle();
    expect(kafka.received).toEqual([1]);
    expect(proxy.held().map((f) => f.correlationId)).toEqual([2, 3]);
    expect(proxy.releaseAll()).toBe(2);
    await client.responsesUpTo(3);
    expect(kafka.received).toEqual([1, 2, 3]);
  });

  it('setDecide changes the verdict of frames arriving from then on', async () => {
    const { proxy, client } = await setUp();
    client.send(1);
    await client.responsesUpTo(1);
    proxy.setDecide((f) => (f.direction === 'request' ? 'hold' : 'deliver'));
    client.send(2);
    await proxy.waitFor(isRequest(2), 5000);
    expect(proxy.held().map((f) => f.correlationId)).toEqual([2]);
    proxy.setDecide(() => 'deliver');
    proxy.releaseAll();
    await client.responsesUpTo(2);
  });

  it('pauses a client that sends megabytes behind a held frame, and loses nothing', async () => {
    const { kafka, proxy, client } = await setUp((f) => (f.direction === 'request' && f.correlationId === 0 ? 'hold' : 'deliver'));
    const body = Buffer.alloc(64 * 1024, 1);
    const count = 64; // 4 MiB behind the held frame
    for (let id = 0; id < count; id++) client.send(id, 0, 'producer', body);
    await proxy.waitFor(isRequest(0), 5000);
    await settle();
    expect(kafka.received).toEqual([]);
    const seen = proxy.log().filter((f) => f.direction === 'request').length;
    expect(seen).toBeLessThan(count);
    proxy.releaseAll();
    await client.responsesUpTo(count);
    expect(kafka.received).toEqual([...Array(count).keys()]);
  });
});

describe('KafkaProxy order', () => {
  it('delivers every request and response once and in order, whatever is held and released when', async () => {
    const range = (n: number) => [...Array(n).keys()];
    const step = fc.record({ holdRequest: fc.boolean(), holdResponse: fc.boolean(), releaseAfter: fc.nat({ max: 2 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const { kafka, proxy, client } = await setUp((f) => {
          const s = steps[f.correlationId];
          return (f.direction === 'request' ? s.holdRequest : s.holdResponse) ? 'hold' : 'deliver';
        });
        for (const [i, s] of steps.entries()) {
          const arrived = proxy.waitFor((f) => f.direction === 'request' && f.correlationId === i, 5000);
          client.send(i);
          await arrived;
          for (let r = 0; r < s.releaseAfter && proxy.held().length > 0; r++) proxy.release(proxy.held()[0].id);
          // At any moment the broker has a prefix of the requests, short of the first one held.
          const firstHeld = proxy.held().find((f) => f.direction === 'request')?.correlationId ?? Infinity;
          expect(kafka.received).toEqual(range(kafka.received.length));
          expect(kafka.received.length).toBeLessThanOrEqual(firstHeld);
          expect(client.responses).toEqual(range(client.responses.length));
        }
        const later = proxy.held().slice(1);
        if (later.length > 0 && later[0].direction === proxy.held()[0].direction && later[0].connection === proxy.held()[0].connection) {
          expect(() => proxy.release(later[0].id)).toThrow('release that one first');
        }
        // The requests still held go first; once every response has reached the proxy (held or
        // not), the responses still held go too.
        const heldRequests = proxy.held().filter((f) => f.direction === 'request').length;
        expect(proxy.releaseAll((f) => f.direction === 'request')).toBe(heldRequests);
        const responses = () => proxy.log().filter((f) => f.direction === 'response').length;
        for (let waited = 0; responses() < steps.length; waited += 50) {
          if (waited > 5000) throw new Error(`${responses()} of ${steps.length} responses reached the proxy`);
          await settle();
        }
        const heldResponses = proxy.held().length;
        expect(proxy.releaseAll()).toBe(heldResponses);
        await client.responsesUpTo(steps.length);
        expect(kafka.received).toEqual(range(steps.length));
        expect(client.responses).toEqual(range(steps.length));
        expect(proxy.errors()).toEqual([]);
        for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      }),
      { seed: 26, numRuns: 25 },
    );
  });
});

describe('KafkaProxy dropping and cutting', () => {
  it('a drop verdict closes the connection where the frame would have gone', async () => {
    const { kafka, proxy, client } = await setUp((f) => (f.direction === 'request' && f.correlationId === 2 ? 'drop' : 'deliver'));
    client.send(1);
    await client.responsesUpTo(1);
    client.send(2);
    await client.closing();
    await settle();
    expect(kafka.received).toEqual([1]);
    expect(kafka.connections).toBe(0);
    expect(proxy.openConnections()).toEqual([]);
    expect(proxy.log().find((f) => f.correlationId === 2)?.verdict).toBe('drop');
  });

  it('drop(id) of a held frame closes its connection on both sides; the queued frames are logged as dropped', async () => {
    const { kafka, proxy, client } = await setUp((f) => (f.direction === 'request' && f.correlationId === 2 ? 'hold' : 'deliver'));
    for (const id of [1, 2, 3]) client.send(id);
    const held = await proxy.waitFor(isRequest(2), 5000);
    await proxy.waitFor(isRequest(3), 5000);
    proxy.drop(held.id);
    await client.closing();
    await settle();
    expect(kafka.received).toEqual([1]);
    expect(kafka.connections).toBe(0);
    expect(proxy.held()).toEqual([]);
    const verdicts = Object.fromEntries(proxy.log().filter((f) => f.direction === 'request').map((f) => [f.correlationId, f.verdict]));
    expect(verdicts).toEqual({ 1: 'deliver', 2: 'dropped', 3: 'dropped' });
    expect(() => proxy.drop(held.id)).toThrow('is not held');
  });

  it('a new connection after a drop goes through', async () => {
    const { proxy, client } = await setUp((f) => (f.correlationId === 1 ? 'drop' : 'deliver'));
    client.send(1);
    await client.closing();
    const again = await connect(proxy);
    again.send(2);
    await again.responsesUpTo(1);
    expect(again.responses).toEqual([2]);
    expect(proxy.log().find((f) => f.correlationId === 2)?.connection).toBe(2);
  });

  it('closeConnections cuts the connections its filter accepts, by client id', async () => {
    const { kafka, proxy, client } = await setUp();
    const other = await connect(proxy);
    client.send(1, 1, 'broker-2-fetcher');
    other.send(1, 63, 'broker-3-heartbeat');
    await client.responsesUpTo(1);
    await other.responsesUpTo(1);
    expect(proxy.openConnections().map((c) => c.clientId).sort()).toEqual(['broker-2-fetcher', 'broker-3-heartbeat']);
    expect(proxy.closeConnections((c) => c.clientId === 'broker-3-heartbeat')).toBe(1);
    await other.closing();
    client.send(2);
    await client.responsesUpTo(2);
    expect(client.closed).toBe(false);
    expect(proxy.closeConnections()).toBe(1);
    await client.closing();
    await settle();
    expect(kafka.connections).toBe(0);
  });

  it('setAccepting(false) closes new connections at once and leaves open ones be', async () => {
    const { kafka, proxy, client } = await setUp();
    proxy.setAccepting(false);
    const refused = await connect(proxy);
    await refused.closing();
    client.send(1);
    await client.responsesUpTo(1);
    expect(kafka.connections).toBe(1);
    expect(proxy.openConnections()).toEqual([{ connection: 1, clientId: 'broker-2-fetcher' }]);
    proxy.setAccepting(true);
    const accepted = await connect(proxy);
    accepted.send(2);
    await accepted.responsesUpTo(1);
  });

  it('a stream that is not Kafka framing closes that connection only, with one line', async () => {
    const { proxy, client } = await setUp();
    const other = await connect(proxy);
    other.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0]));
    await other.closing();
    client.send(1);
    await client.responsesUpTo(1);
    expect(proxy.errors()).toEqual(['broker-1 replication: connection 2: request: frame size -1 is negative: not Kafka\'s framing; connection closed']);
  });

  it('a request too short for its header closes that connection, with one line', async () => {
    const { proxy, client } = await setUp();
    client.socket.write(Buffer.from([0, 0, 0, 2, 0, 1]));
    await client.closing();
    expect(proxy.errors()).toHaveLength(1);
    expect(proxy.errors()[0]).toMatch(/^broker-1 replication: connection 1: request: request frame of 2 bytes is too short/);
  });

  it('a target that cannot be reached closes the client connection, with one line', async () => {
    const kafka = await FakeKafka.start();
    const port = kafka.port;
    await kafka.close();
    const errors: string[] = [];
    const proxy = await KafkaProxy.start({ name: 'controller', listen: { port: 0 }, target: { host: '127.0.0.1', port }, onError: (e) => errors.push(e) });
    cleanups.push(() => proxy.close());
    const client = await connect(proxy);
    client.send(1);
    await client.closing();
    expect(errors).toEqual([`controller: connection 1: cannot reach the target 127.0.0.1:${port}: ECONNREFUSED`]);
  });
});

describe('KafkaProxy waiting', () => {
  it('waitFor resolves with a frame arriving later, or with one already held', async () => {
    const { proxy, client } = await setUp((f) => (f.apiName === 'AlterPartition' && f.direction === 'request' ? 'hold' : 'deliver'));
    const waiting = proxy.waitFor((f) => f.apiName === 'BrokerHeartbeat' && f.direction === 'response', 5000);
    client.send(1, 63);
    expect(await waiting).toMatchObject({ correlationId: 1, direction: 'response', apiKey: 63 });
    client.send(2, 56);
    const held = await proxy.waitFor((f) => f.apiKey === 56, 5000);
    expect(await proxy.waitFor((f) => f.apiKey === 56, 10)).toBe(held);
    proxy.release(held.id);
    await client.responsesUpTo(2);
  });

  it('waitFor rejects with one line when nothing matches in time', async () => {
    const { proxy, client } = await setUp();
    client.send(1);
    await expect(proxy.waitFor((f) => f.apiName === 'Vote', 100)).rejects.toThrow(/^broker-1 replication: no matching frame within 100 ms$/);
  });

  it('waitFor rejects when the proxy closes, and on a closed proxy', async () => {
    const { proxy } = await setUp();
    const waiting = proxy.waitFor(() => false, 60_000);
    await proxy.close();
    await expect(waiting).rejects.toThrow('broker-1 replication: closed');
    await expect(proxy.waitFor(() => true, 10)).rejects.toThrow('broker-1 replication: closed');
  });
});

describe('KafkaProxy starting and closing', () => {
  it('a port taken is one line, not a stack trace', async () => {
    const { proxy } = await setUp();
    const taken = KafkaProxy.start({ name: 'broker-2 replication', listen: { port: proxy.port }, target: { host: '127.0.0.1', port: 1 } });
    await expect(taken).rejects.toThrow(`broker-2 replication: cannot listen on 127.0.0.1:${proxy.port}: port taken`);
    const error = await taken.catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain('\n');
  });

  it('a port that is not a port number is one line', async () => {
    await expect(KafkaProxy.start({ name: 'p', listen: { port: 70000 }, target: { host: '127.0.0.1', port: 1 } })).rejects.toThrow(
      'p: cannot listen on 127.0.0.1:70000: not a port number',
    );
  });

  it('close() closes every connection, is idempotent and leaves no handle or timer behind', async () => {
    const handles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap' || r === 'Timeout').length;
    await settle(); // the earlier tests' sockets finish closing
    const before = handles();
    const kafka = await FakeKafka.start();
    const proxy = await KafkaProxy.start({
      name: 'broker-3 replication',
      listen: { port: 0 },
      target: { host: '127.0.0.1', port: kafka.port },
      decide: (f) => (f.correlationId === 2 ? 'hold' : 'deliver'),
    });
    const client = await Client.connect(proxy.port);
    client.send(1);
    client.send(2);
    await client.responsesUpTo(1);
    const waiting = proxy.waitFor(() => false, 60_000).catch((e: Error) => e.message);
    expect(handles()).toBeGreaterThan(before);
    await Promise.all([proxy.close(), proxy.close()]);
    expect(await waiting).toBe('broker-3 replication: closed');
    await client.closing();
    await kafka.close();
    await settle();
    expect(proxy.held()).toEqual([]);
    // Not equal: a handle of an earlier test may still have been closing when `before` was taken.
    expect(handles()).toBeLessThanOrEqual(before);
    await expect(Client.connect(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
