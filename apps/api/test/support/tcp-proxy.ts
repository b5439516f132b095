import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * How the proxy treats traffic:
 * - 'up': forwards both ways;
 * - 'down': like a stopped server: open connections are cut and new ones refused;
 * - 'unreachable': like a network partition: connections stay open but nothing arrives (bytes are
 *   held and delivered once the proxy is up again, as TCP would), new connections are held too.
 */
export type ProxyState = 'up' | 'down' | 'unreachable';

/** A TCP proxy on a loopback port in front of one upstream port, with a switch for outages. */
export interface TcpProxy {
  readonly port: number;
  readonly state: ProxyState;
  /**
   * Switches the state. Coming back up with `strandHeld`, connections opened before stay silent
   * forever (as after a failover to another address): only new connections work.
   */
  set(state: ProxyState, options?: { strandHeld?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** One proxied connection; bytes each way wait in `held` while the network is "unreachable". */
interface Pair {
  client: Socket;
  upstream: Socket | null;
  held: Array<{ to: 'client' | 'upstream'; chunk: Buffer }>;
  stranded: boolean;
}

export async function startTcpProxy(upstream: { host: string; port: number }): Promise<TcpProxy> {
  if (!['127.0.0.1', 'localhost', '::1'].includes(upstream.host)) throw new Error(`proxy upstream must be on loopback, got ${upstream.host}`);
  const pairs = new Set<Pair>();
  let state: ProxyState = 'up';
  let server: Server | null = null;

  function forward(pair: Pair, to: 'client' | 'upstream', chunk: Buffer): void {
    const target = to === 'client' ? pair.client : pair.upstream;
    if (state === 'unreachable' || pair.stranded || !target) pair.held.push({ to, chunk });
    else target.write(chunk);
  }

  function cut(pair: Pair): void {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  }

  function link(pair: Pair): void {
    const up = connect(upstream.port, upstream.host);
    pair.upstream = up;
    up.on('data', (chunk: Buffer) => forward(pair, 'client', chunk));
    up.on('error', () => cut(pair));
    up.on('close', () => cut(pair));
  }

  function accept(client: Socket): void {
    const pair: Pair = { client, upstream: null, held: [], stranded: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => forward(pair, 'upstream', chunk));
    client.on('error', () => cut(pair));
    client.on('close', () => cut(pair));
    if (state === 'up') link(pair);
  }

  function listen(port: number): Promise<number> {
    const s = createServer(accept);
    server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
    });
  }

  async function stopListening(): Promise<void> {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  const port = await listen(0);

  return {
    port,
    get state() {
      return state;
    },
    async set(next, options = {}) {
      const previous = state;
      state = next;
      if (next === 'down') {
        for (const pair of [...pairs]) cut(pair);
        await stopListening();
        return;
      }
      if (previous === 'down') await listen(port);
      if (next === 'up') {
        for (const pair of pairs) {
          if (options.strandHeld) {
            pair.stranded = true;
            continue;
          }
          if (!pair.upstream) link(pair);
          for (const { to, chunk } of pair.held.splice(0)) forward(pair, to, chunk);
        }
      }
    },
    async close() {
      state = 'down';
      for (const pair of [...pairs]) cut(pair);
      await stopListening();
    },
  };
}
