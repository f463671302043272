import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTemporalRelay, type TemporalRelay } from '../../../worker/temporal-relay';
import { freePort } from '../../support/free-port';

/** A stand-in for the Temporal frontend on `port`: answers each chunk with "echo:<chunk>". */
function echoServer(port: number): Promise<Server & { sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = Object.assign(
    createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (chunk) => socket.write(`echo:${chunk.toString()}`));
      socket.on('error', () => {});
    }),
    { sockets },
  );
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function stop(server: Server & { sockets: Set<Socket> }): Promise<void> {
  for (const s of server.sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A client on the relay that collects what it receives and tells when it was closed. */
function client(relay: TemporalRelay) {
  const [host, port] = relay.address.split(':');
  const socket = connect(Number(port), host);
  const state = { received: '', closed: false };
  socket.on('data', (chunk) => (state.received += chunk.toString()));
  socket.on('close', () => (state.closed = true));
  socket.on('error', () => {});
  return { socket, state };
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the worker’s relay to Temporal (worker/temporal-relay.ts)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('passes bytes both ways while the server is up', async () => {
    const port = await freePort();
    const server = await echoServer(port);
    cleanups.push(() => stop(server));
    const relay = await startTemporalRelay({ target: `127.0.0.1:${port}` });
    cleanups.push(() => relay.close());
    const { socket, state } = client(relay);
    socket.write('poll');
    await until(() => state.received === 'echo:poll');
  });

  it('holds a connection made while the server is away, and delivers its bytes once the server is back', async () => {
    const port = await freePort();
    const logged: string[] = [];
    const relay = await startTemporalRelay({ target: `127.0.0.1:${port}`, retryMs: 50, log: (m) => logged.push(m) });
    cleanups.push(() => relay.close());
    const { socket, state } = client(relay);
    socket.write('poll sent in the outage');
    await new Promise((r) => setTimeout(r, 500));
    // Not refused: still open, nothing answered yet.
    expect(state).toEqual({ received: '', closed: false });
    expect(logged).toEqual([`Temporal at 127.0.0.1:${port} does not answer: holding the worker's connections until it does`]);
    const server = await echoServer(port);
    cleanups.push(() => stop(server));
    await until(() => state.received === 'echo:poll sent in the outage');
    expect(state.closed).toBe(false);
  });

  it('drops the worker’s connection when the server drops its own (its HTTP/2 state is gone), and holds the next', async () => {
    const port = await freePort();
    const server = await echoServer(port);
    const relay = await startTemporalRelay({ target: `127.0.0.1:${port}`, retryMs: 50 });
    cleanups.push(() => relay.close());
    const first = client(relay);
    first.socket.write('a');
    await until(() => first.state.received === 'echo:a');
    await stop(server);
    await until(() => first.state.closed);
    const second = client(relay);
    second.socket.write('b');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.state).toEqual({ received: '', closed: false });
    const back = await echoServer(port);
    cleanups.push(() => stop(back));
    await until(() => second.state.received === 'echo:b');
  });

  it('gives up on a connection held longer than its limit', async () => {
    const port = await freePort();
    const relay = await startTemporalRelay({ target: `127.0.0.1:${port}`, retryMs: 50, maxHoldMs: 300 });
    cleanups.push(() => relay.close());
    const { state } = client(relay);
    await until(() => state.closed, 3_000);
    expect(state.received).toBe('');
  });
});
