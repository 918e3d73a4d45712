// Port helpers: the embedded services prefer their usual ports but move aside when something else has
// them, so two checkouts (or a test run) can work side by side.
import { createServer } from 'node:net';

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** The preferred port if it is free, else one the system picks. */
export async function availablePort(preferred = 0): Promise<number> {
  return (await tryListen(preferred)) ?? (await tryListen(0))!;
}
