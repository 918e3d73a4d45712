// A database outage as the API sees it (issue 12): reads answer 503 with Retry-After while the Postgres
// server cannot be reached, and work again when it is back (postgres.js reconnects by itself). Needs a
// Postgres server (TEST_DATABASE_URL, as `npm run test:pg` and .ci/run provide): the outage is a TCP
// proxy between the API's pool and that server, cut and restored by the test.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import type { App } from '../api/deps.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { publishCatalog } from '../services/system.ts';
import { connectTemporal, type TemporalServices } from '../services/temporal.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { callApi } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.ts';

const admin = process.env.TEST_DATABASE_URL;

/** A TCP proxy to the database server that can be cut (connections dropped, new ones refused) and restored. */
class DatabaseProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly host: string,
    private readonly upstreamPort: number,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.upstreamPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => server?.close(resolve));
  }
}

describe.runIf(admin)('a database outage', () => {
  let temporal: TemporalServices;
  let database: Database;
  let app: App;
  let url: string;
  let proxy: DatabaseProxy;
  let manager: string;
  const dir = mkdtempSync(join(tmpdir(), 'yjs-db-outage-'));
  let throwaway: ThrowawayDatabase | undefined;

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(admin!);
    const target = new URL(throwaway.url);
    proxy = new DatabaseProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const proxied = new URL(throwaway.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    database = await openDatabase({ url: proxied.toString(), poolSize: 2 });
    temporal = await connectTemporal(inject('temporalAddress'), TEST_PAYLOAD_KEYS);
    const definitions = new DefinitionStore(database.db);
    await publishCatalog(definitions);
    const credentials = await ensureDemoUsers(database.db, dir);
    manager = credentials.find((c) => c.user === 'manager')!.token;
    app = await buildApp({
      db: database.db,
      definitions,
      client: temporal.client,
      taskQueue: `db-outage-${randomUUID()}`,
      materials: new FsMaterialStore(join(dir, 'materials')),
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await temporal?.stop();
    await throwaway?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while the server is unreachable, and 200 again once it is back', async () => {
    expect((await callApi(url, 'GET', '/api/cases', manager)).status).toBe(200);
    await proxy.cut();
    const down = await callApi(url, 'GET', '/api/cases', manager);
    expect(down.status, JSON.stringify(down.body)).toBe(503);
    expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    await proxy.start();
    await expect
      .poll(async () => (await callApi(url, 'GET', '/api/cases', manager)).status, { timeout: 20_000 })
      .toBe(200);
  }, 60_000);
});
