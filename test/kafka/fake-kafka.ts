/** A fake Kafka broker and a client of the proxy, for the proxy's tests: no Kafka, no Java. */

import net from 'node:net';
import { FrameSplitter, encodeRequest, encodeResponse, parseRequestHeader, parseResponseCorrelationId } from '../../src/kafka/framing.ts';
import { KafkaProxy, type LoggedFrame } from '../../src/kafka/proxy.ts';

/**
 * A small stand-in for a Kafka broker: it answers each request frame at once with a response
 * frame of the same correlation id, whose body is the request's api key (int16), and records the
 * correlation ids it received, in order.
 */
export class FakeKafka {
  readonly received: number[] = [];
  private readonly sockets = new Set<net.Socket>();
  private constructor(readonly server: net.Server) {}

  static async start(responseBody?: (correlationId: number) => Buffer): Promise<FakeKafka> {
    let fake: FakeKafka | undefined;
    const server = net.createServer((socket) => {
      fake!.sockets.add(socket);
      socket.on('close', () => fake!.sockets.delete(socket));
      socket.on('error', () => {});
      const splitter = new FrameSplitter();
      socket.on('data', (chunk: Buffer) => {
        for (const frame of splitter.push(chunk)) {
          const header = parseRequestHeader(frame);
          fake!.received.push(header.correlationId);
          const body = responseBody?.(header.correlationId) ?? Buffer.from([header.apiKey >> 8, header.apiKey & 0xff]);
          socket.write(encodeResponse(header.correlationId, body));
        }
      });
    });
    fake = new FakeKafka(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get connections(): number {
    return this.sockets.size;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A client of the proxy: sends request frames, collects the response frames' correlation ids. */
export class Client {
  readonly responses: number[] = [];
  readonly raw: Buffer[] = [];
  closed = false;
  private readonly splitter = new FrameSplitter();
  private wake: (() => void) | undefined;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.splitter.push(chunk)) {
        this.raw.push(frame);
        this.responses.push(parseResponseCorrelationId(frame));
      }
      this.wake?.();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static connect(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  /** A request frame with an empty body, of version 4 (a Fetch of that version is not read for its body). */
  send(correlationId: number, apiKey = 1, clientId: string | null = 'broker-2-fetcher', body = Buffer.alloc(0)): void {
    this.socket.write(encodeRequest({ apiKey, apiVersion: 4, correlationId, clientId }, body));
  }

  /** Resolves once `done` holds, checked after each chunk and on close; fails the test after 5 s. */
  until(done: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        reject(new Error(`timed out waiting for ${what}`));
      }, 5000);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = check;
      check();
    });
  }

  responsesUpTo(n: number): Promise<void> {
    return this.until(() => this.responses.length >= n, `${n} responses`);
  }

  closing(): Promise<void> {
    return this.until(() => this.closed, 'the connection to close');
  }
}

/**
 * Sends one request frame through a proxy to a fake broker that answers with `responseBody` after
 * the correlation id; resolves with the proxy's log and problems once the response has passed.
 * Everything it opened is closed before it resolves.
 */
export async function exchange(request: Buffer, responseBody: Buffer): Promise<{ log: readonly LoggedFrame[]; errors: readonly string[] }> {
  const kafka = await FakeKafka.start(() => responseBody);
  const proxy = await KafkaProxy.start({ name: 'broker-1 replication', listen: { port: 0 }, target: { host: '127.0.0.1', port: kafka.port } });
  const client = await Client.connect(proxy.port);
  try {
    client.socket.write(request);
    await client.responsesUpTo(1);
    return { log: proxy.log(), errors: proxy.errors() };
  } finally {
    client.socket.destroy();
    await proxy.close();
    await kafka.close();
  }
}
