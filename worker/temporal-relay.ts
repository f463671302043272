/**
 * A local relay between the worker's connection and the Temporal frontend that holds connections
 * through an outage instead of refusing them.
 *
 * While the server is away, a refused connection fails each poll at once, and the SDK's pollers retry
 * on a backoff that doubles from 200 ms to 10 s (fixed in Temporal's core: `task_poll_retry_policy`;
 * TS SDK 1.24 has no option for it). After a 30 s outage a worker would resume polling up to 10 s
 * after the server is back, and every timer that fell due meanwhile would wait that long on top; the
 * cached workflows' tasks would meanwhile time out of their sticky queue and be replayed cold.
 *
 * Through the relay, a connection made while the server is away is accepted and held unread: the
 * polls on it are merely slow, like any long poll, so the backoff never grows. The relay dials the
 * server every `retryMs` and, once it answers, passes the held bytes on and pipes both ways; the
 * worker polls within a fraction of a second of the return, with its cache intact. A connection the
 * server drops is dropped toward the worker too (its HTTP/2 state is gone), and the worker's next one
 * is held. Bytes are relayed untouched, TLS included.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TemporalRelay {
  /** host:port for the worker's connection. */
  readonly address: string;
  close(): Promise<void>;
}

export interface RelayOptions {
  /** The Temporal frontend, host:port. */
  target: string;
  /** How often a held connection dials the server again (ms). */
  retryMs?: number;
  /** A connection held longer than this is dropped (the worker dials again). */
  maxHoldMs?: number;
  log?: (message: string) => void;
}

/** host:port (IPv6 in brackets) as its host and port. */
export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}

/** Relays one accepted connection, dialing the server until it answers or the hold runs out. */
function relay(client: Socket, target: { host: string; port: number }, options: Required<Omit<RelayOptions, 'target' | 'log'>> & Pick<RelayOptions, 'log'>, onHeld: () => void) {
  client.pause(); // unread bytes wait in the socket until the server answers
  const since = Date.now();
  let upstream: Socket | null = null;
  let held = false;
  const end = () => {
    client.destroy();
    upstream?.destroy();
  };
  client.once('close', end);
  client.on('error', end);
  const dial = () => {
    if (client.destroyed) return;
    const socket = connect(target.port, target.host);
    socket.once('connect', () => {
      if (client.destroyed) return socket.destroy(); // the worker gave up while this dial was on its way
      upstream = socket;
      socket.setNoDelay(true);
      socket.on('error', end);
      socket.once('close', end);
      socket.pipe(client);
      client.pipe(socket);
      client.resume();
    });
    socket.once('error', () => {
      if (upstream === socket) return;
      socket.destroy();
      if (Date.now() - since > options.maxHoldMs) return end();
      if (!held) {
        held = true;
        onHeld();
      }
      setTimeout(dial, options.retryMs).unref();
    });
  };
  dial();
}

/** Starts the relay on 127.0.0.1 at a port of its choosing. */
export async function startTemporalRelay(options: RelayOptions): Promise<TemporalRelay> {
  const target = splitAddress(options.target);
  const settings = { retryMs: options.retryMs ?? 200, maxHoldMs: options.maxHoldMs ?? 120_000, log: options.log };
  let lastHeldLog = 0;
  const onHeld = () => {
    // One line per outage, not one per connection.
    if (Date.now() - lastHeldLog > 60_000) settings.log?.(`Temporal at ${options.target} does not answer: holding the worker's connections until it does`);
    lastHeldLog = Date.now();
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    relay(client, target, settings, onHeld);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
