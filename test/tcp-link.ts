// A TCP link to a server that a test controls, standing in for the network between a worker and the
// Temporal server: it can deliver what its clients send late (holdMs), and it can be cut, as a killed
// process's connections end: every byte through it stops at once and it takes no new connection. What a
// client sent that was still held, or sends after the cut, never arrives.
import net from 'node:net';

export interface TcpLink {
  /** host:port to connect to instead of the server's. */
  address: string;
  port: number;
  /** Ends every connection and takes no more. */
  cut(): Promise<void>;
}

export async function tcpLink(target: string, options: { holdMs?: number } = {}): Promise<TcpLink> {
  const at = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, at), Number(target.slice(at + 1))];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    if (options.holdMs)
      client.on('data', (chunk) =>
        setTimeout(() => {
          if (!client.destroyed && !upstream.destroyed) upstream.write(chunk);
        }, options.holdMs),
      );
    else client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const own = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${own}`,
    port: own,
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
