// A worker killed inside the projection window (issue 12, item 2): after the projection local activity
// wrote a batch to the trail and before the Temporal server recorded the workflow task that made it. The
// server retries the task on another worker, which makes the batch again at a new workflow time; the trail
// must equal the workflow's history all the same (the dead task's rows replaced, the chain intact, the
// read model's times the workflow's).
//
// The window is made wide by a TCP proxy that holds everything the first worker sends to the server for
// 1.5 s: the test sees the batch in the database, then SIGKILLs that worker (a real process, worker.ts)
// while its task completion is still in the proxy. Needs a Postgres server (TEST_DATABASE_URL, as
// `npm run test:pg` and .ci/run provide), which the worker process and the test share.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../api/app.ts';
import type { App } from '../api/deps.ts';
import { verifyChain } from '../db/audit.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { DefinitionStore } from '../db/definitions.ts';
import { caseEvents, caseSteps, cases } from '../db/schema.ts';
import { findUserByName } from '../db/users.ts';
import { ensureDemoUsers } from '../services/demo-users.ts';
import { formatPayloadKey } from '../services/payload-keys.ts';
import { publishCatalog } from '../services/system.ts';
import { connectTemporal, type TemporalServices } from '../services/temporal.ts';
import { FsMaterialStore } from '../storage/material-store.ts';
import { chainHeadsQuery, stateQuery } from '../workflows/messages.ts';
import { registrationApproval } from './fixtures/examples.ts';
import { callApi, startCase } from './helpers.ts';
import { TEST_PAYLOAD_KEYS } from './payload-keys.ts';
import { type TcpLink, tcpLink } from './tcp-link.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.ts';

const admin = process.env.TEST_DATABASE_URL;
const HOLD_MS = 1500;

describe.runIf(admin)('a worker killed inside the projection window', () => {
  let temporal: TemporalServices;
  let database: Database;
  let app: App;
  let url: string;
  let proxy: TcpLink;
  let databaseUrl: string;
  let clerkId: string;
  let tokens: Record<string, string>;
  const workers = new Set<ChildProcess>();
  const dir = mkdtempSync(join(tmpdir(), 'yjs-projection-window-'));
  let throwaway: ThrowawayDatabase | undefined;
  const taskQueue = `projection-window-${randomUUID()}`;

  /** worker.ts in a process of its own, reaching the Temporal server at `address`. */
  function startWorker(address: string): ChildProcess {
    const worker = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../worker.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: address,
          DATABASE_URL: databaseUrl,
          TASK_QUEUE: taskQueue,
          PAYLOAD_KEYS: TEST_PAYLOAD_KEYS.map(formatPayloadKey).join(','),
          DATA_DIR: dir,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    workers.add(worker);
    worker.on('exit', () => workers.delete(worker));
    worker.stderr?.on('data', () => undefined);
    return worker;
  }

  const ready = (worker: ChildProcess) =>
    new Promise<void>((resolve, reject) => {
      worker.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Case worker on task queue')) resolve();
      });
      worker.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    });

  beforeAll(async () => {
    throwaway = await createThrowawayDatabase(admin!);
    databaseUrl = throwaway.url;
    database = await openDatabase({ url: databaseUrl, poolSize: 4 });
    const address = inject('temporalAddress');
    temporal = await connectTemporal(address, TEST_PAYLOAD_KEYS);
    // Holds everything the first worker sends HOLD_MS (and nothing of a client that has gone arrives).
    proxy = await tcpLink(address, { holdMs: HOLD_MS });
    const definitions = new DefinitionStore(database.db);
    await publishCatalog(definitions);
    const credentials = await ensureDemoUsers(database.db, dir);
    tokens = Object.fromEntries(credentials.map((c) => [c.user, c.token]));
    clerkId = (await findUserByName(database.db, 'clerk'))!.id;
    app = await buildApp({
      db: database.db,
      definitions,
      client: temporal.client,
      taskQueue,
      materials: new FsMaterialStore(join(dir, 'materials')),
      updateWaitMs: 90_000,
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await app?.close();
    await proxy?.cut();
    await database?.close();
    await temporal?.stop();
    await throwaway?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the dead task’s rows: the trail equals the workflow’s history, the chain is intact', async () => {
    const definition = (await new DefinitionStore(database.db).latest('company-startup'))!;
    const slow = startWorker(`127.0.0.1:${proxy.port}`);
    await ready(slow);
    const handle = await startCase(
      { db: database.db, client: temporal.client, taskQueue, clerk: clerkId },
      definition,
    );
    const caseId = handle.workflowId;
    const trail = () =>
      database.db
        .select({
          seq: caseEvents.seq,
          hash: caseEvents.hash,
          type: caseEvents.type,
          fence: caseEvents.fence,
        })
        .from(caseEvents)
        .where(eq(caseEvents.caseId, caseId))
        .orderBy(asc(caseEvents.seq));
    await expect.poll(async () => (await trail()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    // Let the opening task complete on the slow worker (its completion arrives HOLD_MS late).
    await expect
      .poll(async () => (await handle.query(chainHeadsQuery)).at(-1)?.[0], { timeout: 30_000 })
      .toBe((await trail()).length);
    const before = (await trail()).length;

    const decision = callApi(url, 'POST', `/api/cases/${caseId}/steps/registration/decision`, tokens.samr!, {
      outcome: 'approve',
      opinion: '准予设立登记',
      outputs: registrationApproval,
    });
    // The registration's batch is in the trail: kill the worker before its task completion gets through.
    await expect
      .poll(async () => (await trail()).length, { timeout: 30_000, interval: 5 })
      .toBeGreaterThan(before);
    slow.kill('SIGKILL');
    const dead = (await trail()).slice(before);
    expect(dead.map((r) => r.type)).toContain('step.approved');

    const fresh = startWorker(inject('temporalAddress'));
    await ready(fresh);
    const answer = await decision;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);

    // The dead task's rows were replaced by the retried task's (made later, so hashed differently).
    const after = await trail();
    expect(after[before]!.hash).not.toBe(dead[0]!.hash);
    expect(after[before]!.fence!).toBeGreaterThan(dead[0]!.fence!);
    expect(await verifyChain(database.db, caseId)).toMatchObject({ intact: true });

    // The trail's head is the one the workflow's history holds, and the read model's times its times.
    const state = await handle.query(stateQuery);
    const [headSeq, headHash] = (await handle.query(chainHeadsQuery)).at(-1)!;
    const head = after.find((r) => r.seq === headSeq)!;
    expect(head.hash).toBe(headHash);
    const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
    expect(row!.data).toEqual(state.data);
    const [registration] = await database.db
      .select()
      .from(caseSteps)
      .where(and(eq(caseSteps.caseId, caseId), eq(caseSteps.stepId, 'registration')));
    const approved = Object.values(state.data)[0]!;
    expect(registration!.decidedAt!.toISOString()).toBe(approved.at);
    expect(registration!.status).toBe(state.steps.registration);
  }, 180_000);
});
