// A TCP link to a server that a test can cut, as a killed process's connections end: every byte through
// it stops at once, and it takes no new connection. What a worker sends after the cut never arrives.
import { connect, createServer, type Socket } from 'node:net';

export interface CuttableLink {
  /** host:port to connect to instead of the server's. */
  address: string;
  cut(): void;
}

export async function cuttableLink(target: string): Promise<CuttableLink> {
  const at = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, at), Number(target.slice(at + 1))];
  const sockets = new Set<Socket>();
  let cut = false;
  const server = createServer((inbound) => {
    if (cut) return inbound.destroy();
    const outbound = connect(port, host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${own}`,
    cut() {
      cut = true;
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
