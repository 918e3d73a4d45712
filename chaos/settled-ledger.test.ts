import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerSnapshot } from '../simulator/control-types.ts';
import { settledLedger } from './settled-ledger.ts';

const entry = (delivery: 'pending' | 'delivered') =>
  ({
    taskId: 't-1',
    decision: { delivery, callbackAttempts: 2 },
  }) as unknown as LedgerSnapshot['entries'][number];

/** A real HTTP server answering the simulator's ledger route with each snapshot in turn (then the last). */
async function ledgerServer(snapshots: LedgerSnapshot[]): Promise<{ url: string; reads: () => number }> {
  let reads = 0;
  server = createServer((request, response) => {
    if (request.url !== '/_control/ledger') {
      response.writeHead(404).end();
      return;
    }
    const snapshot = snapshots[Math.min(reads++, snapshots.length - 1)];
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(snapshot));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reads: () => reads };
}
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe('settledLedger', () => {
  it('answers at once when no callback is pending', async () => {
    const sim = await ledgerServer([{ entries: [entry('delivered')], refusals: {} }]);
    const settled = await settledLedger(sim.url, 5_000, 10);
    expect(settled).toMatchObject({ pending: 0, waitedMs: 0 });
    expect(sim.reads()).toBe(1);
  });

  it('waits for a pending callback to settle, and answers the settled ledger', async () => {
    const pending = { entries: [entry('pending')], refusals: {} };
    const sim = await ledgerServer([pending, pending, { entries: [entry('delivered')], refusals: {} }]);
    const settled = await settledLedger(sim.url, 5_000, 10);
    expect(settled.pending).toBe(0);
    expect(settled.ledger.entries[0]!.decision!.delivery).toBe('delivered');
    expect(sim.reads()).toBe(3);
    expect(settled.waitedMs).toBeGreaterThan(0);
  });

  it('gives up at its bound and says how many are still pending', async () => {
    const sim = await ledgerServer([{ entries: [entry('pending'), entry('delivered')], refusals: {} }]);
    const settled = await settledLedger(sim.url, 100, 10);
    expect(settled.pending).toBe(1);
    expect(settled.waitedMs).toBeGreaterThanOrEqual(100);
  });
});
